package dev.adjoint.spark

import breeze.linalg.{DenseVector => BDV}
import breeze.optimize.DiffFunction
import dev.adjoint.runtime.DifferentiableFunction

/**
 * A `DifferentiableFunction` as Breeze's `DiffFunction` over its dense vectors, for `Lbfgs`.
 *
 * The module's one Scala class: `DiffFunction` is a Scala trait that no Java class can implement
 * (it has both Scala's `double apply(T)` and `Function1`'s erased `Object apply(T)`), nor can a
 * Java class extend one of Breeze's classes (their generic signatures do not check as Java), nor
 * can a `java.lang.reflect.Proxy` implement it (same clash).
 */
final class BreezeFunction(f: DifferentiableFunction) extends DiffFunction[BDV[Double]] {
  private var count = 0

  /** The number of calls to `calculate`. */
  def evaluations: Int = count

  override def calculate(x: BDV[Double]): (Double, BDV[Double]) = {
    val gradient = new Array[Double](f.dimension())
    val value = f.valueAndGradient(x.toArray, gradient)
    count += 1
    (value, BDV(gradient))
  }
}

package dev.adjoint.spark;

import breeze.linalg.DenseVector;
import breeze.linalg.DenseVector$;
import breeze.linalg.DenseVector$mcD$sp;
import breeze.optimize.CachedDiffFunction;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import dev.adjoint.runtime.DifferentiableFunction;
import java.util.ArrayList;
import java.util.List;
import scala.reflect.ClassTag$;

/**
 * Breeze's L-BFGS, the optimiser MLlib's own linear models use, over any {@link
 * DifferentiableFunction}: typically a {@link DistributedObjective}'s mean loss plus a penalty. The
 * settings and the loss history are MLlib's: {@code new LBFGS(maxIterations, memory, tolerance)},
 * wrapped in Breeze's {@code CachedDiffFunction} (the line search evaluates a point once), each
 * iteration's value recorded.
 */
public final class Lbfgs {
  private final int maxIterations;
  private final int memory;
  private final double tolerance;

  /**
   * At most {@code maxIterations} iterations, {@code memory} correction pairs (MLlib uses 10), and
   * Breeze's convergence test with {@code tolerance} (relative change of the value, or of the
   * gradient's norm; MLlib's {@code tol}).
   */
  public Lbfgs(int maxIterations, int memory, double tolerance) {
    if (maxIterations < 1 || memory < 1 || !(tolerance >= 0)) {
      throw new IllegalArgumentException("L-BFGS needs maxIterations >= 1, memory >= 1 and"
          + " tolerance >= 0, but got " + maxIterations + ", " + memory + ", " + tolerance);
    }
    this.maxIterations = maxIterations;
    this.memory = memory;
    this.tolerance = tolerance;
  }

  /** Minimises {@code f} from {@code start} (not written to). */
  public Fit minimize(DifferentiableFunction f, double[] start) {
    if (start.length != f.dimension()) {
      throw new IllegalArgumentException("the start must have the function's dimension "
          + f.dimension() + ", but it has length " + start.length);
    }
    BreezeFunction adapter = new BreezeFunction(f);
    LBFGS<DenseVector<Object>> lbfgs =
        new LBFGS<>(maxIterations, memory, tolerance, DenseVector$.MODULE$.space_Double());
    DiffFunction<DenseVector<Object>> cached =
        new CachedDiffFunction<>(
            adapter, DenseVector$.MODULE$.canCopyDenseVector(ClassTag$.MODULE$.Double()));
    scala.collection.Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>>
        states = lbfgs.iterations(cached, new DenseVector$mcD$sp(start.clone()));
    List<Double> history = new ArrayList<>();
    FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> state = null;
    while (states.hasNext()) {
      state = states.next();
      history.add(state.adjustedValue());
    }
    if (state == null) {
      throw new IllegalStateException("Breeze's L-BFGS returned no state");
    }
    double[] values = new double[history.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = history.get(i);
    }
    String reason = state.convergenceReason().isDefined()
        ? state.convergenceReason().get().reason()
        : "stopped";
    return new Fit(toArray(state.x()), values, state.iter(), adapter.evaluations(), reason);
  }

  static double[] toArray(DenseVector<Object> v) {
    double[] data = v.data$mcD$sp();
    double[] out = new double[v.length()];
    for (int i = 0, k = v.offset(); i < out.length; i++, k += v.stride()) {
      out[i] = data[k];
    }
    return out;
  }

}

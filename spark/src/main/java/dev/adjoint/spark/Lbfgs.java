package dev.adjoint.spark;

import breeze.linalg.DenseVector;
import breeze.linalg.DenseVector$;
import breeze.linalg.DenseVector$mcD$sp;
import breeze.optimize.CachedDiffFunction;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import dev.adjoint.runtime.DifferentiableFunction;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import scala.Tuple2;
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
    Adapter adapter = new Adapter(f);
    LBFGS<DenseVector<Object>> lbfgs =
        new LBFGS<>(maxIterations, memory, tolerance, DenseVector$.MODULE$.space_Double());
    DiffFunction<DenseVector<Object>> cached =
        new CachedDiffFunction<>(
            adapter.asBreeze(), DenseVector$.MODULE$.canCopyDenseVector(ClassTag$.MODULE$.Double()));
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
    return new Fit(toArray(state.x()), values, state.iter(), adapter.evaluations, reason);
  }

  static double[] toArray(DenseVector<Object> v) {
    double[] data = v.data$mcD$sp();
    double[] out = new double[v.length()];
    for (int i = 0, k = v.offset(); i < out.length; i++, k += v.stride()) {
      out[i] = data[k];
    }
    return out;
  }

  /**
   * The function as Breeze's {@code DiffFunction} over its dense vectors, with only {@code
   * calculate}: Breeze's {@code CachedDiffFunction} wraps it, as in MLlib, and is what L-BFGS sees.
   * {@code DiffFunction} is a Scala trait that no Java class can implement or extend (it has both
   * Scala's {@code double apply(T)} and {@code Function1}'s erased {@code Object apply(T)}, and its
   * Scala classes' generic signatures do not check as Java), so the adapter is a dynamic proxy of the
   * interface: the one use of {@code java.lang.reflect} in the module, on Breeze's side; the user's
   * and the generated code are reached by plain calls.
   */
  private static final class Adapter {
    private final DifferentiableFunction f;
    int evaluations;

    Adapter(DifferentiableFunction f) {
      this.f = f;
    }

    Tuple2<Object, DenseVector<Object>> calculate(DenseVector<Object> x) {
      double[] gradient = new double[f.dimension()];
      double value = f.valueAndGradient(toArray(x), gradient);
      evaluations++;
      return new Tuple2<>(value, new DenseVector$mcD$sp(gradient));
    }

    @SuppressWarnings("unchecked")
    DiffFunction<DenseVector<Object>> asBreeze() {
      InvocationHandler handler = (proxy, method, args) -> {
        switch (method.getName()) {
          case "calculate":
            return calculate((DenseVector<Object>) args[0]);
          case "toString":
            return "Adjoint's function of dimension " + f.dimension();
          case "hashCode":
            return System.identityHashCode(proxy);
          case "equals":
            return proxy == args[0];
          default:
            throw new UnsupportedOperationException("only calculate is implemented, but Breeze"
                + " called " + method);
        }
      };
      return (DiffFunction<DenseVector<Object>>) Proxy.newProxyInstance(
          DiffFunction.class.getClassLoader(), new Class<?>[] {DiffFunction.class}, handler);
    }
  }
}

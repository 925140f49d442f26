package dev.adjoint.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.function.Supplier;

/**
 * Values and gradients over a batch, on all cores: the tutorial's {@code vmap(grad(f))} for Java
 * (per-example gradients for clipping or differential privacy, many independent fits, scenario
 * sweeps). It is a runtime helper over the generated workspaces, so classes that do not batch do
 * not grow:
 *
 * <pre>{@code
 * double[] values = new double[points.length];
 * double[][] grads = new double[points.length][n];
 * Batch.forEach(points.length, RosenbrockAdjoint::rosenbrockWorkspace, (ws, i) -> {
 *   values[i] = ws.valueAndGrad(points[i]);
 *   System.arraycopy(ws.x(), 0, grads[i], 0, n);
 * });
 * }</pre>
 *
 * <p>The indices are cut into one contiguous range per thread; each range makes its own
 * workspace ({@code perThread}), so no workspace is shared, and runs its indices in order. The
 * caller runs the first range and {@link java.util.concurrent.ForkJoinPool#commonPool() the common
 * pool} the others (parallel streams' pool: on 2 cores the caller and one worker). Each index's
 * computation is the same sequence of floating-point operations whichever thread runs it, so the
 * results are bit-identical for any parallelism, provided the body writes only what belongs to its
 * index and reads nothing another index writes (the body's business: shared data must be read
 * only, and the method must not change state it reads, such as a field, or a generator passed in:
 * create the generator inside, from a seed per index). Custom rules run as in any other call.
 */
public final class Batch {
  private Batch() {}

  /** What the batch does for one index, with the workspace of the thread that runs it. */
  @FunctionalInterface
  public interface Body<W> {
    void run(W workspace, int index);
  }

  /**
   * Runs {@code body} for every index in {@code [0, n)} on up to {@link
   * Runtime#availableProcessors()} threads.
   *
   * @param perThread makes a workspace (or any per-thread state) for each range of indices
   */
  public static <W> void forEach(int n, Supplier<? extends W> perThread, Body<? super W> body) {
    forEach(n, Runtime.getRuntime().availableProcessors(), perThread, body);
  }

  /**
   * Runs {@code body} for every index in {@code [0, n)} on up to {@code parallelism} threads (1:
   * in the caller, in order). An exception thrown by a body (or {@code perThread}) is rethrown
   * here as {@link ForkJoinTask#invokeAll} rethrows it: of its type, possibly a copy made in this
   * thread whose cause is the original; the other ranges may have stopped early or finished.
   */
  public static <W> void forEach(int n, int parallelism, Supplier<? extends W> perThread,
      Body<? super W> body) {
    Objects.requireNonNull(perThread, "perThread");
    Objects.requireNonNull(body, "body");
    if (n < 0) {
      throw new IllegalArgumentException("expected a batch size >= 0, got " + n);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("expected a parallelism >= 1, got " + parallelism);
    }
    int ranges = Math.min(n, parallelism);
    if (ranges <= 1) {
      run(0, n, perThread, body);
      return;
    }
    List<RecursiveAction> tasks = new ArrayList<>(ranges);
    for (int r = 0; r < ranges; r++) {
      // [n r / ranges, n (r + 1) / ranges): sizes differ by at most one
      int from = (int) ((long) n * r / ranges);
      int to = (int) ((long) n * (r + 1) / ranges);
      tasks.add(new RecursiveAction() {
        @Override
        protected void compute() {
          run(from, to, perThread, body);
        }
      });
    }
    // The caller runs the first range and joins the rest, which the common pool runs.
    ForkJoinTask.invokeAll(tasks);
  }

  private static <W> void run(int from, int to, Supplier<? extends W> perThread,
      Body<? super W> body) {
    if (from >= to) {
      return;
    }
    W workspace = perThread.get();
    for (int i = from; i < to; i++) {
      body.run(workspace, i);
    }
  }

  /**
   * The values and gradients of {@code f} at each of {@code points}, on all cores: {@code
   * valuesOut[i]} and {@code gradientsOut[i]} (each of length {@code f.dimension()}, overwritten)
   * at {@code points[i]}. A generated {@code mFunction} may be shared by threads; for the
   * workspace form, which reuses its arrays, use {@link #forEach}.
   */
  public static void valueAndGradient(DifferentiableFunction f, double[][] points,
      double[] valuesOut, double[][] gradientsOut) {
    Objects.requireNonNull(f, "f");
    if (valuesOut.length != points.length || gradientsOut.length != points.length) {
      throw new IllegalArgumentException("expected " + points.length + " values and gradients,"
          + " got " + valuesOut.length + " values and " + gradientsOut.length + " gradients");
    }
    forEach(points.length, () -> f,
        (g, i) -> valuesOut[i] = g.valueAndGradient(points[i], gradientsOut[i]));
  }
}

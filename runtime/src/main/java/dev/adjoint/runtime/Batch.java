package dev.adjoint.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
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
 * caller and Adjoint's batch threads (daemons, one fewer than the processors, made on the first
 * parallel call) take the ranges; the caller takes the first and any left, then waits for the
 * rest. An idle batch thread spins for 0.2 ms before it parks, so that back-to-back batches find
 * it awake (OpenMP's runtimes do the same). Each index's
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
   * in the caller, in order). Once every range has stopped, the first exception thrown by a
   * body (or {@code perThread}), in the order of the ranges, is rethrown here, the very object
   * thrown (in another thread, for another range); a range stops at its first exception.
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
    Job job = new Job(ranges, r -> run((int) ((long) n * r / ranges),
        (int) ((long) n * (r + 1) / ranges), perThread, body));
    Workers.submit(job);
    while (job.help()) {
      // the caller takes ranges too, the first one first
    }
    Workers.taken(job);
    job.await();
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

  /**
   * One call's ranges: any thread takes the next one ({@link #help}), so the caller can run all
   * of them itself (a batch inside a batch's body cannot deadlock) and a range runs once.
   */
  private static final class Job {
    private final int ranges;
    private final IntConsumer range;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicReferenceArray<Throwable> failures;
    private final Thread caller = Thread.currentThread();

    Job(int ranges, IntConsumer range) {
      this.ranges = ranges;
      this.range = range;
      this.failures = new AtomicReferenceArray<>(ranges);
    }

    /** Runs the next range not taken yet, if any; false when every range is taken. */
    boolean help() {
      int r = next.getAndIncrement();
      if (r >= ranges) {
        return false;
      }
      try {
        range.accept(r);
      } catch (Throwable t) {
        failures.set(r, t);
      }
      if (finished.incrementAndGet() == ranges) {
        LockSupport.unpark(caller);
      }
      return true;
    }

    boolean taken() {
      return next.get() >= ranges;
    }

    /**
     * Waits until every range has finished, spinning a little before it parks (a batch of
     * gradients takes about a millisecond; a parked thread wakes tens of microseconds late, more
     * in a virtual machine), then rethrows the first failure in the order of the ranges.
     */
    void await() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (finished.get() < ranges && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      while (finished.get() < ranges) {
        LockSupport.park(this);
      }
      for (int r = 0; r < ranges; r++) {
        Throwable t = failures.get(r);
        if (t instanceof RuntimeException e) {
          throw e;
        }
        if (t instanceof Error e) {
          throw e;
        }
      }
    }
  }

  /** How long an idle thread spins before it parks. */
  private static final long SPIN_NANOS = 200_000;

  /**
   * Daemon threads, one fewer than the processors, made on the first parallel call, that take
   * ranges of submitted jobs. An idle worker spins for {@link #SPIN_NANOS} before it parks, as
   * OpenMP's runtimes do, so that back-to-back batches find it awake: on the project's 2-core
   * virtual machine a parked worker took 50 to 70 us to start a range, and a batch of 256
   * gradients ran 1.4 times as fast as the loop where a spinning one made it 1.8 times.
   */
  private static final class Workers {
    private static final Queue<Job> JOBS = new ConcurrentLinkedQueue<>();
    private static final List<Thread> THREADS = start();

    private static List<Thread> start() {
      int count = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
      List<Thread> threads = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Thread t = new Thread(Workers::work, "adjoint-batch-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      return List.copyOf(threads);
    }

    static void submit(Job job) {
      JOBS.add(job);
      for (Thread t : THREADS) {
        LockSupport.unpark(t);
      }
    }

    /** Forgets a job whose ranges are all taken. */
    static void taken(Job job) {
      JOBS.remove(job);
    }

    private static void work() {
      while (true) {
        Job job = JOBS.peek();
        if (job != null) {
          if (!job.help() && job.taken()) {
            JOBS.remove(job);
          }
          continue;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (JOBS.isEmpty() && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        if (JOBS.isEmpty()) {
          // a job submitted after this check unparks it: the permit makes park return
          LockSupport.park(Workers.class);
        }
      }
    }
  }
}

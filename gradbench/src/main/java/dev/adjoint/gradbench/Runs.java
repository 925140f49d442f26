package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * How often an {@code evaluate} message asks for its function to be run: GradBench's {@code Runs}
 * fields {@code min_runs} and {@code min_seconds}, which sit inside the message's {@code input}.
 * The function runs while fewer than {@code min_runs} runs are done or their times add up to less
 * than {@code min_seconds} (GradBench's own C++ and JavaScript tools count the same way: the sum
 * of the timed runs, not the wall clock). An input without these fields (the {@code hello} eval's
 * inputs are bare numbers) is run once, as GradBench's C++ tools do.
 *
 * @param minRuns at least this many runs (a value below 1 still gives one)
 * @param minSeconds keep running until the runs' times add up to this many seconds
 */
record Runs(int minRuns, double minSeconds) {

  /** The runs that {@code input} asks for; once when it names none. */
  static Runs of(JsonNode input) {
    JsonNode runs = input == null ? null : input.get("min_runs");
    JsonNode seconds = input == null ? null : input.get("min_seconds");
    return new Runs(
        runs != null && runs.isNumber() ? runs.asInt() : 1,
        seconds != null && seconds.isNumber() ? seconds.asDouble() : 0);
  }

  /**
   * Runs {@code evaluation} as often as asked and returns the time of each run in nanoseconds, in
   * order. Only {@link EvalModule.Evaluation#run} is inside the timed region.
   */
  long[] time(EvalModule.Evaluation evaluation) {
    long[] times = new long[Math.max(1, minRuns)];
    int count = 0;
    long total = 0;
    double minNanos = minSeconds * 1e9;
    do {
      long start = System.nanoTime();
      evaluation.run();
      long elapsed = System.nanoTime() - start;
      if (count == times.length) {
        times = Arrays.copyOf(times, 2 * times.length);
      }
      times[count++] = elapsed;
      total += elapsed;
    } while (count < minRuns || total < minNanos);
    return Arrays.copyOf(times, count);
  }
}

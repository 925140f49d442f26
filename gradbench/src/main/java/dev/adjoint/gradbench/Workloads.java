package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Inputs of GradBench's evals, as the {@code input} of an {@code evaluate} message, generated from
 * a seed. The shapes and distributions are GradBench's (its evals draw from NumPy's seeded
 * generators, which this does not reproduce: the numbers differ, their kind does not): {@code lse}
 * x uniform in [0, 1); {@code llsq} x uniform in [0, 1); {@code gmm} x, q, l, α standard normal
 * and μ uniform in [0, 1).
 */
final class Workloads {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Workloads() {}

  /** GradBench's default sizes of {@code lse}: n = 2 500 to 1 280 000, doubling. */
  static final int[] LSE_SIZES = {
    2500, 5000, 10000, 20000, 40000, 80000, 160000, 320000, 640000, 1280000
  };

  /** GradBench's default sizes of {@code llsq}: n = 16 to 16 392 (its list), m = 128. */
  static final int[] LLSQ_SIZES = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8196, 16392};

  /** GradBench's {@code llsq} default m. */
  static final int LLSQ_M = 128;

  /** GradBench's default d of {@code gmm}. */
  static final int[] GMM_D = {2, 10, 20, 32, 64};

  /** GradBench's default k of {@code gmm}. */
  static final int[] GMM_K = {5, 10, 25, 50, 100};

  /** GradBench's default n of {@code gmm}. */
  static final int GMM_N = 1000;

  /** {@code {"x": n numbers}}. */
  static ObjectNode lse(long seed, int n) {
    Random random = new Random(seed);
    ObjectNode input = NODES.objectNode();
    input.set("x", vector(n, random::nextDouble));
    return input;
  }

  /** {@code {"x": m numbers, "n": n}}. */
  static ObjectNode llsq(long seed, int n, int m) {
    Random random = new Random(seed);
    ObjectNode input = NODES.objectNode();
    input.set("x", vector(m, random::nextDouble));
    input.put("n", n);
    return input;
  }

  /** The {@code gmm} input of GradBench's generator, with m = 0 and γ = 1 as its defaults. */
  static ObjectNode gmm(long seed, int d, int k, int n) {
    return gmm(seed, d, k, n, 0, 1.0);
  }

  /** {@code {"d", "k", "n", "x", "m", "gamma", "mu", "q", "l", "alpha"}}. */
  static ObjectNode gmm(long seed, int d, int k, int n, int m, double gamma) {
    Random random = new Random(seed);
    ObjectNode input = NODES.objectNode();
    input.put("d", d);
    input.put("k", k);
    input.put("n", n);
    input.set("x", matrix(n, d, random::nextGaussian));
    input.put("m", m);
    input.put("gamma", gamma);
    input.set("mu", matrix(k, d, random::nextDouble));
    input.set("q", matrix(k, d, random::nextGaussian));
    input.set("l", matrix(k, d * (d - 1) / 2, random::nextGaussian));
    input.set("alpha", vector(k, random::nextGaussian));
    return input;
  }

  /** {@code input} with GradBench's {@code min_runs} and {@code min_seconds} added. */
  static ObjectNode withRuns(ObjectNode input, int minRuns, double minSeconds) {
    ObjectNode copy = input.deepCopy();
    copy.put("min_runs", minRuns);
    copy.put("min_seconds", minSeconds);
    return copy;
  }

  private static ArrayNode vector(int length, DoubleSupplier values) {
    ArrayNode array = NODES.arrayNode(length);
    for (int i = 0; i < length; i++) {
      array.add(values.getAsDouble());
    }
    return array;
  }

  private static ArrayNode matrix(int rows, int columns, DoubleSupplier values) {
    ArrayNode array = NODES.arrayNode(rows);
    for (int i = 0; i < rows; i++) {
      array.add(vector(columns, values));
    }
    return array;
  }
}

package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import java.util.Arrays;
import java.util.Map;

/**
 * GradBench's {@code kmeans} eval: the k-means cost f(P, C) = Σ<sub>i</sub>
 * min<sub>j</sub> ‖C<sub>j</sub> − P<sub>i</sub>‖² of n points P and k centroids C in d dimensions
 * ({@code cost}), and the Newton direction J H<sup>−1</sup> in the centroids ({@code dir}), J the
 * gradient and H the Hessian's diagonal, both by AD: one {@code objectiveHvp} along the all-ones
 * direction.
 *
 * <p>Why one Hessian-vector product is enough: away from ties in the minimum (which GradBench's
 * input, random points, does not have) f is locally Σ<sub>i</sub> ‖C<sub>a(i)</sub> −
 * P<sub>i</sub>‖², a(i) the closest centroid of point i, a sum of squares each in one
 * coordinate of one centroid. So ∂²f / ∂C<sub>jl</sub> ∂C<sub>j'l'</sub> = 0 unless (j, l) =
 * (j', l'), where it is 2 n<sub>j</sub> (n<sub>j</sub> the size of cluster j): H is diagonal, and
 * H · 1 is exactly its diagonal. (GradBench's AD tools do the same: JAX's {@code dir} is {@code
 * jvp(grad(cost), [ones])}, PyTorch's {@code vhp(cost, centroids, v=ones_like(centroids))},
 * Enzyme's forward mode over its reverse mode seeded with ones; the {@code manual} tool writes the
 * closed form.) {@code KmeansTest} also checks the full {@code objectiveHessian} on a small input
 * is exactly diagonal. The eval guarantees every cluster has a point, so no entry is 0, and
 * dir = J / diag H = C<sub>j</sub> − mean of cluster j, which {@code KmeansTest} checks.
 *
 * <p>Input {@code {"points": n×d, "centroids": k×d}} (and {@code min_runs}, {@code
 * min_seconds}); {@code cost} outputs a number, {@code dir} a k×d list of lists.
 */
final class Kmeans implements EvalModule {

  /**
   * The cost, as GradBench's C++ {@code objective} writes it: for each point the smallest squared
   * distance to a centroid, kept by a strict {@code <} so that, as with {@code std::min}, the
   * first of two equally close centroids wins.
   */
  @Differentiable(order = 2)
  static double objective(@NoDiff double[][] points, double[][] centroids) {
    int k = centroids.length;
    double cost = 0;
    for (int i = 0; i < points.length; i++) {
      double[] point = points[i];
      double closest = Double.POSITIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double distance = 0;
        for (int l = 0; l < point.length; l++) {
          double difference = centroids[j][l] - point[l];
          distance += difference * difference;
        }
        if (distance < closest) {
          closest = distance;
        }
      }
      cost += closest;
    }
    return cost;
  }

  /**
   * The Newton direction: the gradient over the Hessian's diagonal, from one Hessian-vector
   * product along {@code ones} (a k×d matrix of ones; see the class comment for why that is the
   * diagonal), written into {@code dir}.
   */
  static void direction(
      double[][] points, double[][] centroids, double[][] ones, double[][] dir) {
    KmeansAdjoint.ObjectiveHvp hvp = KmeansAdjoint.objectiveHvp(points, centroids, ones);
    double[][] gradient = hvp.grad().centroids();
    double[][] diagonal = hvp.hvp().centroids();
    for (int j = 0; j < dir.length; j++) {
      for (int l = 0; l < dir[j].length; l++) {
        dir[j][l] = gradient[j][l] / diagonal[j][l];
      }
    }
  }

  @Override
  public String name() {
    return "kmeans";
  }

  @Override
  public Map<String, Function> functions() {
    return Map.of("cost", Cost::new, "dir", Dir::new);
  }

  /** A decoded input: at least one point and one centroid, all of one dimension d ≥ 1. */
  static final class Input {
    final double[][] points;
    final double[][] centroids;

    Input(JsonNode input) {
      points = Inputs.matrix(input, "points");
      centroids = Inputs.matrix(input, "centroids");
      if (points.length == 0 || centroids.length == 0) {
        throw new IllegalArgumentException("points and centroids must not be empty");
      }
      int d = points[0].length;
      if (d == 0) {
        throw new IllegalArgumentException("points[0] must not be empty");
      }
      requireColumns("points", points, d);
      requireColumns("centroids", centroids, d);
    }

    private static void requireColumns(String name, double[][] matrix, int d) {
      for (int i = 0; i < matrix.length; i++) {
        if (matrix[i].length != d) {
          throw new IllegalArgumentException(
              name + "[" + i + "] must have length " + d + ", but has " + matrix[i].length);
        }
      }
    }
  }

  private static final class Cost implements Evaluation {
    private final Input in;
    private double value;

    Cost(JsonNode input) {
      in = new Input(input);
    }

    @Override
    public void run() {
      value = objective(in.points, in.centroids);
    }

    @Override
    public Object output() {
      return value;
    }
  }

  private static final class Dir implements Evaluation {
    private final Input in;
    private final double[][] ones;
    private final double[][] dir;

    Dir(JsonNode input) {
      in = new Input(input);
      int k = in.centroids.length;
      int d = in.centroids[0].length;
      ones = new double[k][d];
      for (double[] row : ones) {
        Arrays.fill(row, 1.0);
      }
      dir = new double[k][d];
    }

    @Override
    public void run() {
      direction(in.points, in.centroids, ones, dir);
    }

    @Override
    public Object output() {
      return dir;
    }
  }
}

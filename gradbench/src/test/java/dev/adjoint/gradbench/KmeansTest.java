package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code kmeans} eval against closed forms from the cluster assignments: with n<sub>j</sub>
 * points of mean m<sub>j</sub> closest to centroid j, the gradient in C<sub>j</sub> is
 * 2 n<sub>j</sub> (C<sub>j</sub> − m<sub>j</sub>), the Hessian is diagonal with 2 n<sub>j</sub>
 * on C<sub>j</sub>'s entries, and dir is C<sub>j</sub> − m<sub>j</sub>.
 */
final class KmeansTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** n points uniform in [0, 1)^d, as GradBench draws them. */
  private static double[][] uniform(Random random, int n, int d) {
    double[][] points = new double[n][d];
    for (double[] point : points) {
      for (int l = 0; l < d; l++) {
        point[l] = random.nextDouble();
      }
    }
    return points;
  }

  /** GradBench's centroids: the last k points, so no cluster is empty. */
  private static double[][] lastRows(double[][] points, int k) {
    double[][] centroids = new double[k][];
    for (int j = 0; j < k; j++) {
      centroids[j] = points[points.length - k + j].clone();
    }
    return centroids;
  }

  private static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int l = 0; l < a.length; l++) {
      s += (a[l] - b[l]) * (a[l] - b[l]);
    }
    return s;
  }

  /** The index of the centroid closest to {@code point}, the first of equals. */
  private static int closest(double[] point, double[][] centroids) {
    int best = 0;
    for (int j = 1; j < centroids.length; j++) {
      if (squaredDistance(point, centroids[j]) < squaredDistance(point, centroids[best])) {
        best = j;
      }
    }
    return best;
  }

  private static ObjectNode input(double[][] points, double[][] centroids) {
    ObjectNode input = JSON.createObjectNode();
    input.set("points", JSON.valueToTree(points));
    input.set("centroids", JSON.valueToTree(centroids));
    return input;
  }

  /** GradBench's tolerance criterion, |a − b| / max(1, |a| + |b|), here far tighter. */
  private static void assertClose(double actual, double expected, double tolerance) {
    assertThat(Math.abs(actual - expected) / Math.max(1, Math.abs(actual) + Math.abs(expected)))
        .isAtMost(tolerance);
  }

  @Test
  void costGradientHessianAndDirMatchTheClusterAssignments() {
    Random random = new Random(31337);
    for (int[] knd : new int[][] {{1, 5, 1}, {3, 20, 2}, {10, 200, 8}, {25, 1000, 16}}) {
      int k = knd[0];
      int n = knd[1];
      int d = knd[2];
      double[][] points = uniform(random, n, d);
      double[][] centroids = lastRows(points, k);

      int[] sizes = new int[k];
      double[][] sums = new double[k][d];
      double cost = 0;
      for (double[] point : points) {
        int j = closest(point, centroids);
        cost += squaredDistance(point, centroids[j]);
        sizes[j]++;
        for (int l = 0; l < d; l++) {
          sums[j][l] += point[l];
        }
      }
      assertClose(Kmeans.objective(points, centroids), cost, 1e-13);

      double[][] ones = new double[k][d];
      for (double[] row : ones) {
        Arrays.fill(row, 1.0);
      }
      KmeansAdjoint.ObjectiveHvp hvp = KmeansAdjoint.objectiveHvp(points, centroids, ones);
      assertThat(hvp.value()).isEqualTo(Kmeans.objective(points, centroids));
      double[][] dir = new double[k][d];
      Kmeans.direction(points, centroids, ones, dir);
      for (int j = 0; j < k; j++) {
        assertThat(sizes[j]).isAtLeast(1);
        for (int l = 0; l < d; l++) {
          double mean = sums[j][l] / sizes[j];
          double gradient = 2 * (sizes[j] * centroids[j][l] - sums[j][l]);
          assertClose(hvp.grad().centroids()[j][l], gradient, 1e-12);
          // Integers times 2: exact.
          assertThat(hvp.hvp().centroids()[j][l]).isEqualTo(2.0 * sizes[j]);
          // GradBench's manual tool: -(sum / size - centroid).
          assertClose(dir[j][l], centroids[j][l] - mean, 1e-13);
        }
      }
    }
  }

  @Test
  void theHessianIsDiagonalSoOneHvpAlongOnesIsItsDiagonal() {
    Random random = new Random(7);
    int k = 3;
    int d = 2;
    double[][] points = uniform(random, 12, d);
    double[][] centroids = lastRows(points, k);
    double[][] hessian = KmeansAdjoint.objectiveHessian(points, centroids);
    double[][] ones = new double[k][d];
    for (double[] row : ones) {
      Arrays.fill(row, 1.0);
    }
    double[][] alongOnes = KmeansAdjoint.objectiveHvp(points, centroids, ones).hvp().centroids();
    assertThat(hessian.length).isEqualTo(k * d);
    for (int a = 0; a < k * d; a++) {
      for (int b = 0; b < k * d; b++) {
        if (a != b) {
          assertThat(hessian[a][b]).isEqualTo(0.0);
        }
      }
      assertThat(hessian[a][a]).isEqualTo(alongOnes[a / d][a % d]);
      assertThat(hessian[a][a]).isAtLeast(2.0);
    }
  }

  @Test
  void theEvalsFunctionsAnswerCostAndDir() {
    double[][] points = {{0, 0}, {1, 0}, {10, 10}, {11, 12}, {0.5, 1}, {10, 11}};
    double[][] centroids = {{0.5, 1}, {10, 11}};
    Kmeans kmeans = new Kmeans();
    assertThat(kmeans.name()).isEqualTo("kmeans");

    EvalModule.Evaluation cost = kmeans.functions().get("cost").prepare(input(points, centroids));
    cost.run();
    // 1.25 + 1.25 + 0 (cluster 0); 1 + 2 + 0 (cluster 1).
    assertThat((Double) cost.output()).isWithin(1e-15).of(5.5);

    EvalModule.Evaluation dir = kmeans.functions().get("dir").prepare(input(points, centroids));
    dir.run();
    dir.run(); // runs reuse the output arrays: the second must give the same answer
    double[][] output = (double[][]) dir.output();
    // Means (0.5, 1/3) and (31/3, 11): dir = centroid - mean.
    assertThat(output[0][0]).isWithin(1e-15).of(0.0);
    assertThat(output[0][1]).isWithin(1e-15).of(1 - 1.0 / 3);
    assertThat(output[1][0]).isWithin(1e-14).of(10 - 31.0 / 3);
    assertThat(output[1][1]).isWithin(1e-15).of(0.0);
  }
}

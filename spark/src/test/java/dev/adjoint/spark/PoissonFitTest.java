package dev.adjoint.spark;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.runtime.GradCheck;
import dev.adjoint.spark.samples.Poisson;
import dev.adjoint.spark.samples.SyntheticData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample's second model, which MLlib lacks, at a test's size: Poisson regression with a
 * softplus link, its distributed objective checked against central differences and fitted.
 */
class PoissonFitTest {
  private static final int ROWS = 20_000;
  private static final int FEATURES = 6;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestData.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void fitRecoversTheHiddenWeights() {
    Dataset<Row> data = SyntheticData.poisson(spark, ROWS, FEATURES, 3, 15);
    Blocks blocks = Blocks.of(data);
    try {
      DistributedObjective sum =
          new DistributedObjective(blocks, FEATURES + 1, Poisson.objective());
      DifferentiableFunction objective = sum.meanPlus(Poisson.penalty(FEATURES + 1, 1e-4));
      double[] truth = SyntheticData.truth(FEATURES, 15);

      // The distributed gradient against central differences of the distributed value.
      GradCheck.Report report = GradCheck.defaults().check(objective, truth);
      assertThat(report.passed()).isTrue();

      double[] start = new double[FEATURES + 1];
      start[FEATURES] = 1;
      Fit fit = new Lbfgs(100, 10, 1e-10).minimize(objective, start);
      // The fit's objective is below the hidden weights' (it is the sample's minimiser), and the
      // fitted weights are within sampling error of the hidden ones (20 000 rows: about 0.02).
      assertThat(fit.loss()).isLessThan(objective.value(truth));
      for (int j = 0; j <= FEATURES; j++) {
        assertThat(fit.parameters()[j]).isWithin(0.08).of(truth[j]);
      }
      // The gradient at the fit is zero to the optimiser's tolerance.
      double[] g = new double[FEATURES + 1];
      objective.valueAndGradient(fit.parameters(), g);
      for (double e : g) {
        assertThat(Math.abs(e)).isLessThan(1e-5);
      }
    } finally {
      blocks.unpersist();
    }
  }
}

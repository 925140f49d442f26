package dev.adjoint.spark;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.spark.samples.Logistic;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS over the distributed generated gradient fits the logistic regression MLlib fits, on the
 * same data and objective: the mean log-loss plus regParam/2·‖coefficients‖².
 */
class LogisticFitTest {
  private static final int ROWS = 20_000;
  private static final int FEATURES = 10;
  private static final double REG_PARAM = 0.01;
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
  void finalObjectiveAgreesWithMllib() {
    List<Row> rows = TestData.logistic(ROWS, FEATURES, 2026);
    Dataset<Row> data = TestData.frame(spark, rows, 4).cache();
    Blocks blocks = Blocks.of(data);
    try {
      DistributedObjective sum =
          new DistributedObjective(blocks, FEATURES + 1, Logistic.objective());
      DifferentiableFunction objective =
          sum.meanPlus(Logistic.penalty(FEATURES + 1, REG_PARAM));
      Fit fit = new Lbfgs(200, 10, 1e-10).minimize(objective, new double[FEATURES + 1]);

      LogisticRegressionModel mllib = new LogisticRegression()
          .setStandardization(false)
          .setElasticNetParam(0)
          .setRegParam(REG_PARAM)
          .setTol(1e-10)
          .setMaxIter(200)
          .fit(data);
      double[] mllibW = new double[FEATURES + 1];
      System.arraycopy(mllib.coefficients().toArray(), 0, mllibW, 0, FEATURES);
      mllibW[FEATURES] = mllib.intercept();
      double[] mllibHistory = mllib.summary().objectiveHistory();

      // At w = 0 every row's log-loss is log 2 and the penalty 0 (the block loss sums its 1 024
      // rows one after another: up to 1 024 roundings of log 2, 1.1e-13 at most).
      assertThat(fit.lossHistory()[0]).isWithin(1.2e-13).of(Math.log(2));
      assertThat(fit.iterations()).isGreaterThan(3);
      assertThat(fit.loss()).isLessThan(0.6);
      for (int i = 1; i < fit.lossHistory().length; i++) {
        assertThat(fit.lossHistory()[i]).isAtMost(fit.lossHistory()[i - 1]);
      }
      // The same objective, evaluated by this module at MLlib's solution and ours, and as MLlib
      // reports it.
      double atMllib = objective.value(mllibW);
      assertThat(Math.abs(fit.loss() - atMllib)).isAtMost(1e-6 * Math.abs(atMllib));
      assertThat(Math.abs(fit.loss() - objective.value(fit.parameters())))
          .isAtMost(1e-15 * fit.loss());
      double mllibFinal = mllibHistory[mllibHistory.length - 1];
      assertThat(Math.abs(fit.loss() - mllibFinal)).isAtMost(1e-6 * Math.abs(mllibFinal));
    } finally {
      blocks.unpersist();
      data.unpersist();
    }
  }
}

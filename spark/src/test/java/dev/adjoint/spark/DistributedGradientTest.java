package dev.adjoint.spark;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.spark.samples.Logistic;
import dev.adjoint.spark.samples.LogisticAdjoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distributed sum of the generated block gradient against the generated gradient over all
 * rows on one machine, for several partitionings; what travels; bad input.
 */
class DistributedGradientTest {
  private static final int ROWS = 3000;
  private static final int FEATURES = 7;
  private static SparkSession spark;
  private static List<Row> rows;
  private static double[] w;

  @BeforeAll
  static void start() {
    spark = TestData.session("local[2]");
    rows = TestData.logistic(ROWS, FEATURES, 14);
    Random random = new Random(3);
    w = new double[FEATURES + 1];
    for (int j = 0; j < w.length; j++) {
      w[j] = 0.5 * random.nextGaussian();
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Σ over rows of the norm of each row's own gradient: the scale of the sum's rounding. */
  private static double rowGradientNorms() {
    double sum = 0;
    double[][] x = TestData.x(rows);
    double[] y = TestData.y(rows);
    for (int i = 0; i < ROWS; i++) {
      double[] g = LogisticAdjoint.blockLossGrad(w, new double[][] {x[i]}, new double[] {y[i]}).w();
      sum += norm(g);
    }
    return sum;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return Math.sqrt(s);
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return Math.sqrt(s);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void datasetGradientEqualsTheSingleMachineGradient(int partitions) {
    var single = LogisticAdjoint.blockLossValueAndGrad(w, TestData.x(rows), TestData.y(rows));
    Blocks blocks = Blocks.of(TestData.frame(spark, rows, partitions), "features", "label", -1, 64);
    try {
      assertThat(blocks.rows()).isEqualTo(ROWS);
      assertThat(blocks.width()).isEqualTo(FEATURES);
      assertThat(blocks.rdd().getNumPartitions()).isEqualTo(partitions);
      DistributedObjective objective =
          new DistributedObjective(blocks, FEATURES + 1, Logistic.objective());
      double[] g = new double[FEATURES + 1];
      double value = objective.sum(w, g);

      double scale = rowGradientNorms();
      assertThat(scale).isGreaterThan(100.0);
      assertThat(distance(g, single.grad().w())).isAtMost(1e-12 * scale);
      assertThat(Math.abs(value - single.value())).isAtMost(1e-12 * Math.abs(single.value()));
      // The sum of a nonzero gradient, not of zeros.
      assertThat(norm(g)).isGreaterThan(1.0);
    } finally {
      blocks.unpersist();
    }
  }

  /** A sample type of the user's, not a Row. */
  record Sample(double[] features, double label) implements Serializable {}

  @Test
  void rddOfSamplesGivesTheSameSumAsTheDataset() {
    List<Sample> samples = new ArrayList<>();
    double[][] x = TestData.x(rows);
    double[] y = TestData.y(rows);
    for (int i = 0; i < ROWS; i++) {
      samples.add(new Sample(x[i], y[i]));
    }
    JavaRDD<Sample> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(samples, 3);
    Blocks fromRdd = Blocks.of(rdd, Sample::features, Sample::label, FEATURES, 64);
    Blocks fromFrame = Blocks.of(TestData.frame(spark, rows, 3), "features", "label", -1, 64);
    try {
      double[] g1 = new double[FEATURES + 1];
      double[] g2 = new double[FEATURES + 1];
      double v1 = new DistributedObjective(fromRdd, FEATURES + 1, Logistic.objective()).sum(w, g1);
      double v2 =
          new DistributedObjective(fromFrame, FEATURES + 1, Logistic.objective()).sum(w, g2);
      // Same rows, same partitions, same blocks: the same numbers, bit for bit.
      assertThat(v1).isEqualTo(v2);
      assertThat(g1).isEqualTo(g2);
    } finally {
      fromRdd.unpersist();
      fromFrame.unpersist();
    }
  }

  /** Records the class of every object an ObjectOutputStream writes. */
  private static final class Recorder extends ObjectOutputStream {
    final List<Class<?>> classes = new ArrayList<>();

    Recorder(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      classes.add(obj.getClass());
      return obj;
    }
  }

  @Test
  void nothingOfTheGeneratedClassesIsSerialised() throws IOException {
    // What travels with each task: the factory (a method reference), the broadcast weights, and
    // the partial sums back. Serialised, none of them holds an instance of a generated class.
    Recorder recorder = new Recorder(new ByteArrayOutputStream());
    recorder.writeObject(Logistic.objective());
    recorder.writeObject(w);
    recorder.writeObject(new Partial(FEATURES + 1));
    recorder.flush();
    assertThat(recorder.classes).isNotEmpty();
    for (Class<?> c : recorder.classes) {
      assertThat(c.getName()).doesNotContain("Adjoint$");
      assertThat(c.getName()).doesNotContain("LogisticAdjoint");
    }
    // And none could be: a workspace is not Serializable, so a job that shipped one would fail
    // with NotSerializableException; the distributed sums above ran.
    assertThat(Serializable.class.isAssignableFrom(LogisticAdjoint.BlockLossWorkspace.class))
        .isFalse();
  }

  private static InvalidRowException badRow(List<Row> data) {
    return assertThrows(InvalidRowException.class,
        () -> Blocks.of(TestData.frame(spark, data, 2), "features", "label", -1, 16));
  }

  private static List<Row> withRow(int index, Row row) {
    List<Row> data = new ArrayList<>(rows.subList(0, 100));
    data.set(index, row);
    return data;
  }

  @Test
  void aRowOfTheWrongWidthIsNamed() {
    InvalidRowException e = badRow(withRow(70, RowFactory.create(
        org.apache.spark.ml.linalg.Vectors.dense(new double[FEATURES - 1]), 1.0)));
    // 100 rows in 2 partitions: row 70 is the 21st of partition 1.
    assertThat(e).hasMessageThat()
        .isEqualTo("row 20 of partition 1 has 6 features, but the data's rows have 7");
  }

  @Test
  void aSparseRowOfTheWrongWidthIsNamed() {
    InvalidRowException e = badRow(withRow(3, RowFactory.create(
        org.apache.spark.ml.linalg.Vectors.sparse(FEATURES + 2, new int[] {1}, new double[] {2}),
        0.0)));
    assertThat(e).hasMessageThat()
        .isEqualTo("row 3 of partition 0 has 9 features, but the data's rows have 7");
  }

  @Test
  void nullFeaturesAreRejected() {
    InvalidRowException e = badRow(withRow(55, RowFactory.create(null, 1.0)));
    assertThat(e).hasMessageThat().isEqualTo("row 5 of partition 1 has no features (null)");
  }

  @Test
  void aNullLabelIsRejected() {
    InvalidRowException e = badRow(withRow(2, RowFactory.create(
        org.apache.spark.ml.linalg.Vectors.dense(new double[FEATURES]), null)));
    assertThat(e).hasMessageThat().isEqualTo("row 2 of partition 0 has no label (null)");
  }

  @Test
  void nanAndInfiniteFeaturesAndLabelsAreRejected() {
    double[] x = new double[FEATURES];
    x[4] = Double.NaN;
    InvalidRowException nan = badRow(withRow(9, RowFactory.create(
        org.apache.spark.ml.linalg.Vectors.dense(x), 1.0)));
    assertThat(nan).hasMessageThat().startsWith("row 9 of partition 0 has NaN as feature 4:"
        + " features and labels must be finite");
    InvalidRowException infinite = badRow(withRow(99, RowFactory.create(
        org.apache.spark.ml.linalg.Vectors.dense(new double[FEATURES]),
        Double.POSITIVE_INFINITY)));
    assertThat(infinite).hasMessageThat()
        .startsWith("row 49 of partition 1 has Infinity as its label");
  }

  @Test
  void anEmptyDataSetIsRejected() {
    Dataset<Row> empty = TestData.frame(spark, new ArrayList<>(), 2);
    IllegalArgumentException inferred =
        assertThrows(IllegalArgumentException.class, () -> Blocks.of(empty));
    assertThat(inferred).hasMessageThat().contains("the data set has no rows");
    IllegalArgumentException given = assertThrows(IllegalArgumentException.class,
        () -> Blocks.of(empty, "features", "label", FEATURES, 16));
    assertThat(given).hasMessageThat().contains("the data set has no rows");
  }

  @Test
  void parametersOfTheWrongLengthAreRejected() {
    Blocks blocks = Blocks.of(TestData.frame(spark, rows.subList(0, 50), 1));
    try {
      DistributedObjective objective =
          new DistributedObjective(blocks, FEATURES + 1, Logistic.objective());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> objective.sum(new double[FEATURES], new double[FEATURES + 1]));
      assertThat(e).hasMessageThat()
          .isEqualTo("w and gradientOut must have length 8, but they have 7 and 8");
    } finally {
      blocks.unpersist();
    }
  }
}

package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Seeded logistic data and the Spark session the tests share, one per test class. */
final class TestData {
  private TestData() {}

  static final StructType SCHEMA = new StructType()
      .add("features", SQLDataTypes.VectorType(), true)
      .add("label", DataTypes.DoubleType, true);

  static SparkSession session(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("adjoint-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /**
   * {@code rows} rows of {@code features} features (every fifth row a sparse vector with a few
   * zeros) and labels drawn from a logistic model with an intercept.
   */
  static List<Row> logistic(int rows, int features, long seed) {
    Random random = new Random(seed);
    double[] truth = new double[features];
    for (int j = 0; j < features; j++) {
      truth[j] = random.nextGaussian();
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double[] x = new double[features];
      double z = 0.3;
      for (int j = 0; j < features; j++) {
        x[j] = i % 5 == 0 && j % 3 == 0 ? 0 : random.nextGaussian();
        z += truth[j] * x[j];
      }
      double label = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      Vector v = i % 5 == 0 ? Vectors.dense(x).toSparse() : Vectors.dense(x);
      out.add(RowFactory.create(v, label));
    }
    return out;
  }

  static Dataset<Row> frame(SparkSession spark, List<Row> rows, int partitions) {
    return spark.createDataFrame(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(rows, partitions),
        SCHEMA);
  }

  /** The rows' features, dense, and labels. */
  static double[][] x(List<Row> rows) {
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Vector) rows.get(i).get(0)).toArray();
    }
    return x;
  }

  static double[] y(List<Row> rows) {
    double[] y = new double[rows.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = rows.get(i).getDouble(1);
    }
    return y;
  }
}

package dev.adjoint.spark.samples;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded data sets in MLlib's layout, made on the executors (row i from its own generator, so the
 * data do not depend on the partitioning): Gaussian features and labels from hidden weights.
 */
public final class SyntheticData {
  private SyntheticData() {}

  static final StructType SCHEMA = new StructType()
      .add("features", SQLDataTypes.VectorType(), false)
      .add("label", DataTypes.DoubleType, false);

  /** The hidden weights: one per feature, then the intercept. */
  public static double[] truth(int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[features + 1];
    for (int j = 0; j < w.length; j++) {
      w[j] = random.nextDouble(-1, 1) / Math.sqrt(features) * 2;
    }
    return w;
  }

  /** Labels in {0, 1} from the logistic model. */
  public static Dataset<Row> logistic(
      SparkSession spark, long rows, int features, int partitions, long seed) {
    return make(spark, rows, features, partitions, seed, false);
  }

  /** Counts from the Poisson model with the softplus link. */
  public static Dataset<Row> poisson(
      SparkSession spark, long rows, int features, int partitions, long seed) {
    return make(spark, rows, features, partitions, seed, true);
  }

  private static Dataset<Row> make(
      SparkSession spark, long rows, int features, int partitions, long seed, boolean counts) {
    double[] w = truth(features, seed);
    JavaRDD<Row> data = spark.range(0, rows, 1, partitions).javaRDD().map(id -> {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + id);
      double[] x = new double[features];
      double z = w[features];
      for (int j = 0; j < features; j++) {
        x[j] = nextGaussian(random);
        z += w[j] * x[j];
      }
      double label;
      if (counts) {
        label = poisson(random, Poisson.rate(z));
      } else {
        label = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      }
      return RowFactory.create(Vectors.dense(x), label);
    });
    return spark.createDataFrame(data, SCHEMA);
  }

  private static double nextGaussian(SplittableRandom random) {
    // Box-Muller, one of the pair.
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Knuth's Poisson sampler (the rates here are small). */
  private static double poisson(SplittableRandom random, double rate) {
    double limit = Math.exp(-rate);
    double product = random.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }
}

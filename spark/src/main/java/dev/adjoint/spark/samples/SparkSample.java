package dev.adjoint.spark.samples;

import dev.adjoint.runtime.DifferentiableFunction;
import dev.adjoint.spark.Blocks;
import dev.adjoint.spark.DistributedObjective;
import dev.adjoint.spark.Fit;
import dev.adjoint.spark.Lbfgs;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark sample: (1) logistic regression on generated data, fitted by L-BFGS over the generated
 * block gradient summed by Spark, beside MLlib's {@code LogisticRegression} on the same data and
 * objective; (2) Poisson regression with a softplus link, which MLlib does not have, fitted the
 * same way. Options: {@code --rows 1000000 --features 50 --partitions 4 --master local[2]
 * --poisson-rows 200000 --poisson-features 20 --rounds 2}: the comparison runs
 * {@code rounds} times in the same JVM (MLlib first, then this module, each round), and the last
 * round's times are the warm ones.
 */
public final class SparkSample {
  private SparkSample() {}

  static final double REG_PARAM = 0.01;
  static final double TOLERANCE = 1e-10;
  static final int MAX_ITERATIONS = 200;

  /** What the logistic comparison measured (milliseconds unless named otherwise). */
  record Comparison(
      Fit adjoint,
      double[] mllibParameters,
      double mllibLoss,
      int mllibIterations,
      double adjointLossAtMllib,
      long[] adjointJobs,
      long[] mllibJobs,
      double adjointLbfgsMillis,
      double blocksSeconds,
      double mllibSeconds) {

    double largestCoefficientDifference() {
      double max = 0;
      for (int j = 0; j < mllibParameters.length; j++) {
        max = Math.max(max, Math.abs(mllibParameters[j] - adjoint.parameters()[j]));
      }
      return max;
    }
  }

  /** The median of the jobs' times. */
  static double median(long[] millis) {
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /** The mean of the jobs' times but the first's (MLlib's first pass also makes its blocks). */
  static double meanAfterFirst(long[] millis) {
    double sum = 0;
    for (int i = 1; i < millis.length; i++) {
      sum += millis[i];
    }
    return sum / (millis.length - 1);
  }

  public static void main(String[] args) {
    Locale.setDefault(Locale.ROOT);
    long rows = option(args, "--rows", 1_000_000);
    int features = (int) option(args, "--features", 50);
    int partitions = (int) option(args, "--partitions", 4);
    long poissonRows = option(args, "--poisson-rows", 200_000);
    int poissonFeatures = (int) option(args, "--poisson-features", 20);
    int rounds = (int) option(args, "--rounds", 2);
    // spark-submit sets spark.master; run alone, the sample runs in local mode.
    String master = System.getProperty("spark.master", "local[2]");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--master")) {
        master = args[i + 1];
      }
    }
    SparkSession spark = SparkSession.builder()
        .master(master)
        .appName("adjoint-spark-sample")
        .config("spark.ui.enabled", !master.startsWith("local"))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    JobTimes times = new JobTimes();
    spark.sparkContext().addSparkListener(times);
    try {
      PrintStream out = System.out;
      for (int round = 1; round <= rounds; round++) {
        out.printf("== round %d of %d%s%n", round, rounds,
            round == 1 && rounds > 1 ? " (cold: the JIT compiles Spark's, MLlib's and our code)"
                : "");
        Comparison c = compareWithMllib(spark, times, rows, features, partitions);
        printComparison(out, c, rows, features, partitions, master);
      }
      poisson(out, spark, poissonRows, poissonFeatures, partitions);
    } finally {
      spark.stop();
    }
  }

  static Comparison compareWithMllib(
      SparkSession spark, JobTimes times, long rows, int features, int partitions) {
    Dataset<Row> data = SyntheticData.logistic(spark, rows, features, partitions, 14).cache();
    data.count();

    times.clear();
    long t0 = System.nanoTime();
    LogisticRegressionModel mllib = new LogisticRegression()
        .setStandardization(false)
        .setElasticNetParam(0)
        .setRegParam(REG_PARAM)
        .setTol(TOLERANCE)
        .setMaxIter(MAX_ITERATIONS)
        .fit(data);
    long t1 = System.nanoTime();
    long[] mllibJobs = times.jobs("RDDLossFunction");
    int mllibIterations = mllib.summary().totalIterations();
    double[] mllibHistory = mllib.summary().objectiveHistory();
    double[] mllibW = new double[features + 1];
    System.arraycopy(mllib.coefficients().toArray(), 0, mllibW, 0, features);
    mllibW[features] = mllib.intercept();

    times.clear();
    long t2 = System.nanoTime();
    Blocks blocks = Blocks.of(data);
    long t3 = System.nanoTime();
    DistributedObjective sum = new DistributedObjective(blocks, features + 1, Logistic.objective());
    DifferentiableFunction objective = sum.meanPlus(Logistic.penalty(features + 1, REG_PARAM));
    Fit fit = new Lbfgs(MAX_ITERATIONS, 10, TOLERANCE).minimize(objective, new double[features + 1]);
    long t4 = System.nanoTime();
    long[] adjointJobs = times.jobs("DistributedObjective");
    double atMllib = objective.value(mllibW);
    blocks.unpersist();
    data.unpersist();

    return new Comparison(fit, mllibW, mllibHistory[mllibHistory.length - 1], mllibIterations,
        atMllib, adjointJobs, mllibJobs, (t4 - t3) / 1e6, (t3 - t2) / 1e9, (t1 - t0) / 1e9);
  }

  static void printComparison(
      PrintStream out, Comparison c, long rows, int features, int partitions, String master) {
    out.printf("Logistic regression, %d rows x %d features, %d partitions, %s;%n"
        + "objective: mean log-loss + %s/2 |coefficients|^2, L-BFGS (m = 10, tol %s)%n%n",
        rows, features, partitions, master, REG_PARAM, TOLERANCE);
    out.printf("%-34s %22s %22s%n", "", "Adjoint + Spark", "MLlib");
    out.printf("%-34s %22.15f %22.15f%n", "final objective", c.adjoint().loss(), c.mllibLoss());
    out.printf("%-34s %22.15f %22s%n", "objective at MLlib's coefficients", c.adjointLossAtMllib(),
        "");
    out.printf("%-34s %22d %22d%n", "iterations", c.adjoint().iterations(), c.mllibIterations());
    out.printf("%-34s %22d %22d%n", "gradient passes (Spark jobs)", c.adjointJobs().length,
        c.mllibJobs().length);
    out.printf("%-34s %22s %22s%n", "ms per pass, each", Arrays.toString(c.adjointJobs()),
        Arrays.toString(c.mllibJobs()));
    out.printf("%-34s %22.1f %22.1f%n", "ms per pass, median", median(c.adjointJobs()),
        median(c.mllibJobs()));
    out.printf("%-34s %22.1f %22.1f%n", "ms per pass, mean after the first",
        meanAfterFirst(c.adjointJobs()), meanAfterFirst(c.mllibJobs()));
    out.printf("%-34s %22.1f %22.1f%n", "ms per iteration, passes after 1st",
        meanAfterFirst(c.adjointJobs()) * (c.adjointJobs().length - 1) / c.adjoint().iterations(),
        meanAfterFirst(c.mllibJobs()) * (c.mllibJobs().length - 1) / c.mllibIterations());
    out.printf("%-34s %22.1f %22s%n", "ms per iteration, L-BFGS wall",
        c.adjointLbfgsMillis() / c.adjoint().iterations(), "");
    out.printf("%-34s %22s %22.1f%n", "ms per iteration, whole fit", "",
        c.mllibSeconds() * 1e3 / c.mllibIterations());
    out.printf("%-34s %22.1f %22.1f%n", "set-up (s): blocks / whole fit", c.blocksSeconds(),
        c.mllibSeconds());
    out.printf("relative difference of the final objectives: %.2e%n",
        Math.abs(c.adjoint().loss() - c.mllibLoss()) / Math.abs(c.mllibLoss()));
    out.printf("largest difference of the coefficients: %.2e%n%n",
        c.largestCoefficientDifference());
  }

  static Fit poisson(PrintStream out, SparkSession spark, long rows, int features, int partitions) {
    Dataset<Row> data = SyntheticData.poisson(spark, rows, features, partitions, 15).cache();
    Blocks blocks = Blocks.of(data);
    DistributedObjective sum = new DistributedObjective(blocks, features + 1, Poisson.objective());
    DifferentiableFunction objective = sum.meanPlus(Poisson.penalty(features + 1, 1e-4));
    long t0 = System.nanoTime();
    double[] start = new double[features + 1];
    start[features] = 1;
    Fit fit = new Lbfgs(MAX_ITERATIONS, 10, TOLERANCE).minimize(objective, start);
    long t1 = System.nanoTime();
    double[] truth = SyntheticData.truth(features, 15);
    double atTruth = objective.value(truth);
    double maxError = 0;
    for (int j = 0; j <= features; j++) {
      maxError = Math.max(maxError, Math.abs(fit.parameters()[j] - truth[j]));
    }
    out.printf("Poisson regression with a softplus link (not in MLlib), %d rows x %d features;%n"
        + "objective: mean negative log-likelihood + 1e-4/2 |coefficients|^2%n", rows, features);
    double[] h = fit.lossHistory();
    for (int i : new int[] {0, 1, 2, 5, 10, 20}) {
      if (i < h.length) {
        out.printf("  iteration %3d: %.12f%n", i, h[i]);
      }
    }
    out.printf("  iteration %3d: %.12f (%s)%n", h.length - 1, h[h.length - 1], fit.stopReason());
    out.printf("objective at the hidden weights: %.12f%n", atTruth);
    out.printf("largest difference from the hidden weights: %.3f%n", maxError);
    out.printf("ms per iteration: %.1f%n", (t1 - t0) / 1e6 / fit.iterations());
    blocks.unpersist();
    data.unpersist();
    return fit;
  }

  private static long option(String[] args, String name, long otherwise) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Long.parseLong(args[i + 1].replace("_", ""));
      }
    }
    return otherwise;
  }
}

package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A data set stacked into {@link Block}s of consecutive rows of each partition, cached (memory,
 * then disk), as MLlib caches its own blocks: made once, then read by every evaluation of a {@link
 * DistributedObjective}.
 *
 * <p>Input rows are checked when the blocks are made, and the first bad row is reported on the
 * driver as an {@link InvalidRowException} naming its partition and its index there: features of
 * another width than the data's, a {@code null} features vector or label, or a feature or label that
 * is NaN or infinite. Such rows are rejected, not dropped or imputed: a loss silently computed over
 * fewer rows, or over invented values, is worse than an error; drop or impute them first
 * ({@code Dataset.na().drop()}, MLlib's {@code Imputer}). An empty data set is an {@link
 * IllegalArgumentException}: its mean loss is undefined.
 */
public final class Blocks {
  /** Rows per block unless told: a 50-feature block is then 400 KB, about MLlib's 1 MB order. */
  public static final int DEFAULT_BLOCK_SIZE = 1024;

  private final JavaRDD<Block> rdd;
  private final int width;
  private final long rows;

  private Blocks(JavaRDD<Block> rdd, int width, long rows) {
    this.rdd = rdd;
    this.width = width;
    this.rows = rows;
  }

  /**
   * Blocks of {@link #DEFAULT_BLOCK_SIZE} rows of a data set in MLlib's layout: a {@code features}
   * column of {@link Vector}s (dense or sparse; blocks hold them dense) and a numeric {@code label}
   * column; the width is the first row's.
   */
  public static Blocks of(Dataset<Row> data) {
    return of(data, "features", "label", -1, DEFAULT_BLOCK_SIZE);
  }

  /**
   * Blocks of {@code blockSize} rows of {@code data}'s {@code featuresColumn} (of {@link Vector}s)
   * and numeric {@code labelColumn}; every row must have {@code width} features ({@code -1}: the
   * first row's number).
   */
  public static Blocks of(
      Dataset<Row> data, String featuresColumn, String labelColumn, int width, int blockSize) {
    JavaRDD<Row> rows = data.select(featuresColumn, labelColumn).javaRDD();
    return of(rows, Blocks::vectorFeatures, Blocks::numericLabel, width, blockSize);
  }

  /**
   * Blocks of {@code blockSize} samples of any type, read by two serialisable functions (copied:
   * later writes to the arrays {@code features} returns change nothing); every sample must have
   * {@code width} features ({@code -1}: the first sample's number).
   */
  public static <T> Blocks of(
      JavaRDD<T> samples,
      Function<T, double[]> features,
      Function<T, Double> label,
      int width,
      int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("blockSize must be at least 1, but it is " + blockSize);
    }
    int expected = width;
    if (expected < 0) {
      List<T> first = samples.take(1);
      if (first.isEmpty()) {
        throw new IllegalArgumentException("the data set has no rows: a loss needs at least one");
      }
      double[] firstFeatures = call(features, first.get(0));
      if (firstFeatures == null) {
        throw new InvalidRowException("row 0 of partition 0 has no features (null)");
      }
      expected = firstFeatures.length;
    }
    int columns = expected;
    JavaRDD<Block> blocks =
        samples
            .mapPartitionsWithIndex(
                (partition, it) -> new Stacker<>(it, partition, features, label, columns, blockSize),
                true)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long count;
    try {
      count = blocks.map(block -> (long) block.rows()).fold(0L, Long::sum);
    } catch (Exception e) {
      blocks.unpersist(false);
      throw driverSide(e);
    }
    if (count == 0) {
      blocks.unpersist(false);
      throw new IllegalArgumentException("the data set has no rows: a loss needs at least one");
    }
    return new Blocks(blocks, columns, count);
  }

  /** The cached blocks. */
  public JavaRDD<Block> rdd() {
    return rdd;
  }

  /** The number of features of every row. */
  public int width() {
    return width;
  }

  /** The number of rows. */
  public long rows() {
    return rows;
  }

  /** Drops the cached blocks. */
  public void unpersist() {
    rdd.unpersist(false);
  }

  private static double[] vectorFeatures(Row row) {
    Object value = row.get(0);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Vector)) {
      throw new InvalidRowException("the features column must hold org.apache.spark.ml.linalg"
          + ".Vector values, but a row holds a " + value.getClass().getName());
    }
    // A DenseVector's own array, or a sparse one's dense copy: the stacker copies both.
    return ((Vector) value).toArray();
  }

  private static Double numericLabel(Row row) {
    Object value = row.get(1);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number)) {
      throw new InvalidRowException("the label column must be numeric, but a row holds a "
          + value.getClass().getName());
    }
    return ((Number) value).doubleValue();
  }

  private static <T, R> R call(Function<T, R> function, T argument) {
    try {
      return function.call(argument);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What Spark threw on the driver for a failed job, with a bad row's message brought to the front:
   * Spark wraps an executor's exception in a (checked) {@code SparkException} whose cause it is.
   */
  static RuntimeException driverSide(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidRowException) {
        return new InvalidRowException(t.getMessage(), e);
      }
    }
    if (e instanceof RuntimeException) {
      return (RuntimeException) e;
    }
    return Blocks.<RuntimeException>sneaky(e);
  }

  /** Rethrows a checked exception (Spark's) as it is, where Java's compiler cannot see it. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** One partition's rows, checked and stacked into blocks as the iterator is read. */
  private static final class Stacker<T> implements Iterator<Block> {
    private final Iterator<T> rows;
    private final int partition;
    private final Function<T, double[]> features;
    private final Function<T, Double> label;
    private final int width;
    private final int blockSize;
    private long index;

    Stacker(
        Iterator<T> rows,
        int partition,
        Function<T, double[]> features,
        Function<T, Double> label,
        int width,
        int blockSize) {
      this.rows = rows;
      this.partition = partition;
      this.features = features;
      this.label = label;
      this.width = width;
      this.blockSize = blockSize;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Block next() {
      if (!rows.hasNext()) {
        throw new NoSuchElementException();
      }
      List<double[]> x = new ArrayList<>();
      double[] y = new double[blockSize];
      while (x.size() < blockSize && rows.hasNext()) {
        T row = rows.next();
        double[] f = call(features, row);
        Double l = call(label, row);
        if (f == null) {
          throw bad("has no features (null)");
        }
        if (f.length != width) {
          throw bad("has " + f.length + " features, but the data's rows have " + width);
        }
        for (int j = 0; j < width; j++) {
          if (!Double.isFinite(f[j])) {
            throw bad("has " + f[j] + " as feature " + j + ": features and labels must be finite;"
                + " drop or impute such rows first (Dataset.na(), MLlib's Imputer)");
          }
        }
        if (l == null) {
          throw bad("has no label (null)");
        }
        if (!Double.isFinite(l)) {
          throw bad("has " + l + " as its label: features and labels must be finite;"
              + " drop or impute such rows first (Dataset.na(), MLlib's Imputer)");
        }
        y[x.size()] = l;
        x.add(f.clone());
        index++;
      }
      double[] labels = x.size() == blockSize ? y : Arrays.copyOf(y, x.size());
      return new Block(x.toArray(new double[0][]), labels);
    }

    private InvalidRowException bad(String what) {
      return new InvalidRowException("row " + index + " of partition " + partition + " " + what);
    }
  }
}

package dev.adjoint.spark;

import dev.adjoint.runtime.DifferentiableFunction;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The sum, over every row of {@link Blocks}, of a user's block loss and its gradient: the weights
 * are broadcast, each task makes one {@link BlockObjective} from the serialisable factory and calls
 * it once per block of its partition, and {@code treeAggregate} sums the partitions' results
 * (double-double sums, {@link Partial}: the same numbers whatever order the tasks finish in).
 *
 * <p>Only the factory, the weights and the partial sums travel; the generated code is reached
 * through the factory's static calls on the executors. A task that fails is retried by Spark from
 * its partition's rows, and only one attempt's result is counted: this class keeps no state that
 * a failed attempt could have changed (no accumulators, nothing shared).
 */
public final class DistributedObjective {
  private final Blocks data;
  private final int dimension;
  private final BlockObjectiveFactory factory;
  private final int treeDepth;

  /**
   * The sum of {@code factory}'s block loss over {@code data}, with {@code dimension} parameters;
   * partial sums are combined by a {@code treeAggregate} of depth 2, as MLlib's.
   */
  public DistributedObjective(Blocks data, int dimension, BlockObjectiveFactory factory) {
    this(data, dimension, factory, 2);
  }

  /** As above, with {@code treeAggregate}'s depth. */
  public DistributedObjective(
      Blocks data, int dimension, BlockObjectiveFactory factory, int treeDepth) {
    if (dimension < 1 || treeDepth < 1) {
      throw new IllegalArgumentException("dimension and treeDepth must be at least 1, but they are "
          + dimension + " and " + treeDepth);
    }
    this.data = data;
    this.dimension = dimension;
    this.factory = factory;
    this.treeDepth = treeDepth;
  }

  /** The number of parameters. */
  public int dimension() {
    return dimension;
  }

  /** The data. */
  public Blocks data() {
    return data;
  }

  /**
   * Writes the gradient of the loss summed over all rows into {@code gradientOut} (overwritten)
   * and returns that sum: one Spark job.
   */
  public double sum(double[] w, double[] gradientOut) {
    if (w.length != dimension || gradientOut.length != dimension) {
      throw new IllegalArgumentException("w and gradientOut must have length " + dimension
          + ", but they have " + w.length + " and " + gradientOut.length);
    }
    JavaRDD<Block> blocks = data.rdd();
    JavaSparkContext context = JavaSparkContext.fromSparkContext(blocks.context());
    Broadcast<double[]> weights = context.broadcast(w.clone());
    int n = dimension;
    BlockObjectiveFactory make = factory;
    Partial total;
    try {
      total = blocks
          .mapPartitions(it -> {
            Partial partial = new Partial(n);
            if (it.hasNext()) {
              BlockObjective objective = make.create();
              // Each task its own copy: tasks in one executor share the broadcast value.
              double[] wLocal = weights.value().clone();
              double[] gradient = new double[n];
              while (it.hasNext()) {
                Block block = it.next();
                double value = objective.valueAndGradient(wLocal, block.x(), block.y(), gradient);
                partial.add(block.rows(), value, gradient);
              }
            }
            return Collections.singletonList(partial).iterator();
          })
          .treeAggregate(new Partial(n), Partial::merge, Partial::merge, treeDepth);
    } catch (Exception e) {
      throw Blocks.driverSide(e);
    } finally {
      weights.destroy();
    }
    if (total.rows() != data.rows()) {
      throw new IllegalStateException("the sum covered " + total.rows() + " rows of "
          + data.rows() + ": the blocks changed since they were made");
    }
    total.gradient(gradientOut);
    return total.value();
  }

  /** The mean loss over the rows, as a function of the parameters (each call one Spark job). */
  public DifferentiableFunction mean() {
    return plus(null);
  }

  /**
   * The mean loss over the rows plus {@code penalty} (of the same dimension; computed on the driver),
   * such as a generated {@code ridgeFunction(...)}: MLlib's objective is the mean log-loss plus
   * regParam/2·‖w‖².
   */
  public DifferentiableFunction meanPlus(DifferentiableFunction penalty) {
    if (penalty.dimension() != dimension) {
      throw new IllegalArgumentException("the penalty must have dimension " + dimension
          + ", but it has " + penalty.dimension());
    }
    return plus(penalty);
  }

  private DifferentiableFunction plus(DifferentiableFunction penalty) {
    double rows = data.rows();
    return new DifferentiableFunction() {
      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public double value(double[] point) {
        return valueAndGradient(point, new double[dimension]);
      }

      @Override
      public double valueAndGradient(double[] point, double[] gradientOut) {
        double value = sum(point, gradientOut) / rows;
        for (int j = 0; j < dimension; j++) {
          gradientOut[j] /= rows;
        }
        if (penalty != null) {
          double[] penaltyGradient = new double[dimension];
          value += penalty.valueAndGradient(point, penaltyGradient);
          for (int j = 0; j < dimension; j++) {
            gradientOut[j] += penaltyGradient[j];
          }
        }
        return value;
      }
    };
  }
}

package dev.adjoint.spark;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.spark.samples.Logistic;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task that fails half-way through its partition, once, is retried by Spark ({@code local[2,2]}
 * allows two attempts per task) and the sum is the same, bit for bit: nothing of the failed
 * attempt is counted.
 */
class FaultToleranceTest {
  private static final int FEATURES = 5;
  private static SparkSession spark;

  /** Armed by the test; the first task attempt of partition 2 to see it disarms it and fails. */
  private static final AtomicBoolean ARMED = new AtomicBoolean();
  private static final AtomicInteger BLOCKS_BEFORE_FAILURE = new AtomicInteger();
  private static final AtomicInteger FAILED_TASKS = new AtomicInteger();

  @BeforeAll
  static void start() {
    spark = TestData.session("local[2,2]");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (taskEnd.reason() != Success$.MODULE$) {
          FAILED_TASKS.incrementAndGet();
        }
      }
    });
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The logistic block loss, failing in partition 2's first attempt after two blocks, if armed. */
  private static BlockObjective failingOnce() {
    BlockObjective logistic = Logistic.objective().create();
    TaskContext task = TaskContext.get();
    int[] blocks = {0};
    return (w, x, y, gradientOut) -> {
      double value = logistic.valueAndGradient(w, x, y, gradientOut);
      blocks[0]++;
      if (task.partitionId() == 2 && task.attemptNumber() == 0 && blocks[0] == 3
          && ARMED.compareAndSet(true, false)) {
        BLOCKS_BEFORE_FAILURE.set(blocks[0] - 1);
        throw new IllegalStateException("injected failure");
      }
      return value;
    };
  }

  @Test
  void aRetriedTaskIsCountedOnce() {
    List<Row> rows = TestData.logistic(4000, FEATURES, 7);
    Blocks blocks = Blocks.of(TestData.frame(spark, rows, 4), "features", "label", -1, 100);
    try {
      DistributedObjective objective =
          new DistributedObjective(blocks, FEATURES + 1, FaultToleranceTest::failingOnce);
      double[] w = {0.3, -0.2, 0.1, 0.5, -0.4, 0.2};

      double[] expected = new double[FEATURES + 1];
      double expectedValue = objective.sum(w, expected);
      assertThat(FAILED_TASKS.get()).isEqualTo(0);

      ARMED.set(true);
      double[] retried = new double[FEATURES + 1];
      double retriedValue = objective.sum(w, retried);
      // The failure happened, after the attempt had summed two blocks, and Spark retried it.
      assertThat(ARMED.get()).isFalse();
      assertThat(BLOCKS_BEFORE_FAILURE.get()).isEqualTo(2);
      assertThat(FAILED_TASKS.get()).isEqualTo(1);

      assertThat(retriedValue).isEqualTo(expectedValue);
      assertThat(retried).isEqualTo(expected);
    } finally {
      blocks.unpersist();
    }
  }
}

package dev.adjoint.spark.samples;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * The wall time of Spark jobs by call site ("treeAggregate at RDDLossFunction.scala:61"): how long
 * MLlib's and this module's gradient passes took, without the fit's set-up around them.
 */
final class JobTimes extends SparkListener {
  private final Map<Integer, String> names = new HashMap<>();
  private final Map<Integer, Long> starts = new HashMap<>();
  private final Map<String, long[]> byName = new HashMap<>();

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    names.put(jobStart.jobId(), jobStart.stageInfos().last().name());
    starts.put(jobStart.jobId(), jobStart.time());
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
    String name = names.remove(jobEnd.jobId());
    Long start = starts.remove(jobEnd.jobId());
    if (name != null && start != null) {
      long[] countAndMillis = byName.computeIfAbsent(name, k -> new long[2]);
      countAndMillis[0]++;
      countAndMillis[1] += jobEnd.time() - start;
    }
  }

  /** The number of jobs and their total milliseconds whose call site contains {@code part}. */
  synchronized long[] jobs(String part) {
    long[] total = new long[2];
    for (Map.Entry<String, long[]> e : byName.entrySet()) {
      if (e.getKey().contains(part)) {
        total[0] += e.getValue()[0];
        total[1] += e.getValue()[1];
      }
    }
    return total;
  }

  synchronized void clear() {
    byName.clear();
  }
}

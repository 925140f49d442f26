package dev.adjoint.spark.samples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * The wall times of Spark jobs, in order, by call site ("treeAggregate at RDDLossFunction.scala:61"):
 * how long MLlib's and this module's gradient passes took, without the fit's set-up around them.
 */
final class JobTimes extends SparkListener {
  private final Map<Integer, String> names = new HashMap<>();
  private final Map<Integer, Long> starts = new HashMap<>();
  private final List<String> endedNames = new ArrayList<>();
  private final List<Long> endedMillis = new ArrayList<>();

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
      endedNames.add(name);
      endedMillis.add(jobEnd.time() - start);
    }
  }

  /** The milliseconds of the jobs whose call site contains {@code part}, in the order they ended. */
  synchronized long[] jobs(String part) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < endedNames.size(); i++) {
      if (endedNames.get(i).contains(part)) {
        out.add(endedMillis.get(i));
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  synchronized void clear() {
    endedNames.clear();
    endedMillis.clear();
  }
}

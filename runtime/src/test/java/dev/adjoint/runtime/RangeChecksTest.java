package dev.adjoint.runtime;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The range checks throw what the JDK's own throw, for every range on a small grid. */
class RangeChecksTest {

  /** The exception {@code run} throws, or null. */
  private static RuntimeException thrown(Runnable run) {
    try {
      run.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void fillThrowsWhatArraysFillThrows() {
    for (int length = 0; length <= 3; length++) {
      double[] a = new double[length];
      for (int from = -2; from <= 5; from++) {
        for (int to = -2; to <= 5; to++) {
          int f = from;
          int t = to;
          RuntimeException expected = thrown(() -> Arrays.fill(a, f, t, 1.0));
          RuntimeException got = thrown(() -> RangeChecks.fill(a.length, f, t));
          String where = "fill over " + length + " from " + from + " to " + to;
          if (expected == null) {
            assertWithMessage(where).that(got).isNull();
          } else {
            assertWithMessage(where).that(got).isNotNull();
            assertWithMessage(where).that(got.getClass()).isEqualTo(expected.getClass());
            assertWithMessage(where).that(got.getMessage()).isEqualTo(expected.getMessage());
          }
        }
      }
    }
  }

  @Test
  void arraycopyThrowsWhatSystemArraycopyThrows() {
    int[] positions = {-1, 0, 1, 2, 3, 4, Integer.MAX_VALUE, Integer.MIN_VALUE};
    int[] lengths = {-1, 0, 1, 2, 3, Integer.MAX_VALUE};
    for (int srcLength = 0; srcLength <= 3; srcLength++) {
      for (int destLength = 0; destLength <= 3; destLength++) {
        double[] src = new double[srcLength];
        double[] dest = new double[destLength];
        for (int srcPos : positions) {
          for (int destPos : positions) {
            for (int n : lengths) {
              RuntimeException expected =
                  thrown(() -> System.arraycopy(src, srcPos, dest, destPos, n));
              RuntimeException got = thrown(() ->
                  RangeChecks.arraycopy(src.length, srcPos, dest.length, destPos, n));
              String where = "arraycopy from double[" + srcLength + "] at " + srcPos
                  + " to double[" + destLength + "] at " + destPos + ", " + n + " elements";
              if (expected == null) {
                assertWithMessage(where).that(got).isNull();
              } else {
                assertWithMessage(where).that(got).isNotNull();
                assertWithMessage(where).that(got.getClass()).isEqualTo(expected.getClass());
              }
            }
          }
        }
      }
    }
  }
}

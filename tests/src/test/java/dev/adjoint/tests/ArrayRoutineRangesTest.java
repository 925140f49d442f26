package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The range checks of {@code Arrays.fill} and {@code System.arraycopy} survive their lowering to
 * loops (issue 9, item 8): for each bad range, mGrad, mVjp and the workspace throw the exception
 * type the primal throws (and the same message, for fill); good ranges give the closed-form
 * gradient.
 */
final class ArrayRoutineRangesTest {

  private static final double[] X = {0.5, -1.25, 2.0, 0.75, -0.5};

  /** The exception {@code run} throws, or null. */
  private static Throwable thrown(Runnable run) {
    try {
      run.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** The forms of a method, each run for its effect. */
  private static void assertAllThrowAsThePrimal(String what, Runnable primal,
      Map<String, Runnable> forms, boolean sameMessage) {
    Throwable expected = thrown(primal);
    assertWithMessage("the primal of %s throws", what).that(expected).isNotNull();
    for (Map.Entry<String, Runnable> form : forms.entrySet()) {
      Throwable got = thrown(form.getValue());
      assertWithMessage("%s of %s", form.getKey(), what).that(got).isNotNull();
      assertWithMessage("%s of %s", form.getKey(), what).that(got.getClass())
          .isEqualTo(expected.getClass());
      if (sameMessage) {
        assertWithMessage("%s of %s", form.getKey(), what).that(got.getMessage())
            .isEqualTo(expected.getMessage());
      }
    }
  }

  private static Map<String, Runnable> fillForms(int from, int to) {
    Map<String, Runnable> forms = new LinkedHashMap<>();
    forms.put("mGrad", () -> ArrayRoutineRangesAdjoint.fillRangeGrad(X, from, to));
    forms.put("mVjp", () -> ArrayRoutineRangesAdjoint.fillRangeVjp(X, from, to).pullback(1.0));
    forms.put("mWorkspace",
        () -> ArrayRoutineRangesAdjoint.fillRangeWorkspace().valueAndGrad(X, from, to));
    forms.put("mFunction", () -> ArrayRoutineRangesAdjoint.fillRangeFunction(X.length, from, to)
        .valueAndGradient(X, new double[X.length]));
    return forms;
  }

  private static Map<String, Runnable> copyForms(int srcPos, double[] into, int destPos, int n) {
    Map<String, Runnable> forms = new LinkedHashMap<>();
    forms.put("mGrad",
        () -> ArrayRoutineRangesAdjoint.copyRangeGrad(X, srcPos, into, destPos, n));
    forms.put("mVjp", () -> ArrayRoutineRangesAdjoint.copyRangeVjp(X, srcPos, into, destPos, n)
        .pullback(1.0));
    forms.put("mWorkspace", () -> ArrayRoutineRangesAdjoint.copyRangeWorkspace()
        .valueAndGrad(X, srcPos, into, destPos, n));
    return forms;
  }

  @Test
  void fillThrowsWhatThePrimalThrowsForEachBadRange() {
    int n = X.length;
    int[][] bad = {{3, 1}, {-1, 2}, {0, n + 1}, {-2, -1}, {n + 1, n + 2}, {2, 1}};
    for (int[] range : bad) {
      int from = range[0];
      int to = range[1];
      assertAllThrowAsThePrimal("fill(y, " + from + ", " + to + ", v)",
          () -> ArrayRoutineRanges.fillRange(X, from, to), fillForms(from, to), true);
    }
    // Arrays.fill checks from > to first: an IllegalArgumentException even where from < 0 too.
    assertThat(thrown(() -> ArrayRoutineRangesAdjoint.fillRangeGrad(X, 3, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown(() -> ArrayRoutineRangesAdjoint.fillRangeGrad(X, 0, n + 1)))
        .isInstanceOf(ArrayIndexOutOfBoundsException.class);
  }

  @Test
  void arraycopyThrowsWhatThePrimalThrowsForEachBadRange() {
    double[] into = new double[4];
    int n = X.length;
    int[][] bad = {
      {0, 0, -1}, {-1, 0, 2}, {0, -1, 2}, {3, 0, 3}, {0, 2, 3}, {n + 1, 0, 0}, {0, 5, 0},
      {Integer.MAX_VALUE, 0, 1}, {1, 1, Integer.MAX_VALUE},
    };
    for (int[] c : bad) {
      assertAllThrowAsThePrimal("arraycopy(y, " + c[0] + ", z, " + c[1] + ", " + c[2] + ")",
          () -> ArrayRoutineRanges.copyRange(X, c[0], into, c[1], c[2]),
          copyForms(c[0], into, c[1], c[2]), false);
    }
    assertThat(thrown(() -> ArrayRoutineRangesAdjoint.copyRangeGrad(X, 0, into, 0, -1)))
        .isInstanceOf(ArrayIndexOutOfBoundsException.class);
  }

  @Test
  void goodRangesGiveTheClosedFormGradient() {
    int n = X.length;
    int[][] good = {{0, n}, {1, 3}, {2, 2}, {n, n}, {0, 0}, {4, 5}};
    for (int[] range : good) {
      int from = range[0];
      int to = range[1];
      double[] expected = new double[n];
      double value = 0;
      for (int i = 0; i < n; i++) {
        if (i >= from && i < to) {
          expected[0] += i + 1;
          value += X[0] * (i + 1);
        } else {
          expected[i] += 2 * X[i] * (i + 1);
          value += X[i] * X[i] * (i + 1);
        }
      }
      String where = "fill(y, " + from + ", " + to + ", x[0])";
      var vg = ArrayRoutineRangesAdjoint.fillRangeValueAndGrad(X, from, to);
      assertWithMessage(where).that(vg.value()).isWithin(1e-12).of(value);
      assertWithMessage(where).that(vg.grad().x()).usingTolerance(1e-12)
          .containsExactly(expected).inOrder();
      assertWithMessage(where).that(ArrayRoutineRangesAdjoint.fillRangeVjp(X, from, to)
          .pullback(1.0).x()).usingTolerance(1e-12).containsExactly(expected).inOrder();
      var ws = ArrayRoutineRangesAdjoint.fillRangeWorkspace();
      assertWithMessage(where).that(ws.valueAndGrad(X, from, to)).isWithin(1e-12).of(value);
      assertWithMessage(where).that(ws.x()).usingTolerance(1e-12)
          .containsExactly(expected).inOrder();
    }
    double[] into = new double[4];
    int[][] copies = {{0, 0, 4}, {1, 0, 4}, {2, 1, 3}, {n, 4, 0}, {3, 2, 2}, {0, 3, 1}};
    for (int[] c : copies) {
      double[] expected = new double[n];
      double value = 0;
      for (int k = 0; k < c[2]; k++) {
        int j = c[0] + k;
        int i = c[1] + k;
        expected[j] = 2 * X[j] * (i + 1);
        value += X[j] * X[j] * (i + 1);
      }
      String where = "arraycopy(y, " + c[0] + ", z, " + c[1] + ", " + c[2] + ")";
      var vg = ArrayRoutineRangesAdjoint.copyRangeValueAndGrad(X, c[0], into, c[1], c[2]);
      assertWithMessage(where).that(vg.value()).isWithin(1e-12).of(value);
      assertWithMessage(where).that(vg.grad().x()).usingTolerance(1e-12)
          .containsExactly(expected).inOrder();
      var ws = ArrayRoutineRangesAdjoint.copyRangeWorkspace();
      assertWithMessage(where).that(ws.valueAndGrad(X, c[0], into, c[1], c[2]))
          .isWithin(1e-12).of(value);
      assertWithMessage(where).that(ws.x()).usingTolerance(1e-12)
          .containsExactly(expected).inOrder();
    }
  }
}

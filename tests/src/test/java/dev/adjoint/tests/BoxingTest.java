package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Boxes, Strings and bits that never become a double again stay allowed (issue 9, item 4), with
 * the right gradient and the primal's logging; where they would become a double again the
 * processor reports [AdjointDetour] (DetourDiagnosticsTest).
 */
final class BoxingTest {

  @Test
  void loggingBoxesStringsAndBitsKeepsTheGradient() {
    for (double x : new double[] {-1.75, -0.0, 0.5, 1.5, 3.25}) {
      Boxing.logged.clear();
      double value = Boxing.logged(x);
      List<String> primalLog = List.copyOf(Boxing.logged);
      Boxing.logged.clear();
      var vg = BoxingAdjoint.loggedValueAndGrad(x);
      assertThat(Boxing.logged).containsExactlyElementsIn(primalLog).inOrder();
      assertThat(vg.value()).isEqualTo(value);
      assertThat(vg.grad().x()).isWithin(1e-12).of(2 * x + 3);
      Boxing.logged.clear();
      var ws = BoxingAdjoint.loggedWorkspace();
      assertThat(ws.valueAndGrad(x)).isEqualTo(value);
      assertThat(ws.x()).isWithin(1e-12).of(2 * x + 3);
      assertThat(Boxing.logged).containsExactlyElementsIn(primalLog).inOrder();
    }
  }

  @Test
  void boxesInsideALoop() {
    double[] w = {0.25, 0.75, 1.5, -2.0};
    double x = 1.25;
    Boxing.logged.clear();
    var vg = BoxingAdjoint.boxesInALoopValueAndGrad(x, w);
    assertThat(Boxing.logged).hasSize(w.length);
    assertThat(vg.value()).isEqualTo(Boxing.boxesInALoop(x, w));
    assertThat(vg.value()).isWithin(1e-12).of((0.75 + 1.5) * x * x);
    assertThat(vg.grad().x()).isWithin(1e-12).of(2 * (0.75 + 1.5) * x);
    assertThat(vg.grad().w()).usingTolerance(1e-12)
        .containsExactly(0.0, x * x, x * x, 0.0).inOrder();
  }
}

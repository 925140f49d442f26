package dev.adjoint.samples;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The numbers the samples print, against the reference tutorial and closed forms. */
class SamplesTest {

  @Test
  void referenceTutorialRuleAndBodyAgree() {
    double x = 2.0;
    double y = Math.PI / 2;
    ReferenceTutorialAdjoint.LossValueAndGrad rule = ReferenceTutorial.withRule(x, y);
    ReferenceTutorialAdjoint.LossFromBodyValueAndGrad body = ReferenceTutorial.derived(x, y);
    assertThat(rule.value()).isEqualTo(4.0);
    assertThat(rule.grad().x()).isWithin(1e-12).of(4.0); // 2 x sin²y
    assertThat(rule.grad().y()).isWithin(1e-12).of(0.0); // 2 x² sin y cos y
    assertThat(body.value()).isEqualTo(rule.value());
    assertThat(body.grad().x()).isWithin(1e-15).of(rule.grad().x());
    assertThat(body.grad().y()).isWithin(1e-15).of(rule.grad().y());
    ReferenceTutorialAdjoint.FGrad fromBody = ReferenceTutorialAdjoint.FromBody.fGrad(0.3, 1.1);
    assertThat(fromBody.x()).isWithin(1e-15).of(Math.sin(1.1));
    assertThat(fromBody.y()).isWithin(1e-15).of(0.3 * Math.cos(1.1));
  }

  @Test
  void stableRuleAgainstTheDerivedGradient() {
    double[] expected = {0.7310585786300049, 0.9999999999999993, 1.0, 1.0};
    for (int i = 0; i < StableSoftplus.POINTS.length; i++) {
      assertThat(StableSoftplus.ruleGradient(StableSoftplus.POINTS[i])).isEqualTo(expected[i]);
    }
    // e^x / (1 + e^x), computed as (1 / (1 + e)) * e: within one ulp of the rounded sigmoid.
    assertThat(StableSoftplus.derivedGradient(1)).isWithin(Math.ulp(0.73)).of(0.7310585786300049);
    assertThat(StableSoftplus.derivedGradient(35)).isEqualTo(0.9999999999999993);
    assertThat(StableSoftplus.derivedGradient(100)).isEqualTo(1.0);
    assertThat(StableSoftplus.derivedGradient(1000)).isNaN(); // exp overflows: inf / inf
  }

  @Test
  void clippingDiffersFromTheTrueDerivativeOnlyWhereItClips() {
    for (double x : new double[] {-4, 0, 2.5, 2.9, 3, 3.25, 3.5, 10}) {
      double truth = 2 * (x - 3);
      assertThat(GradientClippingAdjoint.lossGrad(x).x()).isWithin(1e-12).of(truth);
      assertThat(GradientClippingAdjoint.clippedLossGrad(x).x())
          .isWithin(1e-12).of(Math.max(-1, Math.min(1, truth)));
    }
  }

  @Test
  void gradCheckPassesEveryRuleButTheDeliberateOne() {
    RuleCheck.Outcome[] outcomes = RuleCheck.all();
    assertThat(outcomes[0].passed()).isTrue();
    assertThat(outcomes[1].passed()).isTrue();
    assertThat(outcomes[2].passed()).isFalse();
    assertThat(outcomes[0].maxRelativeError()).isLessThan(1e-5);
  }

  @Test
  void mainPrintsEveryTable() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      Samples.main(new String[0]);
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("== Custom VJP");
    assertThat(out).contains("== Stable log(1 + e^x)");
    assertThat(out).contains("== Gradient clipping");
    assertThat(out).contains("== GradCheck over every custom rule");
  }
}

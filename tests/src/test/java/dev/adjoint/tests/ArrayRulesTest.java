package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Custom rules over arrays: cotangent arrays, null as zero, a length check, reused scratch. */
final class ArrayRulesTest {

  private static double[] softmax(double[] x, double scale) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      m = Math.max(m, v * scale);
    }
    double s = 0;
    for (double v : x) {
      s += Math.exp(v * scale - m);
    }
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.exp(x[i] * scale - m) / s;
    }
    return out;
  }

  @Test
  void logSumExpRuleGivesTheSoftmaxAndAgreesWithItsBody() {
    Random r = new Random(31);
    for (int trial = 0; trial < 50; trial++) {
      double[] x = new double[1 + r.nextInt(8)];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextGaussian() * (trial < 25 ? 1 : 400); // large values: the rule is stable
      }
      double[] expected = softmax(x, 1);
      double[] rule = ArrayRulesAdjoint.lseGrad(x).x();
      double[] body = ArrayRulesAdjoint.FromBody.lseGrad(x).x();
      for (int i = 0; i < x.length; i++) {
        // x_i - lse(x) carries an error of an ulp of |x|: 6e-14 at |x| = 400.
        assertThat(rule[i]).isWithin(1e-12).of(expected[i]);
        assertThat(body[i]).isWithin(1e-12).of(expected[i]);
      }
    }
  }

  @Test
  void aNullCotangentArrayIsZeros() {
    var g = ArrayRulesAdjoint.frozenSumGrad(new double[] {1, 2, 3}, 0.5);
    assertThat(g.x()).usingExactEquality().containsExactly(0.0, 0.0, 0.0);
    assertThat(g.scale()).isEqualTo(6.0);
  }

  @Test
  void aCotangentOfTheWrongLengthNamesTheRuleTheParameterAndBothLengths() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArrayRulesAdjoint.shortRuleGrad(new double[] {1, 2, 3}));
    assertThat(e).hasMessageThat().isEqualTo("@Bwd method shortRuleBwd of the rule shortRule"
        + " returned a cotangent of length 2 for parameter x, whose length is 3");
  }

  @Test
  void aScratchArrayReusedAcrossRuleCallsInALoop() {
    Random r = new Random(32);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = new double[5];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextGaussian();
      }
      double[] expected = new double[x.length];
      for (int k = 0; k < 3; k++) {
        double[] p = softmax(x, k + 1);
        for (int i = 0; i < x.length; i++) {
          expected[i] += (k + 1) * p[i];
        }
      }
      double[] actual = ArrayRulesAdjoint.scaledLsesGrad(x).x();
      for (int i = 0; i < x.length; i++) {
        assertThat(actual[i]).isWithin(1e-13).of(expected[i]);
      }
    }
  }

  @Test
  void aRuleOverAMatrixGivesACotangentOfItsShape() {
    Random r = new Random(33);
    for (int trial = 0; trial < 10; trial++) {
      double[][] m = {RandomArrays.gaussian(r, 3), RandomArrays.gaussian(r, 3)};
      double s = r.nextGaussian();
      var g = ArrayRulesAdjoint.halfSquaresGrad(m, s);
      double sum = 0;
      for (int i = 0; i < m.length; i++) {
        for (int j = 0; j < m[i].length; j++) {
          assertThat(g.m()[i][j]).isWithin(1e-15).of(s * m[i][j]);
          sum += m[i][j] * m[i][j];
        }
      }
      assertThat(g.s()).isWithin(1e-14).of(0.5 * sum);
      var body = ArrayRulesAdjoint.FromBody.halfSquaresGrad(m, s);
      assertThat(body.s()).isWithin(1e-14).of(g.s());
      var loop = ArrayRulesAdjoint.matrixRuleInLoopGrad(m).m();
      for (int i = 0; i < m.length; i++) {
        for (int j = 0; j < m[i].length; j++) {
          assertThat(body.m()[i][j]).isWithin(1e-14).of(g.m()[i][j]);
          assertThat(loop[i][j]).isWithin(1e-13).of(14 * m[i][j]);
        }
      }
    }
  }

  @Test
  void aNullMatrixCotangentIsZerosAndAWrongShapeIsAnError() {
    double[][] m = {{1, 2}, {3, 4, 5}};
    var g = ArrayRulesAdjoint.frozenMatrixGrad(m);
    assertThat(g.m()[0]).usingExactEquality().containsExactly(0.0, 0.0).inOrder();
    assertThat(g.m()[1]).usingExactEquality().containsExactly(0.0, 0.0, 0.0).inOrder();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArrayRulesAdjoint.shortMatrixGrad(m));
    assertThat(e).hasMessageThat().isEqualTo("@Bwd method shortMatrixBwd of the rule shortMatrix"
        + " returned a cotangent of 1 row for parameter m, which has 2 rows");
  }
}

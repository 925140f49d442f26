package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The {@code particle} eval: the derivative of the trajectory's miss in w, through the inner
 * gradient of the potential (whose mixed second derivatives matter), in all four compositions,
 * against central differences of the plain Java trajectory; and the fitted w against GradBench's.
 */
final class ParticleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theMissesDerivativeIsItsDifferencesInEveryComposition() {
    for (double w : new double[] {-0.3, 0.0, 0.15, 0.4}) {
      double h = 1e-6;
      // the path (the number of Euler steps) is the same at w ± h for these w
      double fd = (Particle.missR(w + h) - Particle.missR(w - h)) / (2 * h);
      // the forces by reverse and by forward mode round differently
      assertThat(Particle.missR(w)).isWithin(1e-12 * Particle.missR(w)).of(Particle.missF(w));
      for (String variant : new String[] {"rr", "rf", "fr", "ff"}) {
        assertWithMessage("%s at w = %s", variant, w).that(Particle.derivative(variant, w))
            .isWithin(1e-5 * (1 + Math.abs(fd))).of(fd);
      }
      // and the compositions agree with each other to rounding
      assertThat(Particle.derivative("ff", w))
          .isWithin(1e-10 * (1 + Math.abs(fd))).of(Particle.derivative("rr", w));
    }
  }

  /** GradBench's eval expects 0.2071918746486116 (its C++ reference), within 1e-4. */
  @Test
  void theFittedControlIsGradBenchsInEveryVariant() throws Exception {
    for (String variant : new String[] {"rr", "rf", "fr", "ff"}) {
      EvalModule.Evaluation run = new Particle().functions().get(variant)
          .prepare(JSON.readTree("{\"w\": 0.0}"));
      run.run();
      assertWithMessage(variant).that((double) run.output()).isWithin(1e-4)
          .of(0.2071918746486116);
    }
  }
}

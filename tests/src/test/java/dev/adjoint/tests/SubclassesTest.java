package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A protected nested class's annotated method, and a protected annotated method, called from
 * subclasses in another package: their generated classes and members are public, since Java has
 * no protected top-level class (docs/diagnostics.md, "Decisions").
 */
final class SubclassesTest {

  @Test
  void aMethodOfAProtectedNestedClassIsDifferentiatedThroughItsPublicGeneratedClass() {
    for (double x : new double[] {-2, 0.5, 3}) {
      assertThat(Subclasses_OfOuterAdjoint.viaInnerGrad(x).x()).isWithin(1e-12).of(3 * x * x + 1);
      assertThat(Subclasses_OfOuterAdjoint.viaInnerVjp(x).value()).isEqualTo(x * x * x + x);
    }
  }

  @Test
  void aProtectedMethodIsDifferentiatedThroughItsPublicGeneratedMembers() {
    for (double x : new double[] {-2, 0.5, 3}) {
      assertThat(Subclasses_OfBaseAdjoint.viaBaseGrad(x).x()).isWithin(1e-12).of(12 * x);
    }
  }
}

package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.tests.lib.Outer;

/** Subclasses in another package that call what their superclasses let them reach. */
final class Subclasses {
  private Subclasses() {}

  /** Calls a method of a protected nested class of its superclass. */
  static final class OfOuter extends Outer {
    private OfOuter() {}

    @Differentiable
    static double viaInner(double x) {
      return Inner.cube(x) + x;
    }
  }

  /** Calls a protected method of its superclass. */
  static final class OfBase extends Outer.Base {
    private OfBase() {}

    @Differentiable
    static double viaBase(double x) {
      return 3 * twiceSquare(x);
    }
  }
}

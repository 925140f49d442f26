package dev.adjoint.tests.lib;

import dev.adjoint.Differentiable;

/**
 * A class whose nested classes are visible to its subclasses in other packages only: the
 * generated classes of those nested classes must be reachable from theirs.
 */
public class Outer {
  protected Outer() {}

  /** A protected nested class: its generated Outer_InnerAdjoint cannot be protected. */
  protected static final class Inner {
    private Inner() {}

    @Differentiable
    public static double cube(double x) {
      return x * x * x;
    }
  }

  /** A public nested class with a protected method, for subclasses of this one. */
  public static class Base {
    protected Base() {}

    @Differentiable
    protected static double twiceSquare(double x) {
      return 2 * x * x;
    }
  }
}

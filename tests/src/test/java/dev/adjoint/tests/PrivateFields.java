package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.tests.other.Calibrated;
import java.util.List;

/**
 * Private fields read in differentiable bodies, as a class that keeps its data to itself writes
 * them (issue 11): the generated class is not the fields' nestmate and reads them through
 * VarHandles. Fields read through an object parameter, static ones, arrays, a nested class's. The
 * class's name is the generated holder's (PrivateFields): generated code names it in full.
 */
final class PrivateFields {
  private PrivateFields() {}

  /** Not a compile-time constant: read when a member runs. */
  private static double scale = Math.sqrt(2.0);

  private static final double[] OFFSETS = {0.5, -0.25};

  static void setScale(double s) {
    scale = s;
  }

  static double scale() {
    return scale;
  }

  static double offset(int i) {
    return OFFSETS[i % 2];
  }

  /** A model whose weights, bias and settings are private. */
  static final class Model {
    private final double[] w;
    private double bias;
    private final Settings settings;

    Model(double[] w, double bias, double k) {
      this.w = w;
      this.bias = bias;
      this.settings = new Settings(k);
    }

    void set(double bias, double k) {
      this.bias = bias;
      settings.k = k;
    }

    /** (bias + sum w_i x_i^2 scale + offset_i x_i) k + sin(bias x_0). */
    @Differentiable
    double loss(double[] x) {
      double s = bias;
      for (int i = 0; i < x.length; i++) {
        s += w[i] * x[i] * x[i] * scale + OFFSETS[i % 2] * x[i];
      }
      return s * settings.k + Math.sin(bias * x[0]);
    }

    /** other.bias x^3 + k sin(x) + w_0 x, with a Hessian-vector product. */
    @Differentiable(order = 2)
    double curved(double x, Model other) {
      return other.bias * x * x * x + settings.k * Math.sin(x) + w[0] * x;
    }
  }

  /** A base whose fields a subclass reads through super. */
  static class Base {
    private double k = 2.0;
    double h = 5.0;
  }

  /** Hides both fields of its base. */
  static final class Derived extends Base {
    private double k = 3.0;
    double h = 7.0;

    /** super.k x^2 + k x + super.h x + h: 2 x^2 + 3 x + 5 x + 7. */
    @Differentiable
    double f(double x) {
      return super.k * x * x + this.k * x + super.h * x + h;
    }
  }

  /** Private fields of a generic class. */
  static final class Bag<T extends Number> {
    private final List<T> items;
    private final double k;

    Bag(double k, List<T> items) {
      this.k = k;
      this.items = items;
    }
  }

  /** k x^2 + size x + the first item, read through a wildcard (captured types in the reads). */
  @Differentiable
  static double sized(double x, Bag<?> bag) {
    return bag.k * x * x + bag.items.size() * x + bag.items.get(0).doubleValue();
  }

  /** Protected fields of a base in another package, which the generated class reads too. */
  static final class Curve extends Calibrated {
    /** scale x^2 + shift x. */
    @Differentiable
    double f(double x) {
      return scale * x * x + shift * x;
    }

    void setScale(double s) {
      scale = s;
    }
  }

  /** Settings of a model, private to their nest. */
  static final class Settings {
    private double k;

    Settings(double k) {
      this.k = k;
    }
  }
}

package dev.adjoint.tests;

import static dev.adjoint.tests.lib.Calls.square;
import static java.lang.Math.exp;
import static java.lang.Math.sin;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * Parameters and locals named like the packages, classes and variables that generated code names
 * ({@code java}, {@code dev}, {@code Buffers}, {@code Tape}, {@code Math}, {@code FwdResult}, this
 * class and its generated one, the generated records and Vjp classes, {@code value}, {@code tape},
 * {@code owned}, ...) and like the methods of {@code Object}, which a record component cannot be:
 * generated code must compile and give the right gradient whatever the names.
 */
final class Names {
  private Names() {}

  /** Not a compile-time constant: generated code reads it as {@code Names.SCALE}. */
  static final double SCALE = Double.parseDouble("1.5");

  /** Unannotated, called with a constant argument: {@code Names.half(n)} in generated code. */
  static double half(int n) {
    return n / 2.0;
  }

  /**
   * A rule whose parameters are named like the members of a rule's generated Vjp ({@code
   * forward}, {@code owned}, {@code xLength}) and like runtime classes: x0 xLength + Buffers0
   * Buffers1 + owned.
   */
  @CustomVjp
  static double rule(double[] x, double xLength, double[] Buffers, double owned) {
    return x[0] * xLength + Buffers[0] * Buffers[1] + owned;
  }

  record RuleCotangents(double[] x, double xLength, double[] Buffers, double owned) {}

  @Fwd("rule")
  static FwdResult<Double, double[][]> ruleFwd(
      double[] x, double xLength, double[] Buffers, double owned) {
    return FwdResult.of(rule(x, xLength, Buffers, owned), new double[][] {x, {xLength}, Buffers});
  }

  @Bwd("rule")
  static RuleCotangents ruleBwd(double[][] forward, double cotangent) {
    double[] x = forward[0];
    double[] b = forward[2];
    double[] xBar = new double[x.length];
    xBar[0] = cotangent * forward[1][0];
    double[] bBar = new double[b.length];
    bBar[0] = cotangent * b[1];
    bBar[1] = cotangent * b[0];
    return new RuleCotangents(xBar, cotangent * x[0], bBar, cotangent);
  }

  /**
   * Everything at once: parameters and locals named like what generated code names, a loop over
   * arrays, a rule call, calls into two classes called {@code Calls} (so one generated class is
   * written {@code dev.adjoint.tests.lib.CallsAdjoint}), an unannotated call and a static field.
   */
  @Differentiable
  static double everything(double[] java, double dev, double[] Tape, @NoDiff double[] value,
      double hashCode, double toString_, double wait) {
    double Buffers = 0;
    double Math = 0;
    double FwdResult = 1;
    double Arrays = 0;
    double Double = 0;
    double Names = half(3);
    double NamesAdjoint = SCALE;
    double EverythingVjp = dev;
    double RuleVjp = 2;
    double CallsAdjoint = 0.25;
    double System = 0;
    double lib = 1;
    double valueBar = 0;
    double tape = 0;
    double reader = 0;
    double owned = 0;
    double sharing = 0;
    double cotangent = 0;
    double forward = 0;
    double out = 0;
    for (int i = 0; i < java.length; i++) {
      Buffers += sin(java[i]) * value[i];
      Math += java[i] * Tape[i];
      tape += Tape[i] * Tape[i];
      reader += java[i];
    }
    double[] Integer = new double[2];
    Integer[0] = Buffers * FwdResult;
    Integer[1] = Math * Names;
    double[] StrictMath = new double[2];
    for (int j = 0; j < 2; j++) {
      StrictMath[j] = Integer[j] * NamesAdjoint;
    }
    valueBar = rule(java, dev, Tape, hashCode);
    owned = square(dev) * Calls.inner(toString_, wait);
    sharing = EverythingVjp * RuleVjp + CallsAdjoint;
    cotangent = exp(Arrays + Double - reader * 0.1);
    forward = tape * lib;
    out = StrictMath[0] + StrictMath[1] + valueBar + owned + sharing * cotangent + forward;
    System = out + hashCode * toString_;
    return System;
  }

  /**
   * Scalars named like the members of a function object ({@code point}, {@code gradientOut},
   * {@code result}, {@code dimension}) and of a workspace ({@code valueAndGrad}), and like {@code
   * Object}'s methods: point result + dimension^2 sin(valueAndGrad) + getClass notify.
   */
  @Differentiable
  static double scalars(double point, double result, double dimension, double valueAndGrad,
      double getClass, double notify, @NoDiff double gradientOut) {
    double clone = point * result;
    double finalize = dimension * dimension * sin(valueAndGrad);
    return clone + finalize + getClass * notify * gradientOut;
  }

  /** One array and a bound @NoDiff parameter named like a function object's dimension. */
  @Differentiable
  static double oneArray(double[] check, @NoDiff double dimension) {
    double java = 0;
    for (int point = 0; point < check.length; point++) {
      java += check[point] * check[point] * dimension;
    }
    return java;
  }
}

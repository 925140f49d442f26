package dev.adjoint.spark;

import java.io.Serializable;

/**
 * A running sum of block values and gradients, and of rows, in double-double arithmetic: each sum
 * is an unevaluated {@code hi + lo} pair updated by Knuth's error-free TwoSum, so a sum of partial
 * results keeps about 106 bits. Spark merges partitions' results in the order their tasks finish;
 * with these sums the rounded result ({@link #value()}, {@link #gradient()}) does not depend on
 * that order, short of a cancellation beyond 50 further bits, so that a job and its retries give
 * the same numbers, bit for bit.
 */
final class Partial implements Serializable {
  private static final long serialVersionUID = 1L;

  private long rows;
  private double valueHi;
  private double valueLo;
  private final double[] gradientHi;
  private final double[] gradientLo;

  Partial(int dimension) {
    gradientHi = new double[dimension];
    gradientLo = new double[dimension];
  }

  /** Adds one block's value and gradient, of its rows. */
  void add(int blockRows, double value, double[] gradient) {
    rows += blockRows;
    double s = valueHi + value;
    valueLo += twoSumError(valueHi, value, s);
    valueHi = s;
    for (int j = 0; j < gradientHi.length; j++) {
      double hi = gradientHi[j];
      double t = hi + gradient[j];
      gradientLo[j] += twoSumError(hi, gradient[j], t);
      gradientHi[j] = t;
    }
  }

  /** Adds {@code other} into this and returns this (Spark's aggregate contract). */
  Partial merge(Partial other) {
    rows += other.rows;
    double s = valueHi + other.valueHi;
    valueLo += twoSumError(valueHi, other.valueHi, s) + other.valueLo;
    valueHi = s;
    for (int j = 0; j < gradientHi.length; j++) {
      double hi = gradientHi[j];
      double t = hi + other.gradientHi[j];
      gradientLo[j] += twoSumError(hi, other.gradientHi[j], t) + other.gradientLo[j];
      gradientHi[j] = t;
    }
    return this;
  }

  long rows() {
    return rows;
  }

  double value() {
    return valueHi + valueLo;
  }

  /** Writes the summed gradient into {@code out}. */
  void gradient(double[] out) {
    for (int j = 0; j < gradientHi.length; j++) {
      out[j] = gradientHi[j] + gradientLo[j];
    }
  }

  /** The rounding error of {@code s = a + b} (Knuth's TwoSum): {@code a + b == s + error} exactly. */
  private static double twoSumError(double a, double b, double s) {
    double bVirtual = s - a;
    double aVirtual = s - bVirtual;
    return (a - aVirtual) + (b - bVirtual);
  }
}

package dev.adjoint.tests;

import dev.adjoint.Bwd;
import dev.adjoint.CustomVjp;
import dev.adjoint.Differentiable;
import dev.adjoint.Fwd;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.FwdResult;

/**
 * Methods whose differentiable parameters mix scalars, arrays and matrices (issue 11, section 3):
 * their {@code mFunction(examples..., nondiff...)}, {@code mVectorFunction(outputDimension,
 * examples..., nondiff...)}, {@code mFlatten} and {@code mUnflatten}.
 */
final class FlatFunctions {
  private FlatFunctions() {}

  /**
   * a^2 S + a T + v0 m00, where S = sum_i v_i data_i and T = sum_ij sin(m_ij); m may be ragged.
   * Gradient: d/da = 2 a S + T; d/dv_i = a^2 data_i (+ m00 for i = 0); d/dm_ij = a cos(m_ij)
   * (+ v0 for i = j = 0).
   */
  @Differentiable
  static double mixed(double a, double[] v, double[][] m, @NoDiff double[] data) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * data[i];
    }
    double t = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        t += Math.sin(m[i][j]);
      }
    }
    return a * a * s + a * t + v[0] * m[0][0];
  }

  /** sum_i softplus(v_i) c + m00^2, through a rule whose forward half approximates its value. */
  @Differentiable
  static double softened(double[] v, double c, double[][] m) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += FunctionValues.softplus(v[i]) * c;
    }
    return s + m[0][0] * m[0][0];
  }

  /** sum_ij m_ij^2: only a matrix, which had no mFunction before examples. */
  @Differentiable
  static double frobenius(double[][] m) {
    double s = 0;
    for (double[] row : m) {
      for (double x : row) {
        s += x * x;
      }
    }
    return s;
  }

  /** x_k^2: one array, whose mFunction(int dimension, ...) stays. */
  @Differentiable
  static double picked(double[] x, int k) {
    return x[k] * x[k];
  }

  /** x y^2: scalars only, which get mFlatten and mUnflatten too. */
  @Differentiable
  static double scalars(double x, double y) {
    return x * y * y;
  }

  /**
   * Residuals (p_0 t - q_00, p_1 q_10 t^2, sum_j q_1j p_0): a vector function of an array, a scalar
   * after it and a matrix.
   */
  @Differentiable
  static double[] residuals(double[] p, double t, double[][] q) {
    double[] r = new double[3];
    r[0] = p[0] * t - q[0][0];
    r[1] = p[1] * q[1][0] * t * t;
    double s = 0;
    for (int j = 0; j < q[1].length; j++) {
      s += q[1][j] * p[0];
    }
    r[2] = s;
    return r;
  }

  /** s sum_i v_i^2, with a rule (and its body in FromBody). */
  @CustomVjp
  static double weighted(double s, double[] v) {
    double t = 0;
    for (int i = 0; i < v.length; i++) {
      t += v[i] * v[i];
    }
    return s * t;
  }

  record WeightedResiduals(double s, double[] v, double t) {}

  record WeightedCotangent(double s, double[] v) {}

  @Fwd("weighted")
  static FwdResult<Double, WeightedResiduals> weightedFwd(double s, double[] v) {
    double t = 0;
    for (double x : v) {
      t += x * x;
    }
    return FwdResult.of(s * t, new WeightedResiduals(s, v.clone(), t));
  }

  @Bwd("weighted")
  static WeightedCotangent weightedBwd(WeightedResiduals r, double g) {
    double[] dv = new double[r.v().length];
    for (int i = 0; i < dv.length; i++) {
      dv[i] = g * 2 * r.s() * r.v()[i];
    }
    return new WeightedCotangent(g * r.t(), dv);
  }

  /**
   * Parameters named like the locals, fields and parameters of the generated functions: they must
   * compile and keep their meaning. The value is point_0 dimension + sum spare_ij^2 + arrays_0
   * gradientOut_0 value + dimensionAt.
   */
  @Differentiable
  static double names(double[] point, double dimension, double[][] spare,
      @NoDiff double[] gradientOut, double[] arrays, @NoDiff double value, double dimensionAt,
      @NoDiff double[] spareRows, int take, @NoDiff double[] along) {
    double s = point[0] * dimension + dimensionAt;
    for (int i = 0; i < spare.length; i++) {
      for (int j = 0; j < spare[i].length; j++) {
        s += spare[i][j] * spare[i][j];
      }
    }
    return s + arrays[0] * gradientOut[0] * value + take * spareRows[0] * along[0];
  }

  /** The same for a vector function: (outputDimension_0 cotangent, flat_00 call). */
  @Differentiable
  static double[] vectorNames(double[] outputDimension, double cotangent, double[][] flat,
      @NoDiff double call, @NoDiff double[] grad) {
    double[] r = new double[2];
    r[0] = outputDimension[0] * cotangent;
    r[1] = flat[0][0] * call + grad[0];
    return r;
  }

  /** A spring's energy k sum_i (x_i - c)^2 + sum_ij w_ij^2: an instance method. */
  static final class Spring {
    final double k;

    Spring(double k) {
      this.k = k;
    }

    @Differentiable
    double energy(double[] x, double c, double[][] w) {
      double e = 0;
      for (int i = 0; i < x.length; i++) {
        e += k * (x[i] - c) * (x[i] - c);
      }
      for (double[] row : w) {
        for (int j = 0; j < row.length; j++) {
          e += row[j] * row[j];
        }
      }
      return e;
    }
  }
}

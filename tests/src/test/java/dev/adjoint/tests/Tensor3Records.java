package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** A record with a {@code double[][][]} component, as a parameter and as a local. */
final class Tensor3Records {
  private Tensor3Records() {}

  /** A pose: joint positions (a 3-D array), a scale, and an id that carries no tangent. */
  record Hand(double[][][] joints, double scale, int id) {}

  /** {@code sum_{i,j,k} joints[i][j][k]^2 scale v[k]}. */
  @Differentiable
  static double energy(Hand h, double[] v) {
    double s = 0;
    for (int i = 0; i < h.joints().length; i++) {
      for (int j = 0; j < h.joints()[i].length; j++) {
        for (int k = 0; k < h.joints()[i][j].length; k++) {
          s += h.joints()[i][j][k] * h.joints()[i][j][k] * h.scale() * v[k];
        }
      }
    }
    return s;
  }

  /** A record local around a local 3-D array: {@code (t[0][0][0] c)^2 c = t000^2 c^3}. */
  @Differentiable
  static double local(double[][][] t, double c) {
    double[][][] u = new double[1][1][1];
    u[0][0][0] = t[0][0][0] * c;
    Hand h = new Hand(u, c, 3);
    double[] one = {1.0};
    return energy(h, one);
  }
}

package dev.adjoint.gradbench;

/**
 * The GMM log-posterior written the naive way, independently of {@link Gmm}: explicit precision
 * matrices Σ<sup>−1</sup> = Q<sup>T</sup>Q, their log-determinants by Gaussian elimination, the
 * Gaussian and Wishart log-densities from their textbook formulas, and log Γ at half integers
 * from Γ(1) = 1, Γ(½) = √π and Γ(z + 1) = z Γ(z) instead of a library.
 */
final class NaiveGmm {
  private NaiveGmm() {}

  static double logPosterior(Gmm.Input in) {
    int k = in.alpha.length;
    int d = in.mu[0].length;
    double[][][] precision = new double[k][][];
    double[] logDet = new double[k];
    for (int c = 0; c < k; c++) {
      double[][] factor = new double[d][d];
      for (int row = 0; row < d; row++) {
        factor[row][row] = Math.exp(in.q[c][row]);
      }
      int p = 0;
      for (int col = 0; col < d; col++) {
        for (int row = col + 1; row < d; row++) {
          factor[row][col] = in.l[c][p++];
        }
      }
      precision[c] = transposeTimes(factor);
      logDet[c] = logDeterminant(precision[c]);
    }
    // Mixture weights: softmax(alpha).
    double[] weight = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      weight[c] = Math.exp(in.alpha[c]);
      total += weight[c];
    }
    double logLikelihood = 0;
    for (double[] point : in.x) {
      double[] logTerms = new double[k];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double[] centered = new double[d];
        for (int j = 0; j < d; j++) {
          centered[j] = point[j] - in.mu[c][j];
        }
        double quadratic = 0;
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            quadratic += centered[i] * precision[c][i][j] * centered[j];
          }
        }
        double logDensity = -0.5 * quadratic + 0.5 * logDet[c] - 0.5 * d * Math.log(2 * Math.PI);
        logTerms[c] = Math.log(weight[c] / total) + logDensity;
        max = Math.max(max, logTerms[c]);
      }
      double sum = 0;
      for (double t : logTerms) {
        sum += Math.exp(t - max);
      }
      logLikelihood += max + Math.log(sum);
    }
    // Wishart(X; V = I / gamma², N = d + m + 1) for each precision matrix X.
    int degrees = d + in.m + 1;
    double logPrior = 0;
    for (int c = 0; c < k; c++) {
      double trace = 0;
      for (int j = 0; j < d; j++) {
        trace += precision[c][j][j];
      }
      logPrior +=
          0.5 * (degrees - d - 1) * logDet[c]
              - 0.5 * in.gamma * in.gamma * trace
              - 0.5 * d * degrees * Math.log(2)
              - 0.5 * degrees * (-2 * d * Math.log(in.gamma))
              - logMultivariateGamma(0.5 * degrees, d);
    }
    return logLikelihood + logPrior;
  }

  /** log Γ_p(a) for a half integer a, with log Γ by recurrence. */
  static double logMultivariateGamma(double a, int p) {
    double sum = 0.25 * p * (p - 1) * Math.log(Math.PI);
    for (int j = 1; j <= p; j++) {
      sum += logGammaHalfInteger(a + 0.5 * (1 - j));
    }
    return sum;
  }

  private static double logGammaHalfInteger(double z) {
    double twice = 2 * z;
    if (twice != Math.rint(twice) || z <= 0) {
      throw new IllegalArgumentException("not a positive half integer: " + z);
    }
    double start = twice % 2 == 0 ? 1 : 0.5;
    double value = start == 1 ? 0 : 0.5 * Math.log(Math.PI);
    for (double t = start; t < z; t += 1) {
      value += Math.log(t);
    }
    return value;
  }

  private static double[][] transposeTimes(double[][] a) {
    int n = a.length;
    double[][] product = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int r = 0; r < n; r++) {
          product[i][j] += a[r][i] * a[r][j];
        }
      }
    }
    return product;
  }

  /** log det of a symmetric positive definite matrix, by elimination without pivoting. */
  private static double logDeterminant(double[][] matrix) {
    int n = matrix.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = matrix[i].clone();
    }
    double logDet = 0;
    for (int p = 0; p < n; p++) {
      logDet += Math.log(a[p][p]);
      for (int i = p + 1; i < n; i++) {
        double factor = a[i][p] / a[p][p];
        for (int j = p; j < n; j++) {
          a[i][j] -= factor * a[p][j];
        }
      }
    }
    return logDet;
  }
}

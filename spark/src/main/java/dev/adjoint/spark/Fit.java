package dev.adjoint.spark;

/**
 * What {@link Lbfgs#minimize} found: the parameters where it stopped, the objective's value at the
 * start and after each iteration ({@code lossHistory[0]} is the start's, as in MLlib's
 * {@code objectiveHistory}), the number of iterations and of objective evaluations (each a Spark
 * job), and why it stopped (Breeze's reason, such as "function values converged").
 */
public record Fit(
    double[] parameters, double[] lossHistory, int iterations, int evaluations, String stopReason) {

  /** The objective's value at {@link #parameters()}: the history's last. */
  public double loss() {
    return lossHistory[lossHistory.length - 1];
  }
}

package dev.adjoint.spark;

import java.io.Serializable;

/**
 * Consecutive rows of one partition, stacked: {@code x[i]} is row i's features (dense) and
 * {@code y[i]} its label. Made by {@link Blocks}; {@link BlockObjective}s read it and never write.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[][] x;
  private final double[] y;

  Block(double[][] x, double[] y) {
    this.x = x;
    this.y = y;
  }

  /** The rows' features, one array per row. */
  public double[][] x() {
    return x;
  }

  /** The rows' labels. */
  public double[] y() {
    return y;
  }

  /** The number of rows. */
  public int rows() {
    return y.length;
  }
}

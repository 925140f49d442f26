package dev.adjoint.runtime;

import java.util.Arrays;

/** Reused arrays for generated workspaces: what lets repeated gradient calls allocate nothing. */
public final class Buffers {
  private Buffers() {}

  /**
   * {@code buffer} filled with zeros when it has {@code length} elements, else a new zero array of
   * that length (also when {@code buffer} is null).
   */
  public static double[] zeroed(double[] buffer, int length) {
    if (buffer == null || buffer.length != length) {
      return new double[length];
    }
    Arrays.fill(buffer, 0.0);
    return buffer;
  }
}

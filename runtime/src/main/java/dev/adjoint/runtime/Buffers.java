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

  /**
   * Adds {@code source} into {@code target} element by element: how a caller's cotangent array
   * gathers a callee's. Both have the length of the array they are cotangents of.
   *
   * @throws IllegalArgumentException if the lengths differ
   */
  public static void addTo(double[] target, double[] source) {
    if (target.length != source.length) {
      throw new IllegalArgumentException("a cotangent array of length " + source.length
          + " for an array of length " + target.length + "; this is a bug in generated code");
    }
    for (int i = 0; i < target.length; i++) {
      target[i] += source[i];
    }
  }
}

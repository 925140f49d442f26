package dev.adjoint.runtime;

/**
 * The range checks of {@code Arrays.fill} and {@code System.arraycopy}, which generated code
 * lowers to loops of element writes: the same exceptions as the JDK's, thrown before anything is
 * written.
 */
public final class RangeChecks {
  private RangeChecks() {}

  /**
   * The check of {@code Arrays.fill(a, from, to, v)} on an array of {@code length} elements.
   *
   * @throws IllegalArgumentException if {@code from > to}
   * @throws ArrayIndexOutOfBoundsException if {@code from < 0} or {@code to > length}
   */
  public static void fill(int length, int from, int to) {
    if (from > to) {
      throw new IllegalArgumentException("fromIndex(" + from + ") > toIndex(" + to + ")");
    }
    if (from < 0) {
      throw new ArrayIndexOutOfBoundsException(from);
    }
    if (to > length) {
      throw new ArrayIndexOutOfBoundsException(to);
    }
  }

  /**
   * The check of {@code System.arraycopy(src, srcPos, dest, destPos, length)} between {@code
   * double[]} arrays of {@code srcLength} and {@code destLength} elements.
   *
   * @throws ArrayIndexOutOfBoundsException if a position or the length is negative, or the copy
   *     would read or write past the end of an array
   */
  public static void arraycopy(int srcLength, int srcPos, int destLength, int destPos, int length) {
    if (srcPos < 0) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: source index " + srcPos
          + " out of bounds for double[" + srcLength + "]");
    }
    if (destPos < 0) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: destination index " + destPos
          + " out of bounds for double[" + destLength + "]");
    }
    if (length < 0) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: length " + length + " is negative");
    }
    if ((long) srcPos + length > srcLength) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: last source index "
          + ((long) srcPos + length) + " out of bounds for double[" + srcLength + "]");
    }
    if ((long) destPos + length > destLength) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: last destination index "
          + ((long) destPos + length) + " out of bounds for double[" + destLength + "]");
    }
  }
}

package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * Helpers of generated code: reused arrays for workspaces (what lets repeated gradient calls
 * allocate nothing), copies, and the checks of cotangents. A {@code null} array is passed through
 * as {@code null} wherever the primal would not read it: its cotangent is {@code null} too.
 */
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
    if (source == null) {
      return; // a zero cotangent, or the cotangent of a null array
    }
    if (target == null) {
      throw new IllegalArgumentException("a cotangent array of length " + source.length
          + " for a null array; this is a bug in generated code");
    }
    if (target.length != source.length) {
      throw new IllegalArgumentException("a cotangent array of length " + source.length
          + " for an array of length " + target.length + "; this is a bug in generated code");
    }
    for (int i = 0; i < target.length; i++) {
      target[i] += source[i];
    }
  }

  /**
   * A copy of {@code array}, or null for null: the value of a method that returns {@code
   * double[]}, which its caller owns, or the state of an array a pullback walks back (null when
   * the path taken never created it).
   */
  public static double[] copyOf(double[] array) {
    return array == null ? null : array.clone();
  }

  /** A copy of {@code matrix}, row by row, or null for null (a null row stays null). */
  public static double[][] copyOf(double[][] matrix) {
    if (matrix == null) {
      return null;
    }
    double[][] copy = new double[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      copy[i] = copyOf(matrix[i]);
    }
    return copy;
  }

  /** A copy of {@code array}, or null for null: what a Vjp keeps of an int array it reads. */
  public static int[] copyOf(int[] array) {
    return array == null ? null : array.clone();
  }

  /** A copy of {@code matrix}, row by row, or null for null (a null row stays null). */
  public static int[][] copyOf(int[][] matrix) {
    if (matrix == null) {
      return null;
    }
    int[][] copy = new int[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      copy[i] = copyOf(matrix[i]);
    }
    return copy;
  }

  /** A copy of {@code array}, or null for null: what a Vjp keeps of a long array it reads. */
  public static long[] copyOf(long[] array) {
    return array == null ? null : array.clone();
  }

  /** A copy of {@code matrix}, row by row, or null for null (a null row stays null). */
  public static long[][] copyOf(long[][] matrix) {
    if (matrix == null) {
      return null;
    }
    long[][] copy = new long[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      copy[i] = copyOf(matrix[i]);
    }
    return copy;
  }

  /** A copy of {@code array}, or null for null: what a Vjp keeps of a boolean array it reads. */
  public static boolean[] copyOf(boolean[] array) {
    return array == null ? null : array.clone();
  }

  /** A copy of {@code matrix}, row by row, or null for null (a null row stays null). */
  public static boolean[][] copyOf(boolean[][] matrix) {
    if (matrix == null) {
      return null;
    }
    boolean[][] copy = new boolean[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      copy[i] = copyOf(matrix[i]);
    }
    return copy;
  }

  /**
   * {@code from} copied into {@code buffer} when it has {@code from}'s length, else into a new
   * array; null for null: how a workspace hands out a gradient in a buffer it owns.
   */
  public static double[] copied(double[] from, double[] buffer) {
    if (from == null) {
      return null;
    }
    if (buffer == null || buffer.length != from.length) {
      return from.clone();
    }
    System.arraycopy(from, 0, buffer, 0, from.length);
    return buffer;
  }

  /** {@link #copied(double[], double[])}, row by row: {@code buffer} reused if it has the shape. */
  public static double[][] copied(double[][] from, double[][] buffer) {
    if (from == null) {
      return null;
    }
    if (buffer == null || buffer.length != from.length) {
      return copyOf(from);
    }
    for (int i = 0; i < from.length; i++) {
      if (from[i] == null || buffer[i] == null || buffer[i].length != from[i].length) {
        return copyOf(from);
      }
    }
    for (int i = 0; i < from.length; i++) {
      System.arraycopy(from[i], 0, buffer[i], 0, from[i].length);
    }
    return buffer;
  }

  /** The length of {@code array}, or -1 for null: how a custom rule's pullback keeps its shape. */
  public static int length(double[] array) {
    return array == null ? -1 : array.length;
  }

  /** Copies {@code from} into {@code to}, which has its length; nothing when both are null. */
  public static void copyInto(double[] from, double[] to) {
    if (from != null) {
      System.arraycopy(from, 0, to, 0, from.length);
    }
  }

  /**
   * Copies {@code from} into {@code to}, which has its shape, row by row; nothing when both are
   * null.
   */
  public static void copyInto(double[][] from, double[][] to) {
    if (from == null) {
      return;
    }
    for (int i = 0; i < from.length; i++) {
      copyInto(from[i], to[i]);
    }
  }

  /** {@link #copyInto(double[], double[])} for a int array a pullback walks back. */
  public static void copyInto(int[] from, int[] to) {
    if (from != null) {
      System.arraycopy(from, 0, to, 0, from.length);
    }
  }

  /** {@link #copyInto(double[][], double[][])} for a int matrix a pullback walks back. */
  public static void copyInto(int[][] from, int[][] to) {
    if (from == null) {
      return;
    }
    for (int i = 0; i < from.length; i++) {
      copyInto(from[i], to[i]);
    }
  }

  /** {@link #copyInto(double[], double[])} for a long array a pullback walks back. */
  public static void copyInto(long[] from, long[] to) {
    if (from != null) {
      System.arraycopy(from, 0, to, 0, from.length);
    }
  }

  /** {@link #copyInto(double[][], double[][])} for a long matrix a pullback walks back. */
  public static void copyInto(long[][] from, long[][] to) {
    if (from == null) {
      return;
    }
    for (int i = 0; i < from.length; i++) {
      copyInto(from[i], to[i]);
    }
  }

  /** {@link #copyInto(double[], double[])} for a boolean array a pullback walks back. */
  public static void copyInto(boolean[] from, boolean[] to) {
    if (from != null) {
      System.arraycopy(from, 0, to, 0, from.length);
    }
  }

  /** {@link #copyInto(double[][], double[][])} for a boolean matrix a pullback walks back. */
  public static void copyInto(boolean[][] from, boolean[][] to) {
    if (from == null) {
      return;
    }
    for (int i = 0; i < from.length; i++) {
      copyInto(from[i], to[i]);
    }
  }

  /**
   * The length of each row of {@code matrix}: its shape, as a custom rule's pullback keeps it (-1
   * for a null row; null for a null matrix).
   */
  public static int[] rowLengths(double[][] matrix) {
    if (matrix == null) {
      return null;
    }
    int[] lengths = new int[matrix.length];
    for (int i = 0; i < matrix.length; i++) {
      lengths[i] = length(matrix[i]);
    }
    return lengths;
  }

  /** A zero array of {@code length} elements, or null for -1 (the length of a null array). */
  public static double[] zeros(int length) {
    return length < 0 ? null : new double[length];
  }

  /** A zero matrix whose rows have {@code rowLengths} (null rows for -1; null for null). */
  public static double[][] zeros(int[] rowLengths) {
    if (rowLengths == null) {
      return null;
    }
    double[][] zeros = new double[rowLengths.length][];
    for (int i = 0; i < rowLengths.length; i++) {
      zeros[i] = rowLengths[i] < 0 ? null : new double[rowLengths[i]];
    }
    return zeros;
  }

  /**
   * The cotangent a custom rule's {@code @Bwd} returned for an array parameter, checked against
   * the parameter's length, as JAX checks it: zeros for null (JAX's None), else the cotangent
   * itself. For a null argument ({@code length} -1) the cotangent is null, and must be.
   *
   * @param bwd the {@code @Bwd} method's name
   * @param rule the rule's name
   * @param parameter the parameter's name
   * @param length the argument's length, or -1 if it was null
   * @throws IllegalArgumentException naming the rule, the parameter and both lengths, if the
   *     lengths differ
   */
  public static double[] checkRuleCotangent(
      String bwd, String rule, String parameter, double[] cotangent, int length) {
    if (cotangent == null) {
      return length < 0 ? null : new double[length];
    }
    if (cotangent.length != length) {
      throw new IllegalArgumentException("@Bwd method " + bwd + " of the rule " + rule
          + " returned a cotangent of length " + cotangent.length + " for parameter " + parameter
          + (length < 0 ? ", which is null" : ", whose length is " + length));
    }
    return cotangent;
  }

  /**
   * The cotangent a custom rule's {@code @Bwd} returned for a matrix parameter, checked against
   * the parameter's shape: zeros for null (JAX's None), else the cotangent itself.
   *
   * @param bwd the {@code @Bwd} method's name
   * @param rule the rule's name
   * @param parameter the parameter's name
   * @throws IllegalArgumentException naming the rule, the parameter and both shapes, if the
   *     shapes differ
   */
  public static double[][] checkRuleCotangent(
      String bwd, String rule, String parameter, double[][] cotangent, int[] rowLengths) {
    if (cotangent == null) {
      return zeros(rowLengths);
    }
    String returned = "@Bwd method " + bwd + " of the rule " + rule + " returned a cotangent ";
    if (rowLengths == null) {
      throw new IllegalArgumentException(returned + "of " + rows(cotangent.length)
          + " for parameter " + parameter + ", which is null");
    }
    if (cotangent.length != rowLengths.length) {
      throw new IllegalArgumentException(returned + "of " + rows(cotangent.length)
          + " for parameter " + parameter + ", which has " + rows(rowLengths.length));
    }
    for (int i = 0; i < rowLengths.length; i++) {
      if (rowLengths[i] < 0) {
        if (cotangent[i] != null) {
          throw new IllegalArgumentException(returned + "whose row " + i + " has length "
              + cotangent[i].length + " for parameter " + parameter + ", whose row " + i
              + " is null");
        }
        continue;
      }
      int length = cotangent[i] == null ? 0 : cotangent[i].length;
      if (cotangent[i] == null || length != rowLengths[i]) {
        throw new IllegalArgumentException(returned + "whose row " + i + " has "
            + (cotangent[i] == null ? "no array" : "length " + length) + " for parameter "
            + parameter + ", whose row " + i + " has length " + rowLengths[i]);
      }
    }
    return cotangent;
  }

  private static String rows(int n) {
    return n == 1 ? "1 row" : n + " rows";
  }

  /**
   * Checks the output cotangent given to the pullback of {@code method}, whose value has {@code
   * valueLength} elements: it must have as many (JAX's check, in Java words).
   *
   * @throws IllegalArgumentException if it is null or has another length
   */
  public static void checkCotangent(String method, double[] cotangent, int valueLength) {
    if (cotangent == null) {
      throw new IllegalArgumentException("the cotangent given to the pullback of " + method
          + " is null; pass an array of the value's length, " + valueLength);
    }
    if (cotangent.length != valueLength) {
      throw new IllegalArgumentException("the cotangent given to the pullback of " + method
          + " has length " + cotangent.length + ", but the value of " + method + " has length "
          + valueLength);
    }
  }

  /**
   * Checks the output cotangent given to the pullback of {@code method}, whose value is the
   * matrix {@code value}: it must have the value's shape, row by row (rows may differ in length).
   *
   * @throws IllegalArgumentException if it or one of its rows is null, or a length differs
   */
  public static void checkCotangent(String method, double[][] cotangent, double[][] value) {
    String given = "the cotangent given to the pullback of " + method;
    if (cotangent == null) {
      throw new IllegalArgumentException(given + " is null; pass a matrix of the value's shape, "
          + rows(value.length));
    }
    if (cotangent.length != value.length) {
      throw new IllegalArgumentException(given + " has " + rows(cotangent.length)
          + ", but the value of " + method + " has " + rows(value.length));
    }
    for (int i = 0; i < value.length; i++) {
      int length = value[i] == null ? 0 : value[i].length;
      if (cotangent[i] == null || cotangent[i].length != length) {
        throw new IllegalArgumentException(given + " has "
            + (cotangent[i] == null ? "no array" : "length " + cotangent[i].length) + " in row "
            + i + ", but the value of " + method + " has length " + length + " there");
      }
    }
  }

  /** The number of coordinates of a {@code double[]} argument in a flattened point: its length. */
  public static int size(double[] array) {
    return array == null ? 0 : array.length;
  }

  /** The number of coordinates of a {@code double[][]} argument: its elements, row by row. */
  public static int size(double[][] matrix) {
    int n = 0;
    if (matrix != null) {
      for (double[] row : matrix) {
        n += size(row);
      }
    }
    return n;
  }

  /** Writes {@code part} into {@code row} from {@code at}; returns the index after it. */
  public static int flatten(double[] part, double[] row, int at) {
    int n = size(part);
    if (n > 0) {
      System.arraycopy(part, 0, row, at, n);
    }
    return at + n;
  }

  /** Writes {@code part}'s rows into {@code row} from {@code at}; returns the index after it. */
  public static int flatten(double[][] part, double[] row, int at) {
    if (part != null) {
      for (double[] r : part) {
        at = flatten(r, row, at);
      }
    }
    return at;
  }

  /**
   * The inverse of {@link #flatten(double[], double[], int)}: fills {@code part} (nothing for
   * null) from {@code row} at {@code at}, and returns it.
   */
  public static double[] unflatten(double[] row, int at, double[] part) {
    if (part != null) {
      System.arraycopy(row, at, part, 0, part.length);
    }
    return part;
  }

  /** Fills {@code part}'s rows (null rows skipped) from {@code row} at {@code at}; returns it. */
  public static double[][] unflatten(double[] row, int at, double[][] part) {
    if (part != null) {
      for (double[] r : part) {
        unflatten(row, at, r);
        at += size(r);
      }
    }
    return part;
  }

  /** Writes {@code column} into column {@code j} of {@code matrix}. */
  public static void setColumn(double[][] matrix, int j, double[] column) {
    for (int i = 0; i < column.length; i++) {
      matrix[i][j] = column[i];
    }
  }

  /**
   * The tangent a {@code @Jvp} rule returned with its value {@code value}, copied (the caller owns
   * it; the rule may have returned one of its arguments).
   *
   * @param jvp the {@code @Jvp} method's name
   * @param rule the {@code @CustomJvp} method's name
   * @throws IllegalArgumentException naming the rule and both lengths, where the tangent is null
   *     or its length is not the value's
   */
  public static double[] checkRuleTangent(String jvp, String rule, double[] tangent,
      double[] value) {
    if (tangent == null || value == null || tangent.length != value.length) {
      throw new IllegalArgumentException("@Jvp method " + jvp + " of the rule " + rule
          + " returned " + (tangent == null ? "a null tangent" : "a tangent of length "
          + tangent.length) + " for " + (value == null ? "a null value" : "a value of length "
          + value.length) + "; they must have one length");
    }
    return tangent.clone();
  }

  /** A zero array of the length of {@code like}, or null for null: a passive array's tangent. */
  public static double[] zerosLike(double[] like) {
    return like == null ? null : new double[like.length];
  }

  /**
   * The tangent a generated JVP works with for its argument {@code like}: {@code tangent}, or
   * zeros of the argument's length where the caller passed null (which means zero).
   *
   * @throws IllegalArgumentException where the tangent's length is not the argument's
   */
  public static double[] tangent(double[] tangent, double[] like) {
    if (tangent == null) {
      return zerosLike(like);
    }
    if (like == null || tangent.length != like.length) {
      throw new IllegalArgumentException("a tangent of length " + tangent.length
          + " for an array " + (like == null ? "that is null" : "of length " + like.length));
    }
    return tangent;
  }

  /** {@link #tangent(double[], double[])} for a matrix: null means zeros; shapes must match. */
  public static double[][] tangent(double[][] tangent, double[][] like) {
    if (tangent == null) {
      return like == null ? null : zerosLike(like);
    }
    if (like == null || tangent.length != like.length) {
      throw new IllegalArgumentException("a tangent with " + tangent.length
          + " rows for a matrix " + (like == null ? "that is null" : "with " + like.length));
    }
    for (int i = 0; i < like.length; i++) {
      int rows = like[i] == null ? -1 : like[i].length;
      int given = tangent[i] == null ? -1 : tangent[i].length;
      if (rows != given) {
        throw new IllegalArgumentException("row " + i + " of a tangent has length " + given
            + " where the matrix's row has " + rows + " (-1: null)");
      }
    }
    return tangent;
  }

  /**
   * {@code gradient · direction} where the direction's zeros contribute exactly 0 (an infinite or
   * NaN gradient entry along a zero direction is not NaN): a JVP made from a pullback.
   */
  public static double dot(double gradient, double direction) {
    return direction == 0 ? 0 : gradient * direction;
  }

  /** {@link #dot(double, double)} summed over arrays; a null array is zeros. */
  public static double dot(double[] gradient, double[] direction) {
    if (gradient == null || direction == null) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < direction.length; i++) {
      sum += dot(gradient[i], direction[i]);
    }
    return sum;
  }

  /** {@link #dot(double, double)} summed over matrices; a null matrix or row is zeros. */
  public static double dot(double[][] gradient, double[][] direction) {
    if (gradient == null || direction == null) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < direction.length; i++) {
      sum += dot(gradient[i], direction[i]);
    }
    return sum;
  }

  /**
   * A zero matrix of the shape of {@code like}, row by row (rows may differ in length; a null row
   * gets a null row), or null for null.
   */
  public static double[][] zerosLike(double[][] like) {
    if (like == null) {
      return null;
    }
    double[][] out = new double[like.length][];
    for (int i = 0; i < like.length; i++) {
      out[i] = like[i] == null ? null : new double[like[i].length];
    }
    return out;
  }

  /** {@code buffer} zeroed when it has the shape of {@code like}, else {@link #zerosLike}. */
  public static double[][] zeroedLike(double[][] buffer, double[][] like) {
    if (buffer == null || buffer.length != like.length) {
      return zerosLike(like);
    }
    for (int i = 0; i < like.length; i++) {
      if (like[i] == null ? buffer[i] != null
          : buffer[i] == null || buffer[i].length != like[i].length) {
        return zerosLike(like);
      }
    }
    for (double[] row : buffer) {
      if (row != null) {
        Arrays.fill(row, 0.0);
      }
    }
    return buffer;
  }

  /** {@code buffer} zeroed when it is {@code rows} by {@code columns}, else a new such matrix. */
  public static double[][] zeroed(double[][] buffer, int rows, int columns) {
    if (buffer == null || buffer.length != rows || (rows > 0 && buffer[0].length != columns)) {
      return new double[rows][columns];
    }
    for (double[] row : buffer) {
      Arrays.fill(row, 0.0);
    }
    return buffer;
  }

  /** {@link #addTo(double[], double[])}, row by row. */
  public static void addTo(double[][] target, double[][] source) {
    if (source == null) {
      return;
    }
    if (target == null) {
      throw new IllegalArgumentException("a cotangent matrix of " + source.length
          + " rows for a null matrix; this is a bug in generated code");
    }
    if (target.length != source.length) {
      throw new IllegalArgumentException("a cotangent matrix of " + source.length
          + " rows for a matrix of " + target.length + "; this is a bug in generated code");
    }
    for (int i = 0; i < target.length; i++) {
      addTo(target[i], source[i]);
    }
  }

  /**
   * For vector forward mode: the tangent of a scalar input that is input number {@code at} of
   * {@code directions}, the unit vector e<sub>at</sub>.
   */
  public static double[] seed(int directions, int at) {
    double[] seed = new double[directions];
    seed[at] = 1.0;
    return seed;
  }

  /**
   * For vector forward mode: the tangents of an array input whose first element is input number
   * {@code at} of {@code directions}, one row per element, row j the unit vector
   * e<sub>at+j</sub>; null for a null array.
   */
  public static double[][] seeds(double[] input, int directions, int at) {
    if (input == null) {
      return null;
    }
    double[][] seeds = new double[input.length][directions];
    for (int j = 0; j < input.length; j++) {
      seeds[j][at + j] = 1.0;
    }
    return seeds;
  }

  /** For vector forward mode: a zero tangent of {@code like} along every direction. */
  public static double[][] zerosJacobian(double[] like, int directions) {
    return new double[like.length][directions];
  }

  // ---- double[][][]: each helper applied matrix by matrix ----

  /** A copy of {@code tensor}, matrix by matrix, or null for null (null parts stay null). */
  public static double[][][] copyOf(double[][][] tensor) {
    if (tensor == null) {
      return null;
    }
    double[][][] copy = new double[tensor.length][][];
    for (int i = 0; i < tensor.length; i++) {
      copy[i] = copyOf(tensor[i]);
    }
    return copy;
  }

  /** {@link #copied(double[][], double[][])}, matrix by matrix: {@code buffer} reused if it fits. */
  public static double[][][] copied(double[][][] from, double[][][] buffer) {
    if (from == null) {
      return null;
    }
    if (buffer == null || buffer.length != from.length) {
      return copyOf(from);
    }
    for (int i = 0; i < from.length; i++) {
      double[][] m = copied(from[i], buffer[i]);
      if (m != buffer[i]) {
        return copyOf(from);
      }
    }
    return buffer;
  }

  /** Copies {@code from} into {@code to}, which has its shape; nothing when both are null. */
  public static void copyInto(double[][][] from, double[][][] to) {
    if (from == null) {
      return;
    }
    for (int i = 0; i < from.length; i++) {
      copyInto(from[i], to[i]);
    }
  }

  /** The number of coordinates of a {@code double[][][]} argument: its elements, row-major. */
  public static int size(double[][][] tensor) {
    int n = 0;
    if (tensor != null) {
      for (double[][] m : tensor) {
        n += size(m);
      }
    }
    return n;
  }

  /** Writes {@code part}'s elements, row-major, into {@code row} from {@code at}. */
  public static int flatten(double[][][] part, double[] row, int at) {
    if (part != null) {
      for (double[][] m : part) {
        at = flatten(m, row, at);
      }
    }
    return at;
  }

  /** The inverse of {@link #flatten(double[][][], double[], int)}: fills {@code part}; returns it. */
  public static double[][][] unflatten(double[] row, int at, double[][][] part) {
    if (part != null) {
      for (double[][] m : part) {
        unflatten(row, at, m);
        at += size(m);
      }
    }
    return part;
  }

  /** {@link #tangent(double[][], double[][])} for a 3-D array: null means zeros; shapes match. */
  public static double[][][] tangent(double[][][] tangent, double[][][] like) {
    if (tangent == null) {
      return zerosLike(like);
    }
    if (like == null || tangent.length != like.length) {
      throw new IllegalArgumentException("a tangent with " + tangent.length
          + " matrices for a 3-D array " + (like == null ? "that is null" : "with " + like.length));
    }
    for (int i = 0; i < like.length; i++) {
      if (like[i] == null ? tangent[i] != null : tangent[i] == null) {
        throw new IllegalArgumentException("matrix " + i + " of a tangent is "
            + (tangent[i] == null ? "null" : "not null") + " where the 3-D array's is "
            + (like[i] == null ? "null" : "not"));
      }
      tangent(tangent[i], like[i]);
    }
    return tangent;
  }

  /** {@link #dot(double, double)} summed over 3-D arrays; a null part is zeros. */
  public static double dot(double[][][] gradient, double[][][] direction) {
    if (gradient == null || direction == null) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < direction.length; i++) {
      sum += dot(gradient[i], direction[i]);
    }
    return sum;
  }

  /** A zero 3-D array of the shape of {@code like} (null parts stay null), or null for null. */
  public static double[][][] zerosLike(double[][][] like) {
    if (like == null) {
      return null;
    }
    double[][][] out = new double[like.length][][];
    for (int i = 0; i < like.length; i++) {
      out[i] = zerosLike(like[i]);
    }
    return out;
  }

  /** {@code buffer} zeroed when it has the shape of {@code like}, else {@link #zerosLike}. */
  public static double[][][] zeroedLike(double[][][] buffer, double[][][] like) {
    if (like == null) {
      return null;
    }
    if (buffer == null || buffer.length != like.length) {
      return zerosLike(like);
    }
    for (int i = 0; i < like.length; i++) {
      if (like[i] == null ? buffer[i] != null
          : buffer[i] == null || zeroedLike(buffer[i], like[i]) != buffer[i]) {
        return zerosLike(like);
      }
    }
    return buffer;
  }

  /** {@code buffer} zeroed when it is {@code a} by {@code b} by {@code c}, else a new such array. */
  public static double[][][] zeroed(double[][][] buffer, int a, int b, int c) {
    if (buffer == null || buffer.length != a) {
      return new double[a][b][c];
    }
    for (int i = 0; i < a; i++) {
      if (zeroed(buffer[i], b, c) != buffer[i]) {
        return new double[a][b][c];
      }
    }
    return buffer;
  }

  /** {@link #addTo(double[][], double[][])}, matrix by matrix. */
  public static void addTo(double[][][] target, double[][][] source) {
    if (source == null) {
      return;
    }
    if (target == null || target.length != source.length) {
      throw new IllegalArgumentException("a cotangent of " + source.length + " matrices for a"
          + " 3-D array of " + (target == null ? "none" : target.length)
          + "; this is a bug in generated code");
    }
    for (int i = 0; i < target.length; i++) {
      addTo(target[i], source[i]);
    }
  }
}

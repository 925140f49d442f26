package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * The record a generated forward sweep keeps for its reverse sweep where loops run: values the
 * forward sweep overwrites and the reverse sweep still needs, branch decisions, trip counts, and
 * the pullbacks of calls made inside loops. Three stacks, each backed by a growable array; doubles
 * and ints are stored unboxed, with no object per element.
 *
 * <p>The reverse sweep reads the tape back through a {@link Reader}, in exactly the opposite order
 * of the pushes. Reading does not change the tape, so a pullback may run any number of times, from
 * any number of threads at once. Pushing is single-threaded: generated code makes one tape per
 * call, or reuses a workspace's tape after {@link #clear}.
 */
public final class Tape {
  private static final int INITIAL = 16;

  private double[] doubles = new double[INITIAL];
  private int doubleCount;
  private int[] ints = new int[INITIAL];
  private int intCount;
  private Object[] objects = new Object[INITIAL];
  private int objectCount;

  /** An empty tape. */
  public Tape() {}

  public void pushDouble(double value) {
    if (doubleCount == doubles.length) {
      doubles = Arrays.copyOf(doubles, grown(doubles.length));
    }
    doubles[doubleCount++] = value;
  }

  public void pushInt(int value) {
    if (intCount == ints.length) {
      ints = Arrays.copyOf(ints, grown(ints.length));
    }
    ints[intCount++] = value;
  }

  /** A branch decision, stored as an int. */
  public void pushBoolean(boolean value) {
    pushInt(value ? 1 : 0);
  }

  /** An object the reverse sweep needs, such as a call's pullback. */
  public void pushObject(Object value) {
    if (objectCount == objects.length) {
      objects = Arrays.copyOf(objects, grown(objects.length));
    }
    objects[objectCount++] = value;
  }

  /** A reader positioned after the last push. */
  public Reader reader() {
    return new Reader(this);
  }

  /** Empties the tape for reuse, keeping its storage. */
  public void clear() {
    doubleCount = 0;
    intCount = 0;
    Arrays.fill(objects, 0, objectCount, null);
    objectCount = 0;
  }

  /** How many values are on the tape, of all kinds. */
  public int size() {
    return doubleCount + intCount + objectCount;
  }

  /** The bytes of storage held (capacity, not size): what a reused tape keeps between calls. */
  public long capacityBytes() {
    return 8L * doubles.length + 4L * ints.length + 8L * objects.length;
  }

  /** Reads a tape back to front. One per reverse sweep; the tape must not be pushed meanwhile. */
  public static final class Reader {
    private final Tape tape;
    private int doubleCount;
    private int intCount;
    private int objectCount;

    private Reader(Tape tape) {
      this.tape = tape;
      this.doubleCount = tape.doubleCount;
      this.intCount = tape.intCount;
      this.objectCount = tape.objectCount;
    }

    public double popDouble() {
      if (doubleCount == 0) {
        throw underflow("a double");
      }
      return tape.doubles[--doubleCount];
    }

    public int popInt() {
      if (intCount == 0) {
        throw underflow("an int");
      }
      return tape.ints[--intCount];
    }

    public boolean popBoolean() {
      return popInt() != 0;
    }

    public Object popObject() {
      if (objectCount == 0) {
        throw underflow("an object");
      }
      return tape.objects[--objectCount];
    }

    /**
     * Positions this reader after the tape's last push again, for the next reverse sweep over a
     * reused tape (a workspace's), without making a new reader. Returns this reader.
     */
    public Reader rewind() {
      this.doubleCount = tape.doubleCount;
      this.intCount = tape.intCount;
      this.objectCount = tape.objectCount;
      return this;
    }

    /** How many values are left to read, of all kinds. */
    public int remaining() {
      return doubleCount + intCount + objectCount;
    }
  }

  private static int grown(int length) {
    if (length >= Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tape is full (" + length + " entries of one kind)");
    }
    return (int) Math.min(Integer.MAX_VALUE - 8L, 2L * length);
  }

  private static IllegalStateException underflow(String what) {
    return new IllegalStateException("the reverse sweep read " + what
        + " the forward sweep did not push; this is a bug in generated code, please report it");
  }
}

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

  /**
   * Takes back the last double pushed, as a stack: a fused sweep, whose reverse trips run inside
   * its forward trips, reads each trip's records back within that trip, and the next trip
   * pushes where they were.
   *
   * @return the value
   */
  public double popDouble() {
    if (doubleCount == 0) {
      throw underflow("a double");
    }
    return doubles[--doubleCount];
  }

  /**
   * Takes back the last int pushed, as a stack (see {@link #popDouble()}).
   *
   * @return the value
   */
  public int popInt() {
    if (intCount == 0) {
      throw underflow("an int");
    }
    return ints[--intCount];
  }

  /**
   * Takes back the last boolean pushed, as a stack (see {@link #popDouble()}).
   *
   * @return the value
   */
  public boolean popBoolean() {
    return popInt() != 0;
  }

  /**
   * Takes back the last object pushed, as a stack (see {@link #popDouble()}), and lets go of it.
   *
   * @return the value
   */
  public Object popObject() {
    if (objectCount == 0) {
      throw underflow("an object");
    }
    Object value = objects[--objectCount];
    objects[objectCount] = null;
    return value;
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
    private static final Object[] NOTHING_KEPT = {};

    private final Tape tape;
    private int doubleCount;
    private int intCount;
    private int objectCount;
    private Object[] kept = NOTHING_KEPT;
    private int keptCount;

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

    /**
     * Keeps a copy of {@code array} as it is now (null is ignored), for {@link #restoreKept}, and
     * returns it: the reverse sweep takes each array a loop made on an earlier trip from the tape
     * through this, before it walks that array back to its first state in place, so that a Vjp's
     * pullback leaves every array as the forward sweep left it and may run again.
     *
     * @param array a {@code double[]}, {@code double[][]}, or discrete array of one or two
     *     dimensions, or null
     * @return {@code array}
     */
    public <T> T keep(T array) {
      if (array != null) {
        if (keptCount + 2 > kept.length) {
          kept = java.util.Arrays.copyOf(kept, Math.max(8, grown(kept.length)));
        }
        kept[keptCount++] = array;
        kept[keptCount++] = deepCopy(array);
      }
      return array;
    }

    /** Copies back every array {@link #keep} kept, and forgets them. */
    public void restoreKept() {
      for (int i = 0; i < keptCount; i += 2) {
        copyBack(kept[i + 1], kept[i]);
        kept[i] = null;
        kept[i + 1] = null;
      }
      keptCount = 0;
    }

    private static Object deepCopy(Object array) {
      if (array instanceof Object[] rows) {
        Object[] out = rows.clone();
        for (int i = 0; i < out.length; i++) {
          out[i] = out[i] == null ? null : deepCopy(out[i]);
        }
        return out;
      } else if (array instanceof double[] a) {
        return a.clone();
      } else if (array instanceof int[] a) {
        return a.clone();
      } else if (array instanceof long[] a) {
        return a.clone();
      } else if (array instanceof boolean[] a) {
        return a.clone();
      }
      throw new IllegalArgumentException("not an array the reverse sweep walks back: " + array);
    }

    private static void copyBack(Object from, Object to) {
      if (from instanceof Object[] rows) {
        Object[] target = (Object[]) to;
        for (int i = 0; i < rows.length; i++) {
          if (rows[i] != null) {
            copyBack(rows[i], target[i]);
          }
        }
      } else if (from instanceof double[] a) {
        System.arraycopy(a, 0, to, 0, a.length);
      } else if (from instanceof int[] a) {
        System.arraycopy(a, 0, to, 0, a.length);
      } else if (from instanceof long[] a) {
        System.arraycopy(a, 0, to, 0, a.length);
      } else if (from instanceof boolean[] a) {
        System.arraycopy(a, 0, to, 0, a.length);
      }
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

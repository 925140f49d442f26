package dev.adjoint.runtime;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Hessian-vector sweep read of the world at one point, so that later sweeps at that point
 * read it again from here rather than from the world: the results of the calls it makes (a plain
 * method reading a field, a callee's products at the point, an object made there), and the
 * contents those calls left in the arrays they were given; and the costly values it computes
 * that do not depend on the direction (its {@code exp}, {@code log}, {@code sin}, ... of primal
 * values and their partials), so that later sweeps do not compute them again.
 *
 * <p>{@code mHvpAt} runs its sweep once when it is made, with a recording {@link Replay}; every
 * {@code apply} then runs the sweep with a {@link #replayer} of it, which hands back the recorded
 * results in the order they were recorded and makes none of the calls. The sweep's path does not
 * depend on the direction, so the sweeps make the same calls in the same order. {@code mHvp},
 * {@code mHessian} and {@code mFunction} run the sweep with {@link #live}, which records nothing.
 *
 * <p>Arrays are recorded as copies and handed back as fresh copies, so no sweep sees another's
 * writes, and several threads may apply one {@code mHvpAt} at once (each apply has its own
 * replayer). Recording is single-threaded.
 */
public final class Replay {
  private static final Replay LIVE = new Replay(null, null, false);

  private final List<Object> values;
  /** The doubles, recorded apart and unboxed: the sweep replays many (its costly partials). */
  private final Doubles doubles;
  private final boolean replaying;
  private int next;
  private int nextDouble;

  /** A growable array of doubles, shared by a recording and its replayers. */
  private static final class Doubles {
    double[] values = new double[64];
    int count;

    void add(double value) {
      if (count == values.length) {
        values = java.util.Arrays.copyOf(values, values.length * 2);
      }
      values[count++] = value;
    }
  }

  private Replay(List<Object> values, Doubles doubles, boolean replaying) {
    this.values = values;
    this.doubles = doubles;
    this.replaying = replaying;
  }

  /** A replay that records nothing and replays nothing: the sweep calls the world each time. */
  public static Replay live() {
    return LIVE;
  }

  /** An empty record, for the sweep that runs when {@code mHvpAt} is made. */
  public static Replay recording() {
    return new Replay(new ArrayList<>(), new Doubles(), false);
  }

  /**
   * A reader of what this recorded, from the first value.
   *
   * @return the replayer
   */
  public Replay replayer() {
    if (values == null || replaying) {
      throw new IllegalStateException("only a recording has a replayer");
    }
    return new Replay(values, doubles, true);
  }

  /** Whether this hands back recorded values rather than letting the sweep make its calls. */
  public boolean replaying() {
    return replaying;
  }

  public double recordDouble(double value) {
    if (doubles != null && !replaying) {
      doubles.add(value);
    }
    return value;
  }

  public int recordInt(int value) {
    add(value);
    return value;
  }

  public long recordLong(long value) {
    add(value);
    return value;
  }

  public boolean recordBoolean(boolean value) {
    add(value);
    return value;
  }

  /**
   * Records an object, an array as a copy (with its rows).
   *
   * @param value the call's result
   * @param <T> its type
   * @return {@code value} itself
   */
  public <T> T recordObject(T value) {
    add(value != null && value.getClass().isArray() ? deepCopy(value) : value);
    return value;
  }

  public double nextDouble() {
    if (!replaying) {
      throw new IllegalStateException("not replaying");
    }
    if (nextDouble >= doubles.count) {
      throw new IllegalStateException("the sweep asked for more doubles than were recorded ("
          + doubles.count + "): its path differs from the one taken at the point");
    }
    return doubles.values[nextDouble++];
  }

  public int nextInt() {
    return (Integer) take();
  }

  public long nextLong() {
    return (Long) take();
  }

  public boolean nextBoolean() {
    return (Boolean) take();
  }

  /**
   * The next recorded object; an array as a fresh copy.
   *
   * @param <T> its type, the recorded call's
   * @return the object
   */
  @SuppressWarnings("unchecked")
  public <T> T nextObject() {
    Object value = take();
    return (T) (value != null && value.getClass().isArray() ? deepCopy(value) : value);
  }

  /**
   * After a call the sweep gave {@code array}: records its contents when recording (the call may
   * have written them), writes the recorded contents back into it when replaying (the call was
   * not made), and does nothing when live.
   *
   * @param array the array, or null
   */
  public void sync(Object array) {
    if (values == null) {
      return;
    }
    if (!replaying) {
      values.add(array == null ? null : deepCopy(array));
      return;
    }
    Object saved = take();
    if (array != null && saved != null) {
      copyInto(saved, array);
    }
  }

  private void add(Object value) {
    if (values != null && !replaying) {
      values.add(value);
    }
  }

  private Object take() {
    if (!replaying) {
      throw new IllegalStateException("not replaying");
    }
    if (next >= values.size()) {
      throw new IllegalStateException("the sweep asked for more than was recorded ("
          + values.size() + " values): its calls differ from those made at the point");
    }
    return values.get(next++);
  }

  private static Object deepCopy(Object array) {
    int n = Array.getLength(array);
    Class<?> element = array.getClass().getComponentType();
    Object copy = Array.newInstance(element, n);
    if (element.isPrimitive()) {
      System.arraycopy(array, 0, copy, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        Object row = Array.get(array, i);
        Array.set(copy, i, row != null && row.getClass().isArray() ? deepCopy(row) : row);
      }
    }
    return copy;
  }

  private static void copyInto(Object saved, Object array) {
    int n = Math.min(Array.getLength(saved), Array.getLength(array));
    Class<?> element = array.getClass().getComponentType();
    if (element.isPrimitive()) {
      System.arraycopy(saved, 0, array, 0, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      Object row = Array.get(saved, i);
      Object target = Array.get(array, i);
      if (row != null && target != null && row.getClass().isArray()
          && row.getClass() == target.getClass()
          && Array.getLength(row) == Array.getLength(target)) {
        copyInto(row, target);
      } else {
        Array.set(array, i, row != null && row.getClass().isArray() ? deepCopy(row) : row);
      }
    }
  }
}

package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;
import dev.adjoint.runtime.Ad;

/** Programs the differential fuzzer (processor module, FuzzTest) found bugs with, reduced. */
final class FuzzFound {
  private FuzzFound() {}

  // The split form of long methods (found by Generator version 10 and its soak, issue 9; fixed):
  // its fVjp ran the forward sweep on copies of the argument arrays (so @NoDiff data that the
  // primal sorts stayed unsorted), and its pullback walked back copies of the local arrays while a
  // rule's Vjp kept the arrays themselves (`double[] yb = Rules.softmax(da, x1); --yb[2]; return
  // yb[2];` gave d/dx1 = 0.1053 for 0.0980). This module has no method long enough to be split;
  // their closed-form tests are in the processor module, SplitFormTest (which forces the split
  // form with -Aadjoint.splitAbove=0, and splits a 1 500-step method).

  @Differentiable
  static double square(double x) {
    return x * x;
  }

  // Forward mode kept a runtime 0.0 in the tangent of a variable overwritten with a constant, so
  // exp of a large multiple of it gave 0 * Infinity = NaN where reverse mode gives 0 (found by the
  // CI leg's fuzz run, seed 2510188722879398573; fixed: tangents zero by construction are followed
  // along the body).

  /** x is overwritten by a constant whose exp overflows: the result does not depend on x. */
  @Differentiable
  static double overwrittenBeforeOverflow(double x) {
    x = 800;
    return 1.0 / Math.exp(x) + Math.exp(x) * 0.0;
  }

  /** Both branches overwrite a with a constant; a loop then squares it: no dependence on x. */
  @Differentiable
  static double overwrittenInBothBranches(double x, double y) {
    double a = x * y;
    if (y > 0) {
      a = 700;
    } else {
      a = 750;
    }
    double b = a;
    for (int i = 0; i < 2; i++) {
      b = b * Math.exp(a);
    }
    return Math.exp(-b) + y;
  }

  /** Only one branch overwrites a, and a loop assigns it: the tangent stays a real one. */
  @Differentiable
  static double overwrittenInOneBranch(double x, double y) {
    double a = x * y;
    if (y > 0) {
      a = 2;
    }
    for (int i = 0; i < 3; i++) {
      a = a * x;
      x = 0.5;
    }
    return a;
  }

  /** A variable overwritten by a call that reads it: x becomes x^2, then x^4 y. */
  @Differentiable
  static double selfAssignedCall(double x, double y) {
    x = square(x);
    x = square(x) * y;
    return x + y;
  }

  /** expm1'(x) = e^x, about 1.9e-22 at x = -50, where expm1(x) + 1 is 0. */
  @Differentiable
  static double expm1(double x) {
    return Math.expm1(x);
  }

  /** tanh'(x) = 1 / cosh^2 x, about 3.7e-13 at x = -15, where 1 - tanh^2 keeps 4 digits. */
  @Differentiable
  static double tanh(double x) {
    return Math.tanh(x);
  }

  /** A result that does not depend on x: the gradient is 0, even where cbrt'(x) is infinite. */
  @Differentiable
  static double constantResult(double x) {
    double t = Math.cbrt(x) * x;
    return Ad.stopGradient(t) + 1;
  }

  /**
   * A loop whose adjoint reads a passive temporary (tanh of the index): each trip needs its own
   * value back, not the last trip's. x becomes x tanh(1) tanh(2) tanh(3).
   */
  @Differentiable
  static double passiveTemporaryInLoop(double x) {
    int i = 0;
    do {
      x = x * Math.tanh((double) i + 1);
      i++;
    } while (i < 3);
    return x;
  }

  /** An array element assigned a conditional: each branch's value keeps its derivative. */
  @Differentiable
  static double conditionalIntoElement(double[] x, double y) {
    double[] a = new double[1];
    a[0] = x[0] > 0 ? x[0] * y : y;
    return a[0] * 2;
  }

  /**
   * stopGradient of an int: the call converts it to double, so its negation is -0.0, and
   * atan2(-0.0, -1) is -pi (with the int 0 it would be +pi).
   */
  @Differentiable
  static double negatedIntStop(double x, int n) {
    return x + Math.atan2(-dev.adjoint.runtime.Ad.stopGradient(n - n), -1.0);
  }

  /**
   * 130 steps of t = t cos t + x: the pullback keeps two doubles per step, more than a
   * constructor's 255 parameter slots can hold.
   */
  @Differentiable
  static double longChain(double x) {
    double t = x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    t = t * Math.cos(t) + x;
    return t;
  }

  // Open, found by Generator version 12 (fuzz open bug "recordAccessor"; FuzzFoundTest's test is
  // disabled until the processor is fixed): in a record whose accessor is written out, a read of
  // the component field in a differentiable instance method is read, in every generated form,
  // through the accessor, which here returns something else. Value and gradient are then those of
  // shift * x + 0.5 * x, not of the method, shift * x. Program seeds (version 12, replay with
  // -Dfuzz.program=N -Dfuzz.open=recordAccessor): -3741404989090241623, 516216280694549728,
  // -7602716981849790525, -6431833291527194949, 7063795716555776674.

  /** A record whose accessor is written out: {@code shift()} is not the component {@code shift}. */
  record Shifted(double shift) {
    public double shift() {
      return shift + 0.5;
    }

    // shift * x, reading the component field itself, is a compile error since the fix
    // (processor corpus 306): the generated class cannot read the private field.

    /** shift() * x, through the accessor: (shift + 0.5) * x. */
    @Differentiable
    double scaledByAccessor(double x) {
      return shift() * x;
    }
  }

  // Found by Generator version 12's CI-volume run (processor suite, run seed
  // -5493124043549484981, program 8705805298565125643): in a loop, x1 = ceil(..) makes x1's
  // tangent 0 on the second trip (a runtime zero: the first trip's is not), then cosh(x1)
  // overflows. fJvp gave NaN where the dual numbers (and reverse mode, <grad, v>) give the first
  // trip's derivative.

  /** sum over three trips of y / cosh(y), y = 1.67, then ceil(degrees(y)): 96, 5501, ... */
  @Differentiable
  static double ceilThenOverflow(double x, double y) {
    for (int i = 0; i < 3; i++) {
      x += y / Math.cosh(y);
      y = Math.ceil(Math.toDegrees(y));
    }
    return x;
  }

  // Found by a soak of Generator version 16 (run seed 27001, 6 000 programs, program
  // -1957144628129396307): the statements after an if that returns are copied into each branch
  // that goes on, one call object in two branches; the forward sweep copied a @NoDiff array
  // before Arrays.sort for the first branch only, so the other branch's reverse sweep, which
  // recomputes data[2] / x in its loop, read the sorted array.

  /** 2 data[2] / x where n <= 5 (data as it was given), x where n > 10, else 0. */
  @Differentiable
  static double sortedAfterAnIf(double x, @NoDiff double[] data, int n) {
    double c = 0;
    if (n > 5) {
      if (n > 10) {
        return x;
      }
    } else {
      for (int i = 0; i < 2; i++) {
        c += data[2] / x;
      }
    }
    java.util.Arrays.sort(data);
    return c;
  }

  // Found by Generator version 17 (stop 27's CI, JDK 25 leg, run seed -7859067359033032446,
  // program 2693543067656769022): a helper called outside loops gets its caller's record
  // argument and shares its arrays (a Vjp of generated code); it read the record's int[]
  // component again in its reverse sweep, after the user had changed it, and took the other
  // branch of a ?: in its loop (a NullPointerException on a call's Vjp never made, or a silently
  // wrong gradient where both branches are plain).

  record Picks(int[] ix) {}

  /** Per trip i: x² where p.ix[i] > 0, else x. */
  @Differentiable
  static double picked(double x, Picks p) {
    double s = 0;
    for (int i = 0; i < 3; i++) {
      s += p.ix()[i] > 0 ? x * x : x;
    }
    return s;
  }

  /** {@link #picked}, through a call that shares the record with the callee's Vjp. */
  @Differentiable
  static double callsPicked(double x, Picks p) {
    return picked(x, p) + 0.0;
  }

  // Found by Generator version 17 (stop 28's CI, JDK 17 leg, run seed 2197104637641948163,
  // program -8710301718441319038): a row passed to a callee, chosen by an index that reads a
  // field (not safe to evaluate again), was held in a temporary; the temporary was an alias of the
  // matrix that the reverse sweep could not see, so a write to the matrix after the call was not
  // put back before the callee's pullback read the row (d/dx0 -0.668 for -0.224).

  /** x² (1 + Σ row), summed in a loop, whose reverse sweep reads the row again. */
  @Differentiable
  static double scaledBySum(double[] row, double x) {
    double s = x * x;
    for (int j = 0; j < row.length; j++) {
      s += x * x * row[j];
    }
    return s;
  }

  /** Rows chosen through a field, written after each call. */
  record Shift(int k) {
    /** Trips 0 and 1 see a fresh row (x² each), trip 2 the first row again, written: 3x². */
    @Differentiable
    double rowsWrittenAfterCalls(double x) {
      double[][] m = new double[2][3];
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += scaledBySum(m[Math.floorMod(i + k, 2)], x);
        m[Math.floorMod(i + k, 2)][2] = 2.0;
      }
      return s;
    }
  }

  // Red team of stop 29: an array a record's accessor returns is the record's state, which a
  // plain method of the record may change between two reads; the reverse sweep read it again
  // after the change (3x the a0 partial), where a final class's field array was kept.

  /** A record whose plain method writes its array component. */
  record Weights(double[] w) {
    void set(double v) {
      w[0] = v;
    }

    /** With w[0] set to 1, then 5: a0² + 5 a1, so (2 a0, 5). */
    @Differentiable
    double setBetweenReads(double a0, double a1) {
      set(1.0);
      double s = w[0] * a0 * a0;
      set(5.0);
      return s + w[0] * a1;
    }
  }

  // Red team of stop 29: a @NoDiff array parameter that is the very array a static field holds,
  // written through the field by a plain call between two reads of the parameter.

  static double[] shared = {1.0};

  static void setShared(double v) {
    shared[0] = v;
  }

  /** Called with w == shared: a0² + 5 a1, so (2 a0, 5). */
  @Differentiable
  static double parameterWrittenThroughAField(@NoDiff double[] w, double a0, double a1) {
    setShared(1.0);
    double s = w[0] * a0 * a0;
    setShared(5.0);
    return s + w[0] * a1;
  }

  static double[][] sharedRows = {{1.0, 1.0}};

  /** Writes the field's array one plain call deeper, through a local and a parameter. */
  static void setSharedRow(double v) {
    double[] row = sharedRows[0];
    fill(row, v);
  }

  static void fill(double[] a, double v) {
    java.util.Arrays.fill(a, v);
  }

  /** Called with w == sharedRows[0]: a0² + 5 a1, so (2 a0, 5). */
  @Differentiable
  static double rowWrittenThroughAFieldTwoCallsDeep(@NoDiff double[] w, double a0, double a1) {
    setSharedRow(1.0);
    double s = w[1] * a0 * a0;
    setSharedRow(5.0);
    return s + w[1] * a1;
  }

  /** Sets shared[0] and returns a: a differentiated helper that calls a plain writer. */
  @Differentiable
  static double setSharedAndPass(double a, @NoDiff double v) {
    setShared(v);
    return a;
  }

  /** Called with w == shared: a0² + 5 a1 (the writes one annotated call deeper), (2 a0, 5). */
  @Differentiable
  static double parameterWrittenThroughAnAnnotatedHelper(
      @NoDiff double[] w, double a0, double a1) {
    double b0 = setSharedAndPass(a0, 1.0);
    double s = w[0] * b0 * b0;
    double b1 = setSharedAndPass(a1, 5.0);
    return s + w[0] * b1;
  }

  // Red team of stop 30: paths to the field's array that stop 30's first check missed (each gave
  // 3x the a0 partial): an override, a generic holder, an enhanced for, a method reference, and
  // a constructor's initializer. Each is called with w == the field's array: a0² + 5 a1.

  static double pending;

  static double[] viaOverride = {1.0};

  static class Setter {
    void set(double v) {}
  }

  static final Setter SETTER = new Setter() {
    @Override
    void set(double v) {
      viaOverride[0] = v;
    }
  };

  @Differentiable
  static double writtenThroughAnOverride(@NoDiff double[] w, double a0, double a1) {
    SETTER.set(1.0);
    double s = w[0] * a0 * a0;
    SETTER.set(5.0);
    return s + w[0] * a1;
  }

  static double[] viaBox = {1.0};

  static final class Box<T> {
    private final T t;

    Box(T t) {
      this.t = t;
    }

    T get() {
      return t;
    }
  }

  static final Box<double[]> BOX = new Box<>(viaBox);

  static void setThroughBox(double v) {
    BOX.get()[0] = v;
  }

  @Differentiable
  static double writtenThroughAGenericHolder(@NoDiff double[] w, double a0, double a1) {
    setThroughBox(1.0);
    double s = w[0] * a0 * a0;
    setThroughBox(5.0);
    return s + w[0] * a1;
  }

  static double[][] grid = {{1.0}};

  static void setGrid(double v) {
    for (double[] r : grid) {
      r[0] = v;
    }
  }

  @Differentiable
  static double writtenThroughAnEnhancedFor(@NoDiff double[] w, double a0, double a1) {
    setGrid(1.0);
    double s = w[0] * a0 * a0;
    setGrid(5.0);
    return s + w[0] * a1;
  }

  static double[] viaReference = {1.0};

  static void put(int i) {
    viaReference[i] = pending;
  }

  static void setByReference(double v) {
    pending = v;
    java.util.stream.IntStream.range(0, 1).forEach(FuzzFound::put);
  }

  @Differentiable
  static double writtenThroughAMethodReference(@NoDiff double[] w, double a0, double a1) {
    setByReference(1.0);
    double s = w[0] * a0 * a0;
    setByReference(5.0);
    return s + w[0] * a1;
  }

  static double[] viaInitializer = {1.0};

  static final class Stamp {
    {
      viaInitializer[0] = pending;
    }
  }

  static void setByInitializer(double v) {
    pending = v;
    new Stamp();
  }

  @Differentiable
  static double writtenThroughAnInitializer(@NoDiff double[] w, double a0, double a1) {
    setByInitializer(1.0);
    double s = w[0] * a0 * a0;
    setByInitializer(5.0);
    return s + w[0] * a1;
  }

  static void put(double[] a, double v) {
    a[0] = v;
  }

  /** Called with a == b: a0² + 5 a1, so (2 a0, 5) (red team of stop 30: 3x the a0 partial). */
  @Differentiable
  static double oneArrayPassedTwice(@NoDiff double[] a, @NoDiff double[] b, double a0,
      double a1) {
    put(a, 1.0);
    double s = b[0] * a0 * a0;
    put(a, 5.0);
    return s + b[0] * a1;
  }

  static double[] viaLambda = {1.0};

  static final java.util.function.DoubleConsumer SET_BY_LAMBDA = v -> viaLambda[0] = v;

  /** Called with w == viaLambda: a0² + 5 a1, so (2 a0, 5). */
  @Differentiable
  static double writtenThroughALambdaInAField(@NoDiff double[] w, double a0, double a1) {
    SET_BY_LAMBDA.accept(1.0);
    double s = w[0] * a0 * a0;
    SET_BY_LAMBDA.accept(5.0);
    return s + w[0] * a1;
  }
}

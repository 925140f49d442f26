package dev.adjoint.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Checks a gradient against finite differences, in the style of PyTorch's {@code gradcheck} and
 * JAX's {@code check_grads}: the full Jacobian by central differences, and a random-direction
 * dot-product test.
 *
 * <pre>{@code
 * GradCheck.defaults().assertGradient(RosenAdjoint.rosenFunction(), 1.2, -0.7);
 *
 * GradCheck.Report report = GradCheck.defaults().withTolerances(1e-7, 1e-5).check(f, x);
 * if (!report.passed()) {
 *   System.err.println(report);
 * }
 * }</pre>
 *
 * <h2>What is compared</h2>
 *
 * <ul>
 *   <li><b>Full Jacobian</b> (when the number n of inputs is at most {@link #fullJacobianLimit()}):
 *       column j is estimated by central differences, (f(x + eps e<sub>j</sub>) &minus; f(x &minus;
 *       eps e<sub>j</sub>)) / h with h = (x<sub>j</sub> + eps) &minus; (x<sub>j</sub> &minus; eps),
 *       the step actually taken in floating point (2n evaluations). The analytical side is the
 *       gradient from {@link DifferentiableFunction#valueAndGradient}, or for a {@link
 *       VectorFunction} row i of the Jacobian from the pullback of the unit cotangent
 *       e<sub>i</sub> (m pullbacks), and also, for a vector function whose {@link
 *       VectorFunction#valueAndJacobian} is its own (as generated functions' is), that Jacobian's
 *       rows (a mismatch in either shows as the same entry). A numerical value n and an analytical
 *       value a <em>match</em> when |a &minus; n| &le; atol + rtol &middot; |n|.
 *   <li><b>Dot-product test</b> (always): with a unit direction u in R<sup>n</sup> (and, for a
 *       {@link VectorFunction}, a unit cotangent v in R<sup>m</sup>) drawn from a {@link Random}
 *       seeded with {@link #seed()} (normalised Gaussian vectors, so uniform on the sphere), the
 *       numerical directional derivative d<sub>n</sub> = (f(x + &epsilon; u) &minus; f(x &minus;
 *       &epsilon; u)) / (2&epsilon;), with &epsilon; = {@link #dotProductEps()} (for a vector
 *       function, &lang;v, that quotient&rang;), is compared with the analytical d<sub>a</sub> =
 *       &lang;gradient, u&rang; (for a vector function, &lang;pullback(x, v), u&rang;). Because u
 *       and v are unit vectors, d is on the scale of one gradient entry, so the same formula applies,
 *       plus the rounding error of the difference quotient itself: they match when |d<sub>a</sub>
 *       &minus; d<sub>n</sub>| &le; atol + rtol &middot; |d<sub>n</sub>| + 2<sup>&minus;50</sup>
 *       &middot; &Sigma;<sub>i</sub> |v<sub>i</sub>| (|f<sub>i</sub>(x + &epsilon; u)| +
 *       |f<sub>i</sub>(x &minus; &epsilon; u)|) / (2&epsilon;) (v = 1 for a scalar function). That
 *       last term (four units in the last place of the function values, divided by the step) only
 *       matters for functions with large values; it keeps a correct gradient of, say, a sum of a
 *       thousand squares from failing on cancellation in f(x + &epsilon;u) &minus; f(x &minus;
 *       &epsilon;u).
 *   <li><b>Value consistency</b>: the value returned by {@code valueAndGradient} (for a vector
 *       function with its own {@code valueAndJacobian}, by that) must match {@code value(x)} by the
 *       same formula.
 *   <li><b>Forward against reverse</b> (functions whose {@code jvp} is their own, as generated
 *       functions' is): {@code jvp} along the dot-product test's direction u must equal
 *       &lang;gradient, u&rang; to rounding (relative 1e-9 of &Sigma;|gradient<sub>j</sub>
 *       u<sub>j</sub>|); for a vector function, &lang;v, jvp(x, u)&rang; must equal &lang;pullback(x,
 *       v), u&rang; likewise, and where the full Jacobian is not checked, so must &lang;v,
 *       J(x) u&rang; for a vector function's own {@code valueAndJacobian}. It passes or fails, and
 *       is not among the error maxima, which measure the finite differences. For a generated
 *       function the two are different computations (a forward sweep and a reverse sweep).
 * </ul>
 *
 * <p>Above {@link #fullJacobianLimit()} inputs only the dot-product test runs: the full Jacobian
 * costs 2n evaluations of an O(n) function. Raise the limit to force it.
 *
 * <h2>Non-finite values</h2>
 *
 * Equal values always match, so two equal infinities match. Two NaNs match too: a NaN derivative
 * where the function itself is NaN is what IEEE arithmetic gives, and the gradient of an
 * expression differentiated as written may legitimately be NaN where its finite-difference
 * estimate is (say, {@code Math.sqrt(x)} at x &lt; 0). A NaN on one side only, or an infinity
 * that is not matched by the same infinity, is a mismatch.
 *
 * <h2>Arrays</h2>
 *
 * The caller's point is copied on entry and never handed to the function under test; every
 * evaluation gets a fresh copy, so a function that writes to its argument cannot disturb later
 * evaluations. The gradient buffer passed to {@code valueAndGradient} is filled with NaN first, so
 * an entry the function fails to write shows up as a mismatch.
 *
 * <p>Instances are immutable and thread-safe; each {@code with...} method returns a new one.
 */
public final class GradCheck {

  /** Default step of the central differences of the full Jacobian: {@value}. */
  public static final double DEFAULT_EPS = 1e-6;

  /** Default absolute tolerance: {@value}. */
  public static final double DEFAULT_ATOL = 1e-5;

  /** Default relative tolerance: {@value}. */
  public static final double DEFAULT_RTOL = 1e-3;

  /** Default step of the dot-product test's difference quotient: {@value}. */
  public static final double DEFAULT_DOT_PRODUCT_EPS = 1e-4;

  /** Default seed of the dot-product test's random directions: {@value}. */
  public static final long DEFAULT_SEED = 20240601L;

  /**
   * How far a function's {@code jvp} may be from the gradient's dot product with the same
   * direction, relative to the sum of the products' magnitudes: two exact computations that
   * round differently.
   */
  static final double JVP_RTOL = 1e-9;

  /** Default largest number of inputs for which the full Jacobian is computed: {@value}. */
  public static final int DEFAULT_FULL_JACOBIAN_LIMIT = 300;

  /** Four units in the last place, relative: the rounding allowance of the dot-product test. */
  private static final double ROUNDING = 0x1p-50;

  private static final GradCheck DEFAULTS =
      new GradCheck(
          DEFAULT_EPS,
          DEFAULT_ATOL,
          DEFAULT_RTOL,
          DEFAULT_DOT_PRODUCT_EPS,
          DEFAULT_SEED,
          DEFAULT_FULL_JACOBIAN_LIMIT);

  private final double eps;
  private final double atol;
  private final double rtol;
  private final double dotProductEps;
  private final long seed;
  private final int fullJacobianLimit;

  private GradCheck(
      double eps,
      double atol,
      double rtol,
      double dotProductEps,
      long seed,
      int fullJacobianLimit) {
    this.eps = eps;
    this.atol = atol;
    this.rtol = rtol;
    this.dotProductEps = dotProductEps;
    this.seed = seed;
    this.fullJacobianLimit = fullJacobianLimit;
  }

  /**
   * The float64 defaults: eps {@value #DEFAULT_EPS}, atol {@value #DEFAULT_ATOL}, rtol {@value
   * #DEFAULT_RTOL}, dot-product eps {@value #DEFAULT_DOT_PRODUCT_EPS}, seed {@value
   * #DEFAULT_SEED}, full Jacobian up to {@value #DEFAULT_FULL_JACOBIAN_LIMIT} inputs.
   */
  public static GradCheck defaults() {
    return DEFAULTS;
  }

  /**
   * A copy with the central-difference step of the full Jacobian set to {@code eps}.
   *
   * @throws IllegalArgumentException unless {@code eps} is positive and finite
   */
  public GradCheck withEps(double eps) {
    requirePositiveFinite("eps", eps);
    return new GradCheck(eps, atol, rtol, dotProductEps, seed, fullJacobianLimit);
  }

  /**
   * A copy in which a numerical n and an analytical a match when |a &minus; n| &le; {@code atol}
   * + {@code rtol} &middot; |n|.
   *
   * @throws IllegalArgumentException unless both are non-negative and finite
   */
  public GradCheck withTolerances(double atol, double rtol) {
    requireNonNegativeFinite("atol", atol);
    requireNonNegativeFinite("rtol", rtol);
    return new GradCheck(eps, atol, rtol, dotProductEps, seed, fullJacobianLimit);
  }

  /**
   * A copy with the step of the dot-product test's difference quotient set to {@code
   * dotProductEps}.
   *
   * @throws IllegalArgumentException unless it is positive and finite
   */
  public GradCheck withDotProductEps(double dotProductEps) {
    requirePositiveFinite("dotProductEps", dotProductEps);
    return new GradCheck(eps, atol, rtol, dotProductEps, seed, fullJacobianLimit);
  }

  /** A copy whose dot-product test draws its random directions from {@code new Random(seed)}. */
  public GradCheck withSeed(long seed) {
    return new GradCheck(eps, atol, rtol, dotProductEps, seed, fullJacobianLimit);
  }

  /**
   * A copy that computes the full Jacobian only for at most {@code fullJacobianLimit} inputs;
   * above it only the dot-product test runs. {@code 0} runs only the dot-product test for every
   * function with at least one input; {@link Integer#MAX_VALUE} always computes the full Jacobian.
   *
   * @throws IllegalArgumentException if it is negative
   */
  public GradCheck withFullJacobianLimit(int fullJacobianLimit) {
    if (fullJacobianLimit < 0) {
      throw new IllegalArgumentException(
          "fullJacobianLimit must not be negative but was " + fullJacobianLimit);
    }
    return new GradCheck(eps, atol, rtol, dotProductEps, seed, fullJacobianLimit);
  }

  /** The central-difference step of the full Jacobian. */
  public double eps() {
    return eps;
  }

  /** The absolute tolerance. */
  public double atol() {
    return atol;
  }

  /** The relative tolerance. */
  public double rtol() {
    return rtol;
  }

  /** The step of the dot-product test's difference quotient. */
  public double dotProductEps() {
    return dotProductEps;
  }

  /** The seed of the dot-product test's random directions. */
  public long seed() {
    return seed;
  }

  /** The largest number of inputs for which the full Jacobian is computed. */
  public int fullJacobianLimit() {
    return fullJacobianLimit;
  }

  /**
   * Checks {@code f}'s gradient at {@code point}: value consistency, the full gradient by central
   * differences (unless {@code f.dimension()} exceeds {@link #fullJacobianLimit()}), and the
   * dot-product test. See the class documentation for the exact comparisons.
   *
   * @param point the point, of length {@code f.dimension()}; not modified
   * @throws IllegalArgumentException if the point's length is not {@code f.dimension()}
   */
  public Report check(DifferentiableFunction f, double... point) {
    Objects.requireNonNull(f, "f");
    double[] x = copyOf(point, f.dimension(), "f.dimension()");
    int n = x.length;
    Accumulator acc = new Accumulator(referenceScale());

    double[] gradient = new double[n];
    Arrays.fill(gradient, Double.NaN);
    double valueFromGradient = f.valueAndGradient(x.clone(), gradient);
    double value = f.value(x.clone());
    acc.compare(0, Mismatch.VALUE, value, valueFromGradient, tolerance(value));

    boolean full = n <= fullJacobianLimit;
    if (full) {
      for (int j = 0; j < n; j++) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[j] = x[j] + eps;
        minus[j] = x[j] - eps;
        double step = plus[j] - minus[j];
        double numerical = (f.value(plus) - f.value(minus)) / step;
        acc.compare(0, j, numerical, gradient[j], tolerance(numerical));
      }
    }

    double[] u = randomUnitVector(new Random(seed), n);
    double fPlus = f.value(displaced(x, u, dotProductEps));
    double fMinus = f.value(displaced(x, u, -dotProductEps));
    double dotNumerical = (fPlus - fMinus) / (2 * dotProductEps);
    double dotAnalytical = dot(gradient, u);
    if (overridesJvp(f)) {
      // Forward against reverse: f.jvp (a generated function's forward sweep) along u against
      // the gradient's dot product with u, to rounding.
      double jvp = f.jvp(x.clone(), u.clone());
      double scale = 0;
      for (int j = 0; j < n; j++) {
        scale += Math.abs(gradient[j] * u[j]);
      }
      acc.require(0, Mismatch.JVP, dotAnalytical, jvp, JVP_RTOL * scale + Double.MIN_NORMAL);
    }
    double rounding = ROUNDING * (Math.abs(fPlus) + Math.abs(fMinus)) / (2 * dotProductEps);
    return acc.report(
        Kind.GRADIENT,
        this,
        x,
        1,
        full,
        new DotProduct(dotNumerical, dotAnalytical, tolerance(dotNumerical) + rounding));
  }

  /**
   * A Hessian-vector product of a scalar function: H(x) v, of the point's length. Generated
   * {@code order = 2} members fit it as {@code (x, v) -> MAdjoint.mHvp(x, v).hvp().x()}, or at
   * one point {@code mHvpAt(x).apply(v).x()}.
   */
  @FunctionalInterface
  public interface HvpFunction {
    /**
     * The Hessian of the function at {@code point} times {@code direction}; neither argument may
     * be kept or is relied on afterwards (each call gets fresh copies).
     */
    double[] hvp(double[] point, double[] direction);
  }

  /**
   * Checks Hessian-vector products against central differences of {@code f}'s gradient at {@code
   * point}. With n at most {@link #fullJacobianLimit()}, the full Hessian: column j is {@code
   * hvp(x, e}<sub>j</sub>{@code )}, compared entry by entry with (&nabla;f(x + eps
   * e<sub>j</sub>) &minus; &nabla;f(x &minus; eps e<sub>j</sub>)) / h, h the step actually taken
   * (2n gradients, n products; a mismatch's row and column are the Hessian entry's). Always, a
   * dot-product test with random unit vectors u and w (from {@link #seed()}): &lang;w,
   * (&nabla;f(x + &epsilon;u) &minus; &nabla;f(x &minus; &epsilon;u)) / (2&epsilon;)&rang; against
   * &lang;w, hvp(x, u)&rang;, &epsilon; = {@link #dotProductEps()}, with the rounding allowance of
   * the class documentation taken over the gradients' entries. The gradient is {@code f}'s own
   * {@code valueAndGradient}, which should itself pass {@link #check(DifferentiableFunction,
   * double...)}: this checks the products against it, not against f's values.
   *
   * @param point the point, of length {@code f.dimension()}; not modified
   * @throws IllegalArgumentException if the point's length is not {@code f.dimension()}, or
   *     {@code hvp} returns an array of the wrong length
   */
  public Report checkHvp(DifferentiableFunction f, HvpFunction hvp, double... point) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(hvp, "hvp");
    double[] x = copyOf(point, f.dimension(), "f.dimension()");
    int n = x.length;
    Accumulator acc = new Accumulator(referenceScale());

    boolean full = n <= fullJacobianLimit;
    if (full) {
      for (int j = 0; j < n; j++) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[j] = x[j] + eps;
        minus[j] = x[j] - eps;
        double step = plus[j] - minus[j];
        double[] gPlus = gradient(f, plus, n);
        double[] gMinus = gradient(f, minus, n);
        double[] e = new double[n];
        e[j] = 1;
        double[] column = product(hvp, x, e, n);
        for (int i = 0; i < n; i++) {
          double numerical = (gPlus[i] - gMinus[i]) / step;
          acc.compare(i, j, numerical, column[i], tolerance(numerical));
        }
      }
    }

    Random random = new Random(seed);
    double[] u = randomUnitVector(random, n);
    double[] w = randomUnitVector(random, n);
    double[] gPlus = gradient(f, displaced(x, u, dotProductEps), n);
    double[] gMinus = gradient(f, displaced(x, u, -dotProductEps), n);
    double dotNumerical = 0;
    double rounding = 0;
    for (int i = 0; i < n; i++) {
      dotNumerical += w[i] * (gPlus[i] - gMinus[i]) / (2 * dotProductEps);
      rounding += Math.abs(w[i]) * (Math.abs(gPlus[i]) + Math.abs(gMinus[i]));
    }
    rounding *= ROUNDING / (2 * dotProductEps);
    double dotAnalytical = dot(w, product(hvp, x, u, n));
    return acc.report(
        Kind.HESSIAN,
        this,
        x,
        1,
        full,
        new DotProduct(dotNumerical, dotAnalytical, tolerance(dotNumerical) + rounding));
  }

  /**
   * {@link #checkHvp(DifferentiableFunction, HvpFunction, double...)} with {@code f}'s own
   * {@link TwiceDifferentiableFunction#hessianVectorProduct} (what an {@code order = 2} method's
   * {@code mFunction} returns).
   */
  public Report checkHvp(TwiceDifferentiableFunction f, double... point) {
    Objects.requireNonNull(f, "f");
    return checkHvp(f, products(f), point);
  }

  /** Runs {@link #checkHvp(TwiceDifferentiableFunction, double...)} and throws if it fails. */
  public void assertHvp(TwiceDifferentiableFunction f, double... point) {
    Objects.requireNonNull(f, "f");
    assertHvp(f, products(f), point);
  }

  private static HvpFunction products(TwiceDifferentiableFunction f) {
    return (point, direction) -> {
      double[] product = new double[f.dimension()];
      f.hessianVectorProduct(point, direction, product);
      return product;
    };
  }

  /**
   * Runs {@link #checkHvp(DifferentiableFunction, HvpFunction, double...)} and throws if it fails.
   *
   * @throws AssertionError whose message is the {@link Report#toString() report}
   */
  public void assertHvp(DifferentiableFunction f, HvpFunction hvp, double... point) {
    Report report = checkHvp(f, hvp, point);
    if (!report.passed()) {
      throw new AssertionError(report.toString());
    }
  }

  private static double[] gradient(DifferentiableFunction f, double[] point, int n) {
    double[] gradient = new double[n];
    Arrays.fill(gradient, Double.NaN);
    f.valueAndGradient(point, gradient);
    return gradient;
  }

  private static double[] product(HvpFunction hvp, double[] x, double[] direction, int n) {
    double[] result = hvp.hvp(x.clone(), direction.clone());
    if (result == null || result.length != n) {
      throw new IllegalArgumentException(
          "hvp must return an array of f.dimension() = "
              + n
              + " entries but returned "
              + (result == null ? "null" : result.length + " entries"));
    }
    return result;
  }

  /** Whether {@code f} has a {@code jvp} of its own (the interface's default is the gradient's). */
  private static boolean overridesJvp(DifferentiableFunction f) {
    return overrides(f, "jvp", double[].class, double[].class);
  }

  /** Whether {@code f}'s class overrides the interface's default method {@code name}. */
  private static boolean overrides(Object f, String name, Class<?>... parameters) {
    try {
      return !f.getClass().getMethod(name, parameters).isDefault();
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e); // every implementation has it
    }
  }

  /**
   * Checks {@code f}'s pullback at {@code point}: the full Jacobian by central differences (2n
   * evaluations) against its rows from the pullbacks of the m unit cotangents (unless {@code
   * f.inputDimension()} exceeds {@link #fullJacobianLimit()}), and the dot-product test
   * &lang;v, (f(x + &epsilon;u) &minus; f(x &minus; &epsilon;u)) / (2&epsilon;)&rang; vs
   * &lang;pullback(x, v), u&rang;. See the class documentation for the exact comparisons.
   *
   * @param point the point, of length {@code f.inputDimension()}; not modified
   * @throws IllegalArgumentException if the point's length is not {@code f.inputDimension()}, or
   *     {@code value} or {@code pullback} returns an array of the wrong length
   */
  public Report check(VectorFunction f, double... point) {
    Objects.requireNonNull(f, "f");
    double[] x = copyOf(point, f.inputDimension(), "f.inputDimension()");
    int n = x.length;
    int m = f.outputDimension();
    Accumulator acc = new Accumulator(referenceScale());

    boolean full = n <= fullJacobianLimit;
    if (full) {
      double[][] numerical = new double[m][n];
      for (int j = 0; j < n; j++) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[j] = x[j] + eps;
        minus[j] = x[j] - eps;
        double step = plus[j] - minus[j];
        double[] fPlus = value(f, plus, m);
        double[] fMinus = value(f, minus, m);
        for (int i = 0; i < m; i++) {
          numerical[i][j] = (fPlus[i] - fMinus[i]) / step;
        }
      }
      for (int i = 0; i < m; i++) {
        double[] unit = new double[m];
        unit[i] = 1;
        double[] row = pullback(f, x.clone(), unit, n);
        for (int j = 0; j < n; j++) {
          acc.compare(i, j, numerical[i][j], row[j], tolerance(numerical[i][j]));
        }
      }
      if (overrides(f, "valueAndJacobian", double[].class)) {
        // Its own Jacobian (a generated function's, by forward sweeps) against the same
        // differences, and its value against value(x).
        VectorFunction.ValueAndJacobian vj = f.valueAndJacobian(x.clone());
        double[] value = value(f, x.clone(), m);
        if (vj == null || vj.value() == null || vj.value().length != m
            || vj.jacobian() == null || vj.jacobian().length != m) {
          throw new IllegalArgumentException("valueAndJacobian must return a value of"
              + " f.outputDimension() = " + m + " entries and as many Jacobian rows");
        }
        for (int i = 0; i < m; i++) {
          acc.compare(i, Mismatch.VALUE, value[i], vj.value()[i], tolerance(value[i]));
          double[] row = vj.jacobian()[i];
          if (row == null || row.length != n) {
            throw new IllegalArgumentException("valueAndJacobian's Jacobian rows must have"
                + " f.inputDimension() = " + n + " entries, but row " + i + " has "
                + (row == null ? "none" : row.length));
          }
          for (int j = 0; j < n; j++) {
            acc.compare(i, j, numerical[i][j], row[j], tolerance(numerical[i][j]));
          }
        }
      }
    }

    Random random = new Random(seed);
    double[] u = randomUnitVector(random, n);
    double[] v = randomUnitVector(random, m);
    double[] fPlus = value(f, displaced(x, u, dotProductEps), m);
    double[] fMinus = value(f, displaced(x, u, -dotProductEps), m);
    double dotNumerical = 0;
    double magnitude = 0;
    for (int i = 0; i < m; i++) {
      dotNumerical += v[i] * ((fPlus[i] - fMinus[i]) / (2 * dotProductEps));
      magnitude += Math.abs(v[i]) * (Math.abs(fPlus[i]) + Math.abs(fMinus[i]));
    }
    double[] pulled = pullback(f, x.clone(), v, n);
    double dotAnalytical = dot(pulled, u);
    if (overrides(f, "jvp", double[].class, double[].class)) {
      // Forward against reverse: <v, f.jvp(x, u)> against <pullback(x, v), u>, to rounding.
      double[] tangent = f.jvp(x.clone(), u.clone());
      if (tangent == null || tangent.length != m) {
        throw new IllegalArgumentException("jvp must return an array of f.outputDimension() = "
            + m + " entries but returned "
            + (tangent == null ? "null" : tangent.length + " entries"));
      }
      double forward = dot(v, tangent);
      double scale = 0;
      double other = 0;
      for (int i = 0; i < m; i++) {
        scale += Math.abs(v[i] * tangent[i]);
      }
      for (int j = 0; j < n; j++) {
        other += Math.abs(pulled[j] * u[j]);
      }
      acc.require(0, Mismatch.JVP, dotAnalytical, forward,
          JVP_RTOL * Math.max(scale, other) + Double.MIN_NORMAL);
    }
    if (!full && overrides(f, "valueAndJacobian", double[].class)) {
      // Too many inputs for differences of every column: its own Jacobian at least along u,
      // <v, J(x) u> against <pullback(x, v), u>, to rounding.
      VectorFunction.ValueAndJacobian vj = f.valueAndJacobian(x.clone());
      double forward = 0;
      double scale = 0;
      for (int i = 0; i < m; i++) {
        double[] row = vj.jacobian()[i];
        if (row == null || row.length != n) {
          throw new IllegalArgumentException("valueAndJacobian's Jacobian rows must have"
              + " f.inputDimension() = " + n + " entries, but row " + i + " has "
              + (row == null ? "none" : row.length));
        }
        for (int j = 0; j < n; j++) {
          forward += v[i] * row[j] * u[j];
          scale += Math.abs(v[i] * row[j] * u[j]);
        }
      }
      double other = 0;
      for (int j = 0; j < n; j++) {
        other += Math.abs(pulled[j] * u[j]);
      }
      acc.require(0, Mismatch.JACOBIAN_ALONG_U, dotAnalytical, forward,
          JVP_RTOL * Math.max(scale, other) + Double.MIN_NORMAL);
    }
    double rounding = ROUNDING * magnitude / (2 * dotProductEps);
    return acc.report(
        Kind.JACOBIAN,
        this,
        x,
        m,
        full,
        new DotProduct(dotNumerical, dotAnalytical, tolerance(dotNumerical) + rounding));
  }

  /**
   * Compares two analytical gradients at {@code point}, say a custom rule ({@code a}) with the
   * gradient derived from the primal's body ({@code b}): the values returned by their {@code
   * valueAndGradient} and every gradient entry must match, with {@code b} in the role of the
   * numerical value: |a &minus; b| &le; atol + rtol &middot; |b|. No finite differences and no
   * dot-product test run, so {@link #fullJacobianLimit()} does not apply.
   *
   * @param point the point, of length {@code a.dimension()}; not modified
   * @throws IllegalArgumentException if the dimensions differ or the point's length is not theirs
   */
  public Report compare(DifferentiableFunction a, DifferentiableFunction b, double... point) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.dimension() != b.dimension()) {
      throw new IllegalArgumentException(
          "a and b must have the same dimension but a.dimension() is "
              + a.dimension()
              + " and b.dimension() is "
              + b.dimension());
    }
    double[] x = copyOf(point, a.dimension(), "a.dimension()");
    int n = x.length;
    Accumulator acc = new Accumulator(referenceScale());
    double[] gradientA = new double[n];
    double[] gradientB = new double[n];
    Arrays.fill(gradientA, Double.NaN);
    Arrays.fill(gradientB, Double.NaN);
    double valueA = a.valueAndGradient(x.clone(), gradientA);
    double valueB = b.valueAndGradient(x.clone(), gradientB);
    acc.compare(0, Mismatch.VALUE, valueB, valueA, tolerance(valueB));
    for (int j = 0; j < n; j++) {
      acc.compare(0, j, gradientB[j], gradientA[j], tolerance(gradientB[j]));
    }
    return acc.report(Kind.COMPARISON, this, x, 1, true, null);
  }

  /**
   * Runs {@link #check(DifferentiableFunction, double...)} and throws if it fails.
   *
   * @throws AssertionError whose message is the {@link Report#toString() report}
   */
  public void assertGradient(DifferentiableFunction f, double... point) {
    Report report = check(f, point);
    if (!report.passed()) {
      throw new AssertionError(report.toString());
    }
  }

  /**
   * Runs {@link #check(VectorFunction, double...)} and throws if it fails.
   *
   * @throws AssertionError whose message is the {@link Report#toString() report}
   */
  public void assertGradient(VectorFunction f, double... point) {
    Report report = check(f, point);
    if (!report.passed()) {
      throw new AssertionError(report.toString());
    }
  }

  @Override
  public String toString() {
    return "GradCheck{eps="
        + eps
        + ", atol="
        + atol
        + ", rtol="
        + rtol
        + ", dotProductEps="
        + dotProductEps
        + ", seed="
        + seed
        + ", fullJacobianLimit="
        + fullJacobianLimit
        + "}";
  }

  /**
   * The smallest reference magnitude a relative error is measured against: atol / rtol (with the
   * defaults, 0.01), where the tolerance atol + rtol &middot; |n| turns from mostly absolute to
   * mostly relative. Below it, the error is reported on that scale, so a numerical derivative of
   * (nearly) zero does not make a rounding-sized difference look enormous. {@link
   * Double#MIN_NORMAL} (the plain relative error) when rtol or atol is zero.
   */
  double referenceScale() {
    return rtol > 0 && atol > 0 ? atol / rtol : Double.MIN_NORMAL;
  }

  private double tolerance(double expected) {
    return atol + rtol * Math.abs(expected);
  }

  private static double[] copyOf(double[] point, int dimension, String dimensionName) {
    Objects.requireNonNull(point, "point");
    if (point.length != dimension) {
      throw new IllegalArgumentException(
          "point must have "
              + dimensionName
              + " = "
              + dimension
              + " entries but has "
              + point.length);
    }
    return point.clone();
  }

  private static double[] value(VectorFunction f, double[] point, int m) {
    double[] value = f.value(point);
    if (value == null || value.length != m) {
      throw new IllegalArgumentException(
          "value must return an array of f.outputDimension() = "
              + m
              + " entries but returned "
              + (value == null ? "null" : value.length + " entries"));
    }
    return value;
  }

  private static double[] pullback(VectorFunction f, double[] point, double[] cotangent, int n) {
    double[] result = f.pullback(point, cotangent.clone());
    if (result == null || result.length != n) {
      throw new IllegalArgumentException(
          "pullback must return an array of f.inputDimension() = "
              + n
              + " entries but returned "
              + (result == null ? "null" : result.length + " entries"));
    }
    return result;
  }

  private static double[] randomUnitVector(Random random, int length) {
    double[] u = new double[length];
    if (length == 0) {
      return u;
    }
    double norm;
    do {
      double sumOfSquares = 0;
      for (int i = 0; i < length; i++) {
        u[i] = random.nextGaussian();
        sumOfSquares += u[i] * u[i];
      }
      norm = Math.sqrt(sumOfSquares);
    } while (norm == 0);
    for (int i = 0; i < length; i++) {
      u[i] /= norm;
    }
    return u;
  }

  private static double[] displaced(double[] x, double[] direction, double step) {
    double[] result = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      result[i] = x[i] + step * direction[i];
    }
    return result;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void requirePositiveFinite(String name, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be positive and finite but was " + value);
    }
  }

  private static void requireNonNegativeFinite(String name, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(
          name + " must be non-negative and finite but was " + value);
    }
  }

  /** Whether {@code actual} matches {@code expected}; see the class documentation. */
  private static boolean matches(double expected, double actual, double tolerance) {
    if (expected == actual || (Double.isNaN(expected) && Double.isNaN(actual))) {
      return true;
    }
    if (!Double.isFinite(expected) || !Double.isFinite(actual)) {
      return false;
    }
    return Math.abs(actual - expected) <= tolerance;
  }

  /** |actual &minus; expected|: 0 for a match by equality (or two NaNs), infinite if non-finite. */
  private static double absoluteError(double expected, double actual) {
    if (expected == actual || (Double.isNaN(expected) && Double.isNaN(actual))) {
      return 0;
    }
    if (!Double.isFinite(expected) || !Double.isFinite(actual)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.abs(actual - expected);
  }

  /** The absolute error divided by max(|expected|, scale, {@link Double#MIN_NORMAL}). */
  private static double relativeError(double expected, double actual, double scale) {
    double absolute = absoluteError(expected, actual);
    if (absolute == 0 || Double.isInfinite(absolute)) {
      return absolute;
    }
    return absolute / Math.max(Math.abs(expected), Math.max(scale, Double.MIN_NORMAL));
  }

  /** Which check produced a report: decides its wording. */
  private enum Kind {
    GRADIENT,
    JACOBIAN,
    HESSIAN,
    COMPARISON
  }

  /** The two numbers of the dot-product test and the tolerance they were held to. */
  private static final class DotProduct {
    final double numerical;
    final double analytical;
    final double tolerance;
    final boolean passed;

    DotProduct(double numerical, double analytical, double tolerance) {
      this.numerical = numerical;
      this.analytical = analytical;
      this.tolerance = tolerance;
      this.passed = matches(numerical, analytical, tolerance);
    }
  }

  /** Collects the comparisons of one check. */
  private static final class Accumulator {
    private final List<Mismatch> mismatches = new ArrayList<>();
    private final double scale;
    private double maxAbsoluteError;
    private double maxRelativeError;
    private int compared;

    Accumulator(double scale) {
      this.scale = scale;
    }

    void compare(int row, int column, double expected, double actual, double tolerance) {
      compared++;
      maxAbsoluteError = Math.max(maxAbsoluteError, absoluteError(expected, actual));
      maxRelativeError = Math.max(maxRelativeError, relativeError(expected, actual, scale));
      if (!matches(expected, actual, tolerance)) {
        mismatches.add(new Mismatch(row, column, expected, actual, scale));
      }
    }

    /** A pass-or-fail pair outside the error maxima (which measure the finite differences). */
    void require(int row, int column, double expected, double actual, double tolerance) {
      if (!matches(expected, actual, tolerance)) {
        mismatches.add(new Mismatch(row, column, expected, actual, scale));
      }
    }

    Report report(
        Kind kind,
        GradCheck settings,
        double[] point,
        int outputDimension,
        boolean fullJacobianChecked,
        DotProduct dotProduct) {
      if (dotProduct != null) {
        maxAbsoluteError =
            Math.max(maxAbsoluteError, absoluteError(dotProduct.numerical, dotProduct.analytical));
        maxRelativeError =
            Math.max(maxRelativeError,
                relativeError(dotProduct.numerical, dotProduct.analytical, scale));
      }
      return new Report(
          kind,
          settings,
          point,
          outputDimension,
          fullJacobianChecked,
          Collections.unmodifiableList(new ArrayList<>(mismatches)),
          compared,
          maxAbsoluteError,
          maxRelativeError,
          dotProduct);
    }
  }

  /**
   * One compared pair that did not match.
   *
   * <p>For {@link #check(DifferentiableFunction, double...)}, {@code row} is 0 and {@code column}
   * the gradient index; for {@link #check(VectorFunction, double...)}, the Jacobian entry
   * &part;f<sub>row</sub>/&part;x<sub>column</sub>; for {@link #checkHvp}, the Hessian entry
   * (row, column), entry {@code row} of the product with unit vector {@code column}; for {@link
   * #compare}, row 0 and the gradient index. A {@code column} of {@link #VALUE} marks a value, not a derivative: in {@code check} of
   * a scalar function, {@code value(x)} (expected) against {@code valueAndGradient}'s result
   * (actual); of a vector function, entry {@code row} of {@code value(x)} against {@code
   * valueAndJacobian}'s; in {@code compare}, b's value against a's.
   *
   * @param row the output index (0 for a scalar function)
   * @param column the input index, or {@link #VALUE}
   * @param expected the numerical (central-difference) value; in {@code compare}, b's
   * @param actual the analytical value; in {@code compare}, a's
   * @param scale the smallest magnitude of {@code expected} that {@link #relativeError()} divides
   *     by: the check's atol / rtol ({@link Double#MIN_NORMAL} if either is zero)
   */
  public record Mismatch(int row, int column, double expected, double actual, double scale) {

    /** A mismatch whose relative error is the plain one: scale {@link Double#MIN_NORMAL}. */
    public Mismatch(int row, int column, double expected, double actual) {
      this(row, column, expected, actual, Double.MIN_NORMAL);
    }

    /** The {@link #column()} of a value, as opposed to a derivative. */
    public static final int VALUE = -1;

    /**
     * The {@link #column()} of the forward-against-reverse test: {@code f.jvp(x, u)} (actual)
     * against &lang;gradient, u&rang; (expected), for the dot-product test's direction u; for a
     * vector function, &lang;v, jvp(x, u)&rang; against &lang;pullback(x, v), u&rang;.
     */
    public static final int JVP = -2;

    /**
     * The {@link #column()} of a vector function's own Jacobian along the dot-product test's
     * directions when the full Jacobian is not checked: &lang;v, J(x) u&rang; (actual) against
     * &lang;pullback(x, v), u&rang; (expected).
     */
    public static final int JACOBIAN_ALONG_U = -3;

    /** Whether this compares values rather than derivatives. */
    public boolean isValue() {
      return column == VALUE;
    }

    /** Whether this is the forward-against-reverse test. */
    public boolean isJvp() {
      return column == JVP;
    }

    /**
     * |actual &minus; expected|; 0 if they are equal or both NaN, infinite if either is
     * non-finite otherwise.
     */
    public double absoluteError() {
      return GradCheck.absoluteError(expected, actual);
    }

    /**
     * {@link #absoluteError()} / max(|expected|, {@link #scale()}): the relative error, or, where
     * the expected value is smaller than the scale (a numerical derivative of about zero), the
     * absolute error on that scale.
     */
    public double relativeError() {
      return GradCheck.relativeError(expected, actual, scale);
    }

    /** Whether |expected| is below the scale, so that the relative error is an absolute one. */
    public boolean referenceBelowScale() {
      return Math.abs(expected) < scale && scale > Double.MIN_NORMAL;
    }
  }

  /**
   * The outcome of one check: immutable, and readable as text through {@link #toString()}.
   *
   * <p>The error maxima cover every compared pair: value consistency, each Jacobian entry, and
   * the dot-product test's two numbers. The absolute error of a pair is |a &minus; n|, 0 when the
   * two are equal or both NaN, and infinite when exactly one is NaN or they are different
   * non-finite values; the relative error is the absolute error divided by max(|n|, atol / rtol),
   * the magnitude below which the tolerance atol + rtol &middot; |n| is mostly absolute (0.01 with
   * the defaults): so a numerical derivative of zero, or of about zero, does not turn a
   * rounding-sized difference into an enormous relative error. (With atol or rtol zero, the
   * divisor is max(|n|, {@link Double#MIN_NORMAL}).)
   */
  public static final class Report {
    private static final int SHOWN_MISMATCHES = 10;
    private static final int SHOWN_COORDINATES = 10;

    private final Kind kind;
    private final GradCheck settings;
    private final double[] point;
    private final int outputDimension;
    private final boolean fullJacobianChecked;
    private final List<Mismatch> mismatches;
    private final int compared;
    private final double maxAbsoluteError;
    private final double maxRelativeError;
    private final DotProduct dotProduct;

    private Report(
        Kind kind,
        GradCheck settings,
        double[] point,
        int outputDimension,
        boolean fullJacobianChecked,
        List<Mismatch> mismatches,
        int compared,
        double maxAbsoluteError,
        double maxRelativeError,
        DotProduct dotProduct) {
      this.kind = kind;
      this.settings = settings;
      this.point = point;
      this.outputDimension = outputDimension;
      this.fullJacobianChecked = fullJacobianChecked;
      this.mismatches = mismatches;
      this.compared = compared;
      this.maxAbsoluteError = maxAbsoluteError;
      this.maxRelativeError = maxRelativeError;
      this.dotProduct = dotProduct;
    }

    /** Whether there is no mismatch and the dot-product test (where it ran) passed. */
    public boolean passed() {
      return mismatches.isEmpty() && dotProductPassed();
    }

    /** The largest absolute error over every compared pair (see the class documentation). */
    public double maxAbsoluteError() {
      return maxAbsoluteError;
    }

    /** The largest relative error over every compared pair (see the class documentation). */
    public double maxRelativeError() {
      return maxRelativeError;
    }

    /**
     * Every pair that did not match, value first, then by row and column; unmodifiable. The
     * dot-product test is not among them: see {@link #dotProductPassed()}.
     */
    public List<Mismatch> mismatches() {
      return mismatches;
    }

    /** How many pairs were compared, not counting the dot-product test. */
    public int comparedEntries() {
      return compared;
    }

    /** A copy of the point checked. */
    public double[] point() {
      return point.clone();
    }

    /**
     * Whether the full Jacobian (or gradient) was compared; false when the number of inputs
     * exceeded the {@link GradCheck#fullJacobianLimit()} and only the dot-product test ran.
     */
    public boolean fullJacobianChecked() {
      return fullJacobianChecked;
    }

    /** Whether the dot-product test ran: always in {@code check}, never in {@code compare}. */
    public boolean dotProductChecked() {
      return dotProduct != null;
    }

    /** Whether the dot-product test passed; true if it did not run. */
    public boolean dotProductPassed() {
      return dotProduct == null || dotProduct.passed;
    }

    /** The dot-product test's finite-difference number; NaN if it did not run. */
    public double dotProductNumerical() {
      return dotProduct == null ? Double.NaN : dotProduct.numerical;
    }

    /** The dot-product test's analytical number; NaN if it did not run. */
    public double dotProductAnalytical() {
      return dotProduct == null ? Double.NaN : dotProduct.analytical;
    }

    /**
     * A human-readable account: verdict, the point (its first ten coordinates), the settings, the
     * first ten mismatches with their indices and both values ("and N more" after them), the
     * dot-product test's two numbers with its tolerance, and the error maxima.
     */
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      s.append(passed() ? "PASSED: " : "FAILED: ");
      switch (kind) {
        case GRADIENT:
          s.append("GradCheck of a DifferentiableFunction (n = ").append(point.length);
          break;
        case JACOBIAN:
          s.append("GradCheck of a VectorFunction (n = ")
              .append(point.length)
              .append(", m = ")
              .append(outputDimension);
          break;
        case HESSIAN:
          s.append("GradCheck of Hessian-vector products against gradient differences (n = ")
              .append(point.length);
          break;
        default:
          s.append("GradCheck.compare(a, b) of two DifferentiableFunctions (n = ")
              .append(point.length);
          break;
      }
      s.append(")\n  point: ");
      appendPoint(s);
      s.append("\n  settings: ");
      if (kind != Kind.COMPARISON) {
        s.append("eps ").append(settings.eps).append(", ");
      }
      s.append("atol ").append(settings.atol).append(", rtol ").append(settings.rtol);
      if (kind != Kind.COMPARISON) {
        s.append(", dot-product eps ")
            .append(settings.dotProductEps)
            .append(", seed ")
            .append(settings.seed);
      }
      s.append("\n  ");
      if (!fullJacobianChecked) {
        s.append(kind == Kind.JACOBIAN ? "full Jacobian"
                : kind == Kind.HESSIAN ? "full Hessian" : "full gradient")
            .append(": skipped (n = ")
            .append(point.length)
            .append(" > fullJacobianLimit ")
            .append(settings.fullJacobianLimit)
            .append("); only the dot-product test ran");
        if (!mismatches.isEmpty()) {
          s.append("\n  ");
        }
      }
      if (fullJacobianChecked || !mismatches.isEmpty()) {
        s.append(mismatches.size())
            .append(" of ")
            .append(compared)
            .append(" entries mismatch")
            .append(mismatches.isEmpty() ? "" : ":");
      }
      int shown = Math.min(mismatches.size(), SHOWN_MISMATCHES);
      for (int k = 0; k < shown; k++) {
        s.append("\n    ");
        appendMismatch(s, mismatches.get(k));
      }
      if (mismatches.size() > shown) {
        s.append("\n    and ").append(mismatches.size() - shown).append(" more");
      }
      if (dotProduct != null) {
        s.append("\n  dot-product test, ")
            .append(
                kind == Kind.JACOBIAN
                    ? "random unit u and v: numerical <v, (f(x+eps u) - f(x-eps u)) / (2 eps)> "
                    : kind == Kind.HESSIAN
                        ? "random unit u and w: numerical"
                            + " <w, (grad(x+eps u) - grad(x-eps u)) / (2 eps)> "
                        : "random unit u: numerical (f(x+eps u) - f(x-eps u)) / (2 eps) ")
            .append(dotProduct.numerical)
            .append(
                kind == Kind.JACOBIAN
                    ? ", analytical <pullback(x, v), u> "
                    : kind == Kind.HESSIAN
                        ? ", analytical <w, hvp(x, u)> "
                        : ", analytical <gradient, u> ")
            .append(dotProduct.analytical)
            .append(", tolerance ")
            .append(dotProduct.tolerance)
            .append(dotProduct.passed ? ": match" : ": MISMATCH");
      }
      s.append("\n  max abs error ")
          .append(maxAbsoluteError)
          .append(", max rel error ")
          .append(maxRelativeError);
      double scale = settings.referenceScale();
      if (scale > Double.MIN_NORMAL) {
        s.append(" (relative to max(|reference|, atol/rtol = ").append(scale).append("))");
      }
      s.append(dotProduct == null ? "" : " (dot-product test included)");
      return s.toString();
    }

    private void appendPoint(StringBuilder s) {
      int shown = Math.min(point.length, SHOWN_COORDINATES);
      s.append('[');
      for (int i = 0; i < shown; i++) {
        if (i > 0) {
          s.append(", ");
        }
        s.append(point[i]);
      }
      if (point.length > shown) {
        s.append(", ... and ").append(point.length - shown).append(" more");
      }
      s.append(']');
    }

    private void appendMismatch(StringBuilder s, Mismatch mismatch) {
      String expected;
      String actual;
      if (mismatch.column() == Mismatch.JACOBIAN_ALONG_U) {
        s.append("valueAndJacobian against reverse along u: ");
        expected = "<pullback(x, v), u> ";
        actual = "<v, J(x) u> ";
      } else if (mismatch.isJvp()) {
        s.append("forward against reverse along u: ");
        boolean vector = kind == Kind.JACOBIAN;
        expected = vector ? "<pullback(x, v), u> " : "<gradient, u> ";
        actual = vector ? "<v, jvp(x, u)> " : "jvp(x, u) ";
      } else if (mismatch.isValue()) {
        s.append("value");
        if (kind == Kind.JACOBIAN) {
          s.append('[').append(mismatch.row()).append(']');
        }
        s.append(": ");
        if (kind == Kind.COMPARISON) {
          expected = "b ";
          actual = "a ";
        } else if (kind == Kind.JACOBIAN) {
          expected = "value(x) ";
          actual = "valueAndJacobian(x) ";
        } else {
          expected = "value(x) ";
          actual = "valueAndGradient(x) ";
        }
      } else {
        if (kind == Kind.HESSIAN) {
          s.append("hessian[")
              .append(mismatch.row())
              .append("][")
              .append(mismatch.column())
              .append("] (entry ")
              .append(mismatch.row())
              .append(" of hvp(x, e_")
              .append(mismatch.column())
              .append(")): ");
        } else if (kind == Kind.JACOBIAN) {
          s.append("jacobian[")
              .append(mismatch.row())
              .append("][")
              .append(mismatch.column())
              .append("] (output ")
              .append(mismatch.row())
              .append(", input ")
              .append(mismatch.column())
              .append("): ");
        } else {
          s.append("gradient[").append(mismatch.column()).append("]: ");
        }
        if (kind == Kind.COMPARISON) {
          expected = "b ";
          actual = "a ";
        } else {
          expected = "numerical ";
          actual = "analytical ";
        }
      }
      s.append(expected)
          .append(mismatch.expected())
          .append(", ")
          .append(actual)
          .append(mismatch.actual())
          .append(" (abs error ")
          .append(mismatch.absoluteError())
          .append(", rel error ")
          .append(mismatch.relativeError());
      if (mismatch.referenceBelowScale()) {
        s.append(", relative to atol/rtol = ").append(mismatch.scale())
            .append(" since |").append(expected.trim()).append("| is below it");
      }
      s.append(')');
    }
  }
}

package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.CompiledClasses.call;
import static dev.adjoint.processor.CompiledClasses.get;
import static dev.adjoint.processor.CompiledClasses.invoke;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The fused sweep of gradients and workspaces (transform.reverse.SweepFusion): which loops fuse,
 * which must not, and in each case the gradient of {@code fValueAndGrad}, of the workspace and of
 * the Vjp (which never fuses) against a closed form. Every program here that must not fuse gives
 * a wrong gradient if it does: a cotangent that changes from trip to trip, a value the next trip
 * overwrites, a cotangent from after the loop that depends on the loop's value.
 */
class FusedSweepTest {
  /** The comment a fused gradient begins with (codegen.Sweeps#gradient). */
  private static final String FUSED = "// the forward sweep runs the reverse sweep of its last loop";

  private static final double[] X = {0.3, -1.2, 0.7, 2.1, -0.4, 1.5};

  /** The compiled class, with whether its gradient is fused asserted. */
  private static Compilation compiled(boolean fused, String name, String... lines) throws Exception {
    JavaFileObject f = source(name, lines);
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    String generated = c.generatedSourceFile("test." + name + "Adjoint").orElseThrow()
        .getCharContent(true).toString();
    if (fused) {
      assertThat(generated).contains(FUSED);
    } else {
      assertThat(generated).doesNotContain(FUSED);
    }
    return c;
  }

  /**
   * The gradient in {@code x} of {@code f(x)} three ways: allocating, the workspace (twice, its
   * buffers reused) and the Vjp's pullback at 1; each against {@code expected}.
   */
  private static void assertGradient(Compilation c, double value, double[] expected)
      throws Exception {
    double[] x = X.clone();
    Object vg = call(c, "fValueAndGrad", (Object) x);
    assertThat((double) get(vg, "value")).isWithin(1e-12 * (1 + Math.abs(value))).of(value);
    assertClose((double[]) get(get(vg, "grad"), "x"), expected);
    Object ws = call(c, "fWorkspace");
    for (int i = 0; i < 2; i++) {
      double v = (double) invoke(ws, "valueAndGrad", (Object) x);
      assertThat(v).isWithin(1e-12 * (1 + Math.abs(value))).of(value);
      assertClose((double[]) invoke(ws, "x"), expected);
    }
    Object vjp = call(c, "fVjp", (Object) x);
    assertClose((double[]) get(invoke(vjp, "pullback", 1.0), "x"), expected);
    assertThat(x).isEqualTo(X);
  }

  private static void assertClose(double[] actual, double[] expected) {
    assertThat(actual).hasLength(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isWithin(1e-12 * (1 + Math.abs(expected[i]))).of(expected[i]);
    }
  }


  @Test
  void rosenbrocksLoopFuses() throws Exception {
    Compilation c = compiled(true, "Rosen",
        "final class Rosen {",
        "  @Differentiable static double f(double[] x) {",
        "    double sum = 0;",
        "    for (int i = 0; i + 1 < x.length; i++) {",
        "      double a = x[i + 1] - x[i] * x[i];",
        "      double b = 1 - x[i];",
        "      sum += 100 * a * a + b * b;",
        "    }",
        "    return sum;",
        "  }",
        "}");
    int n = X.length;
    double value = 0;
    double[] g = new double[n];
    for (int i = 0; i + 1 < n; i++) {
      double a = X[i + 1] - X[i] * X[i];
      double b = 1 - X[i];
      value += 100 * a * a + b * b;
      g[i] += -400 * a * X[i] - 2 * b;
      g[i + 1] += 200 * a;
    }
    assertGradient(c, value, g);
  }

  /**
   * What follows the loop scales its sum by values computed before it; the trip holds a branch
   * (its flag recorded once per trip in the two-pass sweep) and an inner loop whose values are
   * recorded (exp) and read back within the trip, from the tape's top.
   */
  @Test
  void aLoopWithABranchAndAnInnerRecordingLoopFuses() throws Exception {
    Compilation c = compiled(true, "Inner",
        "final class Inner {",
        "  @Differentiable static double f(double[] x) {",
        "    int n = x.length;",
        "    double scale = 0.5 / n;",
        "    double total = 0;",
        "    for (int i = 0; i < n; i++) {",
        "      double z = 0;",
        "      for (int j = 0; j <= i; j++) {",
        "        double e = Math.exp(0.1 * x[j]);",
        "        z += e * e;",
        "      }",
        "      if (x[i] > 0) {",
        "        total += Math.tanh(z) * x[i];",
        "      } else {",
        "        total -= x[i] * x[i];",
        "      }",
        "    }",
        "    return scale * total;",
        "  }",
        "}");
    int n = X.length;
    double scale = 0.5 / n;
    double value = 0;
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j <= i; j++) {
        z += Math.exp(0.2 * X[j]);
      }
      if (X[i] > 0) {
        double t = Math.tanh(z);
        value += t * X[i];
        g[i] += scale * t;
        double dz = scale * X[i] * (1 - t * t);
        for (int j = 0; j <= i; j++) {
          g[j] += dz * 0.2 * Math.exp(0.2 * X[j]);
        }
      } else {
        value -= X[i] * X[i];
        g[i] -= scale * 2 * X[i];
      }
    }
    assertGradient(c, scale * value, g);
  }

  /** s = 2 s + x[i]: the sum's cotangent doubles from trip to trip, so the order matters. */
  @Test
  void aSumWhoseCotangentChangesFromTripToTripDoesNotFuse() throws Exception {
    Compilation c = compiled(false, "Doubling",
        "final class Doubling {",
        "  @Differentiable static double f(double[] x) {",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s = 2 * s + x[i] * x[i];",
        "    }",
        "    return s;",
        "  }",
        "}");
    int n = X.length;
    double value = 0;
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      value = 2 * value + X[i] * X[i];
      g[i] = Math.pow(2, n - 1 - i) * 2 * X[i];
    }
    assertGradient(c, value, g);
  }

  /** The last trip's value is read after the loop: its cotangent reaches that trip only. */
  @Test
  void aValueReadAfterTheLoopDoesNotFuse() throws Exception {
    Compilation c = compiled(false, "Last",
        "final class Last {",
        "  @Differentiable static double f(double[] x) {",
        "    double s = 0;",
        "    double last = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      last = x[i] * x[i];",
        "      s += last;",
        "    }",
        "    return s + 3 * last;",
        "  }",
        "}");
    int n = X.length;
    double value = 0;
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      value += X[i] * X[i];
      g[i] = 2 * X[i] * (i == n - 1 ? 4 : 1);
    }
    value += 3 * X[n - 1] * X[n - 1];
    assertGradient(c, value, g);
  }

  /** log(sum): the sum's cotangent is 1 / sum, known only when the loop is done. */
  @Test
  void aCotangentThatNeedsTheLoopsValueDoesNotFuse() throws Exception {
    Compilation c = compiled(false, "LogSum",
        "final class LogSum {",
        "  @Differentiable static double f(double[] x) {",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += Math.exp(x[i]);",
        "    }",
        "    return Math.log(s);",
        "  }",
        "}");
    double s = 0;
    for (double v : X) {
      s += Math.exp(v);
    }
    double[] g = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      g[i] = Math.exp(X[i]) / s;
    }
    assertGradient(c, Math.log(s), g);
  }

  /** p *= x[i]: a product carried from trip to trip is recorded and read back a trip later. */
  @Test
  void aProductCarriedFromTripToTripDoesNotFuse() throws Exception {
    Compilation c = compiled(false, "Product",
        "final class Product {",
        "  @Differentiable static double f(double[] x) {",
        "    double p = 1;",
        "    for (int i = 0; i < x.length; i++) {",
        "      p *= x[i];",
        "    }",
        "    return p;",
        "  }",
        "}");
    double p = 1;
    for (double v : X) {
      p *= v;
    }
    double[] g = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      g[i] = p / X[i];
    }
    assertGradient(c, p, g);
  }

  /**
   * An array element written after the loop, which the loop's reverse sweep reads: it is put
   * back before that sweep, which cannot then run inside the forward sweep.
   */
  @Test
  void anArrayWrittenAfterTheLoopDoesNotFuse() throws Exception {
    Compilation c = compiled(false, "After",
        "final class After {",
        "  @Differentiable static double f(double[] x) {",
        "    double[] y = new double[x.length];",
        "    for (int i = 0; i < x.length; i++) {",
        "      y[i] = x[i];",
        "    }",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += y[i] * y[i] * x[i];",
        "    }",
        "    y[0] = 7;",
        "    return s + y[0];",
        "  }",
        "}");
    double value = 7;
    double[] g = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      value += X[i] * X[i] * X[i];
      g[i] = 3 * X[i] * X[i];
    }
    assertGradient(c, value, g);
  }

  /**
   * A loop whose condition reads what it computes is not counted: its reverse trip takes the
   * index back from the tape, which fusing dropped while the push stayed (a tape underflow in the
   * reverse sweep of the loop before: fuzz run seed 33001, program -3120135374226345966).
   */
  @Test
  void aLoopWhoseIndexIsRecordedDoesNotFuse() throws Exception {
    Compilation c = compiled(false, "Uncounted",
        "final class Uncounted {",
        "  @Differentiable static double f(double[] x) {",
        "    double p = 0;",
        "    for (int j = 0; j < x.length; j++) {",
        "      p += Math.sin(x[j]) * x[j];",
        "    }",
        "    double s = 0;",
        "    int i = 0;",
        "    while (i < x.length && s < 100) {",
        "      s += x[i] * x[i];",
        "      i++;",
        "    }",
        "    return s + p;",
        "  }",
        "}");
    double value = 0;
    double[] g = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      value += X[i] * X[i] + Math.sin(X[i]) * X[i];
      g[i] = 2 * X[i] + Math.cos(X[i]) * X[i] + Math.sin(X[i]);
    }
    assertGradient(c, value, g);
  }

  /** Two loops: the last fuses; the first keeps its two passes and reads its cotangent. */
  @Test
  void theLastOfTwoLoopsFuses() throws Exception {
    Compilation c = compiled(true, "Two",
        "final class Two {",
        "  @Differentiable static double f(double[] x) {",
        "    double m = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      m += Math.sin(x[i]);",
        "    }",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += m * x[i] * x[i];",
        "    }",
        "    return s;",
        "  }",
        "}");
    double m = 0;
    double q = 0;
    for (double v : X) {
      m += Math.sin(v);
      q += v * v;
    }
    double[] g = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      g[i] = m * 2 * X[i] + q * Math.cos(X[i]);
    }
    assertGradient(c, m * q, g);
  }
}

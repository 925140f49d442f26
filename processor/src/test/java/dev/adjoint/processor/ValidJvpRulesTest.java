package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.CompiledClasses.call;
import static dev.adjoint.processor.CompiledClasses.get;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid but tricky {@code @CustomJvp} rules, the positive half of the bad-input corpus (whose
 * cases must each expect a diagnostic, so these cannot be corpus files): each must compile with no
 * error or warning at all and no tagged diagnostic of ours, not even a note, and the linearity
 * check must accept it. Where the rule can run, the reverse-mode gradient (the transpose of the
 * rule's tangent map) must agree with the rule's own tangent along each basis direction, which is
 * what a wrongly accepted nonlinear rule would break.
 */
class ValidJvpRulesTest {

  private static final Pattern TAG = Pattern.compile("^\\[Adjoint\\w+] ");

  // ------------------------------------------------------------------ linear in tricky ways

  @Test
  void accumulationFromZeroInALoopWithNoDiffAndIntParameters() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double dot(@NoDiff double[] w, double[] x, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
              s += w[i] * x[i];
            }
            return s;
          }

          @Jvp("dot") static JvpResult<Double, Double> dotJvp(
              double[] w, double[] x, int n, double[] xDot) {
            double v = 0.0;
            double t = 0.0;
            for (int i = 0; i < n; i++) {
              v += w[i] * x[i];
              t += w[i] * xDot[i];
            }
            return JvpResult.of(v, t);
          }
        }
        """);
    double[] w = {1, 2, 3};
    double[] x = {0.5, -1, 4};
    double[] grad = (double[]) get(call(c, "dotGrad", w, x, 3), "x");
    assertThat(grad).usingTolerance(1e-12).containsExactly(1, 2, 3).inOrder();
    for (int j = 0; j < 3; j++) {
      double[] e = new double[3];
      e[j] = 1;
      assertThat((double) get(call(c, "dotJvp", w, x, 3, e), "tangent"))
          .isWithin(1e-12).of(grad[j]);
    }
  }

  @Test
  void branchesOnPrimalValuesDivisionByThePrimalAndZeroReturns() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double f(double x, double y) {
            if (x > 0) {
              return Math.log(x) * y;
            }
            return 0;
          }

          @Jvp("f") static JvpResult<Double, Double> fJvp(
              double x, double y, double xDot, double yDot) {
            if (x <= 0) {
              return JvpResult.of(0.0, 0.0);
            }
            double lx = Math.log(x);
            double t;
            if (y > 1) {
              t = y * xDot / x;
            } else {
              t = -(-y / x * xDot);
            }
            t = t + (x > 2 ? lx * yDot : Math.log(x) * yDot);
            return JvpResult.of(lx * y, t);
          }
        }
        """);
    for (double[] p : new double[][] {{1.5, 3}, {3, 0.5}, {-1, 2}}) {
      Object grad = call(c, "fGrad", p[0], p[1]);
      double gx = p[0] > 0 ? p[1] / p[0] : 0;
      double gy = p[0] > 0 ? Math.log(p[0]) : 0;
      assertThat((double) get(grad, "x")).isWithin(1e-12).of(gx);
      assertThat((double) get(grad, "y")).isWithin(1e-12).of(gy);
      assertThat((double) get(call(c, "fJvp", p[0], p[1], 1.0, 0.0), "tangent"))
          .isWithin(1e-12).of(gx);
      assertThat((double) get(call(c, "fJvp", p[0], p[1], 0.0, 1.0), "tangent"))
          .isWithin(1e-12).of(gy);
    }
  }

  @Test
  void tangentScaledByMathOfThePrimalThroughADifferentiableCaller() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Jvp("softplus") static JvpResult<Double, Double> softplusJvp(double x, double xDot) {
            return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
          }

          @Differentiable static double loss(double a) {
            double s = softplus(3 * a);
            return s * s;
          }
        }
        """);
    double a = 0.3;
    double s = Math.log1p(Math.exp(3 * a));
    double expected = 2 * s * 3 / (1 + Math.exp(-3 * a));
    assertThat((double) get(call(c, "lossGrad", a), "a")).isWithin(1e-12).of(expected);
    assertThat((double) get(call(c, "lossJvp", a, 1.0), "tangent")).isWithin(1e-12).of(expected);
  }

  @Test
  void tangentsInALocalArrayCompoundAssignmentsAndTheValueByThePrimal() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double f(double x, double y) { return x * x * y; }

          @Jvp("f") static JvpResult<Double, Double> fJvp(
              double x, double y, double xDot, double yDot) {
            double[] parts = new double[2];
            parts[0] = 2 * x * y * xDot;
            parts[1] = x * x * yDot;
            double t = 0.0;
            t += parts[0];
            t -= -parts[1];
            t /= 2.0;
            t *= 2.0;
            return JvpResult.of(f(x, y), t);
          }
        }
        """);
    Object grad = call(c, "fGrad", 1.5, -2.0);
    assertThat((double) get(grad, "x")).isWithin(1e-12).of(2 * 1.5 * -2.0);
    assertThat((double) get(grad, "y")).isWithin(1e-12).of(1.5 * 1.5);
  }

  @Test
  void arrayResultWithArrayTangentsMatchesItsJacobian() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double[] softmax(double[] x) {
            int n = x.length;
            double[] y = new double[n];
            double m = x[0];
            for (int i = 1; i < n; i++) {
              m = Math.max(m, x[i]);
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
              y[i] = Math.exp(x[i] - m);
              s += y[i];
            }
            for (int i = 0; i < n; i++) {
              y[i] = y[i] / s;
            }
            return y;
          }

          @Jvp("softmax") static JvpResult<double[], double[]> softmaxJvp(
              double[] x, double[] xDot) {
            double[] y = softmax(x);
            int n = x.length;
            double[] t = new double[n];
            double dot = 0.0;
            for (int i = 0; i < n; i++) {
              dot += y[i] * xDot[i];
            }
            for (int i = 0; i < n; i++) {
              t[i] = y[i] * (xDot[i] - dot);
            }
            return JvpResult.of(y, t);
          }

          @Differentiable static double loss(double[] x) {
            double[] p = softmax(x);
            return -Math.log(p[0]);
          }
        }
        """);
    double[] x = {0.2, -1.0, 0.7};
    double[] y = new double[3];
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      y[i] = Math.exp(x[i]);
      sum += y[i];
    }
    for (int i = 0; i < 3; i++) {
      y[i] /= sum;
    }
    // d(-log p0)/dx_j = p_j - [j == 0]: the transpose of the rule's tangent at cotangent e_0/-p0.
    double[] grad = (double[]) get(call(c, "lossGrad", (Object) x), "x");
    assertThat(grad).usingTolerance(1e-12).containsExactly(y[0] - 1, y[1], y[2]).inOrder();
    for (int j = 0; j < 3; j++) {
      double[] e = new double[3];
      e[j] = 1;
      double tangent = (double) get(call(c, "lossJvp", x, e), "tangent");
      assertThat(tangent).isWithin(1e-12).of(grad[j]);
    }
  }

  @Test
  void matrixTangentScaledByANoDiffParameter() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double trace(double[][] m, @NoDiff double k) {
            double s = 0;
            for (int i = 0; i < m.length; i++) {
              s += k * m[i][i];
            }
            return s;
          }

          @Jvp("trace") static JvpResult<Double, Double> traceJvp(
              double[][] m, double k, double[][] mDot) {
            double t = 0.0;
            for (int i = 0; i < m.length; i++) {
              t -= -k * mDot[i][i];
            }
            return JvpResult.of(trace(m, k), t);
          }
        }
        """);
    double[][] m = {{1, 2}, {3, 4}};
    double[][] grad = (double[][]) get(call(c, "traceGrad", m, 2.5), "m");
    assertThat(grad[0]).usingTolerance(1e-12).containsExactly(2.5, 0).inOrder();
    assertThat(grad[1]).usingTolerance(1e-12).containsExactly(0, 2.5).inOrder();
  }

  // ------------------------------------------------------------------ rules that call methods

  @Test
  void ruleThatCallsItsOwnPrimalIsNotRunAgainInReverseMode() throws Exception {
    // y = f(x) in the rule, as JAX's examples write it: the transpose of the tangent map once
    // called f's Vjp for it, which ran the rule and its tangent map again, without end
    // (StackOverflowError on fGrad).
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double f(double x) { return Math.sin(x); }

          @Jvp("f") static JvpResult<Double, Double> fJvp(double x, double xDot) {
            double y = f(x);
            return JvpResult.of(y, Math.cos(x) * xDot);
          }
        }
        """);
    assertThat((double) get(call(c, "fGrad", 0.3), "x")).isWithin(1e-12).of(Math.cos(0.3));
    assertThat((double) get(call(c, "fJvp", 0.3, 2.0), "tangent"))
        .isWithin(1e-12).of(2 * Math.cos(0.3));
  }

  @Test
  void rulesThatCallEachOthersPrimalsAndPassALocalArrayOn() throws Exception {
    // h's rule calls h and the @Differentiable g; the array rule calls its primal for an array
    // local and passes that local on to a @Differentiable method (a differentiated call, which
    // must see the array).
    Compilation c = compileClean("""
        final class Fns {
          @Differentiable static double g(double x) { return Math.sin(x); }
          @Differentiable static double total(double[] v) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
              s += v[i];
            }
            return s;
          }

          @CustomJvp static double h(double x) { return 2 * g(x); }

          @Jvp("h") static JvpResult<Double, Double> hJvp(double x, double xDot) {
            double c = g(x);
            double d = h(x);
            return JvpResult.of(d, 2 * Math.cos(x) * xDot + 0.0 * c);
          }

          @CustomJvp static double[] normalize(double[] x) {
            double s = total(x);
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              y[i] = x[i] / s;
            }
            return y;
          }

          @Jvp("normalize") static JvpResult<double[], double[]> normalizeJvp(
              double[] x, double[] xDot) {
            double[] y = normalize(x);
            double one = total(y);
            double s = total(x);
            double sDot = 0.0;
            for (int i = 0; i < x.length; i++) {
              sDot += xDot[i];
            }
            double[] t = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              t[i] = one * (xDot[i] - y[i] * sDot) / s;
            }
            return JvpResult.of(y, t);
          }

          @Differentiable static double loss(double[] x) {
            double[] p = normalize(x);
            return p[0] * p[1];
          }
        }
        """);
    assertThat((double) get(call(c, "hGrad", 0.3), "x")).isWithin(1e-12).of(2 * Math.cos(0.3));
    double[] x = {1, 2, 5};
    double[] grad = (double[]) get(call(c, "lossGrad", (Object) x), "x");
    for (int j = 0; j < 3; j++) {
      double[] e = new double[3];
      e[j] = 1;
      assertThat((double) get(call(c, "lossJvp", x, e), "tangent")).isWithin(1e-12).of(grad[j]);
    }
    // p0 p1 = x0 x1 / s^2: d/dx2 = -2 x0 x1 / s^3
    assertThat(grad[2]).isWithin(1e-12).of(-2 * 1 * 2 / Math.pow(8, 3));
  }

  @Test
  void primalTooLongForFromBodyGetsANoteNamingItCustomJvp() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 1200; i++) {
      body.append(i % 2 == 0 ? "    x = x + Math.sin(y) * 0.001;\n"
          : "    y = y * 0.999 + x * 0.0001;\n");
    }
    JavaFileObject f = source("""
        final class Fns {
          @CustomJvp static double f(double x, double y) {
        """ + body + """
            return x * y;
          }

          @Jvp("f") static JvpResult<Double, Double> fJvp(
              double x, double y, double xDot, double yDot) {
            return JvpResult.of(x * y, y * xDot + x * yDot);
          }
        }
        """);
    Compilation c = Sources.compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).hadNoteContaining("[AdjointFromBodyOmitted] FnsAdjoint.FromBody has no gradient "
            + "of @CustomJvp method f derived from its body")
        .inFile(f).onLineContaining("static double f(");
    Object grad = call(c, "fGrad", 2.0, 3.0);
    assertThat((double) get(grad, "x")).isEqualTo(3.0);
    assertThat((double) get(grad, "y")).isEqualTo(2.0);
  }

  // ------------------------------------------------------------------ primals the rule stands for

  @Test
  void primalOutsideTheSubsetCompilesAndOnlyFromBodyIsOmitted() throws Exception {
    // The only annotated methods are @CustomJvp: the class must still be generated.
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double softplus(double x) {
            try {
              return java.util.stream.DoubleStream.of(x).map(v -> Math.log1p(Math.exp(v))).sum();
            } catch (RuntimeException e) {
              return Double.NaN;
            }
          }

          @Jvp("softplus") static JvpResult<Double, Double> softplusJvp(double x, double xDot) {
            return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
          }
        }
        """);
    assertThat(c).generatedSourceFile("test.FnsAdjoint").contentsAsUtf8String()
        .doesNotContain("class FromBody");
    assertThat((double) get(call(c, "softplusGrad", 0.4), "x"))
        .isWithin(1e-12).of(1 / (1 + Math.exp(-0.4)));
  }

  @Test
  void nativePrimalIsNeverCalled() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static native double f(double x);

          @Jvp("f") static JvpResult<Double, Double> fJvp(double x, double xDot) {
            return JvpResult.of(Math.sinh(x), Math.cosh(x) * xDot);
          }
        }
        """);
    // Calling f itself would throw UnsatisfiedLinkError.
    Object valueAndGrad = call(c, "fValueAndGrad", 0.5);
    assertThat((double) get(valueAndGrad, "value")).isWithin(1e-12).of(Math.sinh(0.5));
    assertThat((double) get(get(valueAndGrad, "grad"), "x")).isWithin(1e-12).of(Math.cosh(0.5));
  }

  // ------------------------------------------------------------------ linear calls

  /**
   * Rules that call another rule's companion (the result kept in a local, or read off the call,
   * along a constant direction, with local arrays): accepted, and transposed through the callee's
   * Vjp, so the gradient matches the rule's own tangents.
   */
  @Test
  void linearCallsOfAnotherRuleCompileCleanlyAndTranspose() throws Exception {
    Compilation c = compileClean("""
        final class Fns {
          @CustomJvp static double h(double x) { return Math.log1p(Math.exp(x)); }

          @Jvp("h") static JvpResult<Double, Double> hJvp(double x, double xDot) {
            return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
          }

          @CustomJvp static double ms(double[] v) {
            double s = 0;
            for (double e : v) {
              s += e * e;
            }
            return s / v.length;
          }

          @Jvp("ms") static JvpResult<Double, Double> msJvp(double[] v, double[] vDot) {
            double s = 0;
            double t = 0.0;
            for (int i = 0; i < v.length; i++) {
              s += v[i] * v[i];
              t += 2 * v[i] * vDot[i];
            }
            return JvpResult.of(s / v.length, t / v.length);
          }

          @CustomJvp static double f(double x, double y) { return h(Math.sin(x)) * y; }

          @Jvp("f") static JvpResult<Double, Double> fJvp(
              double x, double y, double xDot, double yDot) {
            JvpResult<Double, Double> r = hJvp(Math.sin(x), Math.cos(x) * xDot);
            double slope = (hJvp(y, 1.0).tangent());
            double t = r.value() * yDot + y * r.tangent() + 0.0 * slope * yDot;
            return JvpResult.of(r.value() * y, t);
          }

          @CustomJvp static double g(double[] v) { return ms(v) * 2; }

          @Jvp("g") static JvpResult<Double, Double> gJvp(double[] v, double[] vDot) {
            double[] w = new double[v.length];
            double[] wDot = new double[v.length];
            for (int i = 0; i < v.length; i++) {
              w[i] = 2 * v[i];
              wDot[i] = 2 * vDot[i];
            }
            return JvpResult.of(msJvp(w, wDot).value() / 2, msJvp(w, wDot).tangent() / 2);
          }
        }
        """);
    for (double[] p : new double[][] {{0.4, -1.5}, {2.0, 0.7}, {-1.1, 3.0}}) {
      double x = p[0];
      double y = p[1];
      double sig = 1 / (1 + Math.exp(-Math.sin(x)));
      Object grad = call(c, "fGrad", x, y);
      assertThat((double) get(grad, "x")).isWithin(1e-12).of(y * Math.cos(x) * sig);
      assertThat((double) get(grad, "y")).isWithin(1e-12).of(Math.log1p(Math.exp(Math.sin(x))));
      assertThat((double) get(call(c, "fJvp", x, y, 1.0, 0.0), "tangent"))
          .isWithin(1e-12).of((double) get(grad, "x"));
      assertThat((double) get(call(c, "fJvp", x, y, 0.0, 1.0), "tangent"))
          .isWithin(1e-12).of((double) get(grad, "y"));
    }
    double[] v = {0.5, -2.0, 1.25};
    double[] grad = (double[]) get(call(c, "gGrad", (Object) v), "v");
    for (int j = 0; j < 3; j++) {
      // g = ms(2v) / 2 = 2 Σ v² / n: ∂/∂v_j = 4 v_j / n
      assertThat(grad[j]).isWithin(1e-12).of(4 * v[j] / 3);
      double[] e = new double[3];
      e[j] = 1;
      assertThat((double) get(call(c, "gJvp", v, e), "tangent")).isWithin(1e-12).of(grad[j]);
    }
  }

  /** A library of a rule and a method, compiled earlier: package {@code lib}. */
  private static final String LIBRARY = """
      package lib;

      import dev.adjoint.CustomJvp;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Jvp;
      import dev.adjoint.runtime.JvpResult;

      public final class Lib {
        private Lib() {}

        @CustomJvp public static double h(double x) { return Math.log1p(Math.exp(x)); }

        @Jvp("h") public static JvpResult<Double, Double> hJvp(double x, double xDot) {
          return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
        }

        @Differentiable public static double g(double x, double y) { return x * y; }
      }
      """;

  private static final String USER = """
      package app;

      import dev.adjoint.CustomJvp;
      import dev.adjoint.Jvp;
      import dev.adjoint.runtime.JvpResult;
      import lib.Lib;
      import lib.LibAdjoint;

      final class Model {
        @CustomJvp static double f(double x) { return Lib.h(x) + Lib.g(x, x); }

        @Jvp("f") static JvpResult<Double, Double> fJvp(double x, double xDot) {
          double t = Lib.hJvp(x, xDot).tangent() + LibAdjoint.gJvp(x, x, xDot, xDot).tangent();
          return JvpResult.of(Lib.h(x) + Lib.g(x, x), t);
        }
      }
      """;

  /** Linear calls of a library's @Jvp companion and generated gJvp: through its generated Vjps. */
  @Test
  void linearCallsOfALibraryCompiledEarlier(@TempDir Path dir) throws IOException {
    Path library = Sources.compileLibrary(dir,
        JavaFileObjects.forSourceString("lib.Lib", LIBRARY));
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing")
        .withClasspath(Sources.classpathWith(library))
        .compile(JavaFileObjects.forSourceString("app.Model", USER));
    assertThat(c).succeededWithoutWarnings();
    String generated = c.generatedSourceFile("app.ModelAdjoint").orElseThrow()
        .getCharContent(true).toString();
    assertThat(generated).contains("LibAdjoint.hVjp(x).pullback(valueBar)");
    assertThat(generated).contains("LibAdjoint.gVjp(x, y).pullback(valueBar)");
  }

  /** A library compiled without the processor has no generated class to transpose a rule by. */
  @Test
  void linearCallOfALibraryRuleWithoutItsGeneratedClass(@TempDir Path dir) throws IOException {
    Compilation lib = javac().compile(JavaFileObjects.forSourceString("lib.Lib", LIBRARY));
    assertThat(lib).succeeded();
    Path classes = dir.resolve("classes");
    for (JavaFileObject out : lib.generatedFiles()) {
      if (out.getKind() == JavaFileObject.Kind.CLASS) {
        String path = out.toUri().getPath();
        Path target = classes.resolve(path.substring(path.indexOf("lib/")));
        Files.createDirectories(target.getParent());
        try (InputStream in = out.openInputStream()) {
          Files.copy(in, target);
        }
      }
    }
    JavaFileObject user = JavaFileObjects.forSourceString("app.Model", USER
        .replace("import lib.LibAdjoint;\n", "")
        .replace(" + LibAdjoint.gJvp(x, x, xDot, xDot).tangent()", ""));
    Compilation c = javac().withProcessors(new AdjointProcessor())
        .withClasspath(Sources.classpathWith(classes)).compile(user);
    assertThat(c).hadErrorContaining("[AdjointMissingAdjointClass] Lib.h is annotated for"
        + " Adjoint, but its generated class lib.LibAdjoint is not on the class path")
        .inFile(user).onLineContaining("Lib.hJvp(x, xDot).tangent()");
  }

  // ------------------------------------------------------------------ helpers

  private static JavaFileObject source(String code) {
    return Sources.source("Fns",
        "import dev.adjoint.CustomJvp;",
        "import dev.adjoint.Jvp;",
        "import dev.adjoint.runtime.JvpResult;",
        "",
        code);
  }

  private static Compilation compileClean(String code) {
    Compilation c = Sources.compile(source(code));
    StringBuilder all = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      all.append("\n  ").append(d.getKind()).append(" at line ").append(d.getLineNumber())
          .append(": ").append(d.getMessage(Locale.ROOT));
    }
    assertWithMessage("diagnostics of a valid rule:%s", all).that(c.status())
        .isEqualTo(Compilation.Status.SUCCESS);
    assertThat(c).succeededWithoutWarnings();
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      assertWithMessage("a diagnostic of ours on a valid rule:%s", all)
          .that(TAG.matcher(d.getMessage(Locale.ROOT)).lookingAt()).isFalse();
    }
    assertThat(c).generatedSourceFile("test.FnsAdjoint");
    return c;
  }
}

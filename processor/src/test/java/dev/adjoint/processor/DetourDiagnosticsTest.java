package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * [AdjointDetour] (issue 9, item 4): a value of a differentiable input that went through something
 * with no tangent is an error where it becomes a double again, at that expression; the detour
 * itself, logging, comparisons and int casts are fine.
 */
class DetourDiagnosticsTest {

  private static final String LOST = " must not make a double again of a value that went through ";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Object unboxed by a cast | Object o = x; | return (Double) o * 2;"
            + " | unboxing the cast to java.lang.Double" + LOST + "a box (java.lang.Object)",
        "Object cast to double | Object o = x; | return (double) o;"
            + " | the cast to double" + LOST + "a box (java.lang.Object)",
        "Number.doubleValue | Number n = x; | return n.doubleValue();"
            + " | the call java.lang.Number.doubleValue" + LOST + "a box (java.lang.Number)",
        "Double unboxed | Double d = x; | return d * 3;"
            + " | unboxing d" + LOST + "a box (java.lang.Double)",
        "Double returned | Double d = x + 1; | return d;"
            + " | unboxing d" + LOST + "a box (java.lang.Double)",
        "longBitsToDouble | long b = Double.doubleToRawLongBits(x);"
            + " | return Double.longBitsToDouble(b);"
            + " | the call java.lang.Double.longBitsToDouble" + LOST
            + "the bits of a double (java.lang.Double.doubleToRawLongBits)",
        "doubleToLongBits and back | long b = Double.doubleToLongBits(x) ^ 0L;"
            + " | return Double.longBitsToDouble(b);"
            + " | the call java.lang.Double.longBitsToDouble" + LOST
            + "the bits of a double (java.lang.Double.doubleToLongBits)",
        "parseDouble | String s = \"\" + x; | return Double.parseDouble(s);"
            + " | the call java.lang.Double.parseDouble" + LOST + "a String",
        "valueOf of a String | String s = String.valueOf(x); | return Double.valueOf(s);"
            + " | unboxing the result of java.lang.Double.valueOf" + LOST
            + "the result of java.lang.String.valueOf",
        "a StringBuilder given x | sb.append(x); | return Double.parseDouble(sb.toString());"
            + " | the call java.lang.Double.parseDouble" + LOST
            + "the object sb (given the value by java.lang.StringBuilder.append)",
        "a box passed on | Double d = x; | return g(d);"
            + " | passing d to Fns.g" + LOST + "a box (java.lang.Double)",
        "Math of a box | Object o = x; | return Math.sqrt((Double) o);"
            + " | unboxing the cast to java.lang.Double" + LOST + "a box (java.lang.Object)",
      })
  void aDetourIsAnErrorWhereItBecomesADoubleAgain(
      String what, String detour, String back, String message) {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double g(double v) { return v * v; }",
        "  @Differentiable static double f(double x, @NoDiff StringBuilder sb) {",
        "    " + detour,
        "    " + back,
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointDetour] " + message)
        .inFile(f).onLineContaining(back);
    assertThat(c).hadErrorCount(1);
    MethodDiagnosticsTest.assertNoInternalError(c);
  }

  /** Found by red-teaming: the bits of a double kept by an object and read back as a long. */
  @Test
  void theBitsOfADoubleKeptByAnObject() {
    JavaFileObject f = source("Fns",
        "import java.util.concurrent.atomic.AtomicLong;",
        "final class Fns {",
        "  @Differentiable static double f(double x, AtomicLong bits) {",
        "    bits.set(Double.doubleToLongBits(x));",
        "    int hash = bits.hashCode();",
        "    return Double.longBitsToDouble(bits.get()) * x + hash;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointDetour] the call java.lang.Double.longBitsToDouble"
            + LOST + "the object bits (given the value by "
            + "java.util.concurrent.atomic.AtomicLong.set)")
        .inFile(f).onLineContaining("return Double.longBitsToDouble");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void theWholeMessageAtTheUnboxing() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x) {",
        "    Object o = x;",
        "    double y = 2 * (Double) o;",
        "    return y + x;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointDetour] unboxing the cast to java.lang.Double must"
            + " not make a double again of a value that went through a box (java.lang.Object),"
            + " which has no tangent: the value depends on a differentiable input, so its"
            + " derivative would silently be lost; keep it a double, or write Ad.stopGradient(...)"
            + " where a zero derivative is meant")
        .inFile(f).onLineContaining("2 * (Double) o");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void detoursThatNeverBecomeADoubleAgainAreFine() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  static void log(Object o) {}",
        "  @Differentiable static double f(double x, double[] w) {",
        "    Double d = x;",
        "    Object o = x * 2;",
        "    Number n = x;",
        "    String s = \"loss=\" + x;",
        "    String t = String.format(\"%.3f\", x);",
        "    System.out.println(s + t + d + o + n);",
        "    System.out.printf(\"%f%n\", x);",
        "    log(d);",
        "    long bits = Double.doubleToRawLongBits(x);",
        "    int k = (int) x;",
        "    long l = (long) (x * 3);",
        "    double total = k + l + (double) (bits & 1L) + s.length() + Double.hashCode(x);",
        "    for (int i = 0; i < w.length; i++) {",
        "      Object boxed = w[i] * x;",
        "      Double b = w[i];",
        "      log(boxed);",
        "      if (b > 0.5 && d < 2) { total += w[i] * x; }",
        "      total += dev.adjoint.runtime.Ad.stopGradient((Double) boxed);",
        "      total += Math.floor(b) + Math.signum((double) boxed);",
        "    }",
        "    Double constant = 2.0;",
        "    return total + x * constant;",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }
}

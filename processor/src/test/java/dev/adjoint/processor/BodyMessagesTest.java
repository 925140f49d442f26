package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The full text of body messages that once read wrong (issue 9): each at its file and line, and
 * none saying "yet yet".
 */
class BodyMessagesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an enhanced for over another object's field | for (double v : other.data) { s += v * x; }"
            + " | An enhanced for loop over the name data is not supported in @Differentiable code"
            + " yet; only array locals, parameters and fields (static, or of this), and rows of"
            + " matrices (m[i]), can be iterated",
        "writing a static table | DATA[0] = x;"
            + " | Writing into the array field DATA is not supported in @Differentiable code yet;"
            + " differentiable code may read fields but not write them: copy it into a local"
            + " array first (double[] copy = new double[DATA.length]; ...)",
        "copying within one array | System.arraycopy(y, 0, y, 1, 1);"
            + " | Copying within one array is not supported in @Differentiable code yet; copy"
            + " through a second array",
        "indexing a short[] | s += sh[0] * x;"
            + " | Indexing the short[] sh is not supported in @Differentiable code yet; only"
            + " double[], int[], long[] and boolean[] locals and parameters (and their 2-D forms)"
            + " can be indexed (copy other arrays into one)",
        "the length of another object's field | s += other.data.length * x;"
            + " | Reading the length of the name data is not supported in @Differentiable code"
            + " yet; only the lengths of array locals, parameters and fields (static, or of this)"
            + " can be read (a.length, m[i].length): pass the array in as a @NoDiff parameter",
        "a matrix row to Arrays.fill | java.util.Arrays.fill(m[1], x);"
            + " | A row of the matrix m as a value is not supported in @Differentiable code yet;"
            + " index it down to an element (m[i][j]), take its length (m[i].length), or pass it"
            + " to a @Differentiable method (g(m[i]))",
        "a matrix row to System.arraycopy | System.arraycopy(m[0], 0, y, 0, 2);"
            + " | A row of the matrix m as a value is not supported in @Differentiable code yet;"
            + " index it down to an element (m[i][j]), take its length (m[i].length), or pass it"
            + " to a @Differentiable method (g(m[i]))",
      })
  void messageAtItsStatement(String what, String statement, String message) {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  static double[] DATA = {1, 2};",
        "  double[] data = {1, 2};",
        "  @Differentiable static double f(double x, @NoDiff double[] w, short[] sh,",
        "      @NoDiff Fns other) {",
        "    double s = 0;",
        "    double[] y = new double[3];",
        "    double[][] m = new double[2][2];",
        "    " + statement,
        "    return s + y[0] + m[0][0];",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedConstruct] " + message)
        .inFile(f).onLineContaining(statement);
    assertThat(c).hadErrorCount(1);
    assertNoYetYet(c);
    MethodDiagnosticsTest.assertNoInternalError(c);
  }

  @Test
  void returningAnArrayFromALoopSaysYetOnce() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double[] f(double[] x) {",
        "    double[] y = new double[x.length];",
        "    for (int i = 0; i < x.length; i++) {",
        "      y[i] = x[i];",
        "      if (y[i] > 1) { return y; }",
        "    }",
        "    return y;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedConstruct] Returning an array from inside"
            + " a loop is not supported in @Differentiable code yet; break out of the loop and"
            + " return after it")
        .inFile(f).onLineContaining("return y; }");
    assertNoYetYet(c);
  }

  @Test
  void theLengthOfAnyArrayParameterIsFine() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x, int[] idx, String[] names, int[][] p) {",
        "    return x * (idx.length + names.length + p.length + p[0].length);",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "in a loop | for (int i = 0; i < 3; i++) { s += sum(x, i); }"
            + " | A call of the varargs method sum with variable arguments inside a loop is not"
            + " supported in @Differentiable code yet, since that creates an array on every trip;"
            + " create the array before the loop (double[] xs = new double[2];), fill it in the"
            + " loop, and pass it: sum(xs)",
        "in a loop's condition | while (sum(s) < x) { s += 1; }"
            + " | A call of the varargs method sum with variable arguments inside a loop",
        "in ?: | s = x > 0 ? sum(x, 2) : 0;"
            + " | A call of the varargs method sum with variable arguments inside ?:, && or || is"
            + " not supported in @Differentiable code yet; call it in a statement of its own"
            + " (double s = sum(...);)",
        "right of && | if (x > 0 && sum(x) > 1) { s = 1; }"
            + " | A call of the varargs method sum with variable arguments inside ?:, && or ||",
        "an argument calling a method | s = sum(x, Math.random());"
            + " | An argument that calls a method or reads a field, in a call of the varargs method"
            + " sum with variable arguments is not supported in @Differentiable code yet, since the"
            + " arguments are evaluated before the rest of the statement; compute it into a local"
            + " first",
        "an argument calling a differentiable method | s = sum(x, sum(x));"
            + " | An argument that calls a method or reads a field, in a call of the varargs method",
        "int varargs | s = count(x, 1, 2);"
            + " | A call of the varargs method count with variable arguments of type int is not"
            + " supported in @Differentiable code yet; only double... arguments are packed into an"
            + " array: pass an array of them instead",
      })
  void varargsCallThatCannotBeLowered(String what, String statement, String message) {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double sum(double... xs) {",
        "    double s = 0;",
        "    for (int i = 0; i < xs.length; i++) { s += xs[i]; }",
        "    return s;",
        "  }",
        "  @Differentiable static double count(double x, int... ks) { return x * ks.length; }",
        "  @Differentiable static double f(double x) {",
        "    double s = 0;",
        "    " + statement,
        "    return s;",
        "  }",
        "}");
    Compilation c = compile(f);
    assertThat(c).hadErrorContaining("[AdjointUnsupportedConstruct] " + message)
        .inFile(f).onLineContaining(statement);
    assertThat(c).hadErrorCount(1);
    MethodDiagnosticsTest.assertNoInternalError(c);
  }

  @Test
  void varargsCallsOutsideLoopsCompile() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double sum(double... xs) {",
        "    double s = 0;",
        "    for (int i = 0; i < xs.length; i++) { s += xs[i]; }",
        "    return s;",
        "  }",
        "  @Differentiable static double f(double x, double[] w) {",
        "    double s = sum(x, 2 * x, w[0], w.length) + sum() + sum(w);",
        "    if (s > 0) { s = sum(s, x); }",
        "    return s;",
        "  }",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }

  private static void assertNoYetYet(Compilation c) {
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      assertThat(d.getMessage(Locale.ROOT)).doesNotContain("yet yet");
    }
  }
}

package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Golden files: the shape of generated code (forward sweep with hoisted temporaries, saved
 * overwritten values, recorded branch conditions, reverse sweep, Vjp objects), compared as syntax
 * trees, so formatting and comments may change freely. Each golden file was read line by line
 * when it was written; regenerate one by compiling its source and review the difference.
 */
class GoldenTest {

  @Test
  void branchesEarlyReturnAndOverwrittenParameter() {
    assertGenerates("golden.Shapes");
  }

  /**
   * Loops over a parameter array and @NoDiff data (which gets no cotangent array), and what the
   * tape records. In weightedSquares nothing: the index is set from the trip counter, r and the
   * branch flag are computed again from w, data and scale at the start of each reverse trip, and
   * the running sum is never read. In tanhProduct the old product and each tanh go on the tape,
   * read back in reverse order. The gradient and the workspace of weightedSquares run each
   * reverse trip inside its forward trip (a fused sweep: the sum's cotangent, 1, is known before
   * the loop); tanhProduct's product, carried from trip to trip, keeps two passes.
   */
  @Test
  void loopOverArraysRecordsOnlyWhatTheReverseSweepReads() {
    assertGenerates("golden.Losses");
  }

  /**
   * Rosenbrock's workspace, as exact text: the fused sweep (the reverse trip inside the forward
   * trip, the sum's cotangent set once before the loop), with contributions added to a
   * temporary where a sum starts ({@code bBar = ..} for {@code bBar += ..}), the cotangent of
   * {@code x[i]} gathered in {@code xBarAt} and stored once, and the user's {@code sum} keeping
   * its name. Compared line by line, comments and names included, so that untidy output (a
   * {@code v = 0.0; v += e} pair, a {@code x += -y}) shows as a failure to review.
   */
  @Test
  void rosenbrocksFusedWorkspaceIsTidy() throws IOException {
    Compilation c = Sources.compile(golden("golden.Rosenbrock"));
    assertThat(c).succeededWithoutWarnings();
    String generated = c.generatedSourceFile("golden.RosenbrockAdjoint").orElseThrow()
        .getCharContent(true).toString();
    int start = generated.indexOf("    public double valueAndGrad(double[] x) {");
    int end = generated.indexOf("\n    }\n", start) + "\n    }\n".length();
    String method = generated.substring(start, end);
    try (InputStream in = GoldenTest.class.getClassLoader()
        .getResourceAsStream("golden/RosenbrockWorkspace.valueAndGrad.txt")) {
      com.google.common.truth.Truth.assertThat(method)
          .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Compiles golden source {@code className} and compares its adjoint with the golden one. */
  private static void assertGenerates(String className) {
    Compilation c = Sources.compile(golden(className));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c)
        .generatedSourceFile(className + "Adjoint")
        .hasSourceEquivalentTo(golden(className + "Adjoint"));
  }

  /**
   * A golden source, kept as {@code .java.golden} so that javac never finds it on the class path
   * and compiles it implicitly.
   */
  private static JavaFileObject golden(String className) {
    String resource = className.replace('.', '/') + ".java.golden";
    try (InputStream in = GoldenTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("missing golden file " + resource);
      }
      return JavaFileObjects.forSourceString(
          className, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

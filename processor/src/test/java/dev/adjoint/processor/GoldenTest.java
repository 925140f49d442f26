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
   * read back in reverse order.
   */
  @Test
  void loopOverArraysRecordsOnlyWhatTheReverseSweepReads() {
    assertGenerates("golden.Losses");
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

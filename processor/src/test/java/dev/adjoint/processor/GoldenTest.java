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
   * A loop over a parameter array and @NoDiff data: the tape records r and the branch flag per
   * trip, but not the product or the running sum, which the reverse sweep never reads, nor the
   * index, which trip k of the reverse sweep sets to k; the data gets no cotangent array.
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

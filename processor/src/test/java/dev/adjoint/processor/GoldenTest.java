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
    JavaFileObject source = golden("golden.Shapes");
    Compilation c = Sources.compile(source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c)
        .generatedSourceFile("golden.ShapesAdjoint")
        .hasSourceEquivalentTo(golden("golden.ShapesAdjoint"));
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

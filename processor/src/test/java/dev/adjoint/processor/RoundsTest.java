package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.Sources.source;

import com.google.common.truth.Truth;
import com.google.testing.compile.Compilation;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Types that another processor generates in a later round: defer, never report them. */
class RoundsTest {

  /** Generates {@code test.Config} (used in a signature) and {@code test.Scales} (in a body). */
  static final class GeneratesConfig extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (done) {
        return false;
      }
      done = true;
      write("test.Config", "package test; public record Config(int n) {}");
      write("test.Scales", "package test; public final class Scales {"
          + " public static double of(int n) { return 2.0 * n; } }");
      return false;
    }

    private void write(String name, String text) {
      try {
        JavaFileObject file = processingEnv.getFiler().createSourceFile(name);
        try (Writer w = file.openWriter()) {
          w.write(text);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void typesGeneratedInALaterRoundAreWaitedFor() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x, Config config) {",
        "    return x * Scales.of(config.n());",
        "  }",
        "  static double slope(double x) { return FnsAdjoint.fGrad(x, new Config(3)).x(); }",
        "}");
    Compilation c =
        javac().withProcessors(new AdjointProcessor(), new GeneratesConfig()).compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.FnsAdjoint").contentsAsUtf8String()
        .contains("Scales.of(config.n())");
  }

  /** Claims nothing and does nothing: javac's own errors with a processor present. */
  static final class NoOp extends AbstractProcessor {
    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return false;
    }
  }

  @Test
  void typesThatNeverAppearAreLeftToJavac() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double x, Missing config) { return x; }",
        "  @Differentiable static double g(double x) { return x * Absent.scale(); }",
        "}");
    Compilation ours = javac().withProcessors(new AdjointProcessor()).compile(f);
    Compilation javacAlone = javac().withProcessors(new NoOp()).compile(f);
    assertThat(ours).hadErrorContaining("cannot find symbol").inFile(f).onLineContaining("Missing config");
    // Exactly what javac reports with any processor present: nothing added, nothing repeated.
    Truth.assertThat(messages(ours)).isEqualTo(messages(javacAlone));
  }

  @Test
  void missingTypeOnlyInABodyIsLeftToJavac() {
    JavaFileObject f = source("Fns",
        "final class Fns {",
        "  @Differentiable static double g(double x) { return x * Absent.scale(); }",
        "}");
    Compilation ours = javac().withProcessors(new AdjointProcessor()).compile(f);
    assertThat(ours).hadErrorContaining("cannot find symbol").inFile(f).onLineContaining("Absent.scale()");
    assertThat(ours).hadErrorCount(1);
  }

  private static List<String> messages(Compilation c) {
    return c.diagnostics().stream()
        .map(d -> d.getKind() + ":" + d.getLineNumber() + ":" + d.getMessage(Locale.ROOT))
        .toList();
  }
}

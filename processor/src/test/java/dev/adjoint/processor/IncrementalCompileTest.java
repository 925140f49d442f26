package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;

import dev.adjoint.processor.step.AdjointProcessor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build that recompiles only the changed file, with its last output on the class path (Maven
 * with useIncrementalCompilation=false, IDEs): the processor must know its own generated class
 * there, not take it for a user's type ([AdjointNameTaken]).
 */
class IncrementalCompileTest {

  private static final String RULES = String.join("\n",
      "package test;",
      "import dev.adjoint.*;",
      "import dev.adjoint.runtime.FwdResult;",
      "final class Rules {",
      "  @CustomVjp static double cube(double x) { return x * x * x; }",
      "  @Fwd(\"cube\") static FwdResult<Double, Double> cubeFwd(double x) {",
      "    return FwdResult.of(x * x * x, x);",
      "  }",
      "  @Bwd(\"cube\") static double cubeBwd(Double x, double g) { return g * BODY; }",
      "  @Differentiable static double twice(double x) { return 2 * cube(x); }",
      "}");

  @Test
  void recompilingOneFileBesideItsLastOutputIsClean(@TempDir Path dir) throws IOException {
    Path first = Files.createDirectories(dir.resolve("first"));
    Path second = Files.createDirectories(dir.resolve("second"));
    Path source = dir.resolve("src/test/Rules.java");
    Files.createDirectories(source.getParent());

    Files.writeString(source, RULES.replace("BODY", "3 * x * x"));
    assertThat(compile(source, first, System.getProperty("java.class.path"))).isEmpty();
    assertThat(Files.exists(first.resolve("test/RulesAdjoint.class"))).isTrue();

    // Only the @Bwd body changes; the last build's classes are on the class path.
    Files.writeString(source, RULES.replace("BODY", "3 * x * x + 0.0"));
    String classPath = first + File.pathSeparator + System.getProperty("java.class.path");
    assertThat(compile(source, second, classPath)).isEmpty();
    assertThat(Files.exists(second.resolve("test/RulesAdjoint.class"))).isTrue();
  }

  /** Compiles one file with the processor; the errors and warnings it reported. */
  private static List<String> compile(Path source, Path out, String classPath) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics,
          List.of("-d", out.toString(), "-s", out.toString(), "-classpath", classPath,
              "-Xlint:all,-processing", "-implicit:none"),
          null, files.getJavaFileObjects(source.toFile()));
      task.setProcessors(List.of(new AdjointProcessor()));
      task.call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
            || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
        .map(d -> d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
        .toList();
  }
}

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

  /**
   * Separate compilation: {@code A.B_C} and {@code A_B.C} both make {@code A_B_CAdjoint}. Built
   * apart, the second build's class would silently replace the first's on the class path (the
   * first's callers then fail with NoSuchMethodError); it is [AdjointNameTaken] at the class
   * compiled second, in either order, as in one build.
   */
  @Test
  void anAdjointNameTakenByAClassOfAnEarlierBuildIsAnError(@TempDir Path dir) throws IOException {
    String nestedFirst = String.join("\n",
        "package test;",
        "import dev.adjoint.Differentiable;",
        "final class A {",
        "  static final class B_C {",
        "    @Differentiable static double f(double x) { return x * x; }",
        "  }",
        "}");
    String topLevelFirst = String.join("\n",
        "package test;",
        "import dev.adjoint.Differentiable;",
        "final class A_B {",
        "  static final class C {",
        "    @Differentiable static double g(double x) { return 3 * x; }",
        "  }",
        "}");
    for (boolean nestedBuiltFirst : new boolean[] {true, false}) {
      Path root = Files.createDirectories(dir.resolve(nestedBuiltFirst ? "one" : "two"));
      Path first = Files.createDirectories(root.resolve("first"));
      Path second = Files.createDirectories(root.resolve("second"));
      Path a = root.resolve("src/test/A.java");
      Path ab = root.resolve("src/test/A_B.java");
      Files.createDirectories(a.getParent());
      Files.writeString(a, nestedFirst);
      Files.writeString(ab, topLevelFirst);
      Path earlier = nestedBuiltFirst ? a : ab;
      Path later = nestedBuiltFirst ? ab : a;
      assertThat(compile(earlier, first, System.getProperty("java.class.path"))).isEmpty();
      assertThat(Files.exists(first.resolve("test/A_B_CAdjoint.class"))).isTrue();

      String classPath = first + File.pathSeparator + System.getProperty("java.class.path");
      List<String> errors = compile(later, second, classPath);
      String laterName = nestedBuiltFirst ? "test.A_B.C" : "test.A.B_C";
      String earlierName = nestedBuiltFirst ? "test.A.B_C" : "test.A_B.C";
      assertThat(errors).containsExactly("4: [AdjointNameTaken] the generated class A_B_CAdjoint of "
          + laterName + " must have a name of its own, but " + earlierName
          + " generates a class of that name too; rename one of the two classes");
      assertThat(Files.exists(second.resolve("test/A_B_CAdjoint.class"))).isFalse();
    }
  }

  /**
   * Separate compilation of records (our pytrees): a library built first declares a record and a
   * method taking it; a later build's method passes its own record parameter on to it. Both
   * builds flatten the record alike (from the record's components, which class files keep), so
   * the caller reaches the library's members over the leaves, and its gradient is the closed form.
   */
  @Test
  void aRecordParameterPassedToAMethodOfAnEarlierBuild(@TempDir Path dir) throws Exception {
    Path first = Files.createDirectories(dir.resolve("first"));
    Path second = Files.createDirectories(dir.resolve("second"));
    Path lib = dir.resolve("src/test/Lib.java");
    Path user = dir.resolve("src/test/User.java");
    Files.createDirectories(lib.getParent());
    Files.writeString(lib, String.join("\n",
        "package test;",
        "import dev.adjoint.Differentiable;",
        "public final class Lib {",
        "  public record P(double a, double[] b, int k) {}",
        "  @Differentiable public static double f(P p, double x) {",
        "    return p.a() * x + p.b()[p.k()] * p.b()[0];",
        "  }",
        "}"));
    Files.writeString(user, String.join("\n",
        "package test;",
        "import dev.adjoint.Differentiable;",
        "public final class User {",
        "  @Differentiable public static double g(Lib.P q, double y) {",
        "    return Lib.f(q, y) * y;",
        "  }",
        "}"));
    assertThat(compile(lib, first, System.getProperty("java.class.path"))).isEmpty();
    String classPath = first + File.pathSeparator + System.getProperty("java.class.path");
    assertThat(compile(user, second, classPath)).isEmpty();
    try (var loader = new java.net.URLClassLoader(new java.net.URL[] {
        first.toUri().toURL(), second.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> record = loader.loadClass("test.Lib$P");
      Object q = record.getConstructors()[0].newInstance(2.0, new double[] {3.0, 5.0}, 1);
      Class<?> adjoint = loader.loadClass("test.UserAdjoint");
      Object grad = adjoint.getMethod("gGrad", record, double.class).invoke(null, q, 0.5);
      Object p = grad.getClass().getMethod("q").invoke(grad);
      // g = (a y + b[1] b[0]) y: dg/da = y^2, dg/db = (y b[1], y b[0]), k carried, dg/dy = 2 a y + b1 b0
      assertThat((double) record.getMethod("a").invoke(p)).isEqualTo(0.25);
      assertThat((double[]) record.getMethod("b").invoke(p)).usingTolerance(0)
          .containsExactly(2.5, 1.5).inOrder();
      assertThat((int) record.getMethod("k").invoke(p)).isEqualTo(1);
      assertThat((double) grad.getClass().getMethod("y").invoke(grad)).isEqualTo(2.0 + 15.0);
    }
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

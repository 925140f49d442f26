package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Test sources and compilations with the processor. */
final class Sources {
  private Sources() {}

  /** A source file {@code test.Name} with the usual imports and the given lines. */
  static JavaFileObject source(String simpleName, String... lines) {
    String header =
        String.join(
            "\n",
            "package test;",
            "",
            "import dev.adjoint.Bwd;",
            "import dev.adjoint.CustomVjp;",
            "import dev.adjoint.Differentiable;",
            "import dev.adjoint.Fwd;",
            "import dev.adjoint.NoDiff;",
            "import dev.adjoint.runtime.FwdResult;",
            "");
    return JavaFileObjects.forSourceString(
        "test." + simpleName, header + "\n" + String.join("\n", lines) + "\n");
  }

  /** Compiles with the processor and every lint javac has, as users with -Werror build. */
  static Compilation compile(JavaFileObject... files) {
    return javac()
        .withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing")
        .compile(files);
  }

  /**
   * Compiles {@code lib} (classes of package {@code lib}) with the processor into {@code dir}, as a
   * jar compiled earlier would be; returns its class directory.
   */
  static Path compileLibrary(Path dir, JavaFileObject lib) throws IOException {
    Compilation c = compile(lib);
    assertThat(c).succeededWithoutWarnings();
    Path classes = dir.resolve("classes");
    for (JavaFileObject out : c.generatedFiles()) {
      if (out.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      String path = out.toUri().getPath();
      Path target = classes.resolve(path.substring(path.indexOf("lib/")));
      Files.createDirectories(target.getParent());
      try (InputStream in = out.openInputStream()) {
        Files.copy(in, target);
      }
    }
    assertThat(Files.exists(classes.resolve("lib/LibAdjoint.class"))).isTrue();
    return classes;
  }

  /** The test's class path with {@code extra} first. */
  static List<File> classpathWith(Path extra) {
    List<File> out = new ArrayList<>();
    out.add(extra.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      out.add(new File(entry));
    }
    return out;
  }
}

package dev.adjoint.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
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
}

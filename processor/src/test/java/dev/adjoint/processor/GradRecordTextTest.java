package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.CompiledClasses.call;
import static dev.adjoint.processor.CompiledClasses.get;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/** DESIGN: gradient records with array components print their contents, as Arrays does. */
class GradRecordTextTest {

  @Test
  void aGradientRecordPrintsItsArraysElementByElement() throws Exception {
    // Components named like the package and class a printer would name (java, Arrays, String)
    // must not break it.
    Compilation c = compile(source("Fns",
        "final class Fns {",
        "  @Differentiable static double f(double java, double[] Arrays, double[][] String,",
        "      double[] none) {",
        "    return java * Arrays[0] + 3 * Arrays[1] + String[0][1] * java;",
        "  }",
        "  @Differentiable static double g(double x) { return x * x; }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    Object grad = call(c, "fGrad", 2.0, new double[] {5, 7}, new double[][] {{1, 4}, {0.5}},
        null);
    assertThat(grad.toString()).isEqualTo(
        "FGrad[java=9.0, Arrays=[2.0, 3.0], String=[[0.0, 2.0], [0.0]], none=null]");
    // A record of scalars keeps the record's own text.
    assertThat(call(c, "gGrad", 3.0).toString()).isEqualTo("GGrad[x=6.0]");
    assertThat((double) get(grad, "java")).isEqualTo(9.0);
  }
}

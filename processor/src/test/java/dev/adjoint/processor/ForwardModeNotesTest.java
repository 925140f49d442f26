package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.Sources.compile;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Forward mode's notes: a call of a {@code @CustomVjp} rule that returns an array. */
class ForwardModeNotesTest {

  private static final String[] RULE = {
    "  @CustomVjp static double[] twice(double[] x) {",
    "    double[] y = new double[x.length];",
    "    for (int i = 0; i < x.length; i++) { y[i] = 2 * x[i]; }",
    "    return y;",
    "  }",
    "  @Fwd(\"twice\") static FwdResult<double[], Void> twiceFwd(double[] x) {",
    "    double[] y = new double[x.length];",
    "    for (int i = 0; i < x.length; i++) { y[i] = 2 * x[i]; }",
    "    return FwdResult.of(y, null);",
    "  }",
    "  @Bwd(\"twice\") static double[] twiceBwd(Void r, double[] g) {",
    "    double[] x = new double[g.length];",
    "    for (int i = 0; i < g.length; i++) { x[i] = 2 * g[i]; }",
    "    return x;",
    "  }",
  };

  private static JavaFileObject withCaller(String... caller) {
    String[] lines = new String[RULE.length + caller.length + 2];
    int at = 0;
    lines[at++] = "final class Fns {";
    for (String l : RULE) {
      lines[at++] = l;
    }
    for (String l : caller) {
      lines[at++] = l;
    }
    lines[at++] = "}";
    return source("Fns", lines);
  }

  @Test
  void forwardModeThroughAnArrayRuleIsANoteAtTheCall() {
    JavaFileObject f = withCaller(
        "  @Differentiable static double sum(double[] x) {",
        "    double[] y = twice(x);",
        "    return y[0] + y[1];",
        "  }");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).hadNoteContaining("[AdjointForwardThroughArrayRule] forward mode goes through"
            + " @CustomVjp method Fns.twice here, which returns double[]: each JVP of sum")
        .inFile(f).onLineContaining("double[] y = twice(x);");
  }

  @Test
  void noNoteWhereTheRuleGetsNoTangent() {
    JavaFileObject f = withCaller(
        "  @Differentiable static double scaled(double s, @NoDiff double[] data) {",
        "    double[] y = twice(data);",
        "    return s * y[0];",
        "  }");
    Compilation c = compile(f);
    assertThat(c).succeededWithoutWarnings();
    com.google.common.truth.Truth.assertThat(c.notes().stream()
            .filter(d -> d.getMessage(null).contains("ForwardThroughArrayRule")).count())
        .isEqualTo(0);
  }
}

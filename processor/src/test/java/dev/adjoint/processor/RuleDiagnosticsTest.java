package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.CompiledClasses.call;
import static dev.adjoint.processor.CompiledClasses.get;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics of custom rules ({@code @CustomVjp} with {@code @Fwd} and {@code @Bwd}): one test
 * per message, asserting its tag, file and line (and the column or the expected-signature note
 * where they matter), that each problem is reported once, and that valid rules compile and are
 * the ones the generated code runs.
 *
 * <p>Each source marks the line a message must point at with a comment {@code // <- here} (or
 * another word after the arrow), so no line number is counted by hand.
 */
class RuleDiagnosticsTest {

  // ------------------------------------------------------------------ valid rules

  @Test
  void referenceExampleCompilesAndItsRuleIsUsed() throws Exception {
    Source s = new Source("""
        final class Fns {
          @CustomVjp static double f(double x, double y) { return x * Math.sin(y); }

          record FRes(double x, double sinY, double cosY) {}
          record FCot(double x, double y) {}

          @Fwd("f") static FwdResult<Double, FRes> fFwd(double x, double y) {
            double s = Math.sin(y);
            return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));
          }
          @Bwd("f") static FCot fBwd(FRes r, double g) {
            return new FCot(g * r.sinY(), g * r.x() * r.cosY());
          }

          @Differentiable static double loss(double x, double y) { double r = f(x, y); return r * r; }
        }
        """);
    Compilation c = compile(s);

    assertThat(c).succeededWithoutWarnings();
    Object valueAndGrad = call(c, "lossValueAndGrad", 2.0, Math.PI / 2);
    assertThat((double) get(valueAndGrad, "value")).isWithin(1e-12).of(4.0);
    Object grad = get(valueAndGrad, "grad");
    assertThat((double) get(grad, "x")).isWithin(1e-12).of(4.0);
    assertThat((double) get(grad, "y")).isWithin(1e-12).of(0.0);
  }

  @Test
  void singleParameterRuleMayReturnItsCotangentAsDouble() throws Exception {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          // The residual is a Double; taking it as a double is accepted.
          @Bwd("softplus") static double softplusBwd(double x, double g) {
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertThat(c).succeededWithoutWarnings();
    // Far out, where the body's own derivative overflows to NaN, the rule gives 1.
    Object grad = call(c, "softplusGrad", 1000.0);
    assertThat((double) get(grad, "x")).isEqualTo(1.0);
  }

  @Test
  void singleParameterRuleMayReturnBoxedDoubleWhereNullMeansZero() throws Exception {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double relu(double x) { return Math.max(0, x); }

          @Fwd("relu") static FwdResult<Double, Double> reluFwd(double x) {
            return FwdResult.of(Math.max(0, x), x);
          }
          @Bwd("relu") static Double reluBwd(Double x, double g) {
            return x > 0 ? g : null;
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertThat(c).succeededWithoutWarnings();
    assertThat((double) get(call(c, "reluGrad", 2.0), "x")).isEqualTo(1.0);
    assertThat((double) get(call(c, "reluGrad", -2.0), "x")).isEqualTo(0.0);
  }

  @Test
  void nondifferentiableParametersGetNoCotangent() throws Exception {
    Source s = new Source("""
        final class Powers {
          @CustomVjp static double power(double x, int n) { return Math.pow(x, n); }

          record PowerRes(double x, int n) {}

          @Fwd("power") static FwdResult<Double, PowerRes> powerFwd(double x, int n) {
            return FwdResult.of(Math.pow(x, n), new PowerRes(x, n));
          }
          @Bwd("power") static double powerBwd(PowerRes r, double g) {
            return g * r.n() * Math.pow(r.x(), r.n() - 1);
          }

          @CustomVjp static double scaled(double x, @NoDiff double scale, double y) {
            return scale * x * y;
          }

          record ScaledCot(double x, Double y) {}

          @Fwd("scaled") static FwdResult<Double, double[]> scaledFwd(double x, double scale, double y) {
            return FwdResult.of(scale * x * y, new double[] {x, scale, y});
          }
          @Bwd("scaled") static ScaledCot scaledBwd(double[] r, double g) {
            return new ScaledCot(g * r[1] * r[2], null);
          }
        }
        """, "Powers");
    Compilation c = compile(s);

    assertThat(c).succeededWithoutWarnings();
    assertThat((double) get(call(c, "powerGrad", 2.0, 3), "x")).isEqualTo(12.0);
    Object scaled = call(c, "scaledGrad", 2.0, 3.0, 5.0);
    assertThat((double) get(scaled, "x")).isEqualTo(15.0);
    assertThat((double) get(scaled, "y")).isEqualTo(0.0); // null: zero
  }

  @Test
  void genericRecordOfCotangentsIsReadAsItsMembers() {
    Source s = new Source("""
        final class Fns {
          @CustomVjp static double f(double x, double y) { return x * y; }

          record Pair<A, B>(A x, B y) {}

          @Fwd("f") static FwdResult<Double, Pair<Double, Double>> fFwd(double x, double y) {
            return FwdResult.of(x * y, new Pair<>(x, y));
          }
          @Bwd("f") static Pair<Double, Double> fBwd(Pair<Double, Double> r, double g) {
            return new Pair<>(g * r.y(), g * r.x());
          }
        }
        """);
    assertThat(compile(s)).succeededWithoutWarnings();
  }

  // ------------------------------------------------------------------ wiring

  @Test
  void missingFwd() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); } // <- here

          @Bwd("softplus") static double softplusBwd(Double x, double g) {
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointMissingFwd] @CustomVjp method softplus must have a @Fwd"
        + " companion, but no method of Activations is annotated @Fwd(\"softplus\")", "here");
    assertNote(c, s, "expected: @Fwd(\"softplus\") static FwdResult<Double, R>"
        + " softplusFwd(double x)", "here");
  }

  @Test
  void missingBwd() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); } // <- here

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointMissingBwd] @CustomVjp method softplus must have a @Bwd"
        + " companion, but no method of Activations is annotated @Bwd(\"softplus\")", "here");
    assertNote(c, s, "expected: @Bwd(\"softplus\") static double"
        + " softplusBwd(Double residuals, double cotangent)", "here");
  }

  @Test
  void missingCompanionNamesTheUnannotatedMethodThatLooksLikeIt() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); } // <- primal

          static FwdResult<Double, Double> softplusFwd(double x) { // <- candidate
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) {
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("[AdjointMissingFwd] @CustomVjp method softplus must have a @Fwd"
            + " companion, but no method of Activations is annotated @Fwd(\"softplus\"); did you"
            + " forget @Fwd(\"softplus\") on softplusFwd?")
        .inFile(s.file)
        .onLine(s.line("primal"));
    assertThat(c)
        .hadErrorContaining("[AdjointUnusedCompanion] softplusFwd is named like the @Fwd companion"
            + " of @CustomVjp method softplus, but is not annotated, so the rule never uses it;"
            + " did you forget @Fwd(\"softplus\") on softplusFwd?")
        .inFile(s.file)
        .onLine(s.line("candidate"));
    assertNoInternalError(c);
  }

  @Test
  void unknownTargetSuggestsTheNearestCustomVjpMethod() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

          @Fwd("sofplus") static FwdResult<Double, Double> softplusFwd(double x) { // <- here
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) {
            return g * sigmoid(x);
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    // One mistake, one error: softplus's missing @Fwd is this misspelling.
    assertOnlyError(c, s, "[AdjointUnknownTarget] @Fwd(\"sofplus\") must name a @CustomVjp method"
        + " of Activations, but Activations has no method called sofplus; did you mean softplus?",
        "here");
    assertThat(c)
        .hadErrorContaining("[AdjointUnknownTarget]")
        .inFile(s.file)
        .onLine(s.line("here"))
        .atColumn(s.column("here", "\"sofplus\""));
  }

  @Test
  void unknownTargetSuggestsNothingWhenNoNameIsClose() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); } // <- primal

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("logistic") static double softplusBwd(Double x, double g) { // <- here
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("[AdjointUnknownTarget] @Bwd(\"logistic\") must name a @CustomVjp"
            + " method of Activations, but Activations has no method called logistic")
        .inFile(s.file)
        .onLine(s.line("here"))
        .atColumn(s.column("here", "\"logistic\""));
    assertThat(errorText(c)).doesNotContain("did you mean");
    assertThat(c).hadErrorContaining("[AdjointMissingBwd]").inFile(s.file).onLine(s.line("primal"));
  }

  @Test
  void targetNotCustomVjp() {
    Source s = new Source("""
        final class Activations {
          static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) { // <- fwd
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) { // <- bwd
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertThat(c).hadErrorCount(2);
    String message = "[AdjointTargetNotCustomVjp] @%s(\"softplus\") must name a @CustomVjp method,"
        + " but softplus is not annotated @CustomVjp; annotate it @CustomVjp, or remove the"
        + " companion";
    assertThat(c)
        .hadErrorContaining(String.format(message, "Fwd"))
        .inFile(s.file)
        .onLine(s.line("fwd"))
        .atColumn(s.column("fwd", "\"softplus\""));
    assertThat(c)
        .hadErrorContaining(String.format(message, "Bwd"))
        .inFile(s.file)
        .onLine(s.line("bwd"))
        .atColumn(s.column("bwd", "\"softplus\""));
    assertNoInternalError(c);
  }

  @Test
  void targetThatIsDifferentiableIsNotCustomVjp() {
    Source s = new Source("""
        final class Fns {
          @Differentiable static double square(double x) { return x * x; }

          @Fwd("square") static FwdResult<Double, Double> squareFwd(double x) { // <- here
            return FwdResult.of(x * x, x);
          }
        }
        """);
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointTargetNotCustomVjp] @Fwd(\"square\") must name a @CustomVjp"
        + " method, but square is @Differentiable, not @CustomVjp; replace @Differentiable with"
        + " @CustomVjp to use the rule, or remove the companion", "here");
  }

  @Test
  void duplicateCompanion() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) {
            return g / (1 + Math.exp(-x));
          }
          @Bwd("softplus") static double softplusBwdStable(Double x, double g) { // <- here
            return x >= 0 ? g / (1 + Math.exp(-x)) : g * Math.exp(x) / (1 + Math.exp(x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointDuplicateCompanion] @CustomVjp method softplus must have exactly"
        + " one @Bwd companion, but has 2 (softplusBwd, softplusBwdStable); remove all but one",
        "here");
  }

  @Test
  void ambiguousTarget() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }
          static double softplus(double x, double beta) { return softplus(beta * x) / beta; }

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) { // <- fwd
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) { // <- bwd
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    // The overload itself is reported on the primal, by the method checks.
    assertThat(c).hadErrorContaining("[AdjointOverload]");
    assertThat(c).hadErrorCount(3);
    String message = "[AdjointAmbiguousTarget] @%s(\"softplus\") must name exactly one method, but"
        + " softplus is overloaded (2 methods); rename the overloads so the rule names one";
    assertThat(c)
        .hadErrorContaining(String.format(message, "Fwd"))
        .inFile(s.file)
        .onLine(s.line("fwd"))
        .atColumn(s.column("fwd", "\"softplus\""));
    assertThat(c)
        .hadErrorContaining(String.format(message, "Bwd"))
        .inFile(s.file)
        .onLine(s.line("bwd"));
    assertNoInternalError(c);
  }

  // ------------------------------------------------------------------ @Fwd shape

  @Test
  void fwdParameterCount() {
    Source s = new Source(REFERENCE.replace(
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x) { double y = 0; // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointFwdParameters] @Fwd method fFwd must take exactly the parameter"
        + " types of f (double, double), but takes (double)", "here");
    assertNote(c, s, "expected: @Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x,"
        + " double y)", "here");
  }

  @Test
  void fwdParameterType() {
    Source s = new Source(REFERENCE.replace(
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, float y) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointFwdParameters] @Fwd method fFwd must take exactly the parameter"
        + " types of f, in order, but its parameter 2 (y) is float where f has double y", "here");
    assertThat(c)
        .hadErrorContaining("[AdjointFwdParameters]")
        .inFile(s.file)
        .onLine(s.line("here"))
        .atColumn(s.column("here", "y)"));
  }

  @Test
  void fwdReturnMustBeFwdResult() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static double softplusFwd(double x) { // <- here
            return Math.log1p(Math.exp(x));
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) {
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointFwdReturn] @Fwd method softplusFwd must return"
        + " FwdResult<Double, R>, with R any residual type but a wildcard, but returns double",
        "here");
    assertNote(c, s, "expected: @Fwd(\"softplus\") static FwdResult<Double, R>"
        + " softplusFwd(double x)", "here");
  }

  @Test
  void fwdReturnMustNotBeRawFwdResult() {
    Source s = new Source(REFERENCE.replace(
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
        "@SuppressWarnings(\"rawtypes\")\n"
            + "  @Fwd(\"f\") static FwdResult fFwd(double x, double y) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointFwdReturn] @Fwd method fFwd must return FwdResult<Double, R>,"
        + " with R any residual type but a wildcard, but returns the raw type FwdResult", "here");
  }

  @Test
  void fwdResidualsMustNotBeAWildcard() {
    Source s = new Source(REFERENCE.replace(
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
        "@Fwd(\"f\") static FwdResult<Double, ?> fFwd(double x, double y) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointFwdReturn] @Fwd method fFwd must return FwdResult<Double, R>,"
        + " with R any residual type but a wildcard, but returns FwdResult<Double, ?>", "here");
  }

  @Test
  void fwdOutputType() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static FwdResult<Float, Double> softplusFwd(double x) { // <- here
            return FwdResult.of((float) Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(Double x, double g) {
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointFwdOutputType] @Fwd method softplusFwd must return"
        + " FwdResult<Double, R>, whose output type is the result type of softplus boxed, but its"
        + " output type is Float", "here");
    assertNote(c, s, "expected: @Fwd(\"softplus\") static FwdResult<Double, Double>"
        + " softplusFwd(double x)", "here");
  }

  // ------------------------------------------------------------------ @Bwd shape

  @Test
  void bwdParameters() {
    Source s = new Source(REFERENCE.replace(
        "@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
        "@Bwd(\"f\") static FCot fBwd(FRes r) { double g = 1; // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdParameters] @Bwd method fBwd must take exactly"
        + " (FRes residuals, double cotangent), but takes (FRes r)", "here");
    assertNote(c, s, "expected: @Bwd(\"f\") static FCot fBwd(FRes residuals, double cotangent),"
        + " with record FCot(double x, double y)", "here");
  }

  @Test
  void bwdResidualType() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          record SoftplusRes(double x) {}

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static double softplusBwd(SoftplusRes r, double g) { // <- here
            return g / (1 + Math.exp(-r.x()));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdResidualType] @Bwd method softplusBwd must take the residual"
        + " type of @Fwd method softplusFwd (Double) first, but its first parameter r is"
        + " SoftplusRes", "here");
    assertThat(c)
        .hadErrorContaining("[AdjointBwdResidualType]")
        .inFile(s.file)
        .onLine(s.line("here"))
        .atColumn(s.column("here", "r,"));
    assertNote(c, s, "expected: @Bwd(\"softplus\") static double softplusBwd(Double residuals,"
        + " double cotangent)", "here");
  }

  @Test
  void bwdCotangentType() {
    Source s = new Source(REFERENCE.replace(
        "@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
        "@Bwd(\"f\") static FCot fBwd(FRes r, float g) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdCotangentType] @Bwd method fBwd must take the tangent type"
        + " of the result of f (double) second, but its second parameter g is float", "here");
    assertThat(c)
        .hadErrorContaining("[AdjointBwdCotangentType]")
        .inFile(s.file)
        .onLine(s.line("here"))
        .atColumn(s.column("here", "g)"));
  }

  @Test
  void bwdArity() {
    Source s = new Source(REFERENCE.replace(
        "@Bwd(\"f\") static FCot fBwd(FRes r, double g) {\n"
            + "    return new FCot(g * r.sinY(), g * r.x() * r.cosY());",
        "@Bwd(\"f\") static double fBwd(FRes r, double g) { // <- here\n"
            + "    return g * r.sinY();"));
    Compilation c = compile(s);

    // The message of DESIGN.md, word for word.
    assertOnlyError(c, s, "[AdjointBwdArity] @Bwd method fBwd for @CustomVjp method f must return"
        + " one cotangent per differentiable parameter (x, y), but returns double", "here");
    assertNote(c, s, "expected: @Bwd(\"f\") static FCot fBwd(FRes residuals, double cotangent),"
        + " with record FCot(double x, double y)", "here");
  }

  @Test
  void bwdArityOfARecordWithTooFewComponents() {
    Source s = new Source(REFERENCE
        .replace("record FCot(double x, double y) {}", "record FCot(double x) {}")
        .replace("@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
            "@Bwd(\"f\") static FCot fBwd(FRes r, double g) { // <- here")
        .replace("return new FCot(g * r.sinY(), g * r.x() * r.cosY());",
            "return new FCot(g * r.sinY());"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdArity] @Bwd method fBwd for @CustomVjp method f must return"
        + " one cotangent per differentiable parameter (x, y), but returns FCot(double x)", "here");
  }

  @Test
  void bwdReturnOfASingleCotangent() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Bwd("softplus") static float softplusBwd(Double x, double g) { // <- here
            return (float) (g / (1 + Math.exp(-x)));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdReturn] @Bwd method softplusBwd must return the cotangent"
        + " of parameter x of softplus (double or Double where null means zero), or a record with"
        + " that one component, but returns float", "here");
    assertNote(c, s, "expected: @Bwd(\"softplus\") static double softplusBwd(Double residuals,"
        + " double cotangent)", "here");
  }

  @Test
  void bwdComponentType() {
    Source s = new Source(REFERENCE
        .replace("record FCot(double x, double y) {}", "record FCot(double x, float y) {}")
        .replace("@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
            "@Bwd(\"f\") static FCot fBwd(FRes r, double g) { // <- here")
        .replace("g * r.x() * r.cosY()", "(float) (g * r.x() * r.cosY())"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdComponent] @Bwd method fBwd must return a record whose"
        + " component 2 is double y or Double y (the cotangent of parameter y of f), but component"
        + " 2 of FCot is float y", "here");
  }

  @Test
  void bwdComponentNamesReportEachComponentOnce() {
    Source s = new Source(REFERENCE
        .replace("record FCot(double x, double y) {}", "record FCot(double dx, double dy) {}")
        .replace("@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
            "@Bwd(\"f\") static FCot fBwd(FRes r, double g) { // <- here"));
    Compilation c = compile(s);

    assertThat(c).hadErrorCount(2);
    assertThat(c)
        .hadErrorContaining("[AdjointBwdComponent] @Bwd method fBwd must return a record whose"
            + " component 1 is double x or Double x (the cotangent of parameter x of f), but"
            + " component 1 of FCot is double dx")
        .inFile(s.file)
        .onLine(s.line("here"));
    assertThat(c)
        .hadErrorContaining("component 2 of FCot is double dy")
        .inFile(s.file)
        .onLine(s.line("here"));
    assertNoteCount(c, 1);
  }

  @Test
  void bwdComponentOfANondifferentiableParameter() {
    Source s = new Source("""
        final class Powers {
          @CustomVjp static double power(double x, int n) { return Math.pow(x, n); }

          record PowerRes(double x, int n) {}
          record PowerCot(double x, int n) {}

          @Fwd("power") static FwdResult<Double, PowerRes> powerFwd(double x, int n) {
            return FwdResult.of(Math.pow(x, n), new PowerRes(x, n));
          }
          @Bwd("power") static PowerCot powerBwd(PowerRes r, double g) { // <- here
            return new PowerCot(g * r.n() * Math.pow(r.x(), r.n() - 1), 0);
          }
        }
        """, "Powers");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdNondiffComponent] @Bwd method powerBwd must return"
        + " cotangents of differentiable parameters only, but PowerCot has component n for"
        + " parameter n of power, which is not differentiable (int has no tangent); leave it out,"
        + " where JAX would return None", "here");
    assertNote(c, s, "expected: @Bwd(\"power\") static PowerCot powerBwd(PowerRes residuals,"
        + " double cotangent), with record PowerCot(double x)", "here");
  }

  @Test
  void bwdComponentOfANoDiffParameter() {
    Source s = new Source("""
        final class Fns {
          @CustomVjp static double scaled(double x, @NoDiff double scale) { return scale * x; }

          record ScaledCot(double x, double scale) {}

          @Fwd("scaled") static FwdResult<Double, Double> scaledFwd(double x, double scale) {
            return FwdResult.of(scale * x, scale);
          }
          @Bwd("scaled") static ScaledCot scaledBwd(Double scale, double g) { // <- here
            return new ScaledCot(g * scale, 0);
          }
        }
        """);
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointBwdNondiffComponent] @Bwd method scaledBwd must return"
        + " cotangents of differentiable parameters only, but ScaledCot has component scale for"
        + " parameter scale of scaled, which is not differentiable (it is marked @NoDiff)", "here");
  }

  /**
   * The note on a companion's {@code @NoDiff} says the whole fix: moved to the primal alone,
   * {@code @NoDiff} would leave the rule a cotangent (or a tangent) too many, an error.
   */
  @Test
  void noDiffOnCompanionSaysTheWholeFixAndTheFixCompiles() {
    String vjp = """
        final class Fns {
          @CustomVjp static double f(double x, PRIMAL_K) { return k * x; }
          record FCot(double x, COT_K) {}
          @Fwd("f") static FwdResult<Double, double[]> fFwd(double x, FWD_K) { // <- here
            return FwdResult.of(k * x, new double[] {x, k});
          }
          @Bwd("f") static FCot fBwd(double[] r, double g) { return new FCot(g * r[1]BWD_K); }
        }
        """;
    Source s = new Source(vjp.replace("PRIMAL_K", "double k").replace("COT_K", "double k")
        .replace("FWD_K", "@NoDiff double k").replace("BWD_K", ", g * r[0]"));
    Compilation c = compile(s);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).hadNoteContaining("[AdjointNoDiffOnCompanion] @NoDiff on parameter k of @Fwd"
        + " method fFwd has no effect: the parameters of the @CustomVjp method f decide what is"
        + " differentiated; mark its parameter k @NoDiff instead, and leave k's cotangent out of"
        + " the @Bwd's result").inFile(s.file).onLine(s.line("here"));
    Source half = new Source(vjp.replace("PRIMAL_K", "@NoDiff double k")
        .replace("COT_K", "double k").replace("FWD_K", "double k").replace("BWD_K", ", g * r[0]"));
    assertThat(compile(half)).hadErrorContaining("[AdjointBwdNondiffComponent]");
    Source fixed = new Source(vjp.replace("PRIMAL_K", "@NoDiff double k").replace(", COT_K", "")
        .replace("FWD_K", "double k").replace("BWD_K", ""));
    assertThat(compile(fixed)).succeededWithoutWarnings();
    assertThat(compile(fixed).notes().toString()).doesNotContain("[AdjointNoDiffOnCompanion]");

    String jvp = """
        final class Fns {
          @dev.adjoint.CustomJvp static double scale(double x, PRIMAL_K) { return k * x; }
          @dev.adjoint.Jvp("scale")
          static dev.adjoint.runtime.JvpResult<Double, Double> scaleJvp(
              double x, JVP_K, double xDotKDOT) { // <- here
            return dev.adjoint.runtime.JvpResult.of(k * x, k * xDotTANGENT);
          }
        }
        """;
    s = new Source(jvp.replace("PRIMAL_K", "double k").replace("JVP_K", "@NoDiff double k")
        .replace("KDOT", ", double kDot").replace("TANGENT", " + x * kDot"));
    c = compile(s);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).hadNoteContaining("[AdjointNoDiffOnCompanion] @NoDiff on parameter k of @Jvp"
        + " method scaleJvp has no effect: the parameters of the @CustomJvp method scale decide"
        + " what is differentiated; mark its parameter k @NoDiff instead, and drop k's tangent"
        + " from the @Jvp's parameters").inFile(s.file).onLine(s.line("here"));
    half = new Source(jvp.replace("PRIMAL_K", "@NoDiff double k").replace("JVP_K", "double k")
        .replace("KDOT", ", double kDot").replace("TANGENT", " + x * kDot"));
    assertThat(compile(half)).hadErrorContaining("[AdjointJvpParameters]");
    fixed = new Source(jvp.replace("PRIMAL_K", "@NoDiff double k").replace("JVP_K", "double k")
        .replace("KDOT", "").replace("TANGENT", ""));
    assertThat(compile(fixed)).succeededWithoutWarnings();
    assertThat(compile(fixed).notes().toString()).doesNotContain("[AdjointNoDiffOnCompanion]");
  }

  // ------------------------------------------------------------------ companion form

  @Test
  void staticMismatch() {
    Source s = new Source(REFERENCE.replace(
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
        "@Fwd(\"f\") FwdResult<Double, FRes> fFwd(double x, double y) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointStaticMismatch] @Fwd method fFwd must be static, like the"
        + " @CustomVjp method whose rule it is, but is an instance method; make it static", "here");
    assertNote(c, s, "expected: @Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x,"
        + " double y)", "here");
  }

  @Test
  void privateCompanionIsInaccessible() {
    Source s = new Source(REFERENCE.replace(
        "@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
        "@Bwd(\"f\") private static FCot fBwd(FRes r, double g) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointInaccessible] @Bwd method fBwd must be reachable from the"
        + " generated class FnsAdjoint, but is private; make it package-private", "here");
  }

  @Test
  void privateResidualTypeIsInaccessible() {
    Source s = new Source(REFERENCE
        .replace("record FRes(", "private record FRes(")
        .replace("@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
            "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointInaccessible] type FRes, used by @Fwd method fFwd, must be"
        + " reachable from the generated class FnsAdjoint, but is private; make it"
        + " package-private", "here");
  }

  @Test
  void privateCotangentRecordIsInaccessible() {
    Source s = new Source(REFERENCE
        .replace("record FCot(", "private record FCot(")
        .replace("@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
            "@Bwd(\"f\") static FCot fBwd(FRes r, double g) { // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointInaccessible] type FCot, used by @Bwd method fBwd, must be"
        + " reachable from the generated class FnsAdjoint", "here");
  }

  @Test
  void typeParameters() {
    Source s = new Source(REFERENCE.replace(
        "@Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
        "@Bwd(\"f\") static <T extends FRes> FCot fBwd(T r, double g) { // <- here"));
    Compilation c = compile(s);

    assertThat(c)
        .hadErrorContaining("[AdjointTypeParameters] @Bwd method fBwd must not declare type"
            + " parameters (T)")
        .inFile(s.file)
        .onLine(s.line("here"));
    assertNoInternalError(c);
  }

  @Test
  void abstractMethod() {
    Source s = new Source(REFERENCE
        .replace("final class Fns {", "abstract class Fns {")
        .replace("@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {\n"
                + "    double s = Math.sin(y);\n"
                + "    return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));\n"
                + "  }",
            "@Fwd(\"f\") abstract FwdResult<Double, FRes> fFwd(double x, double y); // <- here"));
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointAbstractMethod] @Fwd method fFwd must have a body, but is"
        + " abstract or declared in an interface", "here");
  }

  @Test
  void companionThrowsCheckedException() {
    Source s = new Source(REFERENCE.replace(
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
        "@Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y)\n"
            + "      throws java.io.IOException { // <- here"));
    Compilation c = compile(s);

    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("[AdjointCompanionThrows] @Fwd method fFwd must not throw checked"
            + " exceptions, since the generated class calls it where none are declared, but it"
            + " throws IOException")
        .inFile(s.file)
        .onLine(s.line("here") - 1);
  }

  @Test
  void companionAlsoDifferentiable() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus") static FwdResult<Double, Double> softplusFwd(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
          @Differentiable // <- here
          @Bwd("softplus") static double softplusBwd(double x, double g) {
            return g / (1 + Math.exp(-x));
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointConflictingAnnotations] @Bwd method softplusBwd must be a rule"
        + " companion only, but is also @Differentiable; a companion gets no adjoint of its own,"
        + " so remove @Differentiable", "here");
  }

  @Test
  void companionBothFwdAndBwd() {
    Source s = new Source("""
        final class Activations {
          @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }

          @Fwd("softplus")
          @Bwd("softplus") // <- here
          static FwdResult<Double, Double> softplusRule(double x) {
            return FwdResult.of(Math.log1p(Math.exp(x)), x);
          }
        }
        """, "Activations");
    Compilation c = compile(s);

    // One error: not a missing @Bwd, nor the @Bwd shape of a method that is the @Fwd too.
    assertOnlyError(c, s, "[AdjointConflictingAnnotations] @Fwd method softplusRule must be a rule"
        + " companion only, but is also @Bwd; one method cannot be both halves of a rule, so split"
        + " it into an @Fwd and a @Bwd method", "here");
  }

  // ------------------------------------------------------------------ reporting as a whole

  @Test
  void companionsOfAPrimalWithErrorsOfItsOwnAreNotChecked() {
    Source s = new Source("""
        final class Fns {
          @CustomVjp static double f(float x) { return x * x; } // <- here

          @Fwd("f") private static FwdResult<Double, Double> fFwd(double x) {
            return FwdResult.of(x * x, x);
          }
          @Bwd("f") static float fBwd(Float x, double g) {
            return (float) (2 * x * g);
          }
        }
        """);
    Compilation c = compile(s);

    assertOnlyError(c, s, "[AdjointUnsupportedType]", "here");
    assertNoteCount(c, 0);
  }

  @Test
  void messagesComeInSourceOrder() {
    Source s = new Source("""
        final class Fns {
          record FCot(double x, double y) {}

          @Bwd("f") static FCot fBwd(double[] r, float g) { // <- first
            return new FCot(g * r[1], g * r[0]);
          }

          @CustomVjp static double f(double x, double y) { return x * y; }

          @Fwd("f") static FwdResult<Float, double[]> fFwd(double x, double y) { // <- second
            return FwdResult.of((float) (x * y), new double[] {x, y});
          }
          @Bwd("g") static double gBwd(double r, double g) { return g; } // <- third
        }
        """);
    Compilation c = compile(s);

    assertThat(c).hadErrorCount(3);
    List<Long> lines = c.errors().stream().map(Diagnostic::getLineNumber).toList();
    assertThat(lines)
        .containsExactly(s.line("first"), s.line("second"), s.line("third"))
        .inOrder();
    assertThat(errorText(c)).contains("[AdjointFwdOutputType]");
  }

  @Test
  void oddButLegalJavaNeverEscapesAsAnException() {
    Source s = new Source("""
        interface Fns {
          @CustomVjp static double f(double x) { return x; }

          record Pair<A, B>(A a, B b) {}

          @Fwd("") static FwdResult<Double, Pair<Double, ? extends Number>> empty(double x) {
            return FwdResult.of(x, new Pair<>(x, 1));
          }
          @Fwd("f") default FwdResult<Double, Pair<Double, Double>> fFwd(double x) {
            return FwdResult.of(x, new Pair<>(x, x));
          }
          @Bwd("fBwd") static double fBwd(double r, double g) { return g; }
          @Bwd("f") double fBwd2(Pair<Double, Double> r, double g);
          @Bwd("f") static Pair<Double, Double> fBwd3(Pair r, double... g) { return null; }
        }
        """);
    Compilation c = compile(s);

    assertThat(c).failed();
    assertNoInternalError(c);
    assertThat(c).hadErrorContaining("[AdjointUnknownTarget] @Fwd(\"\")");
    assertThat(c).hadErrorContaining("[AdjointStaticMismatch] @Fwd method fFwd");
    assertThat(c).hadErrorContaining("[AdjointTargetNotCustomVjp] @Bwd(\"fBwd\")");
    assertThat(c).hadErrorContaining("[AdjointAbstractMethod] @Bwd method fBwd2");
    assertThat(c).hadErrorContaining("[AdjointDuplicateCompanion]");
  }

  // ------------------------------------------------------------------ helpers

  /** The reference example of DESIGN.md, for tests that change one thing in it. */
  private static final String REFERENCE = """
      final class Fns {
        @CustomVjp static double f(double x, double y) { return x * Math.sin(y); }

        record FRes(double x, double sinY, double cosY) {}
        record FCot(double x, double y) {}

        @Fwd("f") static FwdResult<Double, FRes> fFwd(double x, double y) {
          double s = Math.sin(y);
          return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));
        }
        @Bwd("f") static FCot fBwd(FRes r, double g) {
          return new FCot(g * r.sinY(), g * r.x() * r.cosY());
        }
      }
      """;

  private static final String HEADER = """
      package test;

      import dev.adjoint.Bwd;
      import dev.adjoint.CustomVjp;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Fwd;
      import dev.adjoint.NoDiff;
      import dev.adjoint.runtime.FwdResult;

      """;

  /** A source file in package {@code test}, and where its {@code // <- marker} comments are. */
  private static final class Source {
    final String className;
    final String text;
    final JavaFileObject file;

    Source(String body) {
      this(body, "Fns");
    }

    Source(String body, String className) {
      this.className = "test." + className;
      this.text = HEADER + body;
      this.file = JavaFileObjects.forSourceString(this.className, text);
    }

    /** The 1-based line that ends with {@code // <- marker}. */
    long line(String marker) {
      List<String> lines = text.lines().toList();
      long found = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).endsWith("// <- " + marker)) {
          assertThat(found).isEqualTo(-1L);
          found = i + 1;
        }
      }
      assertThat(found).isGreaterThan(0L);
      return found;
    }

    /** The 1-based column of {@code token} on the line of {@code marker}. */
    long column(String marker, String token) {
      String line = text.lines().toList().get((int) line(marker) - 1);
      int at = line.indexOf(token);
      assertThat(at).isAtLeast(0);
      return at + 1;
    }
  }

  private static Compilation compile(Source source) {
    return Compiler.javac().withProcessors(new AdjointProcessor()).compile(source.file);
  }

  /** Exactly one error: {@code message}, on the line of {@code marker}; no internal error. */
  private static void assertOnlyError(Compilation c, Source s, String message, String marker) {
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining(message).inFile(s.file).onLine(s.line(marker));
  }

  /** The expected-signature note, right after the error, on the line of {@code marker}. */
  private static void assertNote(Compilation c, Source s, String note, String marker) {
    assertThat(c).hadNoteContaining(note).inFile(s.file).onLine(s.line(marker));
    assertNoteCount(c, 1);
    // Notes follow the error they explain.
    List<Diagnostic<? extends JavaFileObject>> all = c.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.NOTE)
        .filter(d -> d.getSource() != null)
        .toList();
    int noteAt = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getMessage(Locale.ROOT).contains(note)) {
        noteAt = i;
      }
    }
    assertThat(noteAt).isGreaterThan(0);
    assertThat(all.get(noteAt - 1).getKind()).isEqualTo(Diagnostic.Kind.ERROR);
  }

  /** The number of expected-signature notes. */
  private static void assertNoteCount(Compilation c, int count) {
    long notes = c.notes().stream()
        .filter(d -> d.getMessage(Locale.ROOT).startsWith("expected: "))
        .count();
    assertThat(notes).isEqualTo(count);
  }

  private static void assertNoInternalError(Compilation c) {
    assertThat(errorText(c)).doesNotContain("[AdjointInternalError]");
  }

  private static String errorText(Compilation c) {
    StringBuilder out = new StringBuilder();
    c.errors().forEach(d -> out.append(d.getMessage(Locale.ROOT)).append('\n'));
    return out.toString();
  }
}

package dev.adjoint.processor.transform.analysis;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which {@code @Jvp} bodies are linear in their tangents, on hand-built IR: the body of {@code
 * fJvp(double x, double xDot)}, each node at a line of its own so that each error is seen.
 */
class LinearityTest {
  private final Variable x = new Variable("x", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable xDot = new Variable("xDot", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable t = new Variable("t", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable d = new Variable("d", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
  private int line;

  private SourceRef at() {
    int l = ++line;
    return () -> l;
  }

  private Expr bin(Expr.BinaryOp op, Expr a, Expr b) {
    return new Expr.Binary(op, a, b, TypeName.DOUBLE, at());
  }

  private Expr x() {
    return new Expr.Read(x, at());
  }

  private Expr xDot() {
    return new Expr.Read(xDot, at());
  }

  private List<Message> check(List<Expr> values, Stmt... stmts) {
    Report r = Linearity.check("fJvp", new MethodBody(List.of(x, xDot),
        Stmt.Block.of(List.of(stmts))), List.of(xDot), values);
    List<Message> out = new ArrayList<>();
    r.items().forEach(i -> out.add(i.message()));
    return out;
  }

  private List<Message> check(Stmt... stmts) {
    return check(List.of(), stmts);
  }

  private Stmt ret(Expr e) {
    return new Stmt.Return(e, at());
  }

  @Test
  void sumsOfTangentsTimesPrimalValuesAreLinear() {
    assertThat(check(
        new Stmt.Declare(t, lit(0), at()),
        new Stmt.Assign(t, bin(Expr.BinaryOp.ADD, read(t),
            bin(Expr.BinaryOp.MUL, new Expr.MathCall(MathFunction.COS,
                ClassName.get("java.lang", "Math"), List.of(x()), at()), xDot())), at()),
        new Stmt.Assign(t, bin(Expr.BinaryOp.DIV, read(t), x()), at()),
        new Stmt.If(bin(Expr.BinaryOp.GT, x(), lit(0)),
            Stmt.Block.of(List.of(new Stmt.Assign(t, new Expr.Unary(Expr.UnaryOp.NEG, read(t),
                TypeName.DOUBLE, at()), at()))), Stmt.Block.of(List.of()), at()),
        ret(read(t)))).isEmpty();
    assertThat(check(ret(lit(0)))).isEmpty(); // a zero tangent
  }

  @Test
  void tangentsInArraysAreLinear() {
    assertThat(check(
        new Stmt.Declare(d, new Expr.NewArray(List.of(intLit(2)), at()), at()),
        new Stmt.ArrayAssign(d, List.of(intLit(0)), bin(Expr.BinaryOp.MUL, xDot(), x()), at()),
        ret(new Expr.ArrayRead(d, List.of(intLit(0)), at())))).isEmpty();
  }

  @Test
  void productsQuotientsFunctionsAndConditionsOfTangentsAreNot() {
    assertThat(check(ret(bin(Expr.BinaryOp.MUL, xDot(), xDot()))))
        .containsExactly(Message.JVP_NOT_LINEAR);
    assertThat(check(ret(bin(Expr.BinaryOp.DIV, x(), xDot()))))
        .containsExactly(Message.JVP_NOT_LINEAR);
    assertThat(check(ret(new Expr.MathCall(MathFunction.SIN, ClassName.get("java.lang", "Math"),
        List.of(xDot()), at())))).containsExactly(Message.JVP_NOT_LINEAR);
    assertThat(check(ret(new Expr.StopGradient(xDot(), at()))))
        .containsExactly(Message.JVP_NOT_LINEAR);
    assertThat(check(
        new Stmt.Declare(t, xDot(), at()),
        new Stmt.If(bin(Expr.BinaryOp.GT, xDot(), lit(0)),
            Stmt.Block.of(List.of(new Stmt.Assign(t, lit(0), at()))),
            Stmt.Block.of(List.of()), at()),
        ret(read(t)))).containsExactly(Message.JVP_NOT_LINEAR);
  }

  @Test
  void tangentFreeTermsAreNot() {
    assertThat(check(ret(bin(Expr.BinaryOp.ADD, xDot(), lit(1)))))
        .containsExactly(Message.JVP_TANGENT_FREE_TERM);
    assertThat(check(ret(bin(Expr.BinaryOp.MUL, x(), lit(2)))))
        .containsExactly(Message.JVP_TANGENT_FREE_TERM);
    // A variable that holds a tangent, given a nonzero constant elsewhere (flow-insensitive).
    assertThat(check(
        new Stmt.Declare(t, lit(1), at()),
        new Stmt.Assign(t, xDot(), at()),
        ret(read(t)))).containsExactly(Message.JVP_TANGENT_FREE_TERM);
    assertThat(check(ret(new Expr.Conditional(bin(Expr.BinaryOp.GT, x(), lit(0)), xDot(), lit(1),
        TypeName.DOUBLE, at())))).containsExactly(Message.JVP_TANGENT_FREE_TERM);
  }

  @Test
  void theValueMustNotDependOnATangent() {
    assertThat(check(List.of(bin(Expr.BinaryOp.ADD, x(), xDot())), ret(xDot())))
        .containsExactly(Message.JVP_VALUE_USES_TANGENT);
    assertThat(check(List.of(x()), ret(xDot()))).isEmpty();
  }
  /**
   * A linear call: the function {@code hJvpTangent(double a, double aDot)} (a constant, aDot
   * differentiable) of a rule's {@code hJvp(a, aDot).tangent()}.
   */
  private final Signature linear = new Signature(ClassName.get("p", "Fns"), "hJvpTangent",
      List.of(new Param("a", TypeName.DOUBLE, false), new Param("aDot", TypeName.DOUBLE, true)),
      TypeName.DOUBLE, false);

  private Expr linearCall(Expr a, Expr aDot) {
    return new Expr.DiffCall(linear, List.of(a, aDot), at());
  }

  private List<Message> checkLinear(Stmt... stmts) {
    Report r = Linearity.check("fJvp", new MethodBody(List.of(x, xDot),
        Stmt.Block.of(List.of(stmts))), List.of(xDot), List.of(),
        Map.of(linear, "Fns.hJvp(...).tangent()"), Map.of());
    List<Message> out = new ArrayList<>();
    r.items().forEach(i -> out.add(i.message()));
    return out;
  }

  @Test
  void linearCallsTakeTangentsInTheirTangentArgumentsOnly() {
    // hJvp(sin x, cos x · xDot).tangent() / x: linear
    assertThat(checkLinear(ret(bin(Expr.BinaryOp.DIV, linearCall(new Expr.MathCall(
        MathFunction.SIN, ClassName.get("java.lang", "Math"), List.of(x()), at()),
        bin(Expr.BinaryOp.MUL, x(), xDot())), x())))).isEmpty();
    // hJvp(x, 1.0).tangent() · xDot: a constant times a tangent
    assertThat(checkLinear(ret(bin(Expr.BinaryOp.MUL, linearCall(x(), lit(1)), xDot()))))
        .isEmpty();
    // the same call as a plain differentiated call is not linear
    assertThat(check(ret(linearCall(x(), xDot())))).containsExactly(Message.JVP_NOT_LINEAR);
    // a tangent in the primal argument: one error, not also the affine sum
    assertThat(checkLinear(ret(linearCall(bin(Expr.BinaryOp.ADD, x(), xDot()), xDot()))))
        .containsExactly(Message.JVP_NOT_LINEAR);
    // its tangent squared
    assertThat(checkLinear(ret(bin(Expr.BinaryOp.MUL, linearCall(x(), xDot()),
        linearCall(x(), xDot()))))).containsExactly(Message.JVP_NOT_LINEAR);
    // a constant returned through a linear call along a constant direction
    assertThat(checkLinear(ret(linearCall(x(), lit(2)))))
        .containsExactly(Message.JVP_TANGENT_FREE_TERM);
  }
}

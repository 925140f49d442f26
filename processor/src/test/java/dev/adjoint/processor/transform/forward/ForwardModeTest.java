package dev.adjoint.processor.transform.forward;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.call;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrInterpreter;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forward mode on hand-built bodies of {@code f(double x, double y)}: the body it makes is again
 * primal IR (no tape, no Vjp node), its value is the primal's bit for bit, and its tangent, when
 * interpreted, matches central differences of the primal, for every differentiable {@code Math}
 * function and through branches, loops and reassignment.
 */
class ForwardModeTest {
  private static final ClassName MATH = ClassName.get("java.lang", "Math");
  private final Variable x = new Variable("x", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable y = new Variable("y", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Signature signature = new Signature(ClassName.get("p", "C"), "f", List.of(
      new Param("x", TypeName.DOUBLE, true), new Param("y", TypeName.DOUBLE, true)),
      TypeName.DOUBLE, true);
  private final Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);

  private ForwardDerivative derive(Stmt... body) {
    ForwardMode.Result result = ForwardMode.derive(signature,
        new MethodBody(List.of(x, y), Stmt.Block.of(List.of(body))), callee -> false);
    return result.derivative().orElseThrow();
  }

  /** The primal's value at (x, y). */
  private double primal(Stmt.Block body, double xv, double yv) {
    return ((Number) IrInterpreter.run(body, Map.of(x, xv, y, yv))).doubleValue();
  }

  /** The forward body's value, and its tangent along (dx, dy): each return swapped for either. */
  private double[] forward(ForwardDerivative d, double xv, double yv, double dx, double dy) {
    Map<Variable, Object> values = new HashMap<>();
    values.put(x, xv);
    values.put(y, yv);
    values.put(d.tangents().get(0), dx);
    values.put(d.tangents().get(1), dy);
    double value = ((Number) IrInterpreter.run(d.body(), values)).doubleValue();
    Stmt.Block tangentBody = Stmt.Block.of(StmtRewriter.rewrite(d.body().stmts(),
        st -> st instanceof Stmt.Return r
            ? List.of(new Stmt.Return(d.returnTangents().get(r), null)) : List.of(st),
        st -> false));
    double tangent = ((Number) IrInterpreter.run(tangentBody, values)).doubleValue();
    return new double[] {value, tangent};
  }

  /**
   * The vector sweep's tangents along both directions at once (for a scalar result, the
   * gradient), its value checked to be the primal's.
   */
  private double[] vector(ForwardDerivative d, double xv, double yv) {
    VectorMode.VectorDerivative v = VectorMode.of(d).orElseThrow();
    Map<Variable, Object> values = new HashMap<>();
    values.put(x, xv);
    values.put(y, yv);
    Object value = IrInterpreter.run(v.body(), values);
    assertThat(((Number) value).doubleValue())
        .isEqualTo(((Number) IrInterpreter.run(d.body(), Map.of(x, xv, y, yv,
            d.tangents().get(0), 0.0, d.tangents().get(1), 0.0))).doubleValue());
    Stmt.Block jacobianBody = Stmt.Block.of(StmtRewriter.rewrite(v.body().stmts(),
        st -> st instanceof Stmt.Return r
            ? List.of(new Stmt.Return(v.jacobians().get(r), null)) : List.of(st),
        st -> false));
    return (double[]) IrInterpreter.run(jacobianBody, values);
  }

  private void assertTangentsMatchDifferences(Stmt.Block body, double xv, double yv) {
    ForwardDerivative d = derive(body.stmts().toArray(Stmt[]::new));
    IrWalker.forEachStmt(d.body(), st -> assertThat(st).isNotInstanceOf(Stmt.Push.class));
    IrWalker.forEachExpr(d.body(), e -> assertThat(e).isNotInstanceOf(Expr.VjpOf.class));
    double[] alongX = forward(d, xv, yv, 1, 0);
    double[] alongY = forward(d, xv, yv, 0, 1);
    assertThat(alongX[0]).isEqualTo(primal(body, xv, yv));
    double h = 1e-6;
    double dx = (primal(body, xv + h, yv) - primal(body, xv - h, yv)) / (2 * h);
    double dy = (primal(body, xv, yv + h) - primal(body, xv, yv - h)) / (2 * h);
    assertWithMessage("d/dx at (%s, %s)", xv, yv).that(alongX[1])
        .isWithin(1e-6 * (1 + Math.abs(dx))).of(dx);
    assertWithMessage("d/dy at (%s, %s)", xv, yv).that(alongY[1])
        .isWithin(1e-6 * (1 + Math.abs(dy))).of(dy);
    // Vector mode: one sweep, both directions, each bit for bit the scalar sweep's.
    double[] gradient = vector(d, xv, yv);
    assertThat(gradient).usingExactEquality().containsExactly(alongX[1], alongY[1]).inOrder();
    // Linear in the direction.
    double[] both = forward(d, xv, yv, 2, -3);
    assertThat(both[1]).isWithin(1e-12 * (1 + Math.abs(alongX[1]) + Math.abs(alongY[1])))
        .of(2 * alongX[1] - 3 * alongY[1]);
  }

  @Test
  void everyDifferentiableMathFunction() {
    for (MathFunction f : MathFunction.values()) {
      if (f.isPiecewiseConstant()) {
        continue;
      }
      // f(0.3 x + 0.1, ...) * y, arguments kept inside every domain near (0.7, 1.3)
      Expr u = add(mul(lit(0.3), read(x)), lit(0.1));
      Expr call = f.arity() == 1 ? call(MATH, f, u) : call(MATH, f, u, mul(lit(0.5), read(y)));
      Stmt.Block body = Stmt.Block.of(List.of(new Stmt.Return(mul(call, read(y)), null)));
      assertTangentsMatchDifferences(body, 0.7, 1.3);
    }
  }

  @Test
  void reassignmentReadsTheOldValue() {
    // x = x * x; x = sin(x) * y; return x * x;
    Stmt.Block body = Stmt.Block.of(List.of(
        new Stmt.Assign(x, mul(read(x), read(x)), null),
        new Stmt.Assign(x, mul(call(MATH, MathFunction.SIN, read(x)), read(y)), null),
        new Stmt.Return(mul(read(x), read(x)), null)));
    assertTangentsMatchDifferences(body, 0.8, -1.1);
  }

  @Test
  void branchesAndLoops() {
    // double s = 0; int i = 0; while (i < 4) { if (s < 1) s = s + x * y; else s = s * exp(-y); i++ }
    Stmt.Block loopBody = Stmt.Block.of(List.of(
        new Stmt.If(compare(Expr.BinaryOp.LT, read(s), lit(1)),
            Stmt.Block.of(List.of(new Stmt.Assign(s, add(read(s), mul(read(x), read(y))), null))),
            Stmt.Block.of(List.of(new Stmt.Assign(s, mul(read(s),
                call(MATH, MathFunction.EXP, new Expr.Unary(Expr.UnaryOp.NEG, read(y),
                    TypeName.DOUBLE, null))), null))),
            null)));
    Stmt.Block update = Stmt.Block.of(List.of(new Stmt.Assign(i,
        new Expr.Binary(Expr.BinaryOp.ADD, read(i), new Expr.Literal(1, TypeName.INT, null),
            TypeName.INT, null), null)));
    Stmt.Block body = Stmt.Block.of(List.of(
        new Stmt.Declare(s, lit(0), null),
        new Stmt.Declare(i, new Expr.Literal(0, TypeName.INT, null), null),
        new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), new Expr.Literal(4, TypeName.INT, null)),
            loopBody, update, true, null),
        new Stmt.Return(read(s), null)));
    assertTangentsMatchDifferences(body, 0.6, 0.9);
    assertTangentsMatchDifferences(body, 0.2, 0.3);
  }

  /** A zero tangent through sqrt at 0 is exactly 0 (and the value is the primal's). */
  @Test
  void zeroTangentThroughAnInfiniteDerivative() {
    Stmt.Block body = Stmt.Block.of(List.of(new Stmt.Return(
        add(call(MATH, MathFunction.SQRT, read(y)), read(x)), null)));
    ForwardDerivative d = derive(body.stmts().toArray(Stmt[]::new));
    assertThat(forward(d, 1, 0, 1, 0)[1]).isEqualTo(1.0);
    assertThat(forward(d, 1, 0, 0, 1)[1]).isPositiveInfinity();
    // In one vector sweep too: along x, y's zero tangent gives 0, not 0 * Infinity.
    assertThat(vector(d, 1, 0)).usingExactEquality()
        .containsExactly(1.0, Double.POSITIVE_INFINITY).inOrder();
  }
}

package dev.adjoint.processor.transform.normalize;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrInterpreter;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link OutParams} on hand-built bodies, run by an interpreter: a helper that writes into its
 * array parameter, written into its caller, computes what Java computes, also where the same
 * array is passed as input and output and where a row of a matrix is the output; no call of a
 * writer is left; a read before the call in the same statement and a writer nothing calls are
 * reported.
 */
class OutParamsTransformTest {
  private static final ClassName OWNER = ClassName.get("p", "C");

  private final Variable in = new Variable("in", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private final Variable out = new Variable("out", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private final Variable n = new Variable("n", TypeName.INT, Variable.Kind.LOCAL);
  private final Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);
  private final Variable x = new Variable("x", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private final Variable a = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
  private final Variable m = new Variable("m", Expr.DOUBLE_MATRIX, Variable.Kind.LOCAL);
  private final Variable k = new Variable("k", TypeName.INT, Variable.Kind.LOCAL);

  private final Signature shift = new Signature(OWNER, "shiftProduct",
      List.of(new Param("in", Expr.DOUBLE_ARRAY, true), new Param("out", Expr.DOUBLE_ARRAY, true)),
      TypeName.VOID, false);

  private static Stmt.Block block(Stmt... stmts) {
    return Stmt.Block.of(List.of(stmts));
  }

  private static Expr at(Variable array, Expr... indices) {
    return new Expr.ArrayRead(array, List.of(indices), null);
  }

  private static Stmt loop(Variable v, Expr bound, Stmt... body) {
    return block(new Stmt.Declare(v, intLit(0), null),
        new Stmt.Loop(compare(Expr.BinaryOp.LT, read(v), bound), block(body),
            block(new Stmt.Assign(v, intOp(Expr.BinaryOp.ADD, read(v), intLit(1)), null)), true,
            null));
  }

  /** {@code void shiftProduct(in, out): out[i] = in[i] * in[(i + 1) % n]}, in order. */
  private OutParams.Method helper() {
    Stmt.Block body = block(
        new Stmt.Declare(n, new Expr.ArrayLength(in, List.of(), null), null),
        loop(i, read(n), new Stmt.ArrayAssign(out, List.of(read(i)), mul(at(in, read(i)),
            at(in, intOp(Expr.BinaryOp.REM, intOp(Expr.BinaryOp.ADD, read(i), intLit(1)),
                read(n)))), null)));
    return new OutParams.Method(shift, new MethodBody(List.of(in, out), body));
  }

  private static Signature caller(String name) {
    return new Signature(OWNER, name, List.of(new Param("x", Expr.DOUBLE_ARRAY, true)),
        TypeName.DOUBLE, false);
  }

  private static boolean callsAnything(Stmt.Block body) {
    boolean[] found = {false};
    IrWalker.forEachStmt(body, s -> {
      for (Expr e : IrWalker.ownExprs(s)) {
        IrWalker.forEachExpr(e, c -> found[0] |= c instanceof Expr.DiffCall);
      }
    });
    return found[0];
  }

  @Test
  void theSameArrayAsInputAndOutput() {
    // a = copy of x; shiftProduct(a, a); return a[0] + 2 a[1] + 3 a[2];
    Stmt.Block body = block(
        new Stmt.Declare(a, new Expr.NewArray(List.of(new Expr.ArrayLength(x, List.of(), null)),
            null), null),
        loop(k, new Expr.ArrayLength(x, List.of(), null),
            new Stmt.ArrayAssign(a, List.of(read(k)), at(x, read(k)), null)),
        new Stmt.Eval(new Expr.DiffCall(shift, List.of(read(a), read(a)), null), null),
        new Stmt.Return(add(add(at(a, intLit(0)), mul(lit(2), at(a, intLit(1)))),
            mul(lit(3), at(a, intLit(2)))), null));
    OutParams.Result r = OutParams.rewrite(
        List.of(helper(), new OutParams.Method(caller("f"), new MethodBody(List.of(x), body))),
        List.of());
    assertThat(r.reports()).isEmpty();
    assertThat(r.writers()).containsExactly(OutParams.Key.of(shift));
    Stmt.Block rewritten = r.bodies().get(OutParams.Key.of(caller("f"))).body();
    assertThat(callsAnything(rewritten)).isFalse();
    double[] xs = {0.5, -2.0, 3.0};
    Map<Variable, Object> values = new HashMap<>();
    values.put(x, xs.clone());
    double got = (Double) IrInterpreter.run(rewritten, values);
    // Java, in place: a0 = x0 x1, a1 = x1 x2, a2 = x2 a0 (a0 already overwritten).
    double a0 = xs[0] * xs[1];
    double a1 = xs[1] * xs[2];
    double a2 = xs[2] * a0;
    assertThat(got).isEqualTo(a0 + 2 * a1 + 3 * a2);
  }

  @Test
  void aRowOfAMatrixAsTheOutput() {
    // m = new double[2][3]; shiftProduct(x, m[1]); return m[1][0] + m[1][2] + m[0][0];
    Stmt.Block body = block(
        new Stmt.Declare(m, new Expr.NewArray(List.of(intLit(2), intLit(3)), null), null),
        new Stmt.Declare(k, intLit(1), null),
        new Stmt.Eval(new Expr.DiffCall(shift, List.of(read(x), at(m, read(k))), null), null),
        new Stmt.Return(add(add(at(m, intLit(1), intLit(0)), at(m, intLit(1), intLit(2))),
            at(m, intLit(0), intLit(0))), null));
    OutParams.Result r = OutParams.rewrite(
        List.of(helper(), new OutParams.Method(caller("g"), new MethodBody(List.of(x), body))),
        List.of());
    assertThat(r.reports()).isEmpty();
    Stmt.Block rewritten = r.bodies().get(OutParams.Key.of(caller("g"))).body();
    assertThat(callsAnything(rewritten)).isFalse();
    double[] xs = {0.5, -2.0, 3.0};
    Map<Variable, Object> values = new HashMap<>();
    values.put(x, xs.clone());
    assertThat((Double) IrInterpreter.run(rewritten, values))
        .isEqualTo(xs[0] * xs[1] + xs[2] * xs[0]);
  }

  @Test
  void aReadBeforeTheCallInItsStatementIsReported() {
    // a = new double[3]; return a[0] + normInto(x, a);
    Signature normInto = new Signature(OWNER, "normInto",
        List.of(new Param("in", Expr.DOUBLE_ARRAY, true),
            new Param("out", Expr.DOUBLE_ARRAY, true)), TypeName.DOUBLE, false);
    Stmt.Block helperBody = block(
        new Stmt.ArrayAssign(out, List.of(intLit(0)), at(in, intLit(0)), null),
        new Stmt.Return(at(in, intLit(0)), null));
    Stmt.Block body = block(
        new Stmt.Declare(a, new Expr.NewArray(List.of(intLit(3)), null), null),
        new Stmt.Return(add(at(a, intLit(0)),
            new Expr.DiffCall(normInto, List.of(read(x), read(a)), null)), null));
    OutParams.Result r = OutParams.rewrite(List.of(
        new OutParams.Method(normInto, new MethodBody(List.of(in, out), helperBody)),
        new OutParams.Method(caller("h"), new MethodBody(List.of(x), body))), List.of());
    Report report = r.reports().get(OutParams.Key.of(caller("h")));
    assertThat(report.items()).hasSize(1);
    assertThat(report.items().get(0).message()).isEqualTo(Message.OUT_PARAMETER_CALL);
    assertThat(report.items().get(0).text()).contains("has read a, which the call writes");
  }

  @Test
  void aWriterNothingCallsIsReported() {
    OutParams.Result r = OutParams.rewrite(List.of(helper()), List.of());
    Report report = r.reports().get(OutParams.Key.of(shift));
    assertThat(report.items()).hasSize(1);
    assertThat(report.items().get(0).message()).isEqualTo(Message.UNCALLED_PARAMETER_WRITE);
  }
}

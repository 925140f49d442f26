package dev.adjoint.processor.transform.normalize;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Inliner.Policy#IN_LOOPS} on hand-built IR: which calls a reverse derivative gets written
 * in, and how a row argument is bound. (The second-order policy is in {@code
 * SecondOrderTransformsTest}; the generated gradients of written-in calls are checked end to end
 * by the tests module's {@code HelpersInLoopsTest}, and by the fuzzer.)
 */
class InlinerTest {
  private static final ClassName OWNER = ClassName.get("p", "Net");
  private static final SourceRef LINE = () -> 3;
  private static final TypeName ROW = ArrayTypeName.of(TypeName.DOUBLE);
  private static final TypeName MATRIX = ArrayTypeName.of(ROW);

  /** {@code double dot(double[] w, double b)}: {@code b + w[0] * w[1]}, or a write into w. */
  private static Signature dot() {
    return new Signature(OWNER, "dot", List.of(new Param("w", ROW, true),
        new Param("b", TypeName.DOUBLE, true)), TypeName.DOUBLE, false);
  }

  private static MethodBody dotBody(boolean writes) {
    Variable w = new Variable("w", ROW, Variable.Kind.PARAM);
    Variable b = new Variable("b", TypeName.DOUBLE, Variable.Kind.PARAM);
    List<Stmt> stmts = new ArrayList<>();
    if (writes) {
      stmts.add(new Stmt.ArrayAssign(w, List.of(intLit(0)), read(b), LINE));
    }
    Expr w0 = new Expr.ArrayRead(w, List.of(intLit(0)), LINE);
    Expr w1 = new Expr.ArrayRead(w, List.of(intLit(1)), LINE);
    stmts.add(new Stmt.Return(add(read(b), mul(w0, w1)), LINE));
    return new MethodBody(List.of(w, b), Stmt.Block.of(stmts));
  }

  private static Signature caller() {
    return new Signature(OWNER, "loss", List.of(new Param("m", MATRIX, true)), TypeName.DOUBLE,
        false);
  }

  /**
   * {@code double s = dot(m[0], 1); for (int j = 0; j < m.length; j++) s += dot(m[j], s);}.
   */
  private static MethodBody callerBody(Variable m, Variable s, Variable j) {
    return callerBody(m, s, j, read(j));
  }

  /** {@link #callerBody(Variable, Variable, Variable)} with the row {@code m[row]} in the loop. */
  private static MethodBody callerBody(Variable m, Variable s, Variable j, Expr row) {
    Expr outside = new Expr.DiffCall(dot(), List.of(
        new Expr.ArrayRead(m, List.of(intLit(0)), LINE), lit(1)), LINE);
    Expr inside = new Expr.DiffCall(dot(), List.of(
        new Expr.ArrayRead(m, List.of(row), LINE), read(s)), LINE);
    Stmt.Loop loop = new Stmt.Loop(
        compare(Expr.BinaryOp.LT, read(j), new Expr.ArrayLength(m, List.of(), LINE)),
        Stmt.Block.of(List.of(new Stmt.Assign(s, add(read(s), inside), LINE))),
        Stmt.Block.of(List.of(new Stmt.Assign(j, intOp(Expr.BinaryOp.ADD, read(j), intLit(1)),
            LINE))),
        true, LINE);
    return new MethodBody(List.of(m), Stmt.Block.of(List.of(
        new Stmt.Declare(s, outside, LINE),
        new Stmt.Declare(j, intLit(0), LINE),
        loop,
        new Stmt.Return(read(s), LINE))));
  }

  private static List<Expr.DiffCall> calls(MethodBody body) {
    List<Expr.DiffCall> out = new ArrayList<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (e instanceof Expr.DiffCall c) {
        out.add(c);
      }
    });
    return out;
  }

  @Test
  void onlyTheCallInTheLoopIsWrittenInItsRowReadThroughTheMatrix() {
    Variable m = new Variable("m", MATRIX, Variable.Kind.PARAM);
    Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);
    MethodBody body = callerBody(m, s, j);
    Optional<MethodBody> inlined = Inliner.inline(caller(), body,
        c -> Optional.of(dotBody(false)), Inliner.Policy.IN_LOOPS);
    assertThat(inlined).isPresent();
    // The call before the loop stays; the one in it is gone.
    List<Expr.DiffCall> left = calls(inlined.get());
    assertThat(left).hasSize(1);
    assertThat(left.get(0).args().get(0))
        .isEqualTo(new Expr.ArrayRead(m, List.of(intLit(0)), LINE));
    // w[0] and w[1] of the callee are m[row][0] and m[row][1], the row's index a local set
    // from j before the body; w itself is read nowhere.
    List<Expr.ArrayRead> reads = new ArrayList<>();
    List<Stmt.Declare> rows = new ArrayList<>();
    IrWalker.forEachExpr(inlined.get().body(), e -> {
      if (e instanceof Expr.ArrayRead r && r.array() == m && r.indices().size() == 2) {
        reads.add(r);
      }
    });
    IrWalker.forEachStmt(inlined.get().body(), st -> {
      if (st instanceof Stmt.Declare d && d.init() != null && d.init().equals(read(j))) {
        rows.add(d);
      }
    });
    assertThat(rows).hasSize(1);
    assertThat(reads).hasSize(2);
    for (Expr.ArrayRead r : reads) {
      assertThat(r.indices().get(0)).isEqualTo(read(rows.get(0).variable()));
    }
  }

  @Test
  void aCalleeThatWritesItsArrayParameterIsNotWrittenIn() {
    Variable m = new Variable("m", MATRIX, Variable.Kind.PARAM);
    Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);
    assertThat(Inliner.inline(caller(), callerBody(m, s, j), c -> Optional.of(dotBody(true)),
        Inliner.Policy.IN_LOOPS)).isEmpty();
  }

  @Test
  void theSecondOrderPolicyWritesInCallsOutsideLoopsButNotRows() {
    Variable m = new Variable("m", MATRIX, Variable.Kind.PARAM);
    Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);
    // Both calls pass rows: second order leaves both.
    assertThat(Inliner.inline(caller(), callerBody(m, s, j), c -> Optional.of(dotBody(false)),
        Inliner.Policy.SECOND_ORDER)).isEmpty();
  }

  @Test
  void aCalleeLongerThanThePolicyAllowsIsNotWrittenIn() {
    Variable m = new Variable("m", MATRIX, Variable.Kind.PARAM);
    Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);
    Inliner.Policy small = new Inliner.Policy(true, true, 3, 1, true);
    assertThat(Inliner.inline(caller(), callerBody(m, s, j), c -> Optional.of(dotBody(false)),
        small)).isEmpty();
  }

  /**
   * A row index computed by one of Math's functions of integers ({@code m[Math.floorMod(j + 1,
   * m.length)]}) has no effect: the call is written in. One computed by a call that may have
   * effects ({@code Math.random()}'s, or a Random's) keeps the call.
   */
  @Test
  void aRowIndexByMathFloorModIsNoEffectButOneByARandomIs() {
    Variable m = new Variable("m", MATRIX, Variable.Kind.PARAM);
    Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);
    TypeName math = ClassName.get("java.lang", "Math");
    Expr next = intOp(Expr.BinaryOp.ADD, read(j), intLit(1));
    Expr floorMod = new Expr.OpaqueCall(null, math, "floorMod",
        List.of(next, new Expr.ArrayLength(m, List.of(), LINE)), TypeName.INT, LINE);
    Optional<MethodBody> inlined = Inliner.inline(caller(), callerBody(m, s, j, floorMod),
        c -> Optional.of(dotBody(false)), Inliner.Policy.IN_LOOPS);
    assertThat(inlined).isPresent();
    assertThat(calls(inlined.get())).hasSize(1); // the call before the loop

    Expr random = new Expr.OpaqueCall(null, math, "random", List.of(), TypeName.DOUBLE, LINE);
    Expr drawn = new Expr.OpaqueCall(null, math, "floorMod", List.of(
        new Expr.Cast(TypeName.INT, random, LINE), new Expr.ArrayLength(m, List.of(), LINE)),
        TypeName.INT, LINE);
    assertThat(Inliner.inline(caller(), callerBody(m, s, j, drawn),
        c -> Optional.of(dotBody(false)), Inliner.Policy.IN_LOOPS)).isEmpty();
    Expr nextInt = new Expr.OpaqueCall(new Expr.OpaqueCall(null, ClassName.get("java.util",
        "Random"), Expr.OpaqueCall.NEW, List.of(intLit(3)), ClassName.get("java.util", "Random"),
        LINE), ClassName.get("java.util", "Random"), "nextInt", List.of(intLit(2)), TypeName.INT,
        LINE);
    assertThat(Inliner.inline(caller(), callerBody(m, s, j, nextInt),
        c -> Optional.of(dotBody(false)), Inliner.Policy.IN_LOOPS)).isEmpty();
  }
}

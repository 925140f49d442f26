package dev.adjoint.processor.transform.reverse;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.call;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
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
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reverse mode on tiny hand-built bodies of {@code f(double x, double y, double[] a, @NoDiff int
 * n)}: the shape of what it emits (a tape only where a loop needs one, adjoints only for active
 * variables, what a Vjp captures), and the gradient its two sweeps compute when interpreted,
 * against central differences of the body.
 */
class ReverseModeTest {
  private static final ClassName MATH = ClassName.get("java.lang", "Math");
  private final Variable x = new Variable("x", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable y = new Variable("y", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable a = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private final Variable n = new Variable("n", TypeName.INT, Variable.Kind.PARAM);
  private final Variable c = new Variable("c", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Signature signature = new Signature(ClassName.get("p", "C"), "f", List.of(
      new Param("x", TypeName.DOUBLE, true), new Param("y", TypeName.DOUBLE, true),
      new Param("a", Expr.DOUBLE_ARRAY, true), new Param("n", TypeName.INT, false),
      new Param("c", TypeName.DOUBLE, false)), TypeName.DOUBLE, true);
  private final Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable t = new Variable("t", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);

  private ReverseDerivative derive(Stmt... body) {
    ReverseMode.Result result = ReverseMode.derive(signature,
        new MethodBody(List.of(x, y, a, n, c), Stmt.Block.of(List.of(body))));
    assertWithMessage("%s", result.report()).that(result.report().isClean()).isTrue();
    return result.derivative().orElseThrow();
  }

  private static Stmt.Block block(Stmt... stmts) {
    return Stmt.Block.of(List.of(stmts));
  }

  private static Stmt increment(Variable v) {
    return new Stmt.Assign(v, intOp(Expr.BinaryOp.ADD, read(v), intLit(1)), null);
  }

  private List<Stmt> forLoop(Expr bound, Stmt... body) {
    return List.of(new Stmt.Declare(i, intLit(0), null),
        new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), bound), block(body),
            block(increment(i)), true, null));
  }

  private Expr element(Expr index) {
    return new Expr.ArrayRead(a, List.of(index), null);
  }

  private static Stmt[] concat(List<Stmt> first, Stmt... rest) {
    List<Stmt> out = new ArrayList<>(first);
    out.addAll(List.of(rest));
    return out.toArray(Stmt[]::new);
  }

  // ---------------------------------------------------------------- running the sweeps

  private Map<Variable, Object> point(double xv, double yv, double[] av, double cv) {
    return Map.of(x, xv, y, yv, a, av.clone(), n, av.length, c, cv);
  }

  /** The gradient (x, y, a...) the two sweeps compute, interpreted, with seed 1. */
  private double[] gradient(ReverseDerivative d, Map<Variable, Object> at) {
    IrInterpreter in = new IrInterpreter(at);
    in.hoist(d.forward());
    in.hoist(d.reverse());
    in.execute(d.forward());
    in.set(d.seed(), 1.0);
    for (Variable bar : d.adjoints()) {
      in.set(bar, bar.shapeOf() == null ? (Object) 0.0
          : new double[((double[]) in.get(bar.shapeOf())).length]);
    }
    in.execute(d.reverse());
    assertThat(in.tapeSize()).isEqualTo(0); // every record read back
    double[] av = (double[]) at.get(a);
    double[] g = new double[2 + av.length];
    g[0] = (Double) in.get(d.paramAdjoints().get("x"));
    g[1] = (Double) in.get(d.paramAdjoints().get("y"));
    double[] aBar = (double[]) in.get(d.paramAdjoints().get("a"));
    for (int k = 0; k < av.length; k++) {
      g[2 + k] = aBar == null ? 0 : aBar[k];
    }
    return g;
  }

  private double value(ReverseDerivative d, Map<Variable, Object> at) {
    IrInterpreter in = new IrInterpreter(at);
    in.hoist(d.forward());
    in.execute(d.forward());
    return (Double) in.get(d.result());
  }

  /** Checks value and gradient at a few points against the body run as it is. */
  private void checkNumerically(ReverseDerivative d, Stmt... body) {
    Stmt.Block primal = block(body);
    double[][] arrays = {{0.5, -1.2, 2.0}, {1.1, 0.3}, {-0.7, 0.9, 1.4, 0.2}};
    double[][] xy = {{0.8, 1.3}, {-0.6, 0.4}, {1.7, -0.9}};
    for (int p = 0; p < arrays.length; p++) {
      Map<Variable, Object> at = point(xy[p][0], xy[p][1], arrays[p], 0.25);
      double f = ((Number) IrInterpreter.run(primal, at)).doubleValue();
      assertThat(value(d, point(xy[p][0], xy[p][1], arrays[p], 0.25))).isEqualTo(f);
      double[] g = gradient(d, point(xy[p][0], xy[p][1], arrays[p], 0.25));
      for (int k = 0; k < g.length; k++) {
        double h = 1e-6;
        double up = primal(primal, xy[p], arrays[p], k, h);
        double down = primal(primal, xy[p], arrays[p], k, -h);
        double expected = (up - down) / (2 * h);
        assertWithMessage("component %s at point %s", k, p).that(g[k])
            .isWithin(1e-6 * Math.max(1, Math.abs(expected))).of(expected);
      }
    }
  }

  private double primal(Stmt.Block body, double[] xy, double[] av, int k, double h) {
    double xv = xy[0] + (k == 0 ? h : 0);
    double yv = xy[1] + (k == 1 ? h : 0);
    double[] moved = av.clone();
    if (k >= 2) {
      moved[k - 2] += h;
    }
    return ((Number) IrInterpreter.run(body, point(xv, yv, moved, 0.25))).doubleValue();
  }

  private static boolean contains(Stmt.Block block, Class<?> kind) {
    boolean[] found = {false};
    IrWalker.forEachStmt(block, st -> found[0] |= kind.isInstance(st));
    IrWalker.forEachExpr(block, e -> found[0] |= kind.isInstance(e));
    return found[0];
  }

  // ---------------------------------------------------------------- the bodies

  @Test
  void straightLineCodeNeedsNoTape() {
    // double t = x * sin(y); return t * t + c;
    Stmt[] body = {
        new Stmt.Declare(t, mul(read(x), call(MATH, MathFunction.SIN, read(y))), null),
        new Stmt.Return(add(mul(read(t), read(t)), read(c)), null)};
    ReverseDerivative d = derive(body);
    assertThat(d.tape()).isEmpty();
    assertThat(d.reader()).isEmpty();
    assertThat(contains(d.forward(), Stmt.Push.class)).isFalse();
    assertThat(contains(d.reverse(), Expr.Pop.class)).isFalse();
    assertThat(d.paramAdjoints().keySet()).containsExactly("x", "y", "a").inOrder();
    // c is @NoDiff and t's old value is never overwritten: neither has an adjoint
    assertThat(d.adjoints().stream().map(Variable::hint).toList()).doesNotContain("cBar");
    checkNumerically(d, body);
  }

  @Test
  void aLoopThatOverwritesAValueTheReverseSweepReadsRecordsItOnATape() {
    // double s = 1; for (i = 0; i < n; i++) { s = s * x + a[i]; } return s;
    Stmt[] body = concat(List.of(new Stmt.Declare(s, lit(1), null)),
        concat(forLoop(read(n), new Stmt.Assign(s,
                add(mul(read(s), read(x)), element(read(i))), null)),
            new Stmt.Return(read(s), null)));
    ReverseDerivative d = derive(body);
    assertThat(d.tape()).isPresent();
    assertThat(d.captured()).contains(d.tape().get());
    assertThat(contains(d.forward(), Stmt.Push.class)).isTrue();
    assertThat(contains(d.reverse(), Expr.Pop.class)).isTrue();
    checkNumerically(d, body);
  }

  @Test
  void aLoopWhoseReverseSweepNeedsNoOldValueHasNoTape() {
    // double s = 0; for (i = 0; i < n; i++) { s = s + x * a[i]; } return s;
    // s + ... has the same partial whatever s was, and i is counted: nothing to record.
    Stmt[] body = concat(List.of(new Stmt.Declare(s, lit(0), null)),
        concat(forLoop(read(n), new Stmt.Assign(s,
                add(read(s), mul(read(x), element(read(i)))), null)),
            new Stmt.Return(read(s), null)));
    ReverseDerivative d = derive(body);
    assertThat(d.tape()).isEmpty();
    assertThat(contains(d.forward(), Stmt.Push.class)).isFalse();
    checkNumerically(d, body);
  }

  @Test
  void aBranchOnAVaryingConditionAndAnEarlyReturn() {
    // if (x > y) { return x * y; } double t = y / x; return t - sqrt(a[0] * a[0] + 1);
    Stmt[] body = {
        new Stmt.If(compare(Expr.BinaryOp.GT, read(x), read(y)),
            block(new Stmt.Return(mul(read(x), read(y)), null)), block(), null),
        new Stmt.Declare(t, new Expr.Binary(Expr.BinaryOp.DIV, read(y), read(x),
            TypeName.DOUBLE, null), null),
        new Stmt.Return(new Expr.Binary(Expr.BinaryOp.SUB, read(t), call(MATH, MathFunction.SQRT,
            add(mul(element(intLit(0)), element(intLit(0))), lit(1))), TypeName.DOUBLE, null),
            null)};
    ReverseDerivative d = derive(body);
    assertThat(d.tape()).isEmpty();
    checkNumerically(d, body);
  }

  @Test
  void aLocalArrayFilledInALoopGetsACotangentArray() {
    // double[] b = new double[n]; for (i...) b[i] = a[i] * x; return b[0] * y + b[n - 1];
    Variable b = new Variable("b", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
    Expr last = intOp(Expr.BinaryOp.SUB, read(n), intLit(1));
    Stmt[] body = concat(List.of(new Stmt.Declare(b, new Expr.NewArray(List.of(read(n)), null),
            null)),
        concat(forLoop(read(n), new Stmt.ArrayAssign(b, List.of(read(i)),
                mul(element(read(i)), read(x)), null)),
            new Stmt.Return(add(mul(new Expr.ArrayRead(b, List.of(intLit(0)), null), read(y)),
                new Expr.ArrayRead(b, List.of(last), null)), null)));
    ReverseDerivative d = derive(body);
    assertThat(d.adjoints().stream().anyMatch(v -> v.shapeOf() == b)).isTrue();
    checkNumerically(d, body);
  }

  @Test
  void inactiveCodeGetsNoAdjoint() {
    // double t = c * 3; double u = floor(x); return x * t + u;
    Variable u = new Variable("u", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Stmt[] body = {
        new Stmt.Declare(t, mul(read(c), lit(3)), null),
        new Stmt.Declare(u, call(MATH, MathFunction.FLOOR, read(x)), null),
        new Stmt.Return(add(mul(read(x), read(t)), read(u)), null)};
    ReverseDerivative d = derive(body);
    List<String> adjoints = d.adjoints().stream().map(Variable::hint).toList();
    assertThat(adjoints).containsNoneOf("tBar", "uBar", "cBar");
    Map<Variable, Object> at = new HashMap<>(point(0.8, 1.3, new double[] {1}, 0.25));
    assertThat(gradient(d, at)[0]).isEqualTo(0.75); // t = 3c, floor contributes nothing
    checkNumerically(d, body);
  }

  @Test
  void aLoopWithNoTripCountABreakAndANestedLoop() {
    // double s = x;
    // for (i = 0; i < n; i++) {
    //   double t = y;
    //   while (t < 3) { t = t * 1.5 + 0.5; s = s * 0.9 + t * x; }
    //   if (s > 6) break;
    //   s = s + a[i] * s;
    // }
    // return s;
    Stmt inner = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(t), lit(3)),
        block(new Stmt.Assign(t, add(mul(read(t), lit(1.5)), lit(0.5)), null),
            new Stmt.Assign(s, add(mul(read(s), lit(0.9)), mul(read(t), read(x))), null)),
        block(), true, null);
    Stmt[] body = concat(List.of(new Stmt.Declare(s, read(x), null)),
        concat(forLoop(read(n),
                new Stmt.Declare(t, read(y), null),
                inner,
                new Stmt.If(compare(Expr.BinaryOp.GT, read(s), lit(6)),
                    block(new Stmt.Jump(true, null)), block(), null),
                new Stmt.Assign(s, add(read(s), mul(element(read(i)), read(s))), null)),
            new Stmt.Return(read(s), null)));
    ReverseDerivative d = derive(body);
    assertThat(d.tape()).isPresent(); // the inner loop's trips, s's old values
    checkNumerically(d, body);
  }

  @Test
  void minMaxRemainderDivisionAndAVaryingConditional() {
    // double t = x > 0 ? x * y : y * y; return max(x, y) * min(a[0], t) + x % y + t / a[1];
    Stmt[] body = {
        new Stmt.Declare(t, new Expr.Conditional(compare(Expr.BinaryOp.GT, read(x), lit(0)),
            mul(read(x), read(y)), mul(read(y), read(y)), TypeName.DOUBLE, null), null),
        new Stmt.Return(add(add(
            mul(call(MATH, MathFunction.MAX, read(x), read(y)),
                call(MATH, MathFunction.MIN, element(intLit(0)), read(t))),
            new Expr.Binary(Expr.BinaryOp.REM, read(x), read(y), TypeName.DOUBLE, null)),
            new Expr.Binary(Expr.BinaryOp.DIV, read(t), element(intLit(1)), TypeName.DOUBLE,
                null)), null)};
    checkNumerically(derive(body), body);
  }

  @Test
  void anArrayElementOverwrittenInALoopIsRestoredFromTheTape() {
    // double[] b = new double[1]; b[0] = 1;
    // for (i = 0; i < n; i++) { b[0] = b[0] * x + a[i]; } return b[0] * b[0];
    Variable b = new Variable("b", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
    Expr b0 = new Expr.ArrayRead(b, List.of(intLit(0)), null);
    Stmt[] body = concat(List.of(
            new Stmt.Declare(b, new Expr.NewArray(List.of(intLit(1)), null), null),
            new Stmt.ArrayAssign(b, List.of(intLit(0)), lit(1), null)),
        concat(forLoop(read(n), new Stmt.ArrayAssign(b, List.of(intLit(0)),
                add(mul(b0, read(x)), element(read(i))), null)),
            new Stmt.Return(mul(b0, b0), null)));
    ReverseDerivative d = derive(body);
    assertThat(d.tape()).isPresent();
    checkNumerically(d, body);
  }
}

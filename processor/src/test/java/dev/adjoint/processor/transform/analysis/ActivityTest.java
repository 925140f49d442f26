package dev.adjoint.processor.transform.analysis;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.call;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Activity on hand-built bodies of {@code f(double x, @NoDiff double c, double[] a, int n)}: a
 * variable is active when it both varies with x or a and reaches the result.
 */
class ActivityTest {
  private static final ClassName MATH = ClassName.get("java.lang", "Math");
  private final Variable x = param("x", TypeName.DOUBLE);
  private final Variable c = param("c", TypeName.DOUBLE);
  private final Variable a = param("a", Expr.DOUBLE_ARRAY);
  private final Variable n = param("n", TypeName.INT);
  private final List<Param> signature = List.of(new Param("x", TypeName.DOUBLE, true),
      new Param("c", TypeName.DOUBLE, false), new Param("a", Expr.DOUBLE_ARRAY, true),
      new Param("n", TypeName.INT, false));

  private static Variable param(String name, TypeName type) {
    return new Variable(name, type, Variable.Kind.PARAM);
  }

  private static Variable local(String name, TypeName type) {
    return new Variable(name, type, Variable.Kind.LOCAL);
  }

  private Activity of(Stmt... body) {
    return Activity.of(List.of(x, c, a, n), signature, Stmt.Block.of(List.of(body)));
  }

  private static Stmt declare(Variable v, Expr init) {
    return new Stmt.Declare(v, init, null);
  }

  private static Stmt assign(Variable v, Expr value) {
    return new Stmt.Assign(v, value, null);
  }

  private static Stmt ret(Expr e) {
    return new Stmt.Return(e, null);
  }

  @Test
  void aVariableIsActiveWhenItVariesAndReachesTheResult() {
    Variable scale = local("scale", TypeName.DOUBLE);
    Variable y = local("y", TypeName.DOUBLE);
    Variable unused = local("unused", TypeName.DOUBLE);
    Activity act = of(
        declare(scale, mul(read(c), lit(2))), // does not vary: from @NoDiff data only
        declare(y, mul(read(x), read(scale))),
        declare(unused, mul(read(x), read(x))), // varies, but never reaches the result
        ret(read(y)));
    assertThat(act.isActive(x)).isTrue();
    assertThat(act.isActive(y)).isTrue();
    assertThat(act.isActive(scale)).isFalse();
    assertThat(act.isActive(unused)).isFalse();
    assertThat(act.isActive(c)).isFalse();
    assertThat(act.varies(read(unused))).isTrue();
    assertThat(act.varies(read(scale))).isFalse();
  }

  @Test
  void activityFlowsThroughAssignmentsInAnyOrderAndThroughLoops() {
    // double s = 0; double t = 0; for (...) { s = s + t; t = x; } return s;
    // t varies only from the assignment after its use: a fixpoint, flow-insensitive.
    Variable s = local("s", TypeName.DOUBLE);
    Variable t = local("t", TypeName.DOUBLE);
    Variable i = local("i", TypeName.INT);
    Stmt loop = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), read(n)),
        Stmt.Block.of(List.of(assign(s, add(read(s), read(t))), assign(t, read(x)))),
        Stmt.Block.of(List.of(assign(i, new Expr.Binary(
            Expr.BinaryOp.ADD, read(i), intLit(1), TypeName.INT, null)))),
        true, null);
    Activity act = of(declare(s, lit(0)), declare(t, lit(0)), declare(i, intLit(0)), loop,
        ret(read(s)));
    assertThat(act.isActive(s)).isTrue();
    assertThat(act.isActive(t)).isTrue();
    assertThat(act.isActive(i)).isFalse(); // an int: no tangent
  }

  @Test
  void anArrayIsActiveWhenAnElementAssignedVaries() {
    Variable b = local("b", Expr.DOUBLE_ARRAY);
    Variable d = local("d", Expr.DOUBLE_ARRAY);
    Activity act = of(
        declare(b, new Expr.NewArray(List.of(read(n)), null)),
        declare(d, new Expr.NewArray(List.of(read(n)), null)),
        new Stmt.ArrayAssign(b, List.of(intLit(0)), mul(read(x), lit(3)), null),
        new Stmt.ArrayAssign(d, List.of(intLit(0)), read(c), null),
        ret(add(new Expr.ArrayRead(b, List.of(intLit(0)), null),
            new Expr.ArrayRead(d, List.of(intLit(0)), null))));
    assertThat(act.isActive(b)).isTrue();
    assertThat(act.isActive(d)).isFalse();
    assertThat(act.varies(new Expr.ArrayRead(a, List.of(intLit(1)), null))).isTrue();
    assertThat(act.varies(new Expr.ArrayLength(a, List.of(), null))).isFalse();
  }

  @Test
  void stopGradientPiecewiseConstantFunctionsConditionsAndIntsPassNothing() {
    Variable stopped = local("stopped", TypeName.DOUBLE);
    Variable floored = local("floored", TypeName.DOUBLE);
    Variable chosen = local("chosen", TypeName.DOUBLE);
    Variable k = local("k", TypeName.INT);
    Variable viaInt = local("viaInt", TypeName.DOUBLE);
    Activity act = of(
        declare(stopped, new Expr.StopGradient(read(x), null)),
        declare(floored, call(MATH, MathFunction.FLOOR, read(x))),
        // x only in the condition: the value is c or 1, which do not vary
        declare(chosen, new Expr.Conditional(compare(Expr.BinaryOp.GT, read(x), lit(0)),
            read(c), lit(1), TypeName.DOUBLE, null)),
        declare(k, new Expr.Cast(TypeName.INT, read(x), null)),
        declare(viaInt, new Expr.Cast(TypeName.DOUBLE, read(k), null)),
        ret(mul(mul(read(stopped), read(floored)), mul(read(chosen), read(viaInt)))));
    for (Variable v : List.of(stopped, floored, chosen, k, viaInt)) {
      assertWithMessage(v.hint()).that(act.isActive(v)).isFalse();
    }
    // ... so nothing the result reads varies, and x is not useful either: no adjoint code at all.
    assertThat(act.isActive(x)).isFalse();
  }

  @Test
  void aCallPassesActivityThroughItsDifferentiableParametersOnly() {
    Signature g = new Signature(ClassName.get("q", "D"), "g", List.of(
        new Param("u", TypeName.DOUBLE, true), new Param("v", TypeName.DOUBLE, false)),
        TypeName.DOUBLE, true);
    Variable viaNoDiff = local("viaNoDiff", TypeName.DOUBLE);
    Variable viaDiff = local("viaDiff", TypeName.DOUBLE);
    Activity act = of(
        declare(viaNoDiff, new Expr.DiffCall(g, List.of(read(c), read(x)), null)),
        declare(viaDiff, new Expr.DiffCall(g, List.of(read(x), read(c)), null)),
        ret(add(read(viaNoDiff), read(viaDiff))));
    assertThat(act.isActive(viaNoDiff)).isFalse();
    assertThat(act.isActive(viaDiff)).isTrue();
    assertThat(act.isActive(x)).isTrue();
  }

  @Test
  void theResultOfAConstantMethodMakesNothingUseful() {
    Variable y = local("y", TypeName.DOUBLE);
    Activity act = of(declare(y, mul(read(x), read(x))), ret(read(c)));
    assertThat(act.isActive(y)).isFalse();
    assertThat(act.isActive(x)).isFalse();
  }
}

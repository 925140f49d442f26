package dev.adjoint.processor.transform.second;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.eq;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

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
import dev.adjoint.processor.transform.normalize.Inliner;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Unguard} and {@link Inliner} on hand-built IR. */
class SecondOrderTransformsTest {
  private static final ClassName OWNER = ClassName.get("p", "Fns");
  private static final SourceRef LINE = () -> 7;

  private static Variable local(String name) {
    return new Variable(name, TypeName.DOUBLE, Variable.Kind.LOCAL);
  }

  private static long count(List<Stmt> stmts, Class<?> kind) {
    long[] n = {0};
    for (Stmt s : stmts) {
      IrWalker.forEachExpr(s, e -> n[0] += kind.isInstance(e) ? 1 : 0);
    }
    return n[0];
  }

  @Test
  void unguardDropsGuardsOverTangentsOnly() {
    Variable x = local("x");
    Variable xDot = new Variable("xDot", TypeName.DOUBLE, Variable.Kind.PARAM);
    Variable tDot = new Variable("tDot", TypeName.DOUBLE, Variable.Kind.TANGENT);
    Expr overDirection = new Expr.Conditional(eq(read(xDot), lit(0)), lit(0),
        mul(read(xDot), read(x)), TypeName.DOUBLE, null);
    Expr overTangent = new Expr.Conditional(eq(read(tDot), lit(0)), lit(0),
        mul(read(tDot), read(x)), TypeName.DOUBLE, null);
    // pow's convention: over a primal value, kept; the user's ?: (it has a source), kept.
    Expr convention = new Expr.Conditional(eq(read(x), lit(0)), lit(0), read(x), TypeName.DOUBLE,
        null);
    Expr users = new Expr.Conditional(eq(read(tDot), lit(0)), lit(0), read(x), TypeName.DOUBLE,
        LINE);
    List<Stmt> out = Unguard.of(List.of(
        new Stmt.Declare(local("a"), overDirection, null),
        new Stmt.Assign(tDot, overTangent, null),
        new Stmt.Return(new Expr.Binary(Expr.BinaryOp.ADD, convention, users, TypeName.DOUBLE,
            null), null)), Set.of(xDot));
    assertThat(((Stmt.Declare) out.get(0)).init()).isEqualTo(mul(read(xDot), read(x)));
    assertThat(((Stmt.Assign) out.get(1)).value()).isEqualTo(mul(read(tDot), read(x)));
    assertThat(count(out.subList(2, 3), Expr.Conditional.class)).isEqualTo(2);
  }

  private static Signature signature(String name) {
    return new Signature(OWNER, name, List.of(new Param("x", TypeName.DOUBLE, true)),
        TypeName.DOUBLE, false);
  }

  @Test
  void inlinerWritesUnconditionalCallsInAndLeavesConditionalOnes() {
    Signature cube = signature("cube");
    Variable cx = local("x");
    MethodBody cubeBody = new MethodBody(List.of(cx), Stmt.Block.of(List.of(
        new Stmt.Return(mul(read(cx), mul(read(cx), read(cx))), null))));
    Variable x = local("x");
    Variable y = local("y");
    Expr call = new Expr.DiffCall(cube, List.of(read(x)), LINE);
    MethodBody plain = new MethodBody(List.of(x), Stmt.Block.of(List.of(
        new Stmt.Declare(y, mul(lit(2), call), null),
        new Stmt.Return(read(y), null))));
    Optional<MethodBody> inlined = Inliner.inline(signature("f"), plain, s ->
        s.name().equals("cube") ? Optional.of(cubeBody) : Optional.empty(), Inliner.Policy.SECOND_ORDER);
    assertThat(inlined).isPresent();
    assertThat(count(inlined.get().body().stmts(), Expr.DiffCall.class)).isEqualTo(0);
    assertThat(inlined.get().params()).containsExactly(x);

    Expr conditional = new Expr.Conditional(
        new Expr.Binary(Expr.BinaryOp.GT, read(x), lit(0), TypeName.BOOLEAN, null), call,
        read(x), TypeName.DOUBLE, null);
    MethodBody guarded = new MethodBody(List.of(x), Stmt.Block.of(List.of(
        new Stmt.Return(conditional, null))));
    assertThat(Inliner.inline(signature("f"), guarded, s -> Optional.of(cubeBody),
        Inliner.Policy.SECOND_ORDER)).isEmpty();
    // A recursive call is never written in.
    MethodBody recursive = new MethodBody(List.of(x), Stmt.Block.of(List.of(
        new Stmt.Return(new Expr.DiffCall(signature("f"), List.of(read(x)), LINE), null))));
    assertThat(Inliner.inline(signature("f"), recursive, s -> Optional.of(recursive),
        Inliner.Policy.SECOND_ORDER)).isEmpty();
  }
}

package dev.adjoint.processor.ir;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link Uses} says IR reads and writes, and {@link StmtRewriter} on nested statements. */
class UsesAndRewriterTest {
  private final Variable x = new Variable("x", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable y = new Variable("y", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable a = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
  private final Variable b = new Variable("b", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
  private final Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);
  private final Variable xBar = new Variable("xBar", TypeName.DOUBLE, Variable.Kind.ADJOINT);
  private final Variable call = new Variable("gCall", ClassName.get("q", "G"),
      Variable.Kind.CALL);

  @Test
  void referencedFindsEveryVariableReadAtAnyDepthButNoAdjoint() {
    Stmt s = new Stmt.If(compare(Expr.BinaryOp.GT, read(x), lit(0)),
        Stmt.Block.of(List.of(new Stmt.Assign(y,
            add(new Expr.ArrayRead(a, List.of(read(i)), null), read(xBar)), null))),
        Stmt.Block.of(List.of(new Stmt.Eval(new Expr.VjpValue(call, TypeName.DOUBLE), null),
            new Stmt.Declare(y, new Expr.Cast(TypeName.DOUBLE,
                new Expr.ArrayLength(b, List.of(), null), null), null))),
        null);
    Set<Variable> read = new LinkedHashSet<>();
    Uses.referenced(s, read);
    assertThat(read).containsExactly(x, a, i, call, b).inOrder();
    assertThat(Uses.reads(s, xBar)).isFalse(); // adjoints are not "referenced"
    // y is written there, never read
    assertThat(Uses.reads(s, y)).isFalse();
    assertThat(Uses.reads(mul(read(x), read(y)), y)).isTrue();
    assertThat(Uses.reads(new Expr.ArrayRead(a, List.of(read(i)), null), a)).isFalse(); // element
  }

  @Test
  void writtenIsTheVariableOrArrayAStatementItselfAssigns() {
    assertThat(Uses.written(new Stmt.Declare(y, null, null))).hasValue(y);
    assertThat(Uses.written(new Stmt.Assign(y, lit(1), null))).hasValue(y);
    assertThat(Uses.written(new Stmt.ArrayAssign(a, List.of(intLit(0)), lit(1), null)))
        .hasValue(a);
    Stmt nested = new Stmt.If(read(x), Stmt.Block.of(List.of(new Stmt.Assign(y, lit(1), null))),
        Stmt.Block.of(List.of()), null);
    assertThat(Uses.written(nested)).isEmpty(); // not what a statement nested in it writes
    assertThat(Uses.written(new Stmt.Return(read(y), null))).isEmpty();
  }

  @Test
  void aCallThatIsNotDifferentiatedMayWriteTheArraysPassedToIt() {
    Expr sort = new Expr.OpaqueCall(null, ClassName.get("java.util", "Arrays"), "sort",
        List.of(read(a)), TypeName.VOID, null);
    Expr fill = new Expr.OpaqueCall(null, ClassName.get("java.util", "Arrays"), "fill",
        List.of(read(b), read(x)), TypeName.VOID, null);
    List<Variable> writes = new ArrayList<>();
    Uses.writes(new Stmt.Assign(y, new Expr.Conditional(read(x), lit(1), lit(2),
        TypeName.DOUBLE, null), null), writes::add);
    assertThat(writes).containsExactly(y);
    writes.clear();
    Uses.writes(new Stmt.Eval(sort, null), writes::add);
    assertThat(writes).containsExactly(a);
    writes.clear();
    // nested in an expression of the statement: still found
    Uses.writes(new Stmt.Declare(y, new Expr.Cast(TypeName.DOUBLE, fill, null), null),
        writes::add);
    assertThat(writes).containsExactly(y, b).inOrder();
    assertThat(Uses.passedArrays((Expr.OpaqueCall) fill)).containsExactly(b);
  }

  private Stmt.Block body() {
    Stmt one = new Stmt.Assign(y, lit(1), null);
    Stmt two = new Stmt.Assign(y, lit(2), null);
    Stmt loop = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), intLit(3)),
        Stmt.Block.of(List.of(new Stmt.Block(List.of(two), null))),
        Stmt.Block.of(List.of(new Stmt.Assign(i, intLit(9), null))), true, null);
    Stmt branch = new Stmt.If(read(x), Stmt.Block.of(List.of(loop)),
        Stmt.Block.of(List.of(new Stmt.Assign(y, lit(1), null))), null); // equal to one
    return Stmt.Block.of(List.of(one, branch, new Stmt.Return(read(y), null)));
  }

  @Test
  void rewriteReplacesEveryLeafAtAnyDepthAndKeepsTheStructure() {
    List<Stmt> seen = new ArrayList<>();
    List<Stmt> out = StmtRewriter.rewrite(body().stmts(), s -> {
      seen.add(s);
      if (s instanceof Stmt.Assign as && as.variable() == y) {
        return List.of(s, new Stmt.Eval(read(y), null)); // one becomes two
      }
      return List.of(s);
    }, s -> false);
    // every leaf, in order: y = 1, y = 2, i = 9 (the update), y = 1, return
    assertThat(seen).hasSize(5);
    assertThat(seen.get(4)).isInstanceOf(Stmt.Return.class);
    assertThat(out).hasSize(4); // y = 1; eval; if; return
    Stmt.If branch = (Stmt.If) out.get(2);
    Stmt.Loop loop = (Stmt.Loop) branch.then().stmts().get(0);
    Stmt.Block inner = (Stmt.Block) loop.body().stmts().get(0);
    assertThat(inner.stmts()).hasSize(2);
    assertThat(loop.update().stmts()).hasSize(1); // i = 9: not an assignment of y
    assertThat(branch.otherwise().stmts()).hasSize(2);
  }

  @Test
  void rewriteDropsWholeStatementsAndWithoutDropsByIdentity() {
    Stmt.Block body = body();
    List<Stmt> noLoop = StmtRewriter.rewrite(body.stmts(), List::of,
        s -> s instanceof Stmt.Loop);
    assertThat(((Stmt.If) noLoop.get(1)).then().stmts()).isEmpty();
    // Two equal statements at different places: only the one given goes.
    Stmt first = body.stmts().get(0);
    Stmt.If branch = (Stmt.If) body.stmts().get(1);
    Stmt equalElsewhere = branch.otherwise().stmts().get(0);
    assertThat(equalElsewhere).isEqualTo(first);
    Set<Stmt> drop = Collections.newSetFromMap(new IdentityHashMap<>());
    drop.add(equalElsewhere);
    List<Stmt> out = StmtRewriter.without(body.stmts(), drop);
    assertThat(out.get(0)).isSameInstanceAs(first);
    assertThat(((Stmt.If) out.get(1)).otherwise().stmts()).isEmpty();
  }
}

package dev.adjoint.processor.transform.analysis;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which bodies may be evaluated again (a Jacobian by columns), on hand-built IR. */
class PurityTest {
  private final Variable a = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private final Variable y = new Variable("y", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);

  private boolean repeatable(Stmt... stmts) {
    List<Stmt> body = new java.util.ArrayList<>(List.of(stmts));
    body.add(new Stmt.Return(read(y), null));
    return Purity.repeatable(new MethodBody(List.of(a), Stmt.Block.of(body)));
  }

  private Stmt write(Variable array) {
    return new Stmt.ArrayAssign(array, List.of(intLit(0)), lit(1), null);
  }

  private Stmt declareY(Expr init) {
    return new Stmt.Declare(y, init, null);
  }

  private static Expr newArray() {
    return new Expr.NewArray(List.of(intLit(2)), null);
  }

  @Test
  void writesIntoANewLocalArrayAreRepeatable() {
    assertThat(repeatable(declareY(newArray()), write(y))).isTrue();
  }

  @Test
  void writesIntoAParameterOrAnAliasOfOneAreNot() {
    assertThat(repeatable(declareY(newArray()), write(a))).isFalse();
    assertThat(repeatable(declareY(read(a)), write(y))).isFalse();
    assertThat(repeatable(declareY(newArray()), new Stmt.Assign(y, read(a), null), write(y)))
        .isFalse();
  }

  @Test
  void callsFieldsAndExpressionStatementsAreNot() {
    Expr call = new Expr.OpaqueCall(null, ClassName.get("p", "R"), "next", List.of(),
        TypeName.DOUBLE, null);
    assertThat(repeatable(declareY(newArray()),
        new Stmt.ArrayAssign(y, List.of(intLit(0)), call, null))).isFalse();
    Expr field = new Expr.FieldRead(null, ClassName.get("p", "R"), "k", TypeName.DOUBLE, null, null);
    assertThat(repeatable(declareY(newArray()),
        new Stmt.ArrayAssign(y, List.of(intLit(0)), field, null))).isFalse();
    assertThat(repeatable(declareY(newArray()), new Stmt.Eval(call, null))).isFalse();
  }
}

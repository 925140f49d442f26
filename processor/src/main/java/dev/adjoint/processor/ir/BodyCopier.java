package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of a lowered primal body, for writing a callee into its caller: every variable fresh
 * unless {@link #variables} already binds it (a callee's array parameter to the caller's array),
 * and each {@code return e} made {@code result = e} (dropped where {@link #result} is null, a
 * {@code void} callee's). After {@link dev.adjoint.processor.transform.normalize.Returns} every
 * path ends in its one return, so the copy then falls through to its end. Used by second order's
 * inliner and by the out-parameter rewrite, which also binds an array parameter to a row of a
 * matrix ({@link #element}).
 */
public class BodyCopier extends PrimalVisitor<Expr> implements Stmt.Visitor<Stmt> {
  /** The callee's variables and what stands for them in the copy. */
  public final Map<Variable, Variable> variables = new IdentityHashMap<>();

  /** The variable each return assigns, or null for a callee whose returns carry no value. */
  public Variable result;

  /** The callee's array parameters bound to a row of a caller's matrix. */
  private final Map<Variable, Row> rows = new IdentityHashMap<>();

  /** A parameter bound to row {@code index} of {@code matrix}. */
  private record Row(Variable matrix, Expr index) {}

  /**
   * Binds the callee's array parameter {@code param} to row {@code index} of the caller's {@code
   * matrix}; {@code index} is read at every use, so it must not change while the copy runs (a
   * literal, or a local of its own set before the copy).
   */
  public void bindRow(Variable param, Variable matrix, Expr index) {
    rows.put(param, new Row(matrix, index));
  }

  /** The copy of {@code old}: its binding, or a fresh variable of its hint and type. */
  public Variable v(Variable old) {
    Variable mapped = variables.get(old);
    if (mapped == null) {
      Variable shape = old.shapeOf() == null ? null : v(old.shapeOf());
      mapped = new Variable(old.hint(), old.type(), old.kind(), shape);
      variables.put(old, mapped);
    }
    return mapped;
  }

  public Stmt.Block block(Stmt.Block b) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : b.stmts()) {
      out.add(s.accept(this));
    }
    return new Stmt.Block(out, b.ref());
  }

  protected final Expr e(Expr e) {
    return e == null ? null : e.accept(this);
  }

  protected final List<Expr> all(List<Expr> es) {
    List<Expr> out = new ArrayList<>();
    for (Expr e : es) {
      out.add(e(e));
    }
    return out;
  }

  /** An element of an array, or of a row that an array variable stands for. */
  public record Element(Variable array, List<Expr> indices) {}

  /**
   * Where {@code array[indices]} of the callee is in the copy: {@code v(array)}, or the matrix of
   * the row the array is bound to, the row's index first.
   */
  protected Element element(Variable array, List<Expr> indices) {
    Row row = rows.get(array);
    if (row == null) {
      return new Element(v(array), all(indices));
    }
    List<Expr> out = new ArrayList<>();
    out.add(row.index());
    out.addAll(all(indices));
    return new Element(row.matrix(), out);
  }

  @Override
  public Stmt visitDeclare(Stmt.Declare s) {
    return new Stmt.Declare(v(s.variable()), e(s.init()), s.ref());
  }

  @Override
  public Stmt visitAssign(Stmt.Assign s) {
    return new Stmt.Assign(v(s.variable()), e(s.value()), s.ref());
  }

  @Override
  public Stmt visitIf(Stmt.If s) {
    return new Stmt.If(e(s.condition()), block(s.then()), block(s.otherwise()), s.ref());
  }

  @Override
  public Stmt visitReturn(Stmt.Return s) {
    if (result == null) {
      return Stmt.Block.of(List.of());
    }
    return new Stmt.Assign(result, e(s.value()), s.ref());
  }

  @Override
  public Stmt visitEval(Stmt.Eval s) {
    return new Stmt.Eval(e(s.expr()), s.ref());
  }

  @Override
  public Stmt visitBlock(Stmt.Block s) {
    return block(s);
  }

  @Override
  public Stmt visitLoop(Stmt.Loop s) {
    return new Stmt.Loop(e(s.condition()), block(s.body()), block(s.update()), s.testFirst(),
        s.ref());
  }

  @Override
  public Stmt visitJump(Stmt.Jump s) {
    return s;
  }

  @Override
  public Stmt visitPush(Stmt.Push s) {
    throw new IllegalArgumentException("not a primal statement: " + s);
  }

  @Override
  public Stmt visitArrayAssign(Stmt.ArrayAssign s) {
    Element at = element(s.array(), s.indices());
    return new Stmt.ArrayAssign(at.array(), at.indices(), e(s.value()), s.ref());
  }

  @Override
  public Expr visitLiteral(Expr.Literal e) {
    return e;
  }

  @Override
  public Expr visitRead(Expr.Read e) {
    Row row = rows.get(e.variable());
    if (row != null) {
      return new Expr.ArrayRead(row.matrix(), List.of(row.index()), e.ref());
    }
    return new Expr.Read(v(e.variable()), e.ref());
  }

  @Override
  public Expr visitUnary(Expr.Unary e) {
    return new Expr.Unary(e.op(), e(e.operand()), e.type(), e.ref());
  }

  @Override
  public Expr visitBinary(Expr.Binary e) {
    return new Expr.Binary(e.op(), e(e.left()), e(e.right()), e.type(), e.ref());
  }

  @Override
  public Expr visitConditional(Expr.Conditional e) {
    return new Expr.Conditional(e(e.condition()), e(e.whenTrue()), e(e.whenFalse()), e.type(),
        e.ref());
  }

  @Override
  public Expr visitCast(Expr.Cast e) {
    return new Expr.Cast(e.type(), e(e.operand()), e.ref());
  }

  @Override
  public Expr visitMathCall(Expr.MathCall e) {
    return new Expr.MathCall(e.function(), e.owner(), all(e.args()), e.ref());
  }

  @Override
  public Expr visitStopGradient(Expr.StopGradient e) {
    return new Expr.StopGradient(e(e.arg()), e.ref());
  }

  @Override
  public Expr visitDiffCall(Expr.DiffCall e) {
    return new Expr.DiffCall(e.callee(), all(e.args()), e.ref());
  }

  @Override
  public Expr visitOpaqueCall(Expr.OpaqueCall e) {
    return new Expr.OpaqueCall(e(e.receiver()), e.owner(), e.name(), all(e.args()), e.type(),
        e.ref());
  }

  @Override
  public Expr visitFieldRead(Expr.FieldRead e) {
    return e.withReceiver(e(e.receiver()));
  }

  @Override
  public Expr visitArrayRead(Expr.ArrayRead e) {
    Element at = element(e.array(), e.indices());
    return new Expr.ArrayRead(at.array(), at.indices(), e.ref());
  }

  @Override
  public Expr visitArrayLength(Expr.ArrayLength e) {
    Element at = element(e.array(), e.indices());
    return new Expr.ArrayLength(at.array(), at.indices(), e.ref());
  }

  @Override
  public Expr visitNewArray(Expr.NewArray e) {
    return new Expr.NewArray(e.element(), all(e.lengths()), e.ref());
  }

  /**
   * A rewrite in place rather than a copy: every variable is kept, and returns stay returns. The
   * second-order sweep's rewrites ({@code Captures}, {@code Replays}) extend it.
   */
  public static class InPlace extends BodyCopier {
    @Override
    public Variable v(Variable old) {
      return old;
    }

    @Override
    public Stmt visitReturn(Stmt.Return s) {
      return new Stmt.Return(e(s.value()), s.ref());
    }
  }
}

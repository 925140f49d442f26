package dev.adjoint.processor.transform.second;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Drops the zero-tangent guards from a forward body that is to be differentiated again: each
 * {@code factor == 0 ? 0 : product} whose factor is a tangent (it reads a tangent variable or a
 * direction) becomes {@code product}. Forward mode writes them (through {@link
 * dev.adjoint.processor.transform.Partials#times} and {@code zeroWhereZero}) so that a zero
 * tangent contributes exactly 0 through an infinite partial; the user's code has no tangents, so
 * no condition of theirs is touched, nor are the conventions inside partials ({@code y == 0 ? 0 :
 * ...} of {@code pow}, over primal values).
 */
final class Unguard {
  private Unguard() {}

  static List<Stmt> of(List<Stmt> stmts, Set<Variable> directions) {
    return StmtRewriter.rewrite(stmts, s -> List.of(leaf(s, directions)), s -> false);
  }

  private static Stmt leaf(Stmt s, Set<Variable> directions) {
    if (s instanceof Stmt.Declare d && d.init() != null) {
      return new Stmt.Declare(d.variable(), expr(d.init(), directions), d.ref());
    }
    if (s instanceof Stmt.Assign a) {
      return new Stmt.Assign(a.variable(), expr(a.value(), directions), a.ref());
    }
    if (s instanceof Stmt.ArrayAssign a) {
      return new Stmt.ArrayAssign(a.array(), a.indices(), expr(a.value(), directions), a.ref());
    }
    if (s instanceof Stmt.Return r && r.value() != null) {
      return new Stmt.Return(expr(r.value(), directions), r.ref());
    }
    return s;
  }

  private static boolean isGuard(Expr.Conditional c, Set<Variable> directions) {
    if (c.ref() != null || !(c.condition() instanceof Expr.Binary b)
        || b.op() != Expr.BinaryOp.EQ || !isZero(b.right()) || !isZero(c.whenTrue())) {
      return false;
    }
    boolean[] tangent = {false};
    IrWalker.forEachExpr(b.left(), e -> tangent[0] |= e instanceof Expr.Read r
        && (r.variable().kind() == Variable.Kind.TANGENT || directions.contains(r.variable())));
    return tangent[0];
  }

  private static boolean isZero(Expr e) {
    return e instanceof Expr.Literal l && l.value() instanceof Number n && n.doubleValue() == 0;
  }

  /** {@code e} with its guards dropped, rebuilt where anything below it changed. */
  private static Expr expr(Expr e, Set<Variable> directions) {
    if (e instanceof Expr.Conditional c) {
      if (isGuard(c, directions)) {
        return expr(c.whenFalse(), directions);
      }
      return new Expr.Conditional(expr(c.condition(), directions),
          expr(c.whenTrue(), directions), expr(c.whenFalse(), directions), c.type(), c.ref());
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), expr(b.left(), directions), expr(b.right(), directions),
          b.type(), b.ref());
    }
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.op(), expr(u.operand(), directions), u.type(), u.ref());
    }
    if (e instanceof Expr.Cast c) {
      return new Expr.Cast(c.type(), expr(c.operand(), directions), c.ref());
    }
    if (e instanceof Expr.MathCall m) {
      List<Expr> args = new ArrayList<>();
      for (Expr a : m.args()) {
        args.add(expr(a, directions));
      }
      return new Expr.MathCall(m.function(), m.owner(), args, m.ref());
    }
    // Guards sit in arithmetic over tangents; no other node holds one.
    return e;
  }
}

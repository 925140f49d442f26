package dev.adjoint.processor.ir;

import java.util.function.Consumer;

/** Walks every statement or expression of a statement tree, parents before children, in order. */
public final class IrWalker {
  private IrWalker() {}

  /** Visits {@code stmt} and every statement nested in it (branches, loop bodies, blocks). */
  public static void forEachStmt(Stmt stmt, Consumer<Stmt> action) {
    action.accept(stmt);
    if (stmt instanceof Stmt.If i) {
      forEachStmt(i.then(), action);
      forEachStmt(i.otherwise(), action);
    } else if (stmt instanceof Stmt.Loop l) {
      forEachStmt(l.body(), action);
      forEachStmt(l.update(), action);
    } else if (stmt instanceof Stmt.Block b) {
      b.stmts().forEach(child -> forEachStmt(child, action));
    }
  }

  public static void forEachExpr(Stmt stmt, Consumer<Expr> action) {
    stmt.accept(
        new Stmt.Visitor<Void>() {
          @Override
          public Void visitDeclare(Stmt.Declare s) {
            if (s.init() != null) {
              forEachExpr(s.init(), action);
            }
            return null;
          }

          @Override
          public Void visitAssign(Stmt.Assign s) {
            forEachExpr(s.value(), action);
            return null;
          }

          @Override
          public Void visitIf(Stmt.If s) {
            forEachExpr(s.condition(), action);
            s.then().accept(this);
            s.otherwise().accept(this);
            return null;
          }

          @Override
          public Void visitReturn(Stmt.Return s) {
            forEachExpr(s.value(), action);
            return null;
          }

          @Override
          public Void visitEval(Stmt.Eval s) {
            forEachExpr(s.expr(), action);
            return null;
          }

          @Override
          public Void visitLoop(Stmt.Loop s) {
            forEachExpr(s.condition(), action);
            s.body().accept(this);
            s.update().accept(this);
            return null;
          }

          @Override
          public Void visitJump(Stmt.Jump s) {
            return null;
          }

          @Override
          public Void visitPush(Stmt.Push s) {
            forEachExpr(s.value(), action);
            return null;
          }

          @Override
          public Void visitArrayAssign(Stmt.ArrayAssign s) {
            s.indices().forEach(i -> forEachExpr(i, action));
            forEachExpr(s.value(), action);
            return null;
          }

          @Override
          public Void visitBlock(Stmt.Block s) {
            for (Stmt child : s.stmts()) {
              child.accept(this);
            }
            return null;
          }
        });
  }

  /** Visits {@code expr} and every expression below it, parents first. */
  public static void forEachExpr(Expr expr, Consumer<Expr> action) {
    action.accept(expr);
    forEachChild(expr, child -> forEachExpr(child, action));
  }

  /** Visits the expressions directly below {@code expr}. */
  public static void forEachChild(Expr expr, Consumer<Expr> action) {
    expr.accept(
        new Expr.Visitor<Void>() {
          private Void all(Iterable<Expr> children) {
            for (Expr c : children) {
              action.accept(c);
            }
            return null;
          }

          private Void one(Expr child) {
            if (child != null) {
              action.accept(child);
            }
            return null;
          }

          @Override
          public Void visitLiteral(Expr.Literal e) {
            return null;
          }

          @Override
          public Void visitRead(Expr.Read e) {
            return null;
          }

          @Override
          public Void visitUnary(Expr.Unary e) {
            return one(e.operand());
          }

          @Override
          public Void visitBinary(Expr.Binary e) {
            one(e.left());
            return one(e.right());
          }

          @Override
          public Void visitConditional(Expr.Conditional e) {
            one(e.condition());
            one(e.whenTrue());
            return one(e.whenFalse());
          }

          @Override
          public Void visitCast(Expr.Cast e) {
            return one(e.operand());
          }

          @Override
          public Void visitMathCall(Expr.MathCall e) {
            return all(e.args());
          }

          @Override
          public Void visitStopGradient(Expr.StopGradient e) {
            return one(e.arg());
          }

          @Override
          public Void visitDiffCall(Expr.DiffCall e) {
            return all(e.args());
          }

          @Override
          public Void visitOpaqueCall(Expr.OpaqueCall e) {
            one(e.receiver());
            return all(e.args());
          }

          @Override
          public Void visitFieldRead(Expr.FieldRead e) {
            return one(e.receiver());
          }

          @Override
          public Void visitVjpOf(Expr.VjpOf e) {
            return all(e.args());
          }

          @Override
          public Void visitVjpValue(Expr.VjpValue e) {
            return null;
          }

          @Override
          public Void visitPullback(Expr.Pullback e) {
            return one(e.cotangent());
          }

          @Override
          public Void visitComponent(Expr.Component e) {
            return null;
          }

          @Override
          public Void visitPop(Expr.Pop e) {
            return null;
          }

          @Override
          public Void visitArrayRead(Expr.ArrayRead e) {
            return all(e.indices());
          }

          @Override
          public Void visitArrayLength(Expr.ArrayLength e) {
            return all(e.indices());
          }

          @Override
          public Void visitNewArray(Expr.NewArray e) {
            return all(e.lengths());
          }
        });
  }
}

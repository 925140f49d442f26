package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Walks every statement or expression of a statement tree, parents before children, in order. */
public final class IrWalker {
  private IrWalker() {}

  /** Visits {@code stmt} and every statement nested in it (branches, loop bodies, blocks). */
  public static void forEachStmt(Stmt stmt, Consumer<Stmt> action) {
    action.accept(stmt);
    for (Stmt child : nested(stmt)) {
      forEachStmt(child, action);
    }
  }

  /** The statements directly nested in {@code stmt}: an if's branches, a loop's body and update. */
  public static List<Stmt> nested(Stmt stmt) {
    return stmt.accept(NESTED);
  }

  /** The expressions {@code stmt} itself holds, not those of statements nested in it. */
  public static List<Expr> ownExprs(Stmt stmt) {
    return stmt.accept(OWN_EXPRS);
  }

  private static final Stmt.Visitor<List<Stmt>> NESTED = new Stmt.Visitor<>() {
    @Override
    public List<Stmt> visitDeclare(Stmt.Declare s) {
      return List.of();
    }

    @Override
    public List<Stmt> visitAssign(Stmt.Assign s) {
      return List.of();
    }

    @Override
    public List<Stmt> visitIf(Stmt.If s) {
      return List.of(s.then(), s.otherwise());
    }

    @Override
    public List<Stmt> visitReturn(Stmt.Return s) {
      return List.of();
    }

    @Override
    public List<Stmt> visitEval(Stmt.Eval s) {
      return List.of();
    }

    @Override
    public List<Stmt> visitBlock(Stmt.Block s) {
      return s.stmts();
    }

    @Override
    public List<Stmt> visitLoop(Stmt.Loop s) {
      return List.of(s.body(), s.update());
    }

    @Override
    public List<Stmt> visitJump(Stmt.Jump s) {
      return List.of();
    }

    @Override
    public List<Stmt> visitPush(Stmt.Push s) {
      return List.of();
    }

    @Override
    public List<Stmt> visitArrayAssign(Stmt.ArrayAssign s) {
      return List.of();
    }
  };

  private static final Stmt.Visitor<List<Expr>> OWN_EXPRS = new Stmt.Visitor<>() {
    private List<Expr> of(Expr e) {
      return e == null ? List.of() : List.of(e);
    }

    @Override
    public List<Expr> visitDeclare(Stmt.Declare s) {
      return of(s.init());
    }

    @Override
    public List<Expr> visitAssign(Stmt.Assign s) {
      return of(s.value());
    }

    @Override
    public List<Expr> visitIf(Stmt.If s) {
      return of(s.condition());
    }

    @Override
    public List<Expr> visitReturn(Stmt.Return s) {
      return of(s.value());
    }

    @Override
    public List<Expr> visitEval(Stmt.Eval s) {
      return of(s.expr());
    }

    @Override
    public List<Expr> visitBlock(Stmt.Block s) {
      return List.of();
    }

    @Override
    public List<Expr> visitLoop(Stmt.Loop s) {
      return of(s.condition());
    }

    @Override
    public List<Expr> visitJump(Stmt.Jump s) {
      return List.of();
    }

    @Override
    public List<Expr> visitPush(Stmt.Push s) {
      return of(s.value());
    }

    @Override
    public List<Expr> visitArrayAssign(Stmt.ArrayAssign s) {
      List<Expr> out = new ArrayList<>(s.indices());
      out.add(s.value());
      return out;
    }
  };

  /** Visits every expression of {@code stmt} and of the statements nested in it, in order. */
  public static void forEachExpr(Stmt stmt, Consumer<Expr> action) {
    forEachStmt(stmt, s -> {
      for (Expr e : ownExprs(s)) {
        forEachExpr(e, action);
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

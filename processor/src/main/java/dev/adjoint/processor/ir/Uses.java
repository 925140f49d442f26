package dev.adjoint.processor.ir;

import com.palantir.javapoet.ArrayTypeName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What IR reads and writes: the variables a statement or expression refers to, the variable or
 * array a statement assigns, the arrays a call that is not differentiated may write into. Every
 * transform and analysis asks these questions here, so that one answer holds for all of them.
 */
public final class Uses {
  private Uses() {}

  /** The variable an expression node itself names (not its children's), or null. */
  private static final Expr.Visitor<Variable> NAMED = new Expr.Visitor<>() {
    @Override
    public Variable visitLiteral(Expr.Literal e) {
      return null;
    }

    @Override
    public Variable visitRead(Expr.Read e) {
      return e.variable();
    }

    @Override
    public Variable visitUnary(Expr.Unary e) {
      return null;
    }

    @Override
    public Variable visitBinary(Expr.Binary e) {
      return null;
    }

    @Override
    public Variable visitConditional(Expr.Conditional e) {
      return null;
    }

    @Override
    public Variable visitCast(Expr.Cast e) {
      return null;
    }

    @Override
    public Variable visitMathCall(Expr.MathCall e) {
      return null;
    }

    @Override
    public Variable visitStopGradient(Expr.StopGradient e) {
      return null;
    }

    @Override
    public Variable visitDiffCall(Expr.DiffCall e) {
      return null;
    }

    @Override
    public Variable visitOpaqueCall(Expr.OpaqueCall e) {
      return null;
    }

    @Override
    public Variable visitFieldRead(Expr.FieldRead e) {
      return null;
    }

    @Override
    public Variable visitVjpOf(Expr.VjpOf e) {
      return null;
    }

    @Override
    public Variable visitVjpValue(Expr.VjpValue e) {
      return e.call();
    }

    @Override
    public Variable visitPullback(Expr.Pullback e) {
      return e.call();
    }

    @Override
    public Variable visitComponent(Expr.Component e) {
      return e.record();
    }

    @Override
    public Variable visitPop(Expr.Pop e) {
      return null;
    }

    @Override
    public Variable visitArrayRead(Expr.ArrayRead e) {
      return e.array();
    }

    @Override
    public Variable visitArrayLength(Expr.ArrayLength e) {
      return e.array();
    }

    @Override
    public Variable visitNewArray(Expr.NewArray e) {
      return null;
    }
  };

  /**
   * The variable the expression node itself names, not its children's: the variable a read
   * reads, the array of an element or length, the call of a value or pullback, the record of a
   * component; null for every other kind.
   */
  public static Variable named(Expr e) {
    return e.accept(NAMED);
  }

  /** Adds the non-adjoint variables that {@code s} (and every statement in it) reads to {@code out}. */
  public static void referenced(Stmt s, Set<Variable> out) {
    IrWalker.forEachExpr(s, e -> {
      Variable v = e.accept(NAMED);
      if (v != null && v.kind() != Variable.Kind.ADJOINT) {
        out.add(v);
      }
    });
  }

  /** Whether {@code e} reads the variable {@code v} itself (an {@link Expr.Read} of it). */
  public static boolean reads(Expr e, Variable v) {
    boolean[] found = {false};
    IrWalker.forEachExpr(e, x -> found[0] |= x instanceof Expr.Read r && r.variable() == v);
    return found[0];
  }

  /** Whether {@code s} refers to {@code v} (see {@link #referenced}). */
  public static boolean reads(Stmt s, Variable v) {
    Set<Variable> vars = new HashSet<>();
    referenced(s, vars);
    return vars.contains(v);
  }

  /** The variable or array a statement itself assigns, if it assigns one. */
  public static Optional<Variable> written(Stmt s) {
    return Optional.ofNullable(s.accept(WRITTEN));
  }

  private static final Stmt.Visitor<Variable> WRITTEN = new Stmt.Visitor<>() {
    @Override
    public Variable visitDeclare(Stmt.Declare s) {
      return s.variable();
    }

    @Override
    public Variable visitAssign(Stmt.Assign s) {
      return s.variable();
    }

    @Override
    public Variable visitArrayAssign(Stmt.ArrayAssign s) {
      return s.array();
    }

    @Override
    public Variable visitIf(Stmt.If s) {
      return null;
    }

    @Override
    public Variable visitReturn(Stmt.Return s) {
      return null;
    }

    @Override
    public Variable visitEval(Stmt.Eval s) {
      return null;
    }

    @Override
    public Variable visitBlock(Stmt.Block s) {
      return null;
    }

    @Override
    public Variable visitLoop(Stmt.Loop s) {
      return null;
    }

    @Override
    public Variable visitJump(Stmt.Jump s) {
      return null;
    }

    @Override
    public Variable visitPush(Stmt.Push s) {
      return null;
    }
  };

  /**
   * Gives {@code out} what {@code s} itself (not a statement nested in it) may write: the
   * variable or array it assigns, and every array passed to a call that is not differentiated
   * in its own expressions (such a call may write into the array: {@code Arrays.sort(data)}).
   */
  public static void writes(Stmt s, Consumer<Variable> out) {
    written(s).ifPresent(out);
    Consumer<Expr> calls = e -> {
      if (e instanceof Expr.OpaqueCall call) {
        passedArrays(call).forEach(out);
      }
    };
    for (Expr e : IrWalker.ownExprs(s)) {
      IrWalker.forEachExpr(e, calls);
    }
  }

  /**
   * The arrays (variables) among the arguments of {@code call}, in order, which it may write;
   * none for a call that copies them ({@link Expr.OpaqueCall#makesProductsAtPoint}).
   */
  public static List<Variable> passedArrays(Expr.OpaqueCall call) {
    List<Variable> out = new ArrayList<>();
    if (call.makesProductsAtPoint()) {
      return out;
    }
    for (Expr arg : call.args()) {
      if (arg instanceof Expr.Read r && r.variable().type() instanceof ArrayTypeName
          && !out.contains(r.variable())) {
        out.add(r.variable());
      }
    }
    return out;
  }
}

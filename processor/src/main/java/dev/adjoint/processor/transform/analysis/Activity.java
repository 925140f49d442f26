package dev.adjoint.processor.transform.analysis;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Activity analysis: which variables vary with the differentiable inputs, and which are useful
 * (reach the result). Only variables that are both get adjoints; only expressions that vary get
 * adjoint code. Flow-insensitive over variables (a variable varies if any assignment to it does),
 * which errs on the side of more adjoint code, never less.
 */
public final class Activity {
  private final Set<Variable> varied = new HashSet<>();
  private final Set<Variable> useful = new HashSet<>();

  private Activity() {}

  public static Activity of(List<Variable> params, List<Param> signatureParams, Stmt.Block body) {
    Activity a = new Activity();
    for (int i = 0; i < params.size(); i++) {
      if (signatureParams.get(i).differentiable()) {
        a.varied.add(params.get(i));
      }
    }
    List<Stmt> assignments = new ArrayList<>();
    List<Expr> returned = new ArrayList<>();
    collect(body, assignments, returned);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Stmt s : assignments) {
        Variable target = target(s);
        Expr value = value(s);
        boolean floating = target.type().equals(TypeName.DOUBLE)
            || Expr.isArray(target.type());
        if (value != null && floating && !a.varied.contains(target) && a.varies(value)) {
          a.varied.add(target);
          changed = true;
        }
      }
    }
    for (Expr e : returned) {
      a.markUseful(e);
    }
    changed = true;
    while (changed) {
      changed = false;
      for (Stmt s : assignments) {
        Expr value = value(s);
        if (value != null && a.useful.contains(target(s))) {
          changed |= a.markUseful(value);
        }
      }
    }
    return a;
  }

  /** True when the variable gets an adjoint. */
  public boolean isActive(Variable v) {
    return varied.contains(v) && useful.contains(v);
  }

  /** Declares a variable the transformer made as active or not. */
  public void mark(Variable v, boolean active) {
    if (active) {
      varied.add(v);
      useful.add(v);
    }
  }

  /** True when the value of {@code e} depends on a differentiable input. */
  public boolean varies(Expr e) {
    return Boolean.TRUE.equals(e.accept(new Varies()));
  }

  /**
   * Marks the variables whose cotangent {@code e} passes on: those read where a derivative flows.
   * A value that does not vary passes nothing back, so reads under {@code stopGradient}, inside
   * piecewise-constant functions, in conditions, or in @NoDiff arguments make nothing useful.
   * (Marking them once made a method whose result was a constant sweep its whole body with zero
   * cotangents, turning an infinite partial into a NaN gradient where the answer is 0.)
   */
  private boolean markUseful(Expr e) {
    return varies(e) && e.accept(markUseful);
  }

  private boolean markChildren(Expr e) {
    boolean[] changed = {false};
    IrWalker.forEachChild(e, child -> changed[0] |= markUseful(child));
    return changed[0];
  }

  /** Marks below a varying expression; one arm per kind of expression. */
  private final Expr.Visitor<Boolean> markUseful = new Expr.Visitor<>() {
    @Override
    public Boolean visitLiteral(Expr.Literal e) {
      return false;
    }

    @Override
    public Boolean visitRead(Expr.Read e) {
      return useful.add(e.variable());
    }

    @Override
    public Boolean visitUnary(Expr.Unary e) {
      return markChildren(e);
    }

    @Override
    public Boolean visitBinary(Expr.Binary e) {
      return markChildren(e);
    }

    @Override
    public Boolean visitConditional(Expr.Conditional e) {
      return markUseful(e.whenTrue()) | markUseful(e.whenFalse()); // not the condition
    }

    @Override
    public Boolean visitCast(Expr.Cast e) {
      return markChildren(e);
    }

    @Override
    public Boolean visitMathCall(Expr.MathCall e) {
      return markChildren(e);
    }

    @Override
    public Boolean visitStopGradient(Expr.StopGradient e) {
      return false; // never varies
    }

    @Override
    public Boolean visitDiffCall(Expr.DiffCall call) {
      boolean changed = false;
      List<Param> params = call.callee().params();
      for (int i = 0; i < params.size(); i++) {
        if (params.get(i).differentiable()) {
          changed |= markUseful(call.args().get(i));
        }
      }
      return changed;
    }

    @Override
    public Boolean visitOpaqueCall(Expr.OpaqueCall e) {
      return markChildren(e); // varying only where Subset reports it
    }

    @Override
    public Boolean visitFieldRead(Expr.FieldRead e) {
      return false; // never varies
    }

    @Override
    public Boolean visitVjpOf(Expr.VjpOf e) {
      return markChildren(e);
    }

    @Override
    public Boolean visitVjpValue(Expr.VjpValue e) {
      return false; // names a call, not a variable of the user's
    }

    @Override
    public Boolean visitPullback(Expr.Pullback e) {
      return markChildren(e);
    }

    @Override
    public Boolean visitComponent(Expr.Component e) {
      return false;
    }

    @Override
    public Boolean visitPop(Expr.Pop e) {
      return false;
    }

    @Override
    public Boolean visitArrayRead(Expr.ArrayRead e) {
      return useful.add(e.array());
    }

    @Override
    public Boolean visitArrayLength(Expr.ArrayLength e) {
      return false; // never varies
    }

    @Override
    public Boolean visitNewArray(Expr.NewArray e) {
      return false; // never varies
    }
  };

  private static Variable target(Stmt s) {
    if (s instanceof Stmt.ArrayAssign a) {
      return a.array();
    }
    return s instanceof Stmt.Declare d ? d.variable() : ((Stmt.Assign) s).variable();
  }

  private static Expr value(Stmt s) {
    if (s instanceof Stmt.ArrayAssign a) {
      return a.value();
    }
    return s instanceof Stmt.Declare d ? d.init() : ((Stmt.Assign) s).value();
  }

  /**
   * Gives {@code assignments} the statements at any depth that assign a variable or an array, and
   * {@code returned} the returned values; one arm per kind of statement.
   */
  private static void collect(Stmt body, List<Stmt> assignments, List<Expr> returned) {
    Stmt.Visitor<Void> collector = new Stmt.Visitor<>() {
      @Override
      public Void visitDeclare(Stmt.Declare s) {
        assignments.add(s);
        return null;
      }

      @Override
      public Void visitAssign(Stmt.Assign s) {
        assignments.add(s);
        return null;
      }

      @Override
      public Void visitArrayAssign(Stmt.ArrayAssign s) {
        assignments.add(s);
        return null;
      }

      @Override
      public Void visitReturn(Stmt.Return s) {
        returned.add(s.value());
        return null;
      }

      @Override
      public Void visitIf(Stmt.If s) {
        return null; // its branches are walked
      }

      @Override
      public Void visitLoop(Stmt.Loop s) {
        return null; // its body and update are walked
      }

      @Override
      public Void visitBlock(Stmt.Block s) {
        return null;
      }

      @Override
      public Void visitEval(Stmt.Eval s) {
        return null; // assigns nothing: a call that may write an array is Subset's to check
      }

      @Override
      public Void visitJump(Stmt.Jump s) {
        return null;
      }

      @Override
      public Void visitPush(Stmt.Push s) {
        return null; // records a value; assigns nothing
      }
    };
    IrWalker.forEachStmt(body, st -> st.accept(collector));
  }

  /** Whether an expression varies. */
  private final class Varies implements Expr.Visitor<Boolean> {
    private boolean any(List<Expr> es) {
      for (Expr e : es) {
        if (e.accept(this)) {
          return true;
        }
      }
      return false;
    }

    private boolean isFloating(TypeName t) {
      return t.equals(TypeName.DOUBLE) || t.equals(TypeName.FLOAT);
    }

    @Override
    public Boolean visitLiteral(Expr.Literal e) {
      return false;
    }

    @Override
    public Boolean visitRead(Expr.Read e) {
      return varied.contains(e.variable());
    }

    @Override
    public Boolean visitUnary(Expr.Unary e) {
      return isFloating(e.type()) && e.operand().accept(this);
    }

    @Override
    public Boolean visitBinary(Expr.Binary e) {
      return isFloating(e.type()) && (e.left().accept(this) || e.right().accept(this));
    }

    @Override
    public Boolean visitConditional(Expr.Conditional e) {
      return isFloating(e.type()) && (e.whenTrue().accept(this) || e.whenFalse().accept(this));
    }

    @Override
    public Boolean visitCast(Expr.Cast e) {
      return isFloating(e.type()) && e.operand().accept(this);
    }

    @Override
    public Boolean visitMathCall(Expr.MathCall e) {
      return !e.function().isPiecewiseConstant() && any(e.args());
    }

    @Override
    public Boolean visitStopGradient(Expr.StopGradient e) {
      return false;
    }

    @Override
    public Boolean visitDiffCall(Expr.DiffCall e) {
      List<Param> params = e.callee().params();
      for (int i = 0; i < params.size(); i++) {
        if (params.get(i).differentiable() && e.args().get(i).accept(this)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Boolean visitOpaqueCall(Expr.OpaqueCall e) {
      // Checked by the transformer: a floating-point result from varying arguments is an error.
      return isFloating(e.type())
          && ((e.receiver() != null && e.receiver().accept(this)) || any(e.args()));
    }

    @Override
    public Boolean visitFieldRead(Expr.FieldRead e) {
      return false;
    }

    @Override
    public Boolean visitVjpOf(Expr.VjpOf e) {
      return false;
    }

    @Override
    public Boolean visitVjpValue(Expr.VjpValue e) {
      return true;
    }

    @Override
    public Boolean visitPullback(Expr.Pullback e) {
      return false;
    }

    @Override
    public Boolean visitComponent(Expr.Component e) {
      return false;
    }

    @Override
    public Boolean visitPop(Expr.Pop e) {
      return false;
    }

    @Override
    public Boolean visitArrayRead(Expr.ArrayRead e) {
      return varied.contains(e.array());
    }

    @Override
    public Boolean visitArrayLength(Expr.ArrayLength e) {
      return false;
    }

    @Override
    public Boolean visitNewArray(Expr.NewArray e) {
      return false;
    }
  }
}

package dev.adjoint.processor.transform.analysis;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Detours: a value that depends on a differentiable input, carried on by something with no
 * tangent (a box such as {@code Object o = x}, a {@code String}, the bits of a double, the result
 * of an unannotated method, an object an unannotated method was given it), and then made a
 * {@code double} again (unboxed, cast, {@code Double.longBitsToDouble}, {@code
 * Double.parseDouble}, {@code ((Number) o).doubleValue()}). Its derivative would silently be
 * zero, so each place where a detour ends is an error; a detour that never becomes a double again
 * (logging, comparisons, {@code (int) x}) is fine, and so are {@code Ad.stopGradient} and the
 * piecewise-constant {@code Math} functions, whose derivative is zero anyway.
 *
 * <p>Flow-insensitive over variables, like {@link Activity}: a variable carries a detour if any
 * assignment to it does. Values that unannotated methods keep in their own state (a field, an
 * array) are not followed.
 */
public final class Detours {
  private final Activity activity;
  /** The variables that carry a detour, with what carried it first. */
  private final Map<Variable, String> carriers = new HashMap<>();
  private final Report.Builder report = Report.builder();
  /** Conversions to double whose derivative is zero anyway (see {@link #exemptConversion}). */
  private final Set<Expr> exempt = java.util.Collections.newSetFromMap(
      new java.util.IdentityHashMap<>());
  /** The statement being checked: where a report goes when its expression has no place. */
  private SourceRef statement;

  /** Immutable value types: giving one to a method cannot change it. */
  private static final Set<String> IMMUTABLE = Set.of("java.lang.String", "java.lang.Double",
      "java.lang.Float", "java.lang.Long", "java.lang.Integer", "java.lang.Short",
      "java.lang.Byte", "java.lang.Character", "java.lang.Boolean");

  private Detours(Activity activity) {
    this.activity = activity;
  }

  /** The errors for the places in {@code body} where a detour becomes a double again. */
  public static Report check(Activity activity, Stmt.Block body) {
    Detours d = new Detours(activity);
    d.findCarriers(body);
    IrWalker.forEachStmt(body, d::checkStmt);
    return d.report.build();
  }

  /**
   * Whether an unannotated method's result may carry a differentiable argument's value in a way
   * the detour check cannot follow, so that such a call must get no differentiable argument at
   * all: a {@code double} or {@code float} (the call itself would need a derivative) or an array.
   * Other results (a {@code String}, a box, any object) are followed as detours.
   */
  public static boolean resultNeedsDerivative(TypeName t) {
    return t.equals(TypeName.DOUBLE) || t.equals(TypeName.FLOAT) || t instanceof ArrayTypeName;
  }

  /**
   * Whether {@code p} is the first parameter of a Hessian-vector sweep's call of a callee it goes
   * through ({@code model.Nested#at}): the callee's generated {@code GHvpAt} at the point. It
   * depends on the differentiable arguments, which the call is given too; its pullback, not a
   * tangent of it, carries their derivative.
   */
  private static boolean isProductsAtPoint(Param p) {
    return !p.differentiable() && Expr.OpaqueCall.isProductsAtPoint(p.type());
  }

  // ---------------------------------------------------------------- what carries a detour

  private void findCarriers(Stmt.Block body) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Stmt s : assignments(body)) {
        if (s instanceof Stmt.ArrayAssign a) {
          // An element of a discrete array (long[] bits) carries what was written into it.
          String why = carriers.containsKey(a.array()) ? null : why(a.value());
          if (why != null) {
            carriers.put(a.array(), why);
            changed = true;
          }
          continue;
        }
        Variable target = s instanceof Stmt.Declare d ? d.variable() : ((Stmt.Assign) s).variable();
        Expr value = s instanceof Stmt.Declare d ? d.init() : ((Stmt.Assign) s).value();
        if (value == null || carriers.containsKey(target) || floating(target.type())
            || Expr.isArray(target.type())) {
          continue;
        }
        String why = target.type().isPrimitive() ? why(value)
            : boxes(value) ? "a box (" + target.type() + ")" : why(value);
        if (why != null) {
          carriers.put(target, why);
          changed = true;
        }
      }
      // An object given a value by an unannotated method may keep it (list.add(x)).
      List<Expr.OpaqueCall> calls = new java.util.ArrayList<>();
      IrWalker.forEachExpr(body, e -> {
        if (e instanceof Expr.OpaqueCall c) {
          calls.add(c);
        }
      });
      for (Expr.OpaqueCall c : calls) {
        if (c.makesProductsAtPoint()
            || c.owner().toString().equals("dev.adjoint.runtime.Replay")) {
          continue; // keeps nothing of what it is given in another object (a sweep's replay)
        }
        boolean given = (c.receiver() != null && carries(c.receiver()))
            || c.args().stream().anyMatch(this::carries);
        if (!given) {
          continue;
        }
        String why = "the object %s (given the value by " + c.describe() + ")";
        for (Expr e : c.receiver() == null ? c.args() : concat(c.receiver(), c.args())) {
          if (e instanceof Expr.Read r && mutable(r.variable().type())
              && !carriers.containsKey(r.variable())) {
            carriers.put(r.variable(), String.format(why, r.variable().hint()));
            changed = true;
          }
        }
      }
    }
  }

  /** Whether {@code e} varies with a differentiable input or carries a detour. */
  private boolean carries(Expr e) {
    return activity.varies(e) || why(e) != null;
  }

  /** Whether {@code e} is a double that varies, which a reference-typed context boxes. */
  private boolean boxes(Expr e) {
    return floating(e.type()) && activity.varies(e);
  }

  /**
   * What carries a differentiable input's value in {@code e}, which is of a type without tangent
   * (a box, a String, the bits of a double, an object): null when nothing does.
   */
  private String why(Expr e) {
    return e.accept(why);
  }

  /** {@link #why}, one arm per kind of expression. */
  private final Expr.Visitor<String> why = new Expr.Visitor<>() {
    @Override
    public String visitRead(Expr.Read r) {
      return carriers.get(r.variable());
    }

    @Override
    public String visitCast(Expr.Cast c) {
      if (!c.type().isPrimitive()) {
        return boxes(c.operand()) ? "a box (" + c.type() + ")" : why(c.operand());
      }
      // (int) x and (long) x end a derivative honestly; (long) of a carrier keeps carrying.
      return integral(c.type()) && !floating(c.operand().type()) ? why(c.operand()) : null;
    }

    @Override
    public String visitBinary(Expr.Binary b) {
      if (b.type().equals(ClassName.get(String.class))) {
        return activity.varies(b.left()) || activity.varies(b.right()) ? "a String"
            : first(why(b.left()), why(b.right()));
      }
      return integral(b.type()) ? first(why(b.left()), why(b.right())) : null;
    }

    @Override
    public String visitUnary(Expr.Unary u) {
      return integral(u.type()) ? why(u.operand()) : null;
    }

    @Override
    public String visitConditional(Expr.Conditional c) {
      if (!c.type().isPrimitive() && (boxes(c.whenTrue()) || boxes(c.whenFalse()))) {
        return "a box (" + c.type() + ")";
      }
      return c.type().isPrimitive() && !integral(c.type()) ? null
          : first(why(c.whenTrue()), why(c.whenFalse()));
    }

    @Override
    public String visitOpaqueCall(Expr.OpaqueCall c) {
      String name = c.describe();
      if (c.owner().equals(ClassName.get(Double.class))
          && (c.name().equals("doubleToRawLongBits") || c.name().equals("doubleToLongBits"))
          && c.args().stream().anyMatch(activity::varies)) {
        return "the bits of a double (" + name + ")";
      }
      if (!c.type().isPrimitive()) {
        String inner = c.receiver() == null ? null : why(c.receiver());
        for (Expr a : c.args()) {
          inner = first(inner, why(a));
        }
        boolean given = (c.receiver() != null && activity.varies(c.receiver()))
            || c.args().stream().anyMatch(activity::varies);
        return inner != null ? inner : given ? "the result of " + name : null;
      }
      if (integral(c.type())) {
        // Long.reverse(bits) still carries the bits; s.length() or list.size() does not.
        for (Expr a : c.args()) {
          if (integral(a.type()) && why(a) != null) {
            return why(a);
          }
        }
        // A long from an object given the bits may be the bits (AtomicLong.get(), a holder's
        // getter); an int from one is a size or a hash. Only a conversion such as
        // Double.longBitsToDouble makes a double of it again, and that is where it is reported.
        if (c.type().equals(TypeName.LONG)) {
          String inner = c.receiver() == null ? null : why(c.receiver());
          for (Expr a : c.args()) {
            inner = first(inner, a.type().isPrimitive() ? null : why(a));
          }
          return inner;
        }
      }
      return null;
    }

    @Override
    public String visitFieldRead(Expr.FieldRead f) {
      return f.receiver() != null && !f.type().isPrimitive() ? why(f.receiver()) : null;
    }

    // Kinds of a type with a tangent (their derivative is followed, not a detour), or made by
    // the transformer after this check: nothing carries a value through them unseen.

    @Override
    public String visitLiteral(Expr.Literal e) {
      return null;
    }

    @Override
    public String visitMathCall(Expr.MathCall e) {
      return null;
    }

    @Override
    public String visitStopGradient(Expr.StopGradient e) {
      return null;
    }

    @Override
    public String visitDiffCall(Expr.DiffCall e) {
      return null;
    }

    @Override
    public String visitArrayRead(Expr.ArrayRead e) {
      return carriers.get(e.array()); // only discrete arrays carry one
    }

    @Override
    public String visitArrayLength(Expr.ArrayLength e) {
      return null;
    }

    @Override
    public String visitNewArray(Expr.NewArray e) {
      return null;
    }

    @Override
    public String visitVjpOf(Expr.VjpOf e) {
      return null;
    }

    @Override
    public String visitVjpValue(Expr.VjpValue e) {
      return null;
    }

    @Override
    public String visitPullback(Expr.Pullback e) {
      return null;
    }

    @Override
    public String visitComponent(Expr.Component e) {
      return null;
    }

    @Override
    public String visitPop(Expr.Pop e) {
      return null;
    }
  };

  // ---------------------------------------------------------------- where a detour ends

  private void checkStmt(Stmt s) {
    statement = s.ref();
    s.accept(checkStmt);
  }

  /**
   * Where a statement itself turns a value into a double (its own expressions; the walk reaches
   * the statements nested in it); one arm per kind of statement.
   */
  private final Stmt.Visitor<Void> checkStmt = new Stmt.Visitor<>() {
    private Void exprs(Stmt s) {
      IrWalker.forEachExpr(s, Detours.this::checkExpr);
      return null;
    }

    @Override
    public Void visitDeclare(Stmt.Declare d) {
      if (d.init() != null && floating(d.variable().type())) {
        unboxed(d.init());
      }
      return exprs(d);
    }

    @Override
    public Void visitAssign(Stmt.Assign a) {
      if (floating(a.variable().type())) {
        unboxed(a.value());
      }
      return exprs(a);
    }

    @Override
    public Void visitArrayAssign(Stmt.ArrayAssign a) {
      unboxed(a.value());
      return exprs(a);
    }

    @Override
    public Void visitReturn(Stmt.Return r) {
      unboxed(r.value());
      return exprs(r);
    }

    @Override
    public Void visitEval(Stmt.Eval s) {
      return exprs(s);
    }

    @Override
    public Void visitJump(Stmt.Jump s) {
      return exprs(s);
    }

    @Override
    public Void visitPush(Stmt.Push s) {
      return exprs(s);
    }

    @Override
    public Void visitIf(Stmt.If i) {
      IrWalker.forEachExpr(i.condition(), Detours.this::checkExpr);
      return null;
    }

    @Override
    public Void visitLoop(Stmt.Loop l) {
      IrWalker.forEachExpr(l.condition(), Detours.this::checkExpr);
      return null;
    }

    @Override
    public Void visitBlock(Stmt.Block b) {
      return null;
    }
  };

  private void checkExpr(Expr e) {
    if (!exempt.contains(e)) {
      e.accept(checkExpr);
    }
  }

  /** Where an expression node itself turns a value into a double; one arm per kind. */
  private final Expr.Visitor<Void> checkExpr = new Expr.Visitor<>() {
    @Override
    public Void visitStopGradient(Expr.StopGradient g) {
      exemptConversion(g.arg()); // Ad.stopGradient((Double) o): a zero derivative, asked for
      return null;
    }

    @Override
    public Void visitMathCall(Expr.MathCall m) {
      if (m.function().isPiecewiseConstant()) {
        m.args().forEach(Detours.this::exemptConversion); // Math.floor((double) o): zero anyway
      } else {
        m.args().forEach(Detours.this::unboxed);
      }
      return null;
    }

    @Override
    public Void visitBinary(Expr.Binary b) {
      if (floating(b.type())) {
        unboxed(b.left());
        unboxed(b.right());
      }
      return null;
    }

    @Override
    public Void visitUnary(Expr.Unary u) {
      if (floating(u.type())) {
        unboxed(u.operand());
      }
      return null;
    }

    @Override
    public Void visitConditional(Expr.Conditional c) {
      if (floating(c.type())) {
        unboxed(c.whenTrue());
        unboxed(c.whenFalse());
      }
      return null;
    }

    @Override
    public Void visitCast(Expr.Cast c) {
      if (floating(c.type()) && !c.operand().type().isPrimitive()) {
        String why = why(c.operand());
        if (why != null) {
          report(c.ref(), "the cast to " + c.type(), why);
        }
      }
      return null;
    }

    @Override
    public Void visitDiffCall(Expr.DiffCall d) {
      for (int i = 0; i < d.args().size(); i++) {
        Expr arg = d.args().get(i);
        if (isProductsAtPoint(d.callee().params().get(i))) {
          continue; // a Hessian-vector sweep's products of a callee, read through its pullback
        }
        String why = why(arg);
        if (why != null) {
          report(arg.ref() != null ? arg.ref() : d.ref(),
              "passing " + describe(arg) + " to " + d.callee().qualifiedName(), why);
        }
      }
      return null;
    }

    @Override
    public Void visitOpaqueCall(Expr.OpaqueCall c) {
      if (floating(c.type())
          && !(c.receiver() != null && activity.varies(c.receiver()))
          && c.args().stream().noneMatch(activity::varies)) { // else AdjointUnsupportedCall
        String why = c.receiver() == null ? null : why(c.receiver());
        for (Expr arg : c.args()) {
          why = first(why, why(arg));
        }
        if (why != null) {
          report(c.ref(), "the call " + c.describe(), why);
        }
      }
      return null;
    }

    @Override
    public Void visitFieldRead(Expr.FieldRead f) {
      if (floating(f.type()) && f.receiver() != null) {
        String why = why(f.receiver());
        if (why != null) {
          report(f.ref(), "reading the field " + f.name(), why);
        }
      }
      return null;
    }

    // Kinds that convert nothing to a double, or that the transformer makes after this check.

    @Override
    public Void visitLiteral(Expr.Literal e) {
      return null;
    }

    @Override
    public Void visitRead(Expr.Read e) {
      return null;
    }

    @Override
    public Void visitArrayRead(Expr.ArrayRead e) {
      return null;
    }

    @Override
    public Void visitArrayLength(Expr.ArrayLength e) {
      return null;
    }

    @Override
    public Void visitNewArray(Expr.NewArray e) {
      return null;
    }

    @Override
    public Void visitVjpOf(Expr.VjpOf e) {
      return null;
    }

    @Override
    public Void visitVjpValue(Expr.VjpValue e) {
      return null;
    }

    @Override
    public Void visitPullback(Expr.Pullback e) {
      return null;
    }

    @Override
    public Void visitComponent(Expr.Component e) {
      return null;
    }

    @Override
    public Void visitPop(Expr.Pop e) {
      return null;
    }
  };

  private void report(SourceRef ref, String what, String why) {
    SourceRef at = ref != null ? ref : statement;
    if (at != null) {
      report.add(Message.DETOUR, at, what, why);
    }
  }

  /** Lets {@code arg} become a double where the derivative is zero anyway. */
  private void exemptConversion(Expr arg) {
    if (arg instanceof Expr.Cast c && floating(c.type())) {
      exempt.add(c);
    }
  }

  /** Reports {@code e} when it is a carrier that a double context unboxes. */
  private void unboxed(Expr e) {
    if (e.type().isPrimitive()) {
      return; // a double, or a number widened: (double) bits is the bits' value, not x
    }
    String why = why(e);
    if (why != null) {
      report(e.ref(), "unboxing " + describe(e), why);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code o}, "the cast to java.lang.Double", "the result of java.util.List.get". */
  private static String describe(Expr e) {
    if (e instanceof Expr.Read r) {
      return r.variable().hint();
    }
    if (e instanceof Expr.Cast c) {
      return "the cast to " + c.type();
    }
    if (e instanceof Expr.OpaqueCall c) {
      return "the result of " + c.describe();
    }
    if (e instanceof Expr.FieldRead f) {
      return "the field " + f.name();
    }
    return "a " + e.type();
  }

  private static List<Stmt> assignments(Stmt.Block body) {
    List<Stmt> out = new java.util.ArrayList<>();
    IrWalker.forEachStmt(body, s -> {
      if (s instanceof Stmt.Declare || s instanceof Stmt.Assign
          || (s instanceof Stmt.ArrayAssign a && Expr.isDiscreteArray(a.array().type()))) {
        out.add(s);
      }
    });
    return out;
  }

  private static List<Expr> concat(Expr first, List<Expr> rest) {
    List<Expr> out = new java.util.ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static boolean floating(TypeName t) {
    return t.equals(TypeName.DOUBLE) || t.equals(TypeName.FLOAT);
  }

  private static boolean integral(TypeName t) {
    return t.equals(TypeName.INT) || t.equals(TypeName.LONG) || t.equals(TypeName.SHORT)
        || t.equals(TypeName.BYTE) || t.equals(TypeName.CHAR);
  }

  /** Whether a method given a variable of this type could keep a value in it: an object. */
  private static boolean mutable(TypeName t) {
    if (t.isPrimitive() || t instanceof ArrayTypeName) {
      return false;
    }
    TypeName raw = t instanceof com.palantir.javapoet.ParameterizedTypeName p ? p.rawType() : t;
    return !IMMUTABLE.contains(raw.toString());
  }
}

package dev.adjoint.processor.transform.analysis;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a {@code @Jvp} rule's tangent is linear in its tangent parameters, which reverse mode
 * needs: it transposes the rule (JAX's {@code linear_transpose}), and the transpose of anything
 * else is not the rule's derivative. JAX finds a non-linear rule when it traces it, at run time;
 * here it is a compile error at the offending expression.
 *
 * <p>Each value of the rule's tangent map is one of three kinds: a known zero ({@code 0.0}, a new
 * array), a constant (free of tangents), or linear in the tangents. Tangents may be added,
 * subtracted, negated, multiplied or divided by constants, cast, stored in locals and array
 * elements and read back, and chosen between by branches whose conditions are constants; every
 * other use of a tangent (a product of two, a quotient by one, a {@code Math} function or any
 * call, a condition, {@code Ad.stopGradient}) is {@link Message#JVP_NOT_LINEAR}. A sum of a
 * tangent and a nonzero constant is affine, not linear: transposition would drop the constant,
 * {@link Message#JVP_TANGENT_FREE_TERM}. The analysis is flow-insensitive: a variable has the
 * kinds of everything ever assigned to it, so one that holds a tangent somewhere and a nonzero
 * constant elsewhere is an error at that assignment (a zero may start an accumulation), and so is
 * a parameter of the primal's (which holds its primal value, a constant) that is given a tangent.
 * Tangents may also be passed as the tangent arguments of a linear call (another rule's {@code
 * hJvp(a, aDot).tangent()}, another class's {@code GAdjoint.gJvp(a, aDot).tangent()}, which the
 * source layer lowers to calls of functions given here), whose primal arguments must be free of
 * tangents and whose tangent arguments must each depend on one (or be a known zero); its result
 * is linear.
 * Each cause is reported once, where it arises, and not again in the expression its result flows
 * into (a variable given such a result counts as holding a tangent).
 */
public final class Linearity {

  /**
   * What a value of the tangent map is. NONLINEAR depends on a tangent in a way already reported
   * where it arose: the expression it is part of is not reported again (one error per cause); a
   * variable given it holds it as LINEAR.
   */
  private enum Kind {
    ZERO, CONSTANT, LINEAR, NONLINEAR
  }

  private final String rule;
  private final String tangentNames;
  private final Map<Variable, EnumSet<Kind>> kinds = new HashMap<>();
  private final Report.Builder report = Report.builder();
  private final Set<SourceRef> reported = new HashSet<>();
  /** The functions of the rule's linear calls, each with how the source writes it. */
  private final Map<Signature, String> linearCalls;
  /** The values of the rule's linear calls, each with its call's function. */
  private final Map<Expr, Signature> linearValues;
  /**
   * The parameters that are not tangents: each starts out holding its primal value, a constant
   * that no assignment shows, so one that is given a tangent holds both.
   */
  private final Set<Variable> primals = new HashSet<>();
  /** Whether the last pass changed any variable's kinds. */
  private boolean changed;
  /** Whether this pass reports (the last one, once the kinds are stable). */
  private boolean reporting;
  /** Whether the map checked is a {@code @Bwd} companion's ({@link #checkBwd}). */
  private boolean bwd;

  private Linearity(String rule, List<Variable> tangents, Map<Signature, String> linearCalls,
      Map<Expr, Signature> linearValues) {
    this.rule = rule;
    this.linearCalls = linearCalls;
    this.linearValues = linearValues;
    List<String> names = new ArrayList<>();
    for (Variable t : tangents) {
      kinds.put(t, EnumSet.of(Kind.LINEAR));
      names.add(t.hint());
    }
    this.tangentNames = String.join(", ", names);
  }

  /**
   * Checks that the {@code @Bwd} companion {@code bwd}, lowered for second order as the map from
   * its cotangent to the tangent {@code <bwd(residuals, g), directions>}, is linear in {@code
   * cotangent}: second order differentiates {@code bwd(residuals, 1)} and scales it by the
   * cotangent, which is the rule's gradient only for a linear {@code @Bwd} (a gradient-clipping
   * rule, {@code max(-1, min(1, g))}, is not: its Hessian would not be the derivative of its
   * gradient). The errors are {@link Message#BWD_NOT_LINEAR} and {@link
   * Message#BWD_TANGENT_FREE_TERM}, at the offending expressions.
   */
  public static Report checkBwd(String bwd, MethodBody body, Variable cotangent) {
    Linearity check = new Linearity(bwd, List.of(cotangent), Map.of(), Map.of());
    check.bwd = true;
    check.run(body);
    return check.report.build();
  }

  /**
   * Finds every variable's kinds ({@code body}'s parameters that are not tangents start as
   * constants), then reports in a last pass over {@code body}.
   */
  private void run(MethodBody body) {
    for (Variable p : body.params()) {
      if (kinds.putIfAbsent(p, EnumSet.of(Kind.CONSTANT)) == null) {
        primals.add(p);
      }
    }
    do {
      changed = false;
      body(body.body());
    } while (changed);
    reporting = true;
    body(body.body());
  }

  /**
   * Checks the tangent map of the {@code @Jvp} rule {@code rule}.
   *
   * @param body the rule's body as its tangent map (returns give the tangent)
   * @param tangents the tangent parameters
   * @param values the expressions the rule returns as its value, which must be free of tangents
   * @return the errors, each at its expression
   */
  public static Report check(
      String rule, MethodBody body, List<Variable> tangents, List<Expr> values) {
    return check(rule, body, tangents, values, Map.of(), Map.of());
  }

  /**
   * Checks the tangent map of the {@code @Jvp} rule {@code rule}, as above.
   *
   * @param body the rule's body as its tangent map (returns give the tangent)
   * @param tangents the tangent parameters
   * @param values the expressions the rule returns as its value, which must be free of tangents
   * @param linearCalls the functions that the rule's linear calls are lowered to (their
   *     parameters that are not differentiable come first and take the primal arguments, the
   *     differentiable ones the tangents), each with how the source writes it
   * @param linearValues the values of the linear calls, constants computed by a call whose first
   *     arguments are the primal ones (inside {@code (double) rule(...).value()} for a rule),
   *     each with its call's function
   * @return the errors, each at its expression
   */
  public static Report check(String rule, MethodBody body, List<Variable> tangents,
      List<Expr> values, Map<Signature, String> linearCalls,
      Map<Expr, Signature> linearValues) {
    Linearity check = new Linearity(rule, tangents, linearCalls, linearValues);
    check.run(body);
    // A value that reads a tangent is one mistake, whatever it does with the tangent: its kind
    // is found without reporting, so that it is not taken for a faulty term of the tangent.
    check.reporting = false;
    List<Boolean> usesTangent = new ArrayList<>();
    for (Expr value : values) {
      Kind kind = check.kindOf(value);
      usesTangent.add(kind == Kind.LINEAR || kind == Kind.NONLINEAR);
    }
    check.reporting = true;
    for (int i = 0; i < values.size(); i++) {
      Expr value = values.get(i);
      if (usesTangent.get(i)) {
        check.error(value.ref(), Message.JVP_VALUE_USES_TANGENT, rule, check.tangentNames,
            "this value");
      }
    }
    return check.report.build();
  }

  // ---------------------------------------------------------------- statements

  private void body(Stmt.Block block) {
    Map<Variable, Stmt> firstConstant = new LinkedHashMap<>();
    Map<Variable, Stmt> firstLinear = new LinkedHashMap<>();
    IrWalker.forEachStmt(block, s -> s.accept(new Stmt.Visitor<Void>() {
      @Override
      public Void visitDeclare(Stmt.Declare s) {
        Kind kind = s.init() == null ? Kind.ZERO : kindOf(s.init());
        assign(s.variable(), kind, s, firstConstant, firstLinear);
        return null;
      }

      @Override
      public Void visitAssign(Stmt.Assign s) {
        assign(s.variable(), kindOf(s.value()), s, firstConstant, firstLinear);
        return null;
      }

      @Override
      public Void visitArrayAssign(Stmt.ArrayAssign s) {
        s.indices().forEach(i -> constant(i, "an array index"));
        assign(s.array(), kindOf(s.value()), s, firstConstant, firstLinear);
        return null;
      }

      @Override
      public Void visitIf(Stmt.If s) {
        constant(s.condition(), "a condition");
        return null;
      }

      @Override
      public Void visitLoop(Stmt.Loop s) {
        constant(s.condition(), "a loop condition");
        return null;
      }

      @Override
      public Void visitReturn(Stmt.Return s) {
        if (kindOf(s.value()) == Kind.CONSTANT) {
          error(s.value().ref(), Message.JVP_TANGENT_FREE_TERM, rule, tangentNames,
              "the tangent returned here does not depend on a tangent at all, so transposition"
                  + " would drop it",
              "return a tangent, or 0.0 where the tangent is zero");
        }
        return null;
      }

      @Override
      public Void visitEval(Stmt.Eval s) {
        kindOf(s.expr());
        return null;
      }

      @Override
      public Void visitBlock(Stmt.Block s) {
        return null; // its statements are walked on their own
      }

      @Override
      public Void visitJump(Stmt.Jump s) {
        return null;
      }

      @Override
      public Void visitPush(Stmt.Push s) {
        throw new IllegalStateException("a tape push in a rule's body: " + s);
      }
    }));
    if (reporting) {
      for (Map.Entry<Variable, Stmt> e : firstConstant.entrySet()) {
        if (kinds.get(e.getKey()).contains(Kind.LINEAR)) {
          Stmt s = e.getValue();
          error(s.ref(), Message.JVP_TANGENT_FREE_TERM, rule, tangentNames,
              e.getKey().hint() + ", which holds a tangent elsewhere, is given a value here that"
                  + " does not depend on one, which transposition would drop",
              "keep tangents and other values in separate variables, and start a tangent at 0.0");
        }
      }
      for (Map.Entry<Variable, Stmt> e : firstLinear.entrySet()) {
        if (primals.contains(e.getKey())) {
          String name = e.getKey().hint();
          error(e.getValue().ref(), Message.JVP_TANGENT_FREE_TERM, rule, tangentNames,
              "parameter " + name + " holds its primal value, which does not depend on a tangent,"
                  + " and is given a tangent here, so what reads " + name
                  + " may add a term that transposition would drop",
              "keep tangents in locals of their own (start them at 0.0)");
        }
      }
    }
  }

  private void assign(
      Variable v,
      Kind kind,
      Stmt at,
      Map<Variable, Stmt> firstConstant,
      Map<Variable, Stmt> firstLinear) {
    if (kind == Kind.NONLINEAR) {
      // A variable keeps no NONLINEAR: t *= xDot, repeated by the passes to the fixed point,
      // would otherwise read back its own result and never be reported.
      kind = Kind.LINEAR;
    }
    EnumSet<Kind> seen = kinds.computeIfAbsent(v, k -> EnumSet.noneOf(Kind.class));
    if (seen.add(kind)) {
      changed = true;
    }
    if (kind == Kind.CONSTANT) {
      firstConstant.putIfAbsent(v, at);
    } else if (kind == Kind.LINEAR) {
      firstLinear.putIfAbsent(v, at);
    }
  }

  /** Reports {@code e} if it depends on a tangent where only constants may. */
  private void constant(Expr e, String where) {
    if (kindOf(e) == Kind.LINEAR) {
      error(e.ref(), Message.JVP_NOT_LINEAR, rule, tangentNames,
          where + " depends on a tangent", "decide on the primal values only");
    }
  }

  // ---------------------------------------------------------------- expressions

  private Kind kindOf(Expr e) {
    Signature valueOf = linearValues.get(e);
    if (valueOf != null) {
      return linearValue(e, valueOf);
    }
    return e.accept(new Expr.Visitor<Kind>() {
      @Override
      public Kind visitLiteral(Expr.Literal e) {
        return e.value() instanceof Number n && n.doubleValue() == 0 ? Kind.ZERO : Kind.CONSTANT;
      }

      @Override
      public Kind visitRead(Expr.Read e) {
        return of(e.variable());
      }

      @Override
      public Kind visitUnary(Expr.Unary e) {
        Kind k = kindOf(e.operand());
        if (k == Kind.LINEAR && (e.op() == Expr.UnaryOp.NOT || e.op() == Expr.UnaryOp.COMPLEMENT)) {
          return nonlinear(e, "it applies " + e.op().symbol + " to a tangent");
        }
        return k;
      }

      @Override
      public Kind visitBinary(Expr.Binary e) {
        Kind l = kindOf(e.left());
        Kind r = kindOf(e.right());
        switch (e.op()) {
          case ADD, SUB -> {
            if (l == Kind.LINEAR && r == Kind.CONSTANT || l == Kind.CONSTANT && r == Kind.LINEAR) {
              error(e.ref(), Message.JVP_TANGENT_FREE_TERM, rule, tangentNames,
                  "this " + (e.op() == Expr.BinaryOp.ADD ? "sum" : "difference")
                      + " adds a term that does not, which transposition would drop",
                  "move the term into the value, or drop it");
              return Kind.LINEAR;
            }
            return max(l, r);
          }
          case MUL -> {
            if (l == Kind.NONLINEAR || r == Kind.NONLINEAR) {
              return Kind.NONLINEAR;
            }
            if (l == Kind.LINEAR && r == Kind.LINEAR) {
              return nonlinear(e, "this product multiplies two tangents");
            }
            // A known zero times anything is zero: 0.0 * c adds no term.
            return l == Kind.ZERO || r == Kind.ZERO ? Kind.ZERO : max(l, r);
          }
          case DIV -> {
            if (l == Kind.NONLINEAR || r == Kind.NONLINEAR) {
              return Kind.NONLINEAR;
            }
            if (r == Kind.LINEAR) {
              return nonlinear(e, "this quotient divides by a tangent");
            }
            return l == Kind.ZERO ? Kind.ZERO : l;
          }
          default -> {
            if (l == Kind.LINEAR || r == Kind.LINEAR) {
              // Reported here, not again at the && or the condition that uses a comparison.
              return nonlinear(e, "it applies " + e.op().symbol + " to a tangent");
            }
            return l == Kind.NONLINEAR || r == Kind.NONLINEAR ? Kind.NONLINEAR : Kind.CONSTANT;
          }
        }
      }

      @Override
      public Kind visitConditional(Expr.Conditional e) {
        constant(e.condition(), "a condition");
        Kind a = kindOf(e.whenTrue());
        Kind b = kindOf(e.whenFalse());
        if (a == Kind.LINEAR && b == Kind.CONSTANT || a == Kind.CONSTANT && b == Kind.LINEAR) {
          error(e.ref(), Message.JVP_TANGENT_FREE_TERM, rule, tangentNames,
              "this conditional chooses, on one side, a value that does not, which"
                  + " transposition would drop",
              "give the other side a tangent, or 0.0");
          return Kind.LINEAR;
        }
        return max(a, b);
      }

      @Override
      public Kind visitCast(Expr.Cast e) {
        Kind k = kindOf(e.operand());
        TypeName to = e.type().isBoxedPrimitive() ? e.type().unbox() : e.type();
        if (k == Kind.LINEAR && to.isPrimitive()
            && !to.equals(TypeName.DOUBLE) && !to.equals(TypeName.FLOAT)) {
          // (int) xDot rounds the tangent: not linear, and zero in reverse mode.
          return nonlinear(e, "it converts a tangent to " + e.type() + ", which rounds it");
        }
        return k;
      }

      @Override
      public Kind visitMathCall(Expr.MathCall e) {
        return call(e.args(), e, "it passes a tangent to " + e.owner().simpleName() + "."
            + e.function().javaName() + ", which is not linear");
      }

      @Override
      public Kind visitStopGradient(Expr.StopGradient e) {
        return call(List.of(e.arg()), e, "it passes a tangent to Ad.stopGradient, whose"
            + " tangent is zero in reverse mode but the identity where the rule runs");
      }

      @Override
      public Kind visitDiffCall(Expr.DiffCall e) {
        String linear = linearCalls.get(e.callee());
        if (linear != null) {
          return linearCall(e, linear);
        }
        return call(e.args(), e, "it passes a tangent to " + e.callee().qualifiedName()
            + ", which need not be linear");
      }

      @Override
      public Kind visitOpaqueCall(Expr.OpaqueCall e) {
        List<Expr> operands = new ArrayList<>(e.args());
        if (e.receiver() != null) {
          operands.add(0, e.receiver()); // xDot.clone(), like Arrays.copyOf(xDot, n)
        }
        return call(operands, e, "it passes a tangent to " + e.name() + ", which need not be"
            + " linear");
      }

      @Override
      public Kind visitFieldRead(Expr.FieldRead e) {
        if (e.receiver() != null) {
          kindOf(e.receiver());
        }
        return Kind.CONSTANT;
      }

      @Override
      public Kind visitArrayRead(Expr.ArrayRead e) {
        e.indices().forEach(i -> constant(i, "an array index"));
        return of(e.array());
      }

      @Override
      public Kind visitArrayLength(Expr.ArrayLength e) {
        e.indices().forEach(i -> constant(i, "an array index"));
        return Kind.CONSTANT;
      }

      @Override
      public Kind visitNewArray(Expr.NewArray e) {
        e.lengths().forEach(i -> constant(i, "an array length"));
        return Kind.ZERO;
      }

      @Override
      public Kind visitVjpOf(Expr.VjpOf e) {
        throw madeByTransform(e);
      }

      @Override
      public Kind visitVjpValue(Expr.VjpValue e) {
        throw madeByTransform(e);
      }

      @Override
      public Kind visitPullback(Expr.Pullback e) {
        throw madeByTransform(e);
      }

      @Override
      public Kind visitComponent(Expr.Component e) {
        throw madeByTransform(e);
      }

      @Override
      public Kind visitPop(Expr.Pop e) {
        throw madeByTransform(e);
      }
    });
  }

  /**
   * A linear call {@code call}, written {@code shown}: linear when a tangent argument depends on a
   * tangent, and then an error at each tangent argument that is a nonzero constant (a term
   * transposition would drop); a constant when none does ({@code hJvp(a, 1.0).tangent()} is a
   * derivative at a primal point); an error at a primal argument that depends on a tangent.
   */
  private Kind linearCall(Expr.DiffCall call, String shown) {
    List<Param> params = call.callee().params();
    boolean linear = false;
    boolean constant = false;
    boolean nonlinear = false;
    List<Kind> kinds = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Expr arg = call.args().get(i);
      if (!params.get(i).differentiable()) {
        kinds.add(Kind.CONSTANT);
        nonlinear |= !primalArgument(arg, params.get(i).name(), shown);
      } else {
        Kind k = kindOf(arg);
        kinds.add(k);
        nonlinear |= k == Kind.NONLINEAR;
        linear |= k == Kind.LINEAR;
        constant |= k == Kind.CONSTANT;
      }
    }
    if (linear) {
      for (int i = 0; i < params.size(); i++) {
        if (params.get(i).differentiable() && kinds.get(i) == Kind.CONSTANT) {
          error(call.args().get(i).ref(), Message.JVP_TANGENT_FREE_TERM, rule, tangentNames,
              "the tangent argument " + params.get(i).name() + " of the linear call " + shown
                  + " does not, while another does, so the call's tangent has a term that"
                  + " transposition would drop",
              "pass a tangent, or 0.0 where the tangent is zero");
        }
      }
    }
    if (nonlinear) {
      return Kind.NONLINEAR;
    }
    return linear ? Kind.LINEAR : constant ? Kind.CONSTANT : Kind.ZERO;
  }

  /**
   * Whether the primal argument {@code arg} (of parameter {@code name}) of the linear call
   * {@code shown} is free of tangents; if not, an error at it. A primal argument that reads a
   * tangent is one mistake, whatever it does with it ({@code x + xDot} is not reported as an
   * affine sum besides).
   */
  private boolean primalArgument(Expr arg, String name, String shown) {
    boolean wasReporting = reporting;
    reporting = false;
    Kind k = kindOf(arg);
    reporting = wasReporting;
    if (k == Kind.LINEAR || k == Kind.NONLINEAR) {
      error(arg.ref(), Message.JVP_NOT_LINEAR, rule, tangentNames, "the primal argument " + name
          + " of the linear call " + shown + " depends on a tangent", "pass the primal values as"
          + " its primal arguments, and tangents only as its tangent arguments");
      return false;
    }
    return true;
  }

  /**
   * The value {@code value} of a linear call of {@code function}: a constant (its tangent
   * arguments are zeros there), after an error at each of its primal arguments (the first ones of
   * its innermost call) that depends on a tangent, which is the one error of that cause.
   */
  private Kind linearValue(Expr value, Signature function) {
    Expr e = value;
    while (e instanceof Expr.Cast c) {
      e = c.operand();
    }
    while (e instanceof Expr.OpaqueCall call && call.receiver() != null) {
      e = call.receiver(); // rule(...).value()
    }
    Expr.OpaqueCall call = (Expr.OpaqueCall) e;
    List<Param> params = function.params();
    String shown = linearCalls.getOrDefault(function, function.name());
    for (int i = 0; i < params.size() && !params.get(i).differentiable(); i++) {
      primalArgument(call.args().get(i), params.get(i).name(), shown);
    }
    return Kind.CONSTANT;
  }

  /** A call: constant when no argument depends on a tangent, else an error. */
  private Kind call(List<Expr> args, Expr call, String why) {
    boolean linear = false;
    boolean nonlinear = false;
    for (Expr a : args) {
      Kind k = kindOf(a);
      linear |= k == Kind.LINEAR;
      nonlinear |= k == Kind.NONLINEAR;
    }
    if (linear) {
      return nonlinear(call, why);
    }
    return nonlinear ? Kind.NONLINEAR : Kind.CONSTANT;
  }

  private Kind nonlinear(Expr e, String why) {
    error(e.ref(), Message.JVP_NOT_LINEAR, rule, tangentNames, why,
        "reverse mode can transpose only sums of tangents times values free of tangents, and"
            + " linear calls (another rule's hJvp(a, aDot).tangent(), or GAdjoint.gJvp(a, aDot)"
            + ".tangent() of another class's method g)");
    // Not reported again where it flows: one error per cause.
    return Kind.NONLINEAR;
  }

  private Kind of(Variable v) {
    EnumSet<Kind> seen = kinds.get(v);
    if (seen == null || seen.isEmpty()) {
      return Kind.ZERO; // declared later in source order than read in a loop: its kinds follow
    }
    if (seen.contains(Kind.LINEAR)) {
      return Kind.LINEAR;
    }
    return seen.contains(Kind.CONSTANT) ? Kind.CONSTANT : Kind.ZERO;
  }

  private static Kind max(Kind a, Kind b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private void error(SourceRef ref, Message message, Object... args) {
    if (reporting && reported.add(ref)) {
      report.add(!bwd ? message : message == Message.JVP_TANGENT_FREE_TERM
          ? Message.BWD_TANGENT_FREE_TERM : Message.BWD_NOT_LINEAR, ref, args);
    }
  }

  private static IllegalStateException madeByTransform(Expr e) {
    return new IllegalStateException("a node that only transforms make, in a rule's body: " + e);
  }
}

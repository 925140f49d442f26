package dev.adjoint.processor.transform.forward;

import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.div;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.neg;
import static dev.adjoint.processor.ir.Ir.read;
import static dev.adjoint.processor.ir.Ir.sub;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.PrimalVisitor;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.Partials;
import dev.adjoint.processor.transform.analysis.Activity;
import dev.adjoint.processor.transform.analysis.Subset;
import dev.adjoint.processor.transform.normalize.Jumps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Forward mode: a method body to a body that computes the value and its tangent together, in the
 * primal subset (no tape), statement by statement in the primal's order. Each active variable
 * {@code v} gets a tangent {@code vDot} of its type; before each assignment to {@code v}, {@code
 * vDot} gets the tangent of the assigned expression, computed from the state before it (so {@code
 * x = x * x} reads the old {@code x}). Array tangents alias as their arrays do ({@code double[] b =
 * a} makes {@code bDot = aDot}), so writes through either name reach both.
 *
 * <p>Expressions are flattened only as far as their tangents need: a differentiated {@code Math}
 * call is computed once into a temporary whose value its tangent reads; a call of an annotated
 * method becomes a call of its JVP. Where an expression calls anything that may have effects (an
 * opaque call, an annotated method), every call and every read of an array element or field in it
 * is hoisted in Java's evaluation order, so impure calls run as often, and in the same order, as in
 * the primal. Hoisting never leaves a conditional: a branch of {@code ?:}, or the right side of
 * {@code &&}/{@code ||}, that needs hoisting becomes an {@code if}.
 *
 * <p>Structural zeros: a tangent that is zero by construction is absent, never multiplied, so a
 * zero direction contributes exactly 0 (never {@code 0 * Infinity}). This holds along the flow of
 * the body too: after {@code x = level()} (a value that does not vary), {@code x}'s tangent is
 * known to be zero until {@code x} is assigned again, so {@code exp(1000 * x)} gives 0 and not
 * {@code 0 * Infinity}, as reverse mode, which resets {@code x}'s adjoint there, does; a branch
 * keeps what both sides know, and a loop forgets every variable it assigns.
 */
public final class ForwardMode {

  /**
   * A forward derivative (empty where the body cannot be differentiated: reverse mode reports
   * why, from the same subset check), and notes on what it costs.
   */
  public record Result(Optional<ForwardDerivative> derivative, Report notes) {}

  private static final ClassName BUFFERS = ClassName.get("dev.adjoint.runtime", "Buffers");

  private final Activity activity;
  private final Map<Variable, Variable> tangents = new HashMap<>();
  private final Map<Stmt.Return, Expr> returnTangents = new IdentityHashMap<>();

  /**
   * The active scalar variables whose tangent is zero by construction at the statement being
   * written (their tangent variable holds 0.0 there, but is not read).
   */
  private Set<Variable> zero = new HashSet<>();

  /** Whether the statements being written are a trial whose output is dropped (see visitLoop). */
  private boolean trial;

  /** The method's result type (a {@code return} may give an {@code int} for a {@code double}). */
  private final TypeName resultType;

  private ForwardMode(Activity activity, TypeName resultType) {
    this.activity = activity;
    this.resultType = resultType;
  }

  /**
   * @param isRule whether a callee is a {@code @CustomVjp} method (as far as this compilation
   *     knows): a call of one that returns {@code double[]} gets a note on its cost
   */
  public static Result derive(
      Signature signature, MethodBody body, Predicate<Signature> isRule) {
    Stmt.Block lowered = Jumps.lower(body.body());
    Activity activity = Activity.of(body.params(), signature.params(), lowered);
    Report problems = Subset.check(activity, lowered);
    if (!problems.isClean() || !AdjointNames.hasJvp(signature)
        || !callsHaveJvps(lowered, activity)) {
      return new Result(Optional.empty(), Report.builder().build());
    }
    Report.Builder notes = Report.builder();
    IrWalker.forEachExpr(lowered, e -> {
      if (e instanceof Expr.DiffCall call && call.callee().result().equals(Expr.DOUBLE_ARRAY)
          && isRule.test(call.callee()) && variesIn(call, activity)) {
        notes.add(Message.FORWARD_THROUGH_ARRAY_RULE, call.ref(),
            call.callee().qualifiedName(), signature.name());
      }
    });
    ForwardMode t = new ForwardMode(activity, signature.result());
    List<Variable> tangentParams = new ArrayList<>();
    List<Stmt> out = new ArrayList<>();
    for (int i = 0; i < body.params().size(); i++) {
      Param p = signature.params().get(i);
      Variable v = body.params().get(i);
      if (p.differentiable()) {
        Variable dot = new Variable(v.hint() + "Dot", v.type(), Variable.Kind.PARAM);
        tangentParams.add(dot);
        t.tangents.put(v, dot);
        if (Expr.isArray(v.type())) {
          // null means zeros; a tangent of another shape is the caller's error, said here.
          out.add(new Stmt.Assign(dot, t.buffers("tangent", v.type(), read(dot), read(v)), null));
        }
      } else if (activity.isActive(v)) {
        // A @NoDiff parameter that the body assigns a differentiable value to: from zero.
        out.add(new Stmt.Declare(t.tangent(v), t.zeroLike(read(v), v.type()), null));
        t.setZero(v, null);
      }
    }
    out.addAll(t.block(lowered.stmts()));
    return new Result(
        Optional.of(new ForwardDerivative(signature, body.params(), tangentParams,
            Stmt.Block.of(out), t.returnTangents)),
        notes.build());
  }

  /** Whether every annotated method called with a varying argument has a JVP to call. */
  private static boolean callsHaveJvps(Stmt.Block body, Activity activity) {
    boolean[] ok = {true};
    IrWalker.forEachExpr(body, e -> {
      if (e instanceof Expr.DiffCall call && !AdjointNames.hasJvp(call.callee())
          && variesIn(call, activity)) {
        ok[0] = false;
      }
    });
    return ok[0];
  }

  private static boolean variesIn(Expr.DiffCall call, Activity activity) {
    for (int i = 0; i < call.args().size(); i++) {
      if (call.callee().params().get(i).differentiable() && activity.varies(call.args().get(i))) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ statements

  private List<Stmt> block(List<Stmt> stmts) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : stmts) {
      out.addAll(s.accept(new Statements()));
    }
    return out;
  }

  private Stmt.Block block(Stmt.Block b) {
    return new Stmt.Block(block(b.stmts()), b.ref());
  }

  /** The forward statements of one primal statement. */
  private final class Statements implements Stmt.Visitor<List<Stmt>> {
    @Override
    public List<Stmt> visitDeclare(Stmt.Declare d) {
      Variable v = d.variable();
      if (!activity.isActive(v)) {
        return List.of(d);
      }
      if (d.init() == null) {
        zero.remove(v);
        return List.of(new Stmt.Declare(tangent(v), null, d.ref()), d);
      }
      List<Stmt> out = new ArrayList<>();
      Expr init = flatten(d.init(), out);
      Expr dot = tangentOf(init);
      out.add(new Stmt.Declare(tangent(v), dot != null ? dot : zeroLike(init, v.type()), d.ref()));
      out.add(new Stmt.Declare(v, init, d.ref()));
      setZero(v, dot);
      return out;
    }

    @Override
    public List<Stmt> visitAssign(Stmt.Assign a) {
      Variable v = a.variable();
      if (!activity.isActive(v)) {
        return List.of(a);
      }
      List<Stmt> out = new ArrayList<>();
      Expr value = flatten(a.value(), out);
      Expr dot = tangentOf(value);
      out.add(new Stmt.Assign(tangent(v), dot != null ? dot : zeroLike(value, v.type()), a.ref()));
      out.add(new Stmt.Assign(v, value, a.ref()));
      setZero(v, dot);
      return out;
    }

    @Override
    public List<Stmt> visitArrayAssign(Stmt.ArrayAssign a) {
      Variable array = a.array();
      if (!activity.isActive(array)) {
        return List.of(a);
      }
      List<Stmt> out = new ArrayList<>();
      boolean effects = hasEffects(a.value());
      List<Expr> indices = new ArrayList<>();
      for (Expr index : a.indices()) {
        // Both sweeps index with it, so it is evaluated once; and before the value, as in Java,
        // so that a call in the value sees it as it was.
        indices.add((effects || hasEffects(index)) && !isAtom(index)
            ? temporary("index", flatten(index, out), out) : index);
      }
      Expr value = flatten(a.value(), out);
      TypeName elementType = a.indices().size() == 1 && array.type().equals(Expr.DOUBLE_MATRIX)
          ? Expr.DOUBLE_ARRAY : TypeName.DOUBLE;
      out.add(new Stmt.ArrayAssign(tangent(array), indices, tangentOrZero(value, elementType),
          a.ref()));
      out.add(new Stmt.ArrayAssign(array, indices, value, a.ref()));
      return out;
    }

    @Override
    public List<Stmt> visitIf(Stmt.If i) {
      Set<Variable> before = new HashSet<>(zero);
      Stmt.Block then = block(i.then());
      Set<Variable> afterThen = zero;
      zero = before;
      Stmt.Block otherwise = block(i.otherwise());
      zero.retainAll(afterThen);
      return List.of(new Stmt.If(i.condition(), then, otherwise, i.ref()));
    }

    @Override
    public List<Stmt> visitLoop(Stmt.Loop l) {
      // A trip may start after the code before the loop or after another trip: what is zero at
      // its start is what both know, found by writing the trip until that stops shrinking (trial
      // writes treat loops nested in it by forgetting what they assign, so a nest costs a few
      // writes per level, not per path). Jumps.lower left no jump inside a loop.
      Set<Variable> entry = new HashSet<>(zero);
      if (trial) {
        IrWalker.forEachStmt(l, s -> {
          if (s instanceof Stmt.Assign a) {
            entry.remove(a.variable());
          } else if (s instanceof Stmt.Declare d) {
            entry.remove(d.variable());
          }
        });
      } else {
        Map<Stmt.Return, Expr> kept = new IdentityHashMap<>(returnTangents);
        trial = true;
        while (true) {
          zero = new HashSet<>(entry);
          block(l.body());
          block(l.update());
          if (zero.containsAll(entry)) {
            break;
          }
          entry.retainAll(zero);
        }
        trial = false;
        returnTangents.clear();
        returnTangents.putAll(kept);
      }
      zero = new HashSet<>(entry);
      Stmt.Loop loop =
          new Stmt.Loop(l.condition(), block(l.body()), block(l.update()), l.testFirst(), l.ref());
      // The loop is left where its condition is tested: at the start of a trip.
      zero = entry;
      return List.of(loop);
    }

    @Override
    public List<Stmt> visitReturn(Stmt.Return r) {
      List<Stmt> out = new ArrayList<>();
      Expr value = flatten(r.value(), out);
      Stmt.Return ret = new Stmt.Return(value, r.ref());
      Expr tangent = tangentOrZero(value, resultType);
      if (Expr.isArray(resultType) && !(tangent instanceof Expr.NewArray)
          && !(tangent instanceof Expr.Literal)) {
        // The caller owns the tangent it gets: never an argument's tangent or a buffer it aliases.
        tangent = buffers("copyOf", resultType, tangent);
      }
      returnTangents.put(ret, tangent);
      out.add(ret);
      return out;
    }

    @Override
    public List<Stmt> visitEval(Stmt.Eval e) {
      if (e.expr() instanceof Expr.DiffCall call && variesIn(call, activity)) {
        // Its tangent is dropped, but what it writes into arrays it was given is not.
        List<Stmt> out = new ArrayList<>();
        out.add(new Stmt.Eval(jvpCall(call, flattenAll(call.args(), out)), e.ref()));
        return out;
      }
      return List.of(e);
    }

    @Override
    public List<Stmt> visitBlock(Stmt.Block b) {
      return List.of(block(b));
    }

    @Override
    public List<Stmt> visitJump(Stmt.Jump j) {
      return List.of(j);
    }

    @Override
    public List<Stmt> visitPush(Stmt.Push p) {
      throw new IllegalArgumentException("not a primal statement: " + p);
    }
  }

  // ------------------------------------------------------------------ flattening

  /**
   * {@code e} with what its tangent needs hoisted into temporaries declared in {@code out}: each
   * differentiated {@code Math} call and each call of an annotated method with a varying argument;
   * and where {@code e} may have effects, every call and element or field read, in evaluation
   * order.
   */
  private Expr flatten(Expr e, List<Stmt> out) {
    return new Flattener(hasEffects(e), out).of(e);
  }

  private List<Expr> flattenAll(List<Expr> es, List<Stmt> out) {
    boolean effects = es.stream().anyMatch(ForwardMode::hasEffects);
    Flattener f = new Flattener(effects, out);
    List<Expr> atoms = new ArrayList<>();
    for (Expr e : es) {
      atoms.add(f.of(e));
    }
    return atoms;
  }

  /** Whether evaluating {@code e} may change something or read what a call may change. */
  private static boolean hasEffects(Expr e) {
    boolean[] any = {false};
    IrWalker.forEachExpr(e, x -> {
      if (x instanceof Expr.OpaqueCall || x instanceof Expr.DiffCall) {
        any[0] = true;
      }
    });
    return any[0];
  }

  private static boolean isAtom(Expr e) {
    return e instanceof Expr.Literal || e instanceof Expr.Read;
  }

  private final class Flattener extends PrimalVisitor<Expr> {
    private final boolean effects;
    private final List<Stmt> out;

    Flattener(boolean effects, List<Stmt> out) {
      this.effects = effects;
      this.out = out;
    }

    Expr of(Expr e) {
      return e.accept(this);
    }

    private List<Expr> all(List<Expr> es) {
      List<Expr> atoms = new ArrayList<>();
      for (Expr e : es) {
        atoms.add(of(e));
      }
      return atoms;
    }

    /** Whether flattening {@code e} would hoist anything (then it may not be evaluated early). */
    private boolean hoists(Expr e) {
      List<Stmt> scratch = new ArrayList<>();
      new Flattener(effects, scratch).of(e);
      return !scratch.isEmpty();
    }

    @Override
    public Expr visitLiteral(Expr.Literal e) {
      return e;
    }

    @Override
    public Expr visitRead(Expr.Read e) {
      return e;
    }

    @Override
    public Expr visitUnary(Expr.Unary e) {
      return new Expr.Unary(e.op(), of(e.operand()), e.type(), e.ref());
    }

    @Override
    public Expr visitBinary(Expr.Binary e) {
      boolean shortCircuit = e.op() == Expr.BinaryOp.AND || e.op() == Expr.BinaryOp.OR;
      Expr left = of(e.left());
      if (shortCircuit && hoists(e.right())) {
        // boolean t = left; if (t) { ...; t = right; }   (if (!t) for ||)
        Variable t = new Variable("condition", TypeName.BOOLEAN, Variable.Kind.TEMP);
        out.add(new Stmt.Declare(t, left, e.ref()));
        List<Stmt> then = new ArrayList<>();
        Expr right = new Flattener(effects, then).of(e.right());
        then.add(new Stmt.Assign(t, right, e.ref()));
        Expr test = e.op() == Expr.BinaryOp.AND ? read(t)
            : new Expr.Unary(Expr.UnaryOp.NOT, read(t), TypeName.BOOLEAN, null);
        out.add(new Stmt.If(test, Stmt.Block.of(then), Stmt.Block.of(List.of()), e.ref()));
        return read(t);
      }
      return new Expr.Binary(e.op(), left, of(e.right()), e.type(), e.ref());
    }

    @Override
    public Expr visitConditional(Expr.Conditional e) {
      Expr condition = of(e.condition());
      if (!hoists(e.whenTrue()) && !hoists(e.whenFalse())) {
        return new Expr.Conditional(condition, e.whenTrue(), e.whenFalse(), e.type(), e.ref());
      }
      // T t; if (condition) { ...; tDot = ...; t = whenTrue; } else { ... }
      Variable t = new Variable("selected", e.type(), Variable.Kind.TEMP);
      boolean active = activity.varies(e) && isFloating(e.type());
      if (active) {
        activity.mark(t, true);
        out.add(new Stmt.Declare(tangent(t), null, e.ref()));
      }
      out.add(new Stmt.Declare(t, null, e.ref()));
      out.add(new Stmt.If(condition, Stmt.Block.of(branch(t, e.whenTrue(), active)),
          Stmt.Block.of(branch(t, e.whenFalse(), active)), e.ref()));
      return read(t);
    }

    private List<Stmt> branch(Variable t, Expr e, boolean active) {
      List<Stmt> stmts = new ArrayList<>();
      Expr value = new Flattener(effects, stmts).of(e);
      if (active) {
        stmts.add(new Stmt.Assign(tangent(t), tangentOrZero(value, t.type()), null));
      }
      stmts.add(new Stmt.Assign(t, value, null));
      return stmts;
    }

    @Override
    public Expr visitCast(Expr.Cast e) {
      return new Expr.Cast(e.type(), of(e.operand()), e.ref());
    }

    @Override
    public Expr visitMathCall(Expr.MathCall e) {
      Expr.MathCall call = new Expr.MathCall(e.function(), e.owner(), all(e.args()), e.ref());
      if (activity.varies(call) && !e.function().isPiecewiseConstant()) {
        Variable t = new Variable(e.function().javaName(), TypeName.DOUBLE, Variable.Kind.TEMP);
        activity.mark(t, true);
        out.add(new Stmt.Declare(t, call, e.ref()));
        Expr dot = mathTangent(call, read(t));
        out.add(new Stmt.Declare(tangent(t), dot == null ? lit(0) : dot, e.ref()));
        setZero(t, dot);
        return read(t);
      }
      return effects ? temporary(e.function().javaName(), call, out) : call;
    }

    @Override
    public Expr visitStopGradient(Expr.StopGradient e) {
      return new Expr.StopGradient(of(e.arg()), e.ref());
    }

    @Override
    public Expr visitDiffCall(Expr.DiffCall e) {
      List<Expr> args = all(e.args());
      Expr.DiffCall call = new Expr.DiffCall(e.callee(), args, e.ref());
      if (!variesIn(call, activity)) {
        return temporary(e.callee().name(), call, out);
      }
      Signature callee = e.callee();
      TypeName jvpType = callee.adjointClass().nestedClass(AdjointNames.jvpRecord(callee));
      Variable result = new Variable(callee.name() + "Jvp", jvpType, Variable.Kind.CALL);
      out.add(new Stmt.Declare(result, jvpCall(call, args), e.ref()));
      Variable t = new Variable(callee.name(), callee.result(), Variable.Kind.TEMP);
      activity.mark(t, true);
      out.add(new Stmt.Declare(
          tangent(t), new Expr.Component(result, "tangent", callee.result()), e.ref()));
      out.add(new Stmt.Declare(t, new Expr.Component(result, "value", callee.result()), e.ref()));
      return read(t);
    }

    @Override
    public Expr visitOpaqueCall(Expr.OpaqueCall e) {
      Expr receiver = e.receiver() == null ? null : of(e.receiver());
      Expr.OpaqueCall call =
          new Expr.OpaqueCall(receiver, e.owner(), e.name(), all(e.args()), e.type(), e.ref());
      return e.type().equals(TypeName.VOID) ? call : temporary(e.hint(), call, out);
    }

    @Override
    public Expr visitFieldRead(Expr.FieldRead e) {
      Expr receiver = e.receiver() == null ? null : of(e.receiver());
      Expr.FieldRead read = e.withReceiver(receiver);
      return effects ? temporary(e.name(), read, out) : read;
    }

    @Override
    public Expr visitArrayRead(Expr.ArrayRead e) {
      Expr.ArrayRead element = new Expr.ArrayRead(e.array(), all(e.indices()), e.ref());
      if (!effects || Expr.isArray(e.type()) || Expr.isDiscreteArray(e.type())) {
        // A row is not copied: a temporary would alias it, and reverse mode over this body (second
        // order) would not see that a later write of the matrix changes what a callee's pullback
        // reads (fuzzer v17, run seed 2815883977038599298).
        return element;
      }
      Variable t = new Variable(e.array().hint() + "Element", e.type(), Variable.Kind.TEMP);
      if (activity.isActive(e.array())) {
        activity.mark(t, true);
        out.add(new Stmt.Declare(tangent(t), tangentOf(element), e.ref()));
      }
      out.add(new Stmt.Declare(t, element, e.ref()));
      return read(t);
    }

    @Override
    public Expr visitArrayLength(Expr.ArrayLength e) {
      return new Expr.ArrayLength(e.array(), all(e.indices()), e.ref());
    }

    @Override
    public Expr visitNewArray(Expr.NewArray e) {
      return new Expr.NewArray(e.element(), all(e.lengths()), e.ref());
    }

  }

  /** {@code T t = e;}, a passive temporary; returns a read of it. */
  private static Expr temporary(String hint, Expr e, List<Stmt> out) {
    Variable t = new Variable(hint, e.type(), Variable.Kind.TEMP);
    out.add(new Stmt.Declare(t, e, e.ref()));
    return read(t);
  }

  /** The call of {@code call}'s JVP: its arguments, then one tangent per differentiable one. */
  private Expr jvpCall(Expr.DiffCall call, List<Expr> args) {
    Signature callee = call.callee();
    List<Expr> all = new ArrayList<>(args);
    for (int i = 0; i < args.size(); i++) {
      Param p = callee.params().get(i);
      if (p.differentiable()) {
        Expr dot = tangentOf(args.get(i));
        // A zero tangent: 0.0, or null for an array (the callee reads it as zeros).
        all.add(dot != null ? dot : p.type().equals(TypeName.DOUBLE) ? lit(0)
            : new Expr.Literal(null, p.type(), null));
      }
    }
    TypeName jvpType = callee.adjointClass().nestedClass(AdjointNames.jvpRecord(callee));
    return new Expr.OpaqueCall(null, callee.adjointClass(), AdjointNames.jvpMethod(callee), all,
        jvpType, call.ref());
  }

  // ------------------------------------------------------------------ tangents

  /**
   * Records whether {@code v}'s tangent, just assigned {@code dot}, is zero by construction from
   * here on (array tangents alias, so only scalars are followed).
   */
  private void setZero(Variable v, Expr dot) {
    if (dot == null && v.type().equals(TypeName.DOUBLE)) {
      zero.add(v);
    } else {
      zero.remove(v);
    }
  }

  /** The tangent variable of an active variable, made on first use. */
  private Variable tangent(Variable v) {
    return tangents.computeIfAbsent(
        v, k -> new Variable(k.hint() + "Dot", k.type(), Variable.Kind.TANGENT));
  }

  private static boolean isFloating(TypeName t) {
    return t.equals(TypeName.DOUBLE) || Expr.isArray(t);
  }

  /** The tangent of {@code e}, or zero of {@code type} (a new zero array of its shape). */
  private Expr tangentOrZero(Expr e, TypeName type) {
    Expr dot = tangentOf(e);
    return dot != null ? dot : zeroLike(e, type);
  }

  private Expr zeroLike(Expr e, TypeName type) {
    if (type.equals(TypeName.DOUBLE)) {
      return lit(0);
    }
    if (e instanceof Expr.NewArray n) {
      return new Expr.NewArray(n.lengths(), null);
    }
    if (e instanceof Expr.Literal) {
      return e; // null
    }
    return buffers("zerosLike", type, e);
  }

  private Expr buffers(String method, TypeName type, Expr... args) {
    return new Expr.OpaqueCall(null, BUFFERS, method, List.of(args), type, null);
  }

  /** The tangent of a flattened expression, or null where it is zero by construction. */
  private Expr tangentOf(Expr e) {
    if (!isFloating(e.type()) || !activity.varies(e)) {
      return null;
    }
    return e.accept(new Tangents());
  }

  private static Expr plus(Expr a, Expr b) {
    return a == null ? b : b == null ? a : add(a, b);
  }

  private static Expr minus(Expr a, Expr b) {
    return b == null ? a : a == null ? neg(b) : sub(a, b);
  }

  /**
   * The tangent of {@code f(args)} over flattened arguments, whose value {@code value} holds: the
   * sum over varying arguments of the partial derivative times the argument's tangent, with the
   * same partials and conventions at kinks as reverse mode ({@link Partials}).
   */
  private Expr mathTangent(Expr.MathCall m, Expr value) {
    MathFunction f = m.function();
    if (f.isPiecewiseConstant()) {
      return null;
    }
    if (f == MathFunction.MIN || f == MathFunction.MAX) {
      // The argument that wins passes its tangent; ties pass the mean; a NaN argument, NaN.
      Expr a = m.args().get(0);
      Expr b = m.args().get(1);
      Expr ta = tangentOf(a);
      Expr tb = tangentOf(b);
      if (ta == null && tb == null) {
        return null;
      }
      Partials.Selection select = Partials.selection(f, a, b);
      Expr za = ta == null ? lit(0) : ta;
      Expr zb = tb == null ? lit(0) : tb;
      Expr both = plus(ta, tb);
      return new Expr.Conditional(select.aWins(), za,
          new Expr.Conditional(select.bWins(), zb,
              new Expr.Conditional(select.tie(), mul(lit(Partials.TIE_WEIGHT), both),
                  mul(both, lit(Partials.NAN_WEIGHT)), TypeName.DOUBLE, null),
              TypeName.DOUBLE, null),
          TypeName.DOUBLE, null);
    }
    Expr sum = null;
    for (int i = 0; i < m.args().size(); i++) {
      Expr dot = tangentOf(m.args().get(i));
      if (dot != null) {
        Expr partial = Partials.partial(f, m.owner(), i, m.args(), value);
        // A zero tangent through an infinite derivative contributes 0 (Partials.SINGULAR).
        sum = plus(sum, Partials.times(f, dot, partial));
      }
    }
    return sum;
  }


  /** Tangents of flattened expressions whose value varies. */
  private final class Tangents extends PrimalVisitor<Expr> {
    @Override
    public Expr visitLiteral(Expr.Literal e) {
      return null;
    }

    @Override
    public Expr visitRead(Expr.Read e) {
      Variable v = e.variable();
      return activity.isActive(v) && !zero.contains(v) ? read(tangent(v)) : null;
    }

    @Override
    public Expr visitUnary(Expr.Unary e) {
      Expr dot = tangentOf(e.operand());
      if (dot == null) {
        return null;
      }
      return switch (e.op()) {
        case NEG -> neg(dot);
        case PLUS -> dot;
        default -> null;
      };
    }

    @Override
    public Expr visitBinary(Expr.Binary e) {
      Expr l = e.left();
      Expr r = e.right();
      Expr dl = tangentOf(l);
      Expr dr = tangentOf(r);
      switch (e.op()) {
        case ADD:
          return plus(dl, dr);
        case SUB:
          return minus(dl, dr);
        case MUL:
          return plus(dl == null ? null : mul(dl, r), dr == null ? null : mul(l, dr));
        case DIV:
          // (dl - (l / r) * dr) / r, as the reverse rule's -(seed * value) / r; infinite
          // partials where r == 0, so a zero tangent contributes 0 (Partials.zeroWhereZero).
          return minus(dl == null ? null : Partials.zeroWhereZero(dl, r, div(dl, r)),
              dr == null ? null : Partials.zeroWhereZero(dr, r, div(mul(dr, div(l, r)), r)));
        case REM:
          // l % r == l - trunc(l / r) * r
          return minus(dl, dr == null ? null
              : mul(dr, div(sub(l, new Expr.Binary(Expr.BinaryOp.REM, l, r, TypeName.DOUBLE,
                  null)), r)));
        default:
          return null;
      }
    }

    @Override
    public Expr visitConditional(Expr.Conditional e) {
      Expr t = tangentOf(e.whenTrue());
      Expr f = tangentOf(e.whenFalse());
      if (t == null && f == null) {
        return null;
      }
      return new Expr.Conditional(e.condition(),
          t != null ? t : zeroLike(e.whenTrue(), e.type()),
          f != null ? f : zeroLike(e.whenFalse(), e.type()), e.type(), null);
    }

    @Override
    public Expr visitCast(Expr.Cast e) {
      return e.type().equals(TypeName.DOUBLE) ? tangentOf(e.operand()) : null;
    }

    @Override
    public Expr visitMathCall(Expr.MathCall e) {
      return mathTangent(e, null); // hoisted where it varies: here only if passive
    }

    @Override
    public Expr visitStopGradient(Expr.StopGradient e) {
      return null;
    }

    @Override
    public Expr visitDiffCall(Expr.DiffCall e) {
      throw new IllegalStateException("a varying call is flattened before its tangent: " + e);
    }

    @Override
    public Expr visitOpaqueCall(Expr.OpaqueCall e) {
      return null; // its value does not depend on differentiable data (see Subset)
    }

    @Override
    public Expr visitFieldRead(Expr.FieldRead e) {
      return null;
    }

    @Override
    public Expr visitArrayRead(Expr.ArrayRead e) {
      return activity.isActive(e.array())
          ? new Expr.ArrayRead(tangent(e.array()), e.indices(), null) : null;
    }

    @Override
    public Expr visitArrayLength(Expr.ArrayLength e) {
      return null;
    }

    @Override
    public Expr visitNewArray(Expr.NewArray e) {
      return null;
    }

  }
}

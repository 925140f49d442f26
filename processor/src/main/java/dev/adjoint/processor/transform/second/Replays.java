package dev.adjoint.processor.transform.second;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.BodyCopier;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@code mHvpAt} a linearization, as JAX's {@code linearize} is: everything the
 * Hessian-vector sweep reads or computes at its point that does not depend on the direction goes
 * through a {@code dev.adjoint.runtime.Replay}, which {@code mHvpAt} records by one sweep when it
 * is made and every {@code apply} replays. So a plain method that reads a field ({@code double k
 * = cfg();}), a field read through an object a call returned, or a callee's products at the point
 * ({@code GAdjoint.gHvpAt(x)}) is read at the point, as {@link Captures} reads the fields the body
 * reads itself, and a write to the world after {@code mHvpAt} changes none of its products; and
 * the costly values every direction shares are computed once ({@link #ofSweep}).
 *
 * <p>On the tangent body ({@link #of}), before reverse mode:
 *
 * <ul>
 *   <li>{@code T v = call(args);} becomes {@code T v = replay.replaying() ? replay.nextT() :
 *       replay.recordT(call(args));}, then {@code replay.sync(a)} for each array {@code a} the
 *       call is given;
 *   <li>{@code call(args);} becomes {@code if (!replay.replaying()) call(args);}, then the same
 *       syncs;
 *   <li>elsewhere (conditions of branches and loops, inside expressions), a call given no array
 *       and a primitive field read become {@code (replay.replaying() ? replay.nextT() :
 *       replay.recordT(e))} where they stand, unless a guard that depends on the direction
 *       encloses them (the right of {@code &&}, a branch of {@code ?:}).
 * </ul>
 *
 * <p>A call is replayed when no argument (or receiver) depends on a direction, by a
 * flow-insensitive dependence over the body, arrays by alias class (a call given a direction's
 * array, as forward mode's {@code System.arraycopy} of tangents is, runs every time), and it is
 * not one whose value depends on its arguments only: {@code Math}'s, the runtime's, {@code
 * java.util.Arrays}' and {@code System.arraycopy}; nor one under a branch or loop that tests a
 * value that depends on a direction (forward mode writes none: branches and loops read primal
 * values). So the sweep that records and those that replay make the same replayed steps in the
 * same order. A call inside a larger expression that is given an array (and may write it) runs
 * each time.
 */
final class Replays {
  private Replays() {}

  /** The runtime's record of a sweep's calls. */
  static final ClassName REPLAY = ClassName.get("dev.adjoint.runtime", "Replay");

  /** Whose static methods depend on their arguments only (and write at most those). */
  private static final Set<String> ARGUMENTS_ONLY = Set.of("java.util.Arrays",
      "java.lang.Double", "java.lang.Integer", "java.lang.Long", "java.lang.Boolean",
      "java.lang.Float", "java.lang.Character", "java.lang.Short", "java.lang.Byte");

  /**
   * @param body the rewritten body, or {@code body} itself when no call is replayed
   * @param used whether any call goes through the replay
   */
  record Rewritten(List<Stmt> body, boolean used) {}

  /**
   * @param body the tangent body (after {@link Captures})
   * @param directions the direction parameters
   * @param replay the sweep's {@code Replay} parameter, read where a call is replayed
   */
  static Rewritten of(List<Stmt> body, Set<Variable> directions, Variable replay) {
    Set<Variable> dynamic = dynamic(body, directions);
    // A statement under a branch or loop that tests a direction may run in one sweep and not in
    // another: its calls run each time.
    Set<Stmt> steered = steered(body, dynamic);
    Rewriter w = new Rewriter(dynamic, steered, replay);
    List<Stmt> out = w.stmts(body);
    return w.used ? new Rewritten(out, true) : new Rewritten(body, false);
  }

  /**
   * The rewrite of {@link #of}: statements whose value is a replayed call (with their arrays
   * synced), then, in every other statement and in the conditions of branches and loops, each
   * replayed call given no array and each read of a primitive field (through an object no
   * parameter roots, which {@link Captures} could not take: {@code Steps st = steps(); ...
   * st.count}) replayed where it stands: {@code (replay.replaying() ? replay.nextT() :
   * replay.recordT(e))}. A read evaluated only under a guard that depends on a direction (the
   * right of {@code &&} or {@code ||}, a branch of {@code ?:}) runs each time.
   */
  private static final class Rewriter extends BodyCopier.InPlace {
    private final Set<Variable> dynamic;
    private final Set<Stmt> steered;
    private final Variable replay;
    boolean used;
    /** How many guards that depend on a direction enclose the expression being rewritten. */
    private int dynamicGuards;

    Rewriter(Set<Variable> dynamic, Set<Stmt> steered, Variable replay) {
      this.dynamic = dynamic;
      this.steered = steered;
      this.replay = replay;
    }

    List<Stmt> stmts(List<Stmt> in) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt st : in) {
        out.addAll(stmt(st));
      }
      return out;
    }

    private Stmt.Block block(List<Stmt> in, Stmt.Block old) {
      return new Stmt.Block(stmts(in), old.ref());
    }

    private List<Stmt> stmt(Stmt st) {
      if (steered.contains(st)) {
        return List.of(st);
      }
      if (st instanceof Stmt.If s) {
        return List.of(new Stmt.If(e(s.condition()), block(s.then().stmts(), s.then()),
            block(s.otherwise().stmts(), s.otherwise()), s.ref()));
      }
      if (st instanceof Stmt.Loop s) {
        return List.of(new Stmt.Loop(e(s.condition()), block(s.body().stmts(), s.body()),
            block(s.update().stmts(), s.update()), s.testFirst(), s.ref()));
      }
      if (st instanceof Stmt.Block b) {
        return List.of(block(b.stmts(), b));
      }
      Expr.OpaqueCall call = null;
      Variable target = null;
      if (st instanceof Stmt.Declare d && d.init() instanceof Expr.OpaqueCall c) {
        call = c;
        target = d.variable();
      } else if (st instanceof Stmt.Assign a && a.value() instanceof Expr.OpaqueCall c) {
        call = c;
        target = a.variable();
      } else if (st instanceof Stmt.Eval e && e.expr() instanceof Expr.OpaqueCall c) {
        call = c;
      }
      if (call == null || !replayed(call, dynamic)) {
        return List.of(st.accept(this));
      }
      used = true;
      List<Stmt> stmts = new ArrayList<>();
      Expr r = new Expr.Read(replay, null);
      if (target != null) {
        Expr value = wrapped(call, target.type());
        stmts.add(st instanceof Stmt.Declare d ? new Stmt.Declare(target, value, d.ref())
            : new Stmt.Assign(target, value, st.ref()));
      } else {
        stmts.add(new Stmt.If(replaying(r), Stmt.Block.of(List.of()),
            Stmt.Block.of(List.of(st)), st.ref()));
      }
      for (Expr a : written(call)) {
        stmts.add(new Stmt.Eval(new Expr.OpaqueCall(r, REPLAY, "sync", List.of(a),
            TypeName.VOID, null), null));
      }
      return stmts;
    }

    /** {@code replay.replaying() ? replay.nextT() : replay.recordT(e)}, of type {@code t}. */
    private Expr wrapped(Expr e, TypeName t) {
      Expr r = new Expr.Read(replay, null);
      String kind = kind(t);
      return new Expr.Conditional(replaying(r),
          new Expr.OpaqueCall(r, REPLAY, "next" + kind, List.of(), t, e.ref()),
          new Expr.OpaqueCall(r, REPLAY, "record" + kind, List.of(e), t, e.ref()),
          t, e.ref());
    }

    /**
     * Whether a value of {@code t} may be replayed where it stands in a larger expression: a
     * primitive the replay keeps as such, or a class that is not generic (a cast to it is
     * checked).
     */
    private static boolean inline(TypeName t) {
      return t.equals(TypeName.DOUBLE) || t.equals(TypeName.INT) || t.equals(TypeName.LONG)
          || t.equals(TypeName.BOOLEAN) || t instanceof ClassName;
    }

    private Expr replayedInline(Expr e) {
      used = true;
      Expr value = wrapped(e, e.type());
      return e.type().isPrimitive() ? value : new Expr.Cast(e.type(), value, e.ref());
    }

    @Override
    public Expr visitBinary(Expr.Binary b) {
      if (b.op() != Expr.BinaryOp.AND && b.op() != Expr.BinaryOp.OR) {
        return super.visitBinary(b);
      }
      Expr left = e(b.left());
      boolean guard = readsAny(b.left(), dynamic);
      dynamicGuards += guard ? 1 : 0;
      try {
        return new Expr.Binary(b.op(), left, e(b.right()), b.type(), b.ref());
      } finally {
        dynamicGuards -= guard ? 1 : 0;
      }
    }

    @Override
    public Expr visitConditional(Expr.Conditional c) {
      Expr condition = e(c.condition());
      boolean guard = readsAny(c.condition(), dynamic);
      dynamicGuards += guard ? 1 : 0;
      try {
        return new Expr.Conditional(condition, e(c.whenTrue()), e(c.whenFalse()), c.type(),
            c.ref());
      } finally {
        dynamicGuards -= guard ? 1 : 0;
      }
    }

    @Override
    public Expr visitOpaqueCall(Expr.OpaqueCall c) {
      if (c.owner().equals(REPLAY)) {
        return c;
      }
      if (dynamicGuards == 0 && inline(c.type()) && replayed(c, dynamic)
          && written(c).isEmpty()) {
        return replayedInline(c);
      }
      return super.visitOpaqueCall(c);
    }

    @Override
    public Expr visitFieldRead(Expr.FieldRead f) {
      if (dynamicGuards == 0 && f.type().isPrimitive() && inline(f.type())
          && !readsAny(f, dynamic)) {
        return replayedInline(f);
      }
      return super.visitFieldRead(f);
    }
  }

  /** The {@code Math} functions whose values a replay hands back rather than computes again. */
  private static final Set<MathFunction> COSTLY = java.util.EnumSet.of(MathFunction.SIN,
      MathFunction.COS, MathFunction.TAN, MathFunction.ASIN, MathFunction.ACOS,
      MathFunction.ATAN, MathFunction.ATAN2, MathFunction.SINH, MathFunction.COSH,
      MathFunction.TANH, MathFunction.EXP, MathFunction.EXPM1, MathFunction.LOG,
      MathFunction.LOG1P, MathFunction.LOG10, MathFunction.CBRT, MathFunction.POW,
      MathFunction.HYPOT);

  /**
   * The sweep itself (its forward and reverse sweeps, after reverse mode) with each {@code double}
   * it computes through a costly {@code Math} function ({@link #COSTLY}) free of the direction
   * replayed: {@code v = replay.replaying() ? replay.nextDouble() : replay.recordDouble(e)}. These
   * are the forward work at the point that every direction shares (the primal's transcendental
   * values, the forward body's partials and the reverse sweep's partials of them), which {@code
   * mHvpAt} records once, when it is made, as JAX's {@code linearize} keeps its point's
   * linearization: each {@code apply} reads them back. Cheap arithmetic is computed again (a
   * read of the record costs about as much). Where the sweep has no replay yet, one is added as
   * its last parameter.
   *
   * @param d the sweep
   * @param directions how many directions follow the method's {@code primal} parameters
   * @param primal how many of the sweep's parameters are the method's
   * @param replayed whether the sweep's last parameter is a replay already
   * @return the sweep, and whether it has a replay now
   */
  static Sweep ofSweep(ReverseDerivative d, int primal, int directions, boolean replayed) {
    Variable replay = replayed ? d.params().get(d.params().size() - 1)
        : new Variable("replay", REPLAY, Variable.Kind.PARAM);
    Set<Variable> seeds = new HashSet<>(d.params().subList(primal, primal + directions));
    seeds.add(d.seed());
    seeds.addAll(d.adjoints());
    seeds.addAll(d.paramAdjoints().values());
    List<Stmt> all = new ArrayList<>(d.forward().stmts());
    all.addAll(d.reverse().stmts());
    Set<Variable> dynamic = dynamic(all, seeds);
    Set<Stmt> steered = steered(all, dynamic);
    boolean[] used = {false};
    java.util.function.Function<Stmt, List<Stmt>> leaf = st -> {
      Expr value = st instanceof Stmt.Declare dd ? dd.init()
          : st instanceof Stmt.Assign a ? a.value()
          : st instanceof Stmt.ArrayAssign a ? a.value() : null;
      Variable target = Uses.written(st).orElse(null);
      if (value == null || !value.type().equals(TypeName.DOUBLE) || steered.contains(st)
          || dynamic.contains(target) || !costly(value) || readsAny(value, dynamic)) {
        return List.of(st);
      }
      used[0] = true;
      Expr r = new Expr.Read(replay, null);
      Expr replayedValue = new Expr.Conditional(replaying(r),
          new Expr.OpaqueCall(r, REPLAY, "nextDouble", List.of(), TypeName.DOUBLE, value.ref()),
          new Expr.OpaqueCall(r, REPLAY, "recordDouble", List.of(value), TypeName.DOUBLE,
              value.ref()),
          TypeName.DOUBLE, value.ref());
      return List.of(st instanceof Stmt.Declare dd
          ? new Stmt.Declare(dd.variable(), replayedValue, dd.ref())
          : st instanceof Stmt.Assign a ? new Stmt.Assign(a.variable(), replayedValue, a.ref())
          : new Stmt.ArrayAssign(((Stmt.ArrayAssign) st).array(),
              ((Stmt.ArrayAssign) st).indices(), replayedValue, st.ref()));
    };
    List<Stmt> forward = StmtRewriter.rewrite(d.forward().stmts(), leaf, st -> false);
    List<Stmt> reverse = StmtRewriter.rewrite(d.reverse().stmts(), leaf, st -> false);
    if (!used[0]) {
      return new Sweep(d, replayed);
    }
    Signature s = d.signature();
    List<Param> params = new ArrayList<>(s.params());
    List<Variable> variables = new ArrayList<>(d.params());
    if (!replayed) {
      params.add(new Param(replay.hint(), REPLAY, false));
      variables.add(replay);
    }
    return new Sweep(new ReverseDerivative(
        new Signature(s.owner(), s.name(), params, s.result(), s.isPublic(), s.instance()),
        variables, new Stmt.Block(forward, d.forward().ref()), d.result(), d.seed(),
        new Stmt.Block(reverse, d.reverse().ref()), d.adjoints(), d.paramAdjoints(),
        d.captured(), d.tape(), d.reader(), d.sometimesCreated()), true);
  }

  /**
   * @param derivative the sweep
   * @param replays whether its last parameter is a replay
   */
  record Sweep(ReverseDerivative derivative, boolean replays) {}

  /**
   * Whether {@code e} computes a costly {@code Math} function ({@link #COSTLY}) from arithmetic
   * alone: no call but {@code Math}'s (a replayed one inside would not run in a replaying sweep,
   * and the replay's values would fall out of step: fuzz soak run seed 31902, program
   * -964509702033037745; a call with an effect would not run either), no Vjp and no tape (whose
   * values the dependence over variables does not follow).
   */
  private static boolean costly(Expr e) {
    boolean[] found = {false};
    boolean[] other = {false};
    IrWalker.forEachExpr(e, x -> {
      if (x instanceof Expr.MathCall m && COSTLY.contains(m.function())) {
        found[0] = true;
      }
      other[0] |= x instanceof Expr.OpaqueCall c && !c.isMathFunction()
          || x instanceof Expr.DiffCall || x instanceof Expr.VjpOf
          || x instanceof Expr.VjpValue || x instanceof Expr.Pullback
          || x instanceof Expr.Component || x instanceof Expr.Pop;
    });
    return found[0] && !other[0];
  }

  /**
   * The statements under a branch or loop that tests a value that depends on a direction: one
   * sweep may run them and another not, so none is replayed.
   */
  private static Set<Stmt> steered(List<Stmt> body, Set<Variable> dynamic) {
    Set<Stmt> steered = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Stmt top : body) {
      IrWalker.forEachStmt(top, st -> {
        Expr condition = st instanceof Stmt.If s ? s.condition()
            : st instanceof Stmt.Loop s ? s.condition() : null;
        if (condition != null && readsAny(condition, dynamic)) {
          IrWalker.forEachStmt(st, steered::add);
        }
      });
    }
    return steered;
  }

  private static boolean readsAny(Expr e, Set<Variable> vars) {
    boolean[] any = {false};
    IrWalker.forEachExpr(e, x -> any[0] |= vars.contains(Uses.named(x)));
    return any[0];
  }

  private static Expr replaying(Expr replay) {
    return new Expr.OpaqueCall(replay, REPLAY, "replaying", List.of(), TypeName.BOOLEAN, null);
  }

  /** The suffix of the replay's methods for a value of type {@code t}. */
  private static String kind(TypeName t) {
    if (t.equals(TypeName.DOUBLE)) {
      return "Double";
    }
    if (t.equals(TypeName.INT)) {
      return "Int";
    }
    if (t.equals(TypeName.LONG)) {
      return "Long";
    }
    if (t.equals(TypeName.BOOLEAN)) {
      return "Boolean";
    }
    return "Object";
  }

  /** Whether {@code call} is replayed: it may read the world, and not the direction. */
  private static boolean replayed(Expr.OpaqueCall call, Set<Variable> dynamic) {
    String owner = call.owner().toString();
    if (call.isMathFunction() || owner.startsWith("dev.adjoint.runtime.")
        || call.receiver() == null && !call.isNew()
            && (ARGUMENTS_ONLY.contains(owner)
                || owner.equals("java.lang.System") && call.name().equals("arraycopy"))) {
      return false;
    }
    boolean[] free = {true};
    IrWalker.forEachExpr(call, e -> {
      Variable v = Uses.named(e);
      if (v != null && dynamic.contains(v)) {
        free[0] = false;
      }
    });
    return free[0];
  }

  /**
   * The arrays a call is given by name or as a row, which it may write; none for a callee's
   * {@code gHvpAt}, which copies them.
   */
  private static List<Expr> written(Expr.OpaqueCall call) {
    List<Expr> out = new ArrayList<>();
    if (call.makesProductsAtPoint()) {
      return out;
    }
    List<Expr> given = new ArrayList<>(call.args());
    if (call.receiver() != null) {
      given.add(call.receiver());
    }
    for (Expr a : given) {
      if (a.type() instanceof ArrayTypeName
          && (a instanceof Expr.Read || a instanceof Expr.ArrayRead)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * The variables whose values may depend on a direction: assigned from one, an array written
   * with one, an array given to a call that is given one, everything assigned under a branch or
   * loop that tests one, and every reference in the alias class of one.
   */
  private static Set<Variable> dynamic(List<Stmt> body, Set<Variable> directions) {
    Map<Variable, Variable> parent = new IdentityHashMap<>();
    List<Stmt> leaves = new ArrayList<>();
    for (Stmt st : body) {
      IrWalker.forEachStmt(st, leaves::add);
    }
    // Alias classes: an array assigned from an expression that reads another reference, or any
    // reference assigned another as it is (by name, a cast, a ?:). (A Vjp made from a callee's
    // products is no alias of them: it reads them, which the dependence below follows.)
    for (Stmt st : leaves) {
      Variable target = st instanceof Stmt.Declare d && d.init() != null ? d.variable()
          : st instanceof Stmt.Assign a ? a.variable() : null;
      Expr value = target == null ? null
          : st instanceof Stmt.Declare d ? d.init() : ((Stmt.Assign) st).value();
      if (target != null && !target.type().isPrimitive()
          && (target.type() instanceof ArrayTypeName || isAlias(value))) {
        IrWalker.forEachExpr(value, e -> {
          Variable v = Uses.named(e);
          if (v != null && !v.type().isPrimitive()) {
            union(parent, target, v);
          }
        });
      }
    }
    Set<Variable> roots = new HashSet<>();
    directions.forEach(v -> roots.add(find(parent, v)));
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Stmt st : leaves) {
        changed |= visit(st, parent, roots);
      }
    }
    Set<Variable> out = new HashSet<>();
    for (Stmt st : leaves) {
      IrWalker.forEachExpr(st, e -> {
        Variable v = Uses.named(e);
        if (v != null && roots.contains(find(parent, v))) {
          out.add(v);
        }
      });
      Uses.written(st).filter(v -> roots.contains(find(parent, v))).ifPresent(out::add);
    }
    out.addAll(directions);
    return out;
  }

  /** Whether {@code e} is a reference as it is: a read, a cast of one, or a {@code ?:} of them. */
  private static boolean isAlias(Expr e) {
    return e instanceof Expr.Read
        || e instanceof Expr.Cast c && isAlias(c.operand())
        || e instanceof Expr.Conditional c && (isAlias(c.whenTrue()) || isAlias(c.whenFalse()));
  }

  /** One statement's step of {@link #dynamic}: whether it marked anything new. */
  private static boolean visit(Stmt st, Map<Variable, Variable> parent, Set<Variable> roots) {
    List<Variable> targets = new ArrayList<>();
    boolean reads = false;
    if (st instanceof Stmt.If s) {
      reads = readsAny(s.condition(), parent, roots);
      if (reads) {
        IrWalker.forEachStmt(s, x -> Uses.written(x).ifPresent(targets::add));
      }
    } else if (st instanceof Stmt.Loop s) {
      reads = readsAny(s.condition(), parent, roots);
      if (reads) {
        IrWalker.forEachStmt(s, x -> Uses.written(x).ifPresent(targets::add));
      }
    } else {
      for (Expr e : IrWalker.ownExprs(st)) {
        reads |= readsAny(e, parent, roots);
      }
      if (reads) {
        Uses.written(st).ifPresent(targets::add);
        // A call given a direction may write every array it is given.
        for (Expr e : IrWalker.ownExprs(st)) {
          IrWalker.forEachExpr(e, x -> {
            if (x instanceof Expr.OpaqueCall c) {
              for (Expr a : c.args()) {
                Variable v = Uses.named(a);
                if (v != null && !v.type().isPrimitive()) {
                  targets.add(v);
                }
              }
            }
          });
        }
      }
    }
    boolean changed = false;
    for (Variable v : targets) {
      changed |= roots.add(find(parent, v));
    }
    return changed;
  }

  private static boolean readsAny(Expr e, Map<Variable, Variable> parent, Set<Variable> roots) {
    boolean[] any = {false};
    IrWalker.forEachExpr(e, x -> {
      Variable v = Uses.named(x);
      if (v != null && roots.contains(find(parent, v))) {
        any[0] = true;
      }
    });
    return any[0];
  }


  private static Variable find(Map<Variable, Variable> parent, Variable v) {
    Variable p = parent.getOrDefault(v, v);
    if (p == v) {
      return v;
    }
    Variable root = find(parent, p);
    parent.put(v, root);
    return root;
  }

  private static void union(Map<Variable, Variable> parent, Variable a, Variable b) {
    Variable ra = find(parent, a);
    Variable rb = find(parent, b);
    if (ra != rb) {
      parent.put(ra, rb);
    }
  }
}

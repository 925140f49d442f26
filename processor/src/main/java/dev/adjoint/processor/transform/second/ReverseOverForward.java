package dev.adjoint.processor.transform.second;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import dev.adjoint.processor.transform.reverse.ReverseMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hessian-vector products by reverse mode over forward mode (Clad's Hessian mode, JAX's {@code
 * grad(lambda x: jvp(f, (x,), (v,))[1])}): the forward derivative of a method with a {@code
 * double} result is a body in the primal subset whose tangent output is {@code ∇f(x)·v}, a
 * scalar; this makes it a method body of its own, {@code t(params..., directions...)} returning
 * that tangent, with the directions as constants, and hands it to {@link ReverseMode}. The
 * gradient of {@code t} with respect to the primal's differentiable parameters is {@code
 * ∇(∇f·v) = H v}, exactly (no differences).
 *
 * <p>One change to the forward body: its guards {@code factor == 0 ? 0 : factor * partial}
 * (where a partial is infinite at a finite point, a zero tangent contributes 0: {@link
 * dev.adjoint.processor.transform.Partials#times}) are dropped ({@link Unguard}). A guard holds
 * the tangent at 0 where the factor is 0 at the point, but its derivative need not be: {@code
 * log(1 + x²)} at 0 has tangent {@code 2x·v / (1 + x²) = 0} and second derivative 2, which
 * reverse mode through the guard's taken branch would make 0. Reverse mode's own guards on zero
 * cotangents keep a zero direction from contributing through an infinite partial; at a point
 * where a first derivative is itself infinite ({@code sqrt} at 0), the product may be NaN.
 *
 * <p>The forward body's partial derivatives ({@code cos} for {@code sin}, {@code 0.5 / sqrt} for
 * {@code sqrt}, the guards {@code factor == 0 ? 0 : ...} at singular points) are primal IR over
 * {@code Math} calls, so reverse mode differentiates them like any other code. What it leaves
 * out: the JVP's first statements, which replace a null array direction by zeros ({@code
 * Buffers.tangent}), are the generated caller's (the call they make is outside the subset; only
 * those statements: where the body assigns a parameter, the direction's assignment is kept); and
 * calls of other annotated methods that {@link dev.adjoint.processor.transform.normalize.Inliner} did not write into the body, which
 * forward mode turns into calls of their generated JVPs, whose second derivatives do not exist
 * yet (an error at each such call whose argument varies).
 */
public final class ReverseOverForward {
  private ReverseOverForward() {}

  /** The derivative, or the errors that say why there is none. */
  public record Result(Optional<HvpSweep> derivative, Report report) {}

  /**
   * @param f the forward derivative of an {@code order = 2} method with a {@code double} result
   * @param primal the method's lowered body (for the places of its calls)
   */
  public static Result derive(ForwardDerivative f, MethodBody primal) {
    return derive(f, primal, Map.of(), Map.of(), Map.of(), Map.of());
  }

  /**
   * @param nested the functions that uses of other classes' generated API in the body are
   *     lowered to ({@link dev.adjoint.processor.model.Nested}), with how the source writes each:
   *     a varying call of one would need a third derivative
   * @param throughHvp the callees not written in that have second-order members, each with the
   *     functions of the caller's class that stand for {@code gJvp(args, directions).tangent()}
   *     and {@code g(args)} given {@code g}'s products at {@code args} ({@link Through}): a
   *     varying call of one is differentiated through the callee's Hessian-vector products
   *     ({@link #throughHvp})
   * @param rules the callees that are custom rules, each with its annotation ({@code
   *     CustomVjp}, {@code CustomJvp}), which a message asks to give {@code order = 2}
   * @param rulesWithout those of them that cannot have second-order members, each with why (a
   *     message then says so instead of asking for {@code order = 2} on them)
   */
  public static Result derive(ForwardDerivative f, MethodBody primal,
      Map<Signature, String> nested, Map<Signature, Through> throughHvp,
      Map<Signature, String> rules, Map<Signature, String> rulesWithout) {
    Report.Builder report = Report.builder();
    Signature s = f.signature();
    // A call whose JVP the forward body calls: no second derivative through it yet.
    Set<SourceRef> jvpCalls = new HashSet<>();
    IrWalker.forEachStmt(f.body(), st -> {
      if (st instanceof Stmt.Declare d && d.variable().kind() == Variable.Kind.CALL
          && d.init() != null) {
        jvpCalls.add(d.init().ref());
      }
    });
    IrWalker.forEachExpr(primal.body(), e -> {
      if (e instanceof Expr.DiffCall call && jvpCalls.contains(call.ref())
          && nested.containsKey(call.callee())) {
        report.add(Message.SECOND_ORDER_CALL, call.ref(), s.name(), nested.get(call.callee()),
            "its second derivative would be a third derivative of the callee, which is not"
                + " generated; remove order = 2");
      } else if (e instanceof Expr.DiffCall call && jvpCalls.contains(call.ref())
          && !throughHvp.containsKey(call.callee())) {
        String fix = rulesWithout.containsKey(call.callee())
            ? "the rule " + call.callee().name() + " cannot have second-order members ("
                + rulesWithout.get(call.callee()) + "); remove order = 2 here, or call "
                + call.callee().name() + " only with arguments that do not vary"
            : !call.callee().result().equals(TypeName.DOUBLE)
            ? "its result is a " + call.callee().result() + ", whose body second order does not"
                + " write in yet; remove order = 2"
            : call.callee().owner().equals(s.owner()) && NESTABLE.test(call.callee())
                && rules.containsKey(call.callee())
            ? "declare " + call.callee().name() + " with @" + rules.get(call.callee())
                + "(order = 2), so that this call goes through its Hessian-vector products, or"
                + " remove order = 2 here"
            : call.callee().owner().equals(s.owner()) && NESTABLE.test(call.callee())
            ? "declare " + call.callee().name() + " with @Differentiable(order = 2), so that"
                + " this call goes through its Hessian-vector products (also where its body"
                + " cannot be written in: a recursive call, a row argument m[i], a branch of ?:),"
                + " call it where its body can be written in (double y = "
                + call.callee().name() + "(...); with array arguments by name), or remove"
                + " order = 2 here"
            : call.callee().owner().equals(s.owner())
            ? "call it in a statement of its own (double y = " + call.callee().name()
                + "(...);), or remove order = 2 here"
            : !NESTABLE.test(call.callee())
            ? "its differentiable parameters are not all double or double[]; remove order = 2"
            : "declare " + call.callee().name() + " with @"
                + rules.getOrDefault(call.callee(), "Differentiable") + "(order = 2), so that"
                + " its Hessian-vector products exist, or remove order = 2 here";
        report.add(Message.SECOND_ORDER_CALL, call.ref(), s.name(),
            call.callee().qualifiedName(), fix);
      }
    });
    if (!report.isClean()) {
      return new Result(Optional.empty(), report.build());
    }
    Set<Variable> directions = new HashSet<>(f.tangents());
    List<Stmt> forward = throughHvp(f.body().stmts(), throughHvp);
    List<Stmt> body = StmtRewriter.rewrite(forward, st -> {
      if (st instanceof Stmt.Assign a && directions.contains(a.variable())
          && isNullToZeros(a)) {
        return List.of(); // the caller replaces a null direction by zeros
      }
      if (st instanceof Stmt.Return r) {
        Expr tangent = f.returnTangents().get(r);
        return List.of(new Stmt.Return(tangent, r.ref()));
      }
      return List.of(st);
    }, st -> false);
    body = Unguard.of(body, directions);
    Set<Variable> params0 = new HashSet<>(f.params());
    params0.addAll(f.tangents());
    body = DeadPrimal.without(body, params0);
    // Fields are read from parameters of the sweep, which mHvpAt fills when it is made.
    Captures.Rewritten rewritten = Captures.of(body, f.params());
    body = rewritten.body();
    List<Param> params = new ArrayList<>(s.params());
    List<Variable> variables = new ArrayList<>(f.params());
    int k = 0;
    for (Param p : s.params()) {
      if (p.differentiable()) {
        Variable dot = f.tangents().get(k++);
        params.add(new Param(dot.hint(), p.type(), false));
        variables.add(dot);
      }
    }
    for (HvpSweep.Capture c : rewritten.captures()) {
      params.add(new Param(c.variable().hint(), c.variable().type(), false));
      variables.add(c.variable());
    }
    // The calls on values free of the direction, through a replay that mHvpAt records once.
    Replays.Rewritten replayed = replays(body, directions, params, variables);
    Signature tangentOutput = new Signature(
        s.owner(), s.name(), params, TypeName.DOUBLE, s.isPublic(), s.instance());
    ReverseMode.Result result = ReverseMode.derive(tangentOutput,
        new MethodBody(variables, Stmt.Block.of(replayed.body()), primal.aliasedArrays()),
        captured(rewritten));
    return new Result(result.derivative().map(d -> sweep(d, s, rewritten.captures(),
        replayed.used())), result.report());
  }

  /**
   * The Hessian-vector product of a method with a custom rule: the rule's tangent map is the
   * method's JVP, {@code ∇f(x)·v}, so reverse mode over it with respect to the primal's
   * parameters, the tangents held constant as the directions, gives {@code H v}, as JAX
   * differentiates a {@code custom_jvp} or {@code custom_vjp} rule a second time. A {@code
   * @CustomJvp} method's tangent map is its {@code @Jvp} rule's body with each {@code return
   * JvpResult.of(v, t)} made {@code return t}; a {@code @CustomVjp} method's is {@code
   * ⟨bwd(fwd(x).residuals, 1), v⟩} ({@link VjpRuleTangent}).
   *
   * @param primal the method
   * @param tangentMap the rule's tangent map: the primal's parameters, then one tangent per
   *     differentiable one
   */
  public static Result ofRule(Signature primal, MethodBody tangentMap) {
    Captures.Rewritten rewritten =
        Captures.of(tangentMap.body().stmts(), tangentMap.params());
    List<Param> params = new ArrayList<>(primal.params());
    List<Variable> variables = new ArrayList<>(tangentMap.params());
    for (int i = primal.params().size(); i < tangentMap.params().size(); i++) {
      Variable dot = tangentMap.params().get(i);
      params.add(new Param(dot.hint(), dot.type(), false));
    }
    for (HvpSweep.Capture c : rewritten.captures()) {
      params.add(new Param(c.variable().hint(), c.variable().type(), false));
      variables.add(c.variable());
    }
    Replays.Rewritten replayed = replays(rewritten.body(),
        new HashSet<>(tangentMap.params().subList(primal.params().size(),
            tangentMap.params().size())), params, variables);
    Signature tangentOutput = new Signature(primal.owner(), primal.name(), params,
        TypeName.DOUBLE, primal.isPublic(), primal.instance());
    ReverseMode.Result result = ReverseMode.derive(tangentOutput,
        new MethodBody(variables, Stmt.Block.of(replayed.body())), captured(rewritten));
    return new Result(result.derivative().map(d -> sweep(d, primal, rewritten.captures(),
        replayed.used())), result.report());
  }

  /**
   * The sweep of {@code d}, the reverse derivative of the tangent map of {@code primal}: its dead
   * forward statements pruned ({@link DeadPrimal}), its costly values free of the direction
   * replayed ({@link Replays#ofSweep}).
   */
  private static HvpSweep sweep(ReverseDerivative d, Signature primal,
      List<HvpSweep.Capture> captures, boolean replayed) {
    int directions = (int) primal.params().stream().filter(Param::differentiable).count();
    Replays.Sweep out = Replays.ofSweep(DeadPrimal.prunedForward(d), primal.params().size(),
        directions, replayed);
    return new HvpSweep(out.derivative(), primal.params().size(), captures, out.replays());
  }

  /**
   * The body with its calls free of the direction replayed ({@link Replays}); where there are
   * any, the sweep's last parameter, the replay, is added to {@code params} and {@code
   * variables}.
   */
  private static Replays.Rewritten replays(List<Stmt> body, Set<Variable> directions,
      List<Param> params, List<Variable> variables) {
    Variable replay = new Variable("replay", Replays.REPLAY, Variable.Kind.PARAM);
    Replays.Rewritten out = Replays.of(body, directions, replay);
    if (out.used()) {
      params.add(new Param(replay.hint(), replay.type(), false));
      variables.add(replay);
    }
    return out;
  }

  /** The parameters that hold the fields the sweep reads. */
  private static Set<Variable> captured(Captures.Rewritten rewritten) {
    Set<Variable> out = new HashSet<>();
    rewritten.captures().forEach(c -> out.add(c.variable()));
    return out;
  }

  /** Whether a callee's differentiable parameters are what a nested function takes. */
  public static final java.util.function.Predicate<Signature> NESTABLE = callee ->
      callee.result().equals(TypeName.DOUBLE) && callee.diffParams().stream()
          .allMatch(p -> p.type().equals(TypeName.DOUBLE) || p.type().equals(Expr.DOUBLE_ARRAY));

  /**
   * The functions a Hessian-vector sweep calls for a callee it goes through ({@link
   * dev.adjoint.processor.model.Nested#at}).
   *
   * @param tangent {@code (at, args, dots) ↦ ∇g·dots}
   * @param value {@code (at, args) ↦ g(args)}
   */
  public record Through(Signature tangent, Signature value) {}

  /**
   * The forward body with each JVP call of a callee in {@code functions} written as the
   * callee's products at the call's point, made once, and two calls that reverse mode
   * differentiates: forward mode's
   *
   * <pre>{@code
   * GJvp r = GAdjoint.gJvp(args, dots); double tDot = r.tangent(); double t = r.value();
   * }</pre>
   *
   * <p>becomes {@code GHvpAt at = GAdjoint.gHvpAt(args); double tDot = gJvpTangentAt(at, args,
   * dots); double t = gValueAt(at, args);}, whose derivatives are exact: the first call's
   * pullback of {@code w} is {@code w H dots} for the arguments and {@code w ∇g} for the
   * directions ({@code at.apply(dots)}, {@code codegen.NestedWriter}), the second's is {@code w
   * ∇g}. {@code at} is free of the direction, so {@link Replays} records it when {@code mHvpAt}
   * is made: {@code apply} reads none of the callee's state. A zero array direction, which
   * forward mode passes as {@code null}, becomes a new array of zeros of the argument's length.
   */
  private static List<Stmt> throughHvp(List<Stmt> stmts, Map<Signature, Through> functions) {
    if (functions.isEmpty()) {
      return stmts;
    }
    Map<Variable, Expr.OpaqueCall> calls = new java.util.IdentityHashMap<>();
    Map<Variable, Signature> callees = new java.util.IdentityHashMap<>();
    Map<Variable, Variable> ats = new java.util.IdentityHashMap<>();
    return StmtRewriter.rewrite(stmts, st -> {
      if (st instanceof Stmt.Declare d && d.variable().kind() == Variable.Kind.CALL
          && d.init() instanceof Expr.OpaqueCall call) {
        Signature callee = functions.keySet().stream()
            .filter(c -> c.adjointClass().equals(call.owner())
                && dev.adjoint.processor.model.AdjointNames.jvpMethod(c).equals(call.name()))
            .findFirst().orElse(null);
        if (callee != null) {
          calls.put(d.variable(), call);
          callees.put(d.variable(), callee);
          TypeName atType = functions.get(callee).value().params().get(0).type();
          Variable at = new Variable(callee.name() + "At", atType, Variable.Kind.TEMP);
          ats.put(d.variable(), at);
          return List.of(new Stmt.Declare(at, new Expr.OpaqueCall(null, callee.adjointClass(),
              dev.adjoint.processor.model.AdjointNames.hvpAtMethod(callee),
              call.args().subList(0, callee.params().size()), atType, call.ref()), d.ref()));
        }
      }
      if (st instanceof Stmt.Declare d && d.init() instanceof Expr.Component c
          && calls.containsKey(c.record())) {
        Expr.OpaqueCall call = calls.get(c.record());
        Signature callee = callees.get(c.record());
        int n = callee.params().size();
        List<Expr> args = new ArrayList<>();
        args.add(new Expr.Read(ats.get(c.record()), null));
        args.addAll(call.args().subList(0, n));
        if (c.accessor().equals("value")) {
          return List.of(new Stmt.Declare(d.variable(),
              new Expr.DiffCall(functions.get(callee).value(), args, call.ref()), d.ref()));
        }
        List<Stmt> out = new ArrayList<>();
        List<Expr> all = new ArrayList<>(args);
        int k = n;
        for (int i = 0; i < n; i++) {
          if (!callee.params().get(i).differentiable()) {
            continue;
          }
          Expr dot = call.args().get(k++);
          if (dot instanceof Expr.Literal l && l.value() == null) {
            Variable zeros = new Variable(callee.params().get(i).name() + "Dot",
                Expr.DOUBLE_ARRAY, Variable.Kind.TEMP);
            out.add(new Stmt.Declare(zeros, new Expr.NewArray(TypeName.DOUBLE,
                List.of(lengthOf(args.get(i + 1))), null), d.ref()));
            dot = new Expr.Read(zeros, null);
          }
          all.add(dot);
        }
        out.add(new Stmt.Declare(d.variable(),
            new Expr.DiffCall(functions.get(callee).tangent(), all, call.ref()), d.ref()));
        return out;
      }
      return List.of(st);
    }, st -> false);
  }

  /** The length of an array argument: a variable, or a row of a matrix. */
  private static Expr lengthOf(Expr array) {
    if (array instanceof Expr.Read r) {
      return new Expr.ArrayLength(r.variable(), List.of(), null);
    }
    if (array instanceof Expr.ArrayRead row) {
      return new Expr.ArrayLength(row.array(), row.indices(), null);
    }
    throw new IllegalArgumentException("not an array argument: " + array);
  }

  /**
   * The JVP's prologue {@code xDot = Buffers.tangent(xDot, x)} (null means zeros), and nothing
   * else: a body that assigns its parameter ({@code x0 = x1}) assigns the direction too ({@code
   * x0Dot = x1Dot}), and that assignment is the derivative's.
   */
  private static boolean isNullToZeros(Stmt.Assign a) {
    return a.ref() == null
        && a.value() instanceof Expr.OpaqueCall call
        && call.name().equals("tangent")
        && call.owner().toString().equals("dev.adjoint.runtime.Buffers");
  }
}

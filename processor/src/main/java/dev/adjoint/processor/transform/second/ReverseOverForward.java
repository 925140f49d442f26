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
 * calls of other annotated methods that {@link Inliner} did not write into the body, which
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
    return derive(f, primal, Map.of());
  }

  /**
   * @param nested the functions that uses of other classes' generated API in the body are
   *     lowered to ({@link dev.adjoint.processor.model.Nested}), with how the source writes each:
   *     a varying call of one would need a third derivative
   */
  public static Result derive(ForwardDerivative f, MethodBody primal,
      Map<Signature, String> nested) {
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
      } else if (e instanceof Expr.DiffCall call && jvpCalls.contains(call.ref())) {
        String fix = !call.callee().result().equals(TypeName.DOUBLE)
            ? "its result is a " + call.callee().result() + ", whose body second order does not"
                + " write in yet; remove order = 2"
            : call.callee().owner().equals(s.owner())
            ? "call it in a statement of its own (double y = " + call.callee().name()
                + "(...);), or remove order = 2"
            : "remove order = 2, or move " + call.callee().name() + " into "
                + s.owner().simpleName();
        report.add(Message.SECOND_ORDER_CALL, call.ref(), s.name(),
            call.callee().qualifiedName(), fix);
      }
    });
    if (!report.isClean()) {
      return new Result(Optional.empty(), report.build());
    }
    Set<Variable> directions = new HashSet<>(f.tangents());
    List<Stmt> body = StmtRewriter.rewrite(f.body().stmts(), st -> {
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
    Signature tangentOutput = new Signature(
        s.owner(), s.name(), params, TypeName.DOUBLE, s.isPublic(), s.instance());
    ReverseMode.Result result = ReverseMode.derive(
        tangentOutput, new MethodBody(variables, Stmt.Block.of(body)));
    return new Result(result.derivative().map(d ->
        new HvpSweep(d, s.params().size(), rewritten.captures())), result.report());
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

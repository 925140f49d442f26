package dev.adjoint.processor.transform.second;

import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.BodyCopier;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.transform.normalize.Jumps;
import dev.adjoint.processor.transform.normalize.Returns;
import java.util.ArrayList;
import java.util.List;

/**
 * The tangent map of a {@code @CustomVjp} method, for its second-order members: the rule's
 * gradient is {@code bwd(fwd(x).residuals, 1)}, so its JVP along the directions {@code v} is
 * {@code ⟨bwd(fwd(x).residuals, 1), v⟩}, a function of the primal's parameters with the
 * directions as constants. Reverse mode over it ({@link ReverseOverForward#ofRule}) gives {@code
 * H v}, the derivative of the rule's own gradient, as JAX differentiates a {@code custom_vjp}
 * rule's {@code fwd} and {@code bwd} a second time.
 *
 * <p>The body is the {@code @Fwd} companion's (its one return at its end dropped), then its
 * residuals bound to the {@code @Bwd} companion's residual parameters (an array residual is the
 * same array; a {@code double} a new local), the cotangent {@code 1.0}, and a copy of the {@code
 * @Bwd} body with fresh names whose returns, already inner products with the directions
 * ({@code source.BodyReader#readVjpCompanions}), assign the result.
 */
public final class VjpRuleTangent {
  private VjpRuleTangent() {}

  /**
   * @param fwd the {@code @Fwd} body (its parameters the primal's) without its return
   * @param residuals what the {@code @Fwd} returns as residuals, as leaves, read at its end
   * @param bwd the {@code @Bwd} body, whose returns are the tangent
   * @param receiver the {@code @Bwd} body's receiver parameter, or null
   * @param residualParams the {@code @Bwd} body's residual leaves, one per {@code residuals}
   * @param cotangent the {@code @Bwd} body's cotangent parameter
   * @param directions one per differentiable parameter of the primal
   * @return the tangent map: the primal's parameters then the directions
   */
  public static MethodBody of(MethodBody fwd, List<Expr> residuals, MethodBody bwd,
      Variable receiver, List<Variable> residualParams, Variable cotangent,
      List<Variable> directions) {
    List<Stmt> stmts = new ArrayList<>(fwd.body().stmts());
    BodyCopier copy = new BodyCopier();
    if (receiver != null) {
      copy.variables.put(receiver, fwd.params().get(0));
    }
    for (int i = 0; i < residuals.size(); i++) {
      Variable param = residualParams.get(i);
      Expr leaf = residuals.get(i);
      if (Expr.isArray(param.type()) && leaf instanceof Expr.Read r) {
        copy.variables.put(param, r.variable()); // the same array, as Java passes it
      } else {
        Variable local = new Variable(param.hint(), param.type(), Variable.Kind.LOCAL);
        stmts.add(new Stmt.Declare(local, leaf, null));
        copy.variables.put(param, local);
      }
    }
    for (Variable d : directions) {
      copy.variables.put(d, d); // the tangent map's parameters
    }
    Variable g = new Variable(cotangent.hint(), TypeName.DOUBLE, Variable.Kind.LOCAL);
    stmts.add(new Stmt.Declare(g, new Expr.Literal(1.0, TypeName.DOUBLE, null), null));
    copy.variables.put(cotangent, g);
    Variable tangent = new Variable("tangent", TypeName.DOUBLE, Variable.Kind.LOCAL);
    stmts.add(new Stmt.Declare(tangent, null, null));
    copy.result = tangent;
    stmts.addAll(copy.block(Returns.normalize(Jumps.lower(bwd.body()))).stmts());
    stmts.add(new Stmt.Return(read(tangent), null));
    List<Variable> params = new ArrayList<>(fwd.params());
    params.addAll(directions);
    return new MethodBody(params, Stmt.Block.of(stmts));
  }
}

package dev.adjoint.processor.plan;

import com.palantir.javapoet.ClassName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.model.MethodModel;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.validation.Orders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives {@code order = 2} to the methods of a round that an {@code order = 2} method calls and
 * whose calls second order does not write into their callers (a method of another class, a custom
 * rule whose tangent map exists), where their signatures allow it, up to a fixpoint: second order
 * goes through their own Hessian-vector products, so the user asks for {@code order = 2} once,
 * where the second derivative is wanted (issue 12). A callee in a jar compiled without them is an
 * error at the call (transform.second.ReverseOverForward), asking for {@code order = 2} there.
 */
public final class ImpliedOrder {
  private ImpliedOrder() {}

  /**
   * @param plans the round's class plans, in order, those with methods given {@code order = 2}
   *     replaced
   * @param impliedBy each method given {@code order = 2}, with an {@code order = 2} caller that
   *     needs it (for the message where it cannot have second-order members)
   */
  public record Result(List<ClassPlan> plans, Map<Signature, Signature> impliedBy) {}

  public static Result of(List<ClassPlan> round) {
    return of(round, Map.of());
  }

  /**
   * As {@link #of(List)}, with {@code waiting}: the calls, by callee class and name, of the
   * {@code order = 2} methods of classes deferred to a later round, each with its caller. Their
   * callees in this round get {@code order = 2} too, since they are written now, before their
   * callers (red team P2: the callee was generated without it, and the caller then failed).
   */
  public static Result of(List<ClassPlan> round, Map<ClassName, Map<String, Signature>> waiting) {
    List<ClassPlan> plans = new ArrayList<>(round);
    Map<Signature, Signature> impliedBy = new LinkedHashMap<>();
    for (boolean changed = true; changed; ) {
      changed = false;
      Map<ClassName, Map<String, Signature>> wanted = new HashMap<>();
      waiting.forEach((owner, calls) ->
          wanted.computeIfAbsent(owner, o -> new HashMap<>()).putAll(calls));
      for (ClassPlan plan : plans) {
        for (ClassPlan.MethodPlan m : plan.methods()) {
          if (!m.model().secondOrder() || m.model().isCustom() || m.body().isEmpty()) {
            continue;
          }
          IrWalker.forEachExpr(m.body().get().body(), e -> {
            if (e instanceof Expr.DiffCall call) {
              wanted.computeIfAbsent(call.callee().owner(), o -> new HashMap<>())
                  .putIfAbsent(call.callee().name(), m.model().signature());
            }
          });
        }
      }
      for (int i = 0; i < plans.size(); i++) {
        ClassPlan plan = plans.get(i);
        Map<String, Signature> callers = wanted.getOrDefault(plan.owner(), Map.of());
        List<ClassPlan.MethodPlan> methods = new ArrayList<>();
        boolean upgraded = false;
        for (ClassPlan.MethodPlan m : plan.methods()) {
          Signature s = m.model().signature();
          Signature caller = callers.get(s.name());
          if (caller != null && !m.model().secondOrder()
              && (m.model().isCustom() ? m.ruleBody().isPresent()
                  : !s.owner().equals(caller.owner()))
              && Orders.unsupported(s) == null) {
            methods.add(new ClassPlan.MethodPlan(new MethodModel(s, m.model().rule(),
                m.model().jvpRule(), 2), m.body(), m.ruleBody()));
            impliedBy.put(s, caller);
            upgraded = true;
          } else {
            methods.add(m);
          }
        }
        if (upgraded) {
          plans.set(i, new ClassPlan(plan.owner(), plan.isPublic(), methods, plan.nested()));
          changed = true;
        }
      }
    }
    return new Result(plans, impliedBy);
  }
}

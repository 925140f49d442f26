package dev.adjoint.processor.plan;

import com.palantir.javapoet.ClassName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Plans the derivatives of one round: the derivative requests of each class; the call graph between annotated methods (a callee
 * with a custom rule is a leaf: its rule always wins over its body), and checks that every callee
 * compiled elsewhere brought its generated class along. Cycles need nothing of their own
 * (recursion, issue 11): a derived call goes through the callee's generated entry points (its
 * Vjp, its JVP) by name, and no derivative reads another's IR, so a method that calls itself,
 * directly or through other classes, calls its own entry point one level down, in every form.
 */
public final class Planner {
  private Planner() {}

  /** A method, named by its class and name (annotated names are unique in a class). */
  private record Key(ClassName owner, String name) {
    static Key of(Signature s) {
      return new Key(s.owner(), s.name());
    }

    @Override
    public String toString() {
      return owner.simpleName() + "." + name;
    }
  }

  /**
   * The derivatives to make for {@code plan}'s methods: the reverse derivative of every body, in
   * source order (for a custom rule's primal only as the reference its rule is checked against);
   * then the forward derivative of every body whose method has a JVP (again only a reference for
   * a custom rule's primal); then the transpose of every {@code @Jvp} rule; then the
   * Hessian-vector products of every {@code order = 2} {@code @Differentiable} or {@code
   * @CustomJvp} method.
   */
  public static List<DerivativeRequest> requests(ClassPlan plan) {
    List<DerivativeRequest> out = new ArrayList<>();
    for (ClassPlan.MethodPlan m : plan.methods()) {
      if (m.body().isPresent()) {
        out.add(new DerivativeRequest(m, Mode.REVERSE, m.model().isCustom()));
      }
    }
    for (ClassPlan.MethodPlan m : plan.methods()) {
      // A body's JVP is a forward sweep; a rule's is the rule's, and its body's forward sweep is
      // a reference (FromBody.mJvp).
      if (m.body().isPresent() && AdjointNames.hasJvp(m.model().signature())) {
        out.add(new DerivativeRequest(m, Mode.FORWARD, m.model().isCustom()));
      }
    }
    for (ClassPlan.MethodPlan m : plan.methods()) {
      if (m.ruleBody().isPresent() && m.model().hasJvpRule()) {
        out.add(new DerivativeRequest(m, Mode.TRANSPOSE, false));
      }
    }
    for (ClassPlan.MethodPlan m : plan.methods()) {
      // Reverse over forward: after the method's FORWARD request, whose output it reads.
      // (A custom rule's: reverse mode over its rule's tangent map.)
      if (m.model().secondOrder() && (m.model().isCustom() ? m.ruleBody().isPresent()
          : m.body().isPresent())) {
        out.add(new DerivativeRequest(m, Mode.HVP, false));
      }
    }
    return out;
  }

  /**
   * @param plans the classes to generate this round
   * @param compiledHere classes whose adjoint this compilation generates (this round or earlier)
   * @param adjointOnClassPath whether a generated adjoint class already exists, for callees in jars
   * @param membersOnClassPath whether the generated adjoint class of a callee in a jar has the
   *     callee's members: a helper with out-parameters has none (its callers are differentiated
   *     through its body, which a jar does not hold)
   * @return the problems found, each at its call site
   */
  public static Report check(
      List<ClassPlan> plans,
      Predicate<ClassName> compiledHere,
      Predicate<ClassName> adjointOnClassPath,
      Predicate<Signature> membersOnClassPath) {
    Report.Builder report = Report.builder();
    for (ClassPlan plan : plans) {
      for (ClassPlan.MethodPlan m : plan.methods()) {
        if (m.model().isCustom() || m.body().isEmpty()) {
          continue;
        }
        List<Expr.DiffCall> calls = calls(m.body().get());
        for (Expr.DiffCall call : calls) {
          ClassName owner = call.callee().owner();
          if (!compiledHere.test(owner) && !adjointOnClassPath.test(owner)) {
            report.add(
                Message.MISSING_ADJOINT_CLASS,
                call.ref(),
                Key.of(call.callee()),
                call.callee().adjointClass().canonicalName(),
                owner.simpleName());
          } else if (!compiledHere.test(owner) && !membersOnClassPath.test(call.callee())) {
            report.add(
                Message.OUT_PARAMETER_CALL,
                call.ref(),
                call.callee().name(),
                "(its generated class " + call.callee().adjointClass().simpleName()
                    + " has no members for it, as for every such helper)",
                "must be compiled together with this class: its callers are differentiated"
                    + " through its body, which this compilation cannot see; compile "
                    + owner.simpleName() + " in the same javac run");
          }
        }
      }
    }
    return report.build();
  }

  private static List<Expr.DiffCall> calls(MethodBody body) {
    List<Expr.DiffCall> out = new ArrayList<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (e instanceof Expr.DiffCall call) {
        out.add(call);
      }
    });
    return out;
  }
}

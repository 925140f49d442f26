package dev.adjoint.processor.plan;

import com.palantir.javapoet.ClassName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The calls between classes: which other classes' annotated methods a class calls, and what that
 * means for it while a round is processed (the step asks here instead of walking bodies itself).
 */
public final class CallGraph {
  private CallGraph() {}

  /** What a class can do, given what became of the classes it calls. */
  public enum Outcome {
    /** Every class it calls is generated (or compiled elsewhere): it can be generated. */
    READY,
    /** A class it calls generates nothing: its own generated code could not compile. */
    FAILS,
    /** A class it calls waits for the next round: it waits with it. */
    WAITS
  }

  /**
   * The other classes whose annotated methods {@code plan} calls, in order of first call, then
   * those whose generated API its bodies call ({@link ClassPlan#nested}).
   */
  public static Set<ClassName> calleeOwners(ClassPlan plan) {
    Set<ClassName> owners = new LinkedHashSet<>();
    for (ClassPlan.MethodPlan m : plan.methods()) {
      m.body().ifPresent(b -> IrWalker.forEachExpr(b.body(), e -> {
        if (e instanceof Expr.DiffCall call && !call.callee().owner().equals(plan.owner())) {
          owners.add(call.callee().owner());
        }
      }));
    }
    plan.nested().stream().map(n -> n.target().owner())
        .filter(owner -> !owner.equals(plan.owner())) // a rule's call of its own class's rule
        .forEach(owners::add);
    return owners;
  }

  /**
   * What becomes of {@code plan}: it fails if any class it calls {@code failed}, else waits if
   * any class it calls is {@code deferred}, else is ready. (Failing wins over waiting: a class
   * that calls one failed class fails now, whatever else it calls.)
   */
  public static Outcome outcome(
      ClassPlan plan, Predicate<ClassName> failed, Predicate<ClassName> deferred) {
    Set<ClassName> callees = calleeOwners(plan);
    if (callees.stream().anyMatch(failed)) {
      return Outcome.FAILS;
    }
    if (callees.stream().anyMatch(deferred)) {
      return Outcome.WAITS;
    }
    return Outcome.READY;
  }
}

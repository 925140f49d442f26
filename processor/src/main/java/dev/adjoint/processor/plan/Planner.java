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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Plans the derivatives of one round: the derivative requests of each class; the call graph between annotated methods (a callee
 * with a custom rule is a leaf: its rule always wins over its body), rejects recursive cycles,
 * and checks that every callee compiled elsewhere brought its generated class along.
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
   * a custom rule's primal); then the transpose of every {@code @Jvp} rule.
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
      if (m.ruleBody().isPresent()) {
        out.add(new DerivativeRequest(m, Mode.TRANSPOSE, false));
      }
    }
    return out;
  }

  /**
   * @param plans the classes to generate this round
   * @param compiledHere classes whose adjoint this compilation generates (this round or earlier)
   * @param adjointOnClassPath whether a generated adjoint class already exists, for callees in jars
   * @return the problems found, each at its call site
   */
  public static Report check(
      List<ClassPlan> plans,
      Predicate<ClassName> compiledHere,
      Predicate<ClassName> adjointOnClassPath) {
    Report.Builder report = Report.builder();
    Map<Key, List<Expr.DiffCall>> derivedCalls = new LinkedHashMap<>();
    for (ClassPlan plan : plans) {
      for (ClassPlan.MethodPlan m : plan.methods()) {
        if (m.model().isCustom() || m.body().isEmpty()) {
          continue;
        }
        List<Expr.DiffCall> calls = calls(m.body().get());
        derivedCalls.put(Key.of(m.model().signature()), calls);
        for (Expr.DiffCall call : calls) {
          ClassName owner = call.callee().owner();
          if (!compiledHere.test(owner) && !adjointOnClassPath.test(owner)) {
            report.add(
                Message.MISSING_ADJOINT_CLASS,
                call.ref(),
                Key.of(call.callee()),
                call.callee().adjointClass().canonicalName(),
                owner.simpleName());
          }
        }
      }
    }
    // Recursion: a cycle among methods whose gradients are derived from their bodies.
    Set<Key> reported = new HashSet<>();
    for (Key start : derivedCalls.keySet()) {
      List<Key> cycle = cycleThrough(start, derivedCalls);
      if (cycle != null && reported.add(start)) {
        Expr.DiffCall closing = firstCallTo(derivedCalls.get(start), cycle.get(1));
        String via = String.join(" -> ", cycle.stream().map(Key::toString).toList());
        report.add(Message.RECURSION, closing.ref(), start, via);
      }
    }
    return report.build();
  }

  /** The methods a path from {@code start} back to itself goes through, or null. */
  private static List<Key> cycleThrough(Key start, Map<Key, List<Expr.DiffCall>> graph) {
    List<Key> path = new ArrayList<>();
    path.add(start);
    return search(start, start, graph, path, new HashSet<>()) ? path : null;
  }

  private static boolean search(
      Key start, Key at, Map<Key, List<Expr.DiffCall>> graph, List<Key> path, Set<Key> seen) {
    for (Expr.DiffCall call : graph.getOrDefault(at, List.of())) {
      Key next = Key.of(call.callee());
      if (next.equals(start)) {
        path.add(next);
        return true;
      }
      if (graph.containsKey(next) && seen.add(next)) {
        path.add(next);
        if (search(start, next, graph, path, seen)) {
          return true;
        }
        path.remove(path.size() - 1);
      }
    }
    return false;
  }

  private static Expr.DiffCall firstCallTo(List<Expr.DiffCall> calls, Key callee) {
    for (Expr.DiffCall c : calls) {
      if (Key.of(c.callee()).equals(callee)) {
        return c;
      }
    }
    return calls.get(0);
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

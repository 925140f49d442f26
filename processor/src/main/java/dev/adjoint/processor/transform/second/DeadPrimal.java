package dev.adjoint.processor.transform.second;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tangent map's statements whose values nothing it returns or does depends on, left out. The
 * tangent map is the method's forward derivative with each {@code return} made a return of the
 * tangent, so the primal's own result (a loop's running sum {@code s = s + f(x[i])}, whose tangent
 * {@code sDot} is returned instead) is computed and never read; the Hessian-vector sweep, which
 * is reverse mode over that map, would compute it on every trip too (issue 12's dead primal
 * stores).
 *
 * <p>A variable is needed when an if's or loop's condition, a return, an array write, or a
 * statement with effects reads it, or when an assignment of a needed variable reads it. Only
 * assignments and declarations whose value has no effect (arithmetic, reads of variables, array
 * elements and fields, {@code Math}'s functions) of variables that are not arrays go, and only
 * when every assignment of the variable can go (so none is left without its declaration).
 */
final class DeadPrimal {
  private DeadPrimal() {}

  static List<Stmt> without(List<Stmt> body, Set<Variable> params) {
    Map<Variable, Set<Variable>> feeds = new HashMap<>(); // variable -> what its values read
    Set<Variable> needed = new HashSet<>(params);
    Set<Variable> kept = new HashSet<>(); // variables with an assignment that cannot go
    Set<Stmt> candidates = Collections.newSetFromMap(new IdentityHashMap<>());
    Stmt.Block all = Stmt.Block.of(body);
    IrWalker.forEachStmt(all, s -> {
      Variable target = s instanceof Stmt.Declare d ? d.variable()
          : s instanceof Stmt.Assign a ? a.variable() : null;
      Expr value = s instanceof Stmt.Declare d ? d.init()
          : s instanceof Stmt.Assign a ? a.value() : null;
      if (target != null && !Expr.isArray(target.type())
          && !Expr.isDiscreteArray(target.type()) && (value == null || effectFree(value))) {
        candidates.add(s);
        Set<Variable> read = feeds.computeIfAbsent(target, k -> new HashSet<>());
        if (value != null) {
          IrWalker.forEachExpr(value, e -> {
            Variable v = Uses.named(e);
            if (v != null) {
              read.add(v);
            }
          });
        }
        return;
      }
      if (target != null) {
        kept.add(target);
      }
      for (Expr own : IrWalker.ownExprs(s)) {
        IrWalker.forEachExpr(own, e -> {
          Variable v = Uses.named(e);
          if (v != null) {
            needed.add(v);
          }
        });
      }
      Uses.written(s).ifPresent(needed::add); // an array it writes into, a call's variable
    });
    needed.addAll(kept);
    Deque<Variable> work = new ArrayDeque<>(needed);
    while (!work.isEmpty()) {
      for (Variable read : feeds.getOrDefault(work.pop(), Set.of())) {
        if (needed.add(read)) {
          work.push(read);
        }
      }
    }
    Set<Stmt> drop = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Stmt s : candidates) {
      Variable target = s instanceof Stmt.Declare d ? d.variable() : ((Stmt.Assign) s).variable();
      if (!needed.contains(target)) {
        drop.add(s);
      }
    }
    return drop.isEmpty() ? body : StmtRewriter.without(body, drop);
  }

  /** Whether evaluating {@code e} has no effect but its value (and perhaps an exception). */
  private static boolean effectFree(Expr e) {
    boolean[] free = {true};
    IrWalker.forEachExpr(e, x -> free[0] &= x instanceof Expr.Literal || x instanceof Expr.Read
        || x instanceof Expr.Unary || x instanceof Expr.Binary || x instanceof Expr.Cast
        || x instanceof Expr.Conditional || x instanceof Expr.ArrayRead
        || x instanceof Expr.ArrayLength || x instanceof Expr.MathCall
        || x instanceof Expr.FieldRead || x instanceof Expr.StopGradient
        || x instanceof Expr.OpaqueCall c && c.isMathFunction());
    return free[0];
  }
}

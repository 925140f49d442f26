package dev.adjoint.processor.transform.second;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
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
 * assignments and declarations whose value has no effect and cannot throw (double arithmetic,
 * reads of variables and static fields, {@code Math}'s functions; not array elements, which may
 * be out of range where the method throws) of variables that are not arrays go, and only when
 * every assignment of the variable can go (so none is left without its declaration).
 */
final class DeadPrimal {
  private DeadPrimal() {}

  static List<Stmt> without(List<Stmt> body, Set<Variable> params) {
    return without(body, params, Set.of());
  }

  /**
   * The Hessian-vector sweep {@code d} with the statements of its forward sweep that its reverse
   * sweep does not need left out. The sweep returns the gradient of the tangent, not the tangent:
   * the forward sweep's value ({@code value = sDot}) and whatever only it reads are dead, and so
   * is every value the reverse sweep computes again before reading it (a replay of a pure
   * statement that cannot throw): in Rosenbrock's loop, the products only the value reads.
   */
  static ReverseDerivative prunedForward(ReverseDerivative d) {
    Set<Variable> needed = liveIn(d.reverse().stmts(), new HashSet<>(), Set.of());
    needed.addAll(d.params());
    Set<Variable> mentioned = new HashSet<>();
    IrWalker.forEachStmt(d.reverse(), s -> {
      Uses.written(s).ifPresent(mentioned::add);
      for (Expr own : IrWalker.ownExprs(s)) {
        IrWalker.forEachExpr(own, e -> {
          Variable v = Uses.named(e);
          if (v != null) {
            mentioned.add(v);
          }
        });
      }
    });
    List<Stmt> forward = without(d.forward().stmts(), needed, mentioned);
    if (forward == d.forward().stmts()) {
      return d;
    }
    return new ReverseDerivative(d.signature(), d.params(),
        new Stmt.Block(forward, d.forward().ref()), d.result(), d.seed(), d.reverse(),
        d.adjoints(), d.paramAdjoints(), d.captured(), d.tape(), d.reader(),
        d.sometimesCreated());
  }

  /**
   * As {@link #without(List, Set)}; a dead declaration of a variable in {@code declaredFor} (one
   * the reverse sweep assigns or reads after assigning it) stays, without its value.
   */
  private static List<Stmt> without(List<Stmt> body, Set<Variable> params,
      Set<Variable> declaredFor) {
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
    if (drop.isEmpty()) {
      return body;
    }
    return StmtRewriter.rewrite(body, s -> !drop.contains(s) ? List.of(s)
        : s instanceof Stmt.Declare d && declaredFor.contains(d.variable())
            ? List.of(new Stmt.Declare(d.variable(), null, d.ref())) : List.of(), s -> false);
  }

  /**
   * The variables whose values before {@code stmts} some statement of them may read, given those
   * live after them ({@code liveOut}) and at the targets of a jump in them ({@code jumps}).
   * Arrays are never killed (a write of an element leaves the others).
   */
  private static Set<Variable> liveIn(List<Stmt> stmts, Set<Variable> liveOut,
      Set<Variable> jumps) {
    Set<Variable> live = new HashSet<>(liveOut);
    for (int i = stmts.size() - 1; i >= 0; i--) {
      live = liveIn(stmts.get(i), live, jumps);
    }
    return live;
  }

  private static Set<Variable> liveIn(Stmt s, Set<Variable> liveOut, Set<Variable> jumps) {
    Set<Variable> live = new HashSet<>(liveOut);
    if (s instanceof Stmt.Declare || s instanceof Stmt.Assign) {
      Variable v = s instanceof Stmt.Declare d ? d.variable() : ((Stmt.Assign) s).variable();
      if (!Expr.isArray(v.type()) && !Expr.isDiscreteArray(v.type())) {
        live.remove(v);
      }
    } else if (s instanceof Stmt.If i) {
      live = liveIn(i.then().stmts(), liveOut, jumps);
      live.addAll(liveIn(i.otherwise().stmts(), liveOut, jumps));
    } else if (s instanceof Stmt.Loop l) {
      List<Stmt> trip = new java.util.ArrayList<>(l.body().stmts());
      trip.addAll(l.update().stmts());
      Set<Variable> head = new HashSet<>(liveOut);
      reads(l.condition(), head);
      while (true) {
        Set<Variable> targets = new HashSet<>(head);
        targets.addAll(liveOut);
        Set<Variable> next = liveIn(trip, head, targets);
        next.addAll(head);
        if (next.equals(head)) {
          return head;
        }
        head = next;
      }
    } else if (s instanceof Stmt.Block b) {
      return liveIn(b.stmts(), liveOut, jumps);
    } else if (s instanceof Stmt.Jump) {
      live.addAll(jumps);
    }
    // its own expressions (an if's condition, a value, indices) and the array or tape it writes
    for (Expr own : IrWalker.ownExprs(s)) {
      reads(own, live);
    }
    if (!(s instanceof Stmt.Declare) && !(s instanceof Stmt.Assign)) {
      Uses.written(s).ifPresent(live::add);
    }
    return live;
  }

  private static void reads(Expr e, Set<Variable> out) {
    if (e != null) {
      IrWalker.forEachExpr(e, x -> {
        Variable v = Uses.named(x);
        if (v != null) {
          out.add(v);
        }
      });
    }
  }

  /**
   * Whether evaluating {@code e} has no effect but its value, and cannot throw: arithmetic on
   * doubles, reads of variables, {@code Math}'s double functions. An array element (out of range),
   * an int division (by zero) or {@code Math.floorMod} may throw where the method throws, so a
   * statement that reads one stays (red team of stop 30: with an index array out of range, the
   * method threw and {@code fHessian} returned a Hessian).
   */
  private static boolean effectFree(Expr e) {
    boolean[] free = {true};
    IrWalker.forEachExpr(e, x -> free[0] &= x instanceof Expr.Literal || x instanceof Expr.Read
        || x instanceof Expr.Unary || x instanceof Expr.Cast || x instanceof Expr.Conditional
        || x instanceof Expr.MathCall || x instanceof Expr.StopGradient
        || x instanceof Expr.FieldRead f && f.receiver() == null
        || x instanceof Expr.Binary b && (b.op() != Expr.BinaryOp.DIV
            && b.op() != Expr.BinaryOp.REM || b.type().equals(TypeName.DOUBLE)));
    return free[0];
  }
}

package dev.adjoint.processor.transform.analysis;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tape restores the reverse sweep needs: liveness on the reverse sweep itself. A restore
 * {@code v = pop()} is needed only when some statement reads {@code v} after it and before {@code
 * v} is written again (by the next restore, say); otherwise the value it brings back is never
 * seen, and its record can go from both sweeps. (An accumulator {@code z += w[i] * x[i]} is
 * restored on every trip, but read only after the loop: its per-trip records go; the restore of
 * its declaration stays.) An element restore {@code a[i] = pop()} is needed when any element of
 * {@code a} may be read later. A callee's pullback reads the arrays its call was given, and a
 * rule's the array it returned.
 */
public final class Liveness {
  private final Set<Stmt> restores;
  private final Set<Stmt> replays;
  private final Map<Variable, Set<Variable>> pullbackReads;
  private final Map<Expr, Set<Variable>> fills;
  private final Map<Expr, Set<Variable>> liveAfterLoops;
  private final Set<Stmt> needed = Collections.newSetFromMap(new IdentityHashMap<>());

  private Liveness(Set<Stmt> restores, Set<Stmt> replays,
      Map<Variable, Set<Variable>> pullbackReads, Map<Expr, Set<Variable>> fills,
      Map<Expr, Set<Variable>> liveAfterLoops) {
    this.restores = restores;
    this.replays = replays;
    this.pullbackReads = pullbackReads;
    this.fills = fills;
    this.liveAfterLoops = liveAfterLoops;
  }

  /**
   * The restores among {@code restores}, and the replays among {@code replays} (statements that
   * compute a value again instead of restoring it), whose values {@code reverse} reads; by
   * identity. A replay whose value nothing reads reads nothing itself.
   *
   * @param pullbackReads the arrays that the pullback of each call of another annotated method
   *     reads, by the variable holding the call
   * @param fills loops that fill arrays, by condition (identity): every run of such a loop
   *     writes the same elements, and no other statement writes those arrays, so it defines them
   *     as a whole
   * @param liveAfterLoops filled in: for each loop whose condition is a key (by identity), the
   *     variables live after it
   */
  public static Set<Stmt> needed(List<Stmt> reverse, Set<Stmt> restores, Set<Stmt> replays,
      Map<Variable, Set<Variable>> pullbackReads, Map<Expr, Set<Variable>> fills,
      Map<Expr, Set<Variable>> liveAfterLoops) {
    Liveness l = new Liveness(restores, replays, pullbackReads, fills, liveAfterLoops);
    l.sequence(reverse, new HashSet<>());
    return l.needed;
  }

  /** The variables live before {@code stmts}, given those live after them. */
  private Set<Variable> sequence(List<Stmt> stmts, Set<Variable> liveAfter) {
    Set<Variable> live = liveAfter;
    for (int i = stmts.size() - 1; i >= 0; i--) {
      live = stmt(stmts.get(i), live);
    }
    return live;
  }

  private Set<Variable> stmt(Stmt s, Set<Variable> liveAfter) {
    return s.accept(new Before(liveAfter));
  }

  /** The variables live before a statement, given those live after it; one arm per kind. */
  private final class Before implements Stmt.Visitor<Set<Variable>> {
    private final Set<Variable> liveAfter;

    Before(Set<Variable> liveAfter) {
      this.liveAfter = liveAfter;
    }

    @Override
    public Set<Variable> visitIf(Stmt.If i) {
      Set<Variable> live = sequence(i.then().stmts(), liveAfter);
      live.addAll(sequence(i.otherwise().stmts(), liveAfter));
      uses(i.condition(), live);
      return live;
    }

    @Override
    public Set<Variable> visitLoop(Stmt.Loop l) {
      if (liveAfterLoops.containsKey(l.condition())) {
        liveAfterLoops.get(l.condition()).addAll(liveAfter);
      }
      // Live at the loop's head: after it, or at the head of the next trip; to a fixpoint.
      Set<Variable> head = new HashSet<>(liveAfter);
      uses(l.condition(), head);
      while (true) {
        Set<Variable> next = sequence(l.update().stmts(), head);
        next = sequence(l.body().stmts(), next);
        next.addAll(liveAfter);
        uses(l.condition(), next);
        if (next.equals(head)) {
          head.removeAll(fills.getOrDefault(l.condition(), Set.of()));
          return head;
        }
        head = next;
      }
    }

    @Override
    public Set<Variable> visitBlock(Stmt.Block b) {
      return sequence(b.stmts(), liveAfter);
    }

    @Override
    public Set<Variable> visitAssign(Stmt.Assign a) {
      Set<Variable> live = new HashSet<>(liveAfter);
      if ((restores.contains(a) || replays.contains(a)) && liveAfter.contains(a.variable())) {
        needed.add(a);
      }
      live.remove(a.variable());
      if (!replays.contains(a) || liveAfter.contains(a.variable())) {
        uses(a.value(), live);
      }
      return live;
    }

    @Override
    public Set<Variable> visitDeclare(Stmt.Declare d) {
      Set<Variable> live = new HashSet<>(liveAfter);
      live.remove(d.variable());
      if (d.init() != null) {
        uses(d.init(), live);
      }
      return live;
    }

    @Override
    public Set<Variable> visitArrayAssign(Stmt.ArrayAssign a) {
      Set<Variable> live = new HashSet<>(liveAfter);
      if (restores.contains(a) && liveAfter.contains(a.array())) {
        needed.add(a);
      }
      // One element written: the array as a whole stays live.
      a.indices().forEach(i -> uses(i, live));
      uses(a.value(), live);
      return live;
    }

    @Override
    public Set<Variable> visitReturn(Stmt.Return s) {
      return readsOnly(s);
    }

    @Override
    public Set<Variable> visitEval(Stmt.Eval s) {
      return readsOnly(s);
    }

    @Override
    public Set<Variable> visitJump(Stmt.Jump s) {
      return readsOnly(s);
    }

    @Override
    public Set<Variable> visitPush(Stmt.Push s) {
      return readsOnly(s);
    }

    private Set<Variable> readsOnly(Stmt s) {
      Set<Variable> live = new HashSet<>(liveAfter);
      IrWalker.forEachExpr(s, e -> use(e, live));
      return live;
    }
  }

  private void uses(Expr e, Set<Variable> live) {
    IrWalker.forEachExpr(e, x -> use(x, live));
  }

  /** The variable {@code e} itself names is live; a pullback reads its call's arrays too. */
  private void use(Expr e, Set<Variable> live) {
    Variable v = Uses.named(e);
    if (v != null) {
      live.add(v);
    }
    if (e instanceof Expr.Pullback p) {
      live.addAll(pullbackReads.getOrDefault(p.call(), Set.of()));
    }
  }
}

package dev.adjoint.processor.transform.reverse;

import static dev.adjoint.processor.ir.StmtRewriter.without;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.transform.analysis.Liveness;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Save and restore on the tape, and their pruning: every value {@link ReverseMode} records (a push
 * in the forward sweep, the restore that pops it in the reverse sweep), the statements that
 * recompute a value instead of restoring it (replays, see {@link ReverseMode}), and {@link #prune},
 * which drops the records and replays nothing reads once both sweeps are built.
 */
final class Records {
  /** Every value recorded on the tape, so that those the reverse sweep never reads can go. */
  final List<Recorded> recorded = new ArrayList<>();

  /**
   * Statements that recompute, at the start of a reverse trip, a value the trip defined, instead
   * of restoring it from the tape; {@link #prune} drops those nothing reads.
   */
  final Set<Stmt> replays = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The pushes and restores of the records that replays took the place of. */
  final Set<Stmt> replaced = Collections.newSetFromMap(new IdentityHashMap<>());
  /**
   * Inner loops that fill arrays, run again at the start of each reverse trip of the loop around
   * them instead of recording the elements they overwrite (see {@link #fillReplays}); each is
   * kept only if the arrays it fills are not read after that loop's reverse sweep.
   */
  final List<FillReplay> fillReplays = new ArrayList<>();

  /**
   * An inner loop run again in the reverse sweep: the statements that run it ({@code replay}),
   * the records they take the place of, the arrays they fill, the statements of the forward loop
   * it was (the only ones that may write those arrays), and the condition of the reverse loop of
   * the loop around it, after which those arrays must not be read.
   */
  record FillReplay(List<Stmt> replay, List<Recorded> records, Set<Variable> arrays,
      Set<Stmt> forward, Expr outer) {}

  /** A push in the forward sweep and the restore that pops it in the reverse sweep. */
  record Recorded(Variable variable, Stmt push, Stmt restore) {}

  /**
   * Drops the tape records whose restores the reverse sweep never reads (the to-be-recorded
   * analysis, per record: see {@link Liveness}): their pushes from {@code forward} and their
   * restores from {@code reverse}, in place. {@code pullbackReads} gives, per call of an annotated
   * method, the arrays its pullback reads as they were when it returned. True when any record is left, so the method needs a
   * tape.
   */
  boolean prune(
      List<Stmt> forward, List<Stmt> reverse, Map<Variable, Set<Variable>> pullbackReads) {
    if (recorded.isEmpty() && replaced.isEmpty()) {
      return false;
    }
    Set<Stmt> drop = Collections.newSetFromMap(new IdentityHashMap<>());
    drop.addAll(replaced);
    Set<Stmt> restores = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Recorded r : recorded) {
      restores.add(r.restore());
    }
    // A fill replay holds only if its arrays are dead after the reverse loop around it; else its
    // records stay and it goes.
    Map<Expr, Set<Variable>> liveAfter = new IdentityHashMap<>();
    Map<Expr, Set<Variable>> fills = new IdentityHashMap<>();
    for (FillReplay f : fillReplays) {
      liveAfter.put(f.outer(), new HashSet<>());
      fills.put(((Stmt.Loop) f.replay().get(1)).condition(), f.arrays());
    }
    Liveness.needed(without(reverse, drop), restores, replays, pullbackReads, fills, liveAfter);
    Set<Stmt> arrayWrites = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Stmt s : forward) {
      IrWalker.forEachStmt(s, x -> {
        if (x instanceof Stmt.ArrayAssign) {
          arrayWrites.add(x);
        }
      });
    }
    for (FillReplay f : fillReplays) {
      boolean writtenElsewhere = arrayWrites.stream().anyMatch(w ->
          f.arrays().contains(((Stmt.ArrayAssign) w).array()) && !f.forward().contains(w));
      if (writtenElsewhere || f.arrays().stream().anyMatch(liveAfter.get(f.outer())::contains)) {
        fills.remove(((Stmt.Loop) f.replay().get(1)).condition());
        f.records().forEach(r -> {
          drop.remove(r.push());
          drop.remove(r.restore());
          restores.add(r.restore());
        });
        recorded.addAll(f.records());
        drop.addAll(f.replay());
      }
    }
    Set<Stmt> needed = Liveness.needed(
        without(reverse, drop), restores, replays, pullbackReads, fills, new IdentityHashMap<>());
    boolean kept = false;
    for (Recorded r : recorded) {
      if (needed.contains(r.restore())) {
        kept = true;
      } else {
        drop.add(r.push());
        drop.add(r.restore());
      }
    }
    for (Stmt replay : replays) {
      if (!needed.contains(replay)) {
        drop.add(replay);
      }
    }
    List<Stmt> f = without(forward, drop);
    forward.clear();
    forward.addAll(f);
    List<Stmt> b = without(reverse, drop);
    reverse.clear();
    reverse.addAll(b);
    return kept;
  }
}

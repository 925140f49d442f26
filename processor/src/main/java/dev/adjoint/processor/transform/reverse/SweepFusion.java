package dev.adjoint.processor.transform.reverse;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fused sweep, for a seed of 1 (gradients and workspaces; a Vjp's seed comes later): the
 * reverse trips of a top-level counted loop run inside its forward trips, one pass where there
 * were two, as a hand-written adjoint does ({@code sum += f(x[i], x[i + 1])}).
 *
 * <p>That is sound when the reverse trips may run in the forward trips' order, each right after
 * its forward trip, and the cotangents flowing into the loop are known before it runs:
 *
 * <ul>
 *   <li>the loop records nothing (no tape, no call but {@code Math}'s): each reverse trip reads
 *       only values its forward trip left, which are the values it sees right after that trip;
 *   <li>every cotangent the reverse trip uses is trip-local (zero when the trip starts and when
 *       it ends), only gathered into ({@code xBar[i] += e}, {@code aBar += e}: such sums do not
 *       care about order, but for rounding), or the same on every trip (a sum's, {@code sBarIn =
 *       sBar; sBar = 0; sBar += sBarIn}, or only read);
 *   <li>the statements of the reverse sweep before the loop's (the reverse of what follows the
 *       loop) only gather into cotangents from the seed, constants and values neither the loop
 *       nor what follows it writes ({@code return sum / n}): they move before the loop;
 *   <li>what the reverse trip writes besides cotangents is declared inside the loop and not
 *       mentioned outside it (an inner loop's index, its replayed temporaries).
 * </ul>
 *
 * The last top-level loop of the method is the one tried (the first reverse loop); anything
 * unclear leaves the sweeps as they are. The sums into cotangents run in another order than in
 * the two-pass sweep, so gradients may differ from the Vjp's in the last bits.
 */
final class SweepFusion {
  private SweepFusion() {}

  /** The forward sweep with the loop fused and the reverse sweep left after it. */
  record Fused(List<Stmt> forward, List<Stmt> reverse, List<Variable> early) {}

  /**
   * @param forward the forward sweep's top level
   * @param reverse the reverse sweep's top level
   * @param seed the output cotangent (1 here)
   * @param adjoints the cotangents declared at zero before the reverse sweep, seed excluded
   * @param replays the statements that recompute a trip's values at the start of its reverse trip
   */
  static Optional<Fused> fuse(List<Stmt> forward, List<Stmt> reverse, Variable seed,
      List<Variable> adjoints, Set<Stmt> replays, List<Records.Recorded> recorded,
      Variable tape) {
    int q = -1;
    for (int k = 0; k < reverse.size(); k++) {
      if (reverse.get(k) instanceof Stmt.Loop) {
        q = k;
        break;
      }
    }
    if (q < 1 || !(reverse.get(q - 1) instanceof Stmt.Declare left)
        || left.variable().kind() != Variable.Kind.COUNTER
        || !(left.init() instanceof Expr.Read tripsRead)) {
      return Optional.empty();
    }
    Variable trips = tripsRead.variable();
    Stmt.Loop reverseLoop = (Stmt.Loop) reverse.get(q);
    List<Stmt> head = reverse.subList(0, q - 1);
    int p = -1;
    for (int k = 0; k < forward.size(); k++) {
      if (forward.get(k) instanceof Stmt.Loop l && !l.body().stmts().isEmpty()
          && isIncrementOf(last(l.body().stmts()), trips)) {
        p = k;
      }
    }
    if (p < 0) {
      return Optional.empty();
    }
    Stmt.Loop forwardLoop = (Stmt.Loop) forward.get(p);
    List<Stmt> fwdBody = forwardLoop.body().stmts();
    List<Stmt> revBody = reverseLoop.body().stmts();
    if (!forwardLoop.update().stmts().isEmpty() || fwdBody.size() < 2 || revBody.size() < 2
        || !(revBody.get(0) instanceof Stmt.Assign setIndex)
        || !(fwdBody.get(fwdBody.size() - 2) instanceof Stmt.Assign update)
        || update.variable() != setIndex.variable()
        || !isDecrementOf(last(revBody), left.variable())
        || !countedFrom(setIndex.value(), left.variable())) {
      return Optional.empty();
    }
    Variable index = setIndex.variable();
    // A value the trip declares is recorded before each declaration, for the reverse trip of
    // the trip before: in one pass no trip before is left to need it.
    Set<Stmt> pushes = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Stmt> restores = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Variable> unrecorded = new HashSet<>();
    Set<Stmt> inReverse = Collections.newSetFromMap(new IdentityHashMap<>());
    IrWalker.forEachStmt(reverseLoop, inReverse::add);
    Set<Stmt> beforeDeclare = Collections.newSetFromMap(new IdentityHashMap<>());
    outsideInnerLoops(fwdBody, beforeDeclare);
    for (Records.Recorded r : recorded) {
      if (beforeDeclare.contains(r.push()) && inReverse.contains(r.restore())) {
        pushes.add(r.push());
        restores.add(r.restore());
        unrecorded.add(r.variable());
      }
    }
    List<Stmt> trip = StmtRewriter.without(fwdBody.subList(0, fwdBody.size() - 2), pushes);
    List<Stmt> tail = forward.subList(p + 1, forward.size());
    // Nothing but the update may write the index going forward.
    if (trip.stream().anyMatch(st -> Simplify.writes(st, index))) {
      return Optional.empty();
    }
    // The reverse trip's own part: its cotangent statements, without the replays.
    List<Stmt> kept = new ArrayList<>();
    for (Stmt st : revBody.subList(1, revBody.size() - 1)) {
      if (!replays.contains(st)) {
        kept.add(st);
      }
    }
    // What the trip still records (in its inner loops, or values it overwrites) its own reverse
    // part reads back at once, from the top of the tape: a stack.
    List<Stmt> own = fromTapeTop(StmtRewriter.without(kept, restores), tape);
    if (own == null
        || trip.stream().anyMatch(st -> !recordsNothing(st, true))
        || own.stream().anyMatch(st -> !recordsNothing(st, true))
        || !recordsNothing(new Stmt.Eval(forwardLoop.condition(), null), false)
        || tail.stream().anyMatch(st -> !recordsNothing(st, false))
        || head.stream().anyMatch(st -> !recordsNothing(st, false))) {
      return Optional.empty();
    }
    // Cotangents declared in the trip are scalars: the forward sweep's nested declarations are
    // made at its top, before any array they could be shaped like.
    if (own.stream().anyMatch(st -> declaresNonScalar(st))
        || tail.stream().anyMatch(st -> writesArray(st))) {
      return Optional.empty();
    }
    Set<Variable> declaredInOwn = declared(own);
    Set<Variable> declaredInLoop = declared(fwdBody);
    declaredInLoop.addAll(declaredInOwn);
    // What the reverse trip writes besides cotangents: declared in the loop, mentioned only there.
    Set<Variable> outside = new HashSet<>();
    forward.forEach(st -> {
      if (st != forwardLoop) {
        mentioned(st, outside);
      }
    });
    head.forEach(st -> mentioned(st, outside));
    reverse.subList(q + 1, reverse.size()).forEach(st -> mentioned(st, outside));
    if (unrecorded.stream().anyMatch(outside::contains)) {
      return Optional.empty();
    }
    for (Stmt st : own) {
      boolean[] bad = {false};
      IrWalker.forEachStmt(st, x -> {
        if (x instanceof Stmt.ArrayAssign a && a.array().kind() != Variable.Kind.ADJOINT) {
          bad[0] = true;
        }
        Uses.writes(x, v -> {
          if (v.kind() != Variable.Kind.ADJOINT
              && (!declaredInLoop.contains(v) || outside.contains(v))) {
            bad[0] = true;
          }
        });
      });
      if (bad[0]) {
        return Optional.empty();
      }
    }
    // The statements before the loop's in the reverse sweep: cotangents from what stays put.
    Set<Variable> writtenLater = new HashSet<>();
    IrWalker.forEachStmt(forwardLoop, x -> Uses.writes(x, writtenLater::add));
    tail.forEach(st -> IrWalker.forEachStmt(st, x -> Uses.writes(x, writtenLater::add)));
    Set<Variable> writtenInHead = new HashSet<>();
    for (Stmt st : head) {
      if (!hoistable(st, writtenLater, writtenInHead)) {
        return Optional.empty();
      }
    }
    // The cotangents the reverse trip uses, each of a kind that leaves trip order free.
    Set<Variable> cotangents = new LinkedHashSet<>();
    own.forEach(st -> adjointsIn(st, cotangents));
    for (Variable v : cotangents) {
      if (declaredInOwn.contains(v) || v == seed) {
        continue;
      }
      boolean free = Expr.isArray(v.type()) || Expr.rank(v.type()) > 0
          ? gatheredOnly(own, v)
          : gatheredOnly(own, v) || readOnly(own, v) || sameEachTrip(own, v)
              || (!writtenInHead.contains(v) && zeroAfterEachTrip(own, v));
      if (!free) {
        return Optional.empty();
      }
    }
    // Cotangents the moved statements use are declared before the forward sweep: scalars, and
    // arrays shaped like a parameter the forward sweep never reassigns.
    Set<Variable> early = new LinkedHashSet<>();
    Set<Variable> used = new LinkedHashSet<>(cotangents);
    head.forEach(st -> adjointsIn(st, used));
    Set<Variable> declaredInHead = declared(head);
    Set<Variable> reassigned = new HashSet<>();
    forward.forEach(st -> IrWalker.forEachStmt(st, x -> {
      if (x instanceof Stmt.Assign a) {
        reassigned.add(a.variable());
      }
    }));
    for (Variable v : adjoints) {
      if (used.contains(v) && !declaredInOwn.contains(v) && !declaredInHead.contains(v)) {
        if (v.shapeOf() != null && (v.shapeOf().kind() != Variable.Kind.PARAM
            || reassigned.contains(v.shapeOf()))) {
          return Optional.empty();
        }
        early.add(v);
      }
    }
    for (Variable v : used) {
      if (v != seed && !early.contains(v) && !declaredInOwn.contains(v)
          && !declaredInHead.contains(v)) {
        return Optional.empty(); // a cotangent declared elsewhere: leave it be
      }
    }
    // The fused loop: the forward trip, its reverse trip, the update.
    List<Stmt> body = new ArrayList<>(trip);
    body.addAll(own);
    body.add(update);
    Stmt.Loop fused = new Stmt.Loop(forwardLoop.condition(), Stmt.Block.of(body),
        forwardLoop.update(), forwardLoop.testFirst(), forwardLoop.ref());
    List<Stmt> fwd = new ArrayList<>();
    List<Stmt> rev = new ArrayList<>(reverse.subList(q + 1, reverse.size()));
    boolean tripsElsewhere = mentionedOutside(trips, forward, forwardLoop, rev);
    for (int k = 0; k < forward.size(); k++) {
      Stmt st = forward.get(k);
      if (k == p) {
        fwd.addAll(head);
        if (tripsElsewhere) {
          List<Stmt> counted = new ArrayList<>(body);
          counted.add(last(fwdBody));
          fwd.add(new Stmt.Loop(fused.condition(), Stmt.Block.of(counted), fused.update(),
              fused.testFirst(), fused.ref()));
        } else {
          fwd.add(fused);
        }
      } else if (!(st instanceof Stmt.Declare d && d.variable() == trips && !tripsElsewhere)) {
        fwd.add(st);
      }
    }
    return Optional.of(new Fused(fwd, rev, List.copyOf(early)));
  }

  /**
   * The pushes just before a declaration of the value they record, in {@code stmts} and its
   * branches but not in its loops: an inner loop's records are read back within the same trip,
   * by that loop's reverse trips.
   */
  private static void outsideInnerLoops(List<Stmt> stmts, Set<Stmt> out) {
    for (int k = 0; k < stmts.size(); k++) {
      Stmt st = stmts.get(k);
      if (st instanceof Stmt.Push push && push.value() instanceof Expr.Read r
          && k + 1 < stmts.size() && stmts.get(k + 1) instanceof Stmt.Declare d
          && d.variable() == r.variable()) {
        out.add(push);
      } else if (st instanceof Stmt.If i) {
        outsideInnerLoops(i.then().stmts(), out);
        outsideInnerLoops(i.otherwise().stmts(), out);
      } else if (st instanceof Stmt.Block b) {
        outsideInnerLoops(b.stmts(), out);
      }
    }
  }

  /**
   * {@code own} with each restore from the reader ({@code v = reader.popDouble()}) a pop from
   * the tape's top ({@code v = tape.popDouble()}); null if a pop stands anywhere else.
   */
  private static List<Stmt> fromTapeTop(List<Stmt> own, Variable tape) {
    List<Stmt> out = StmtRewriter.rewrite(own, st -> {
      if (st instanceof Stmt.Assign a && a.value() instanceof Expr.Pop pop) {
        return List.of(new Stmt.Assign(a.variable(), new Expr.Pop(tape, pop.type()), a.ref()));
      }
      return List.of(st);
    }, st -> false);
    boolean[] other = {false};
    out.forEach(st -> IrWalker.forEachExpr(st, e ->
        other[0] |= e instanceof Expr.Pop pop && pop.reader() != tape));
    return other[0] ? null : out;
  }

  /**
   * Whether a reverse trip's first statement sets the index from the count of trips left ({@code
   * i = trip - 1}, {@code i = start + (trip - 1)}): a counted loop's. A loop that is not counted
   * restores its index from the tape there instead ({@code i = reader.popInt()}), which must not
   * be dropped with its push left behind (fuzz run seed 33001, program -3120135374226345966: a
   * while loop with a data-dependent condition, then a tape underflow).
   */
  private static boolean countedFrom(Expr value, Variable left) {
    boolean[] pops = {false};
    IrWalker.forEachExpr(value, e -> pops[0] |= e instanceof Expr.Pop);
    return !pops[0] && Simplify.mentions(value, left);
  }

  private static Stmt last(List<Stmt> stmts) {
    return stmts.get(stmts.size() - 1);
  }

  /** {@code trips = trips + 1}. */
  private static boolean isIncrementOf(Stmt st, Variable v) {
    return st instanceof Stmt.Assign a && a.variable() == v
        && a.value() instanceof Expr.Binary b && b.op() == Expr.BinaryOp.ADD
        && b.left() instanceof Expr.Read r && r.variable() == v
        && b.right() instanceof Expr.Literal;
  }

  /** {@code trip = trip - 1}. */
  private static boolean isDecrementOf(Stmt st, Variable v) {
    return st instanceof Stmt.Assign a && a.variable() == v
        && a.value() instanceof Expr.Binary b && b.op() == Expr.BinaryOp.SUB
        && b.left() instanceof Expr.Read r && r.variable() == v
        && b.right() instanceof Expr.Literal;
  }

  private static boolean declaresNonScalar(Stmt st) {
    boolean[] found = {false};
    IrWalker.forEachStmt(st, x -> found[0] |= x instanceof Stmt.Declare d
        && !d.variable().type().isPrimitive());
    return found[0];
  }

  /**
   * Whether {@code st} writes an element of an array: after the loop, that would be restored
   * before the loop's reverse sweep (or, through an alias, not).
   */
  private static boolean writesArray(Stmt st) {
    boolean[] found = {false};
    IrWalker.forEachStmt(st, x -> found[0] |= x instanceof Stmt.ArrayAssign);
    return found[0];
  }

  /**
   * No call but {@code Math}'s ({@code Math.floorMod} too): nothing that could hold or change
   * state behind the sweep's back between a forward trip and its reverse trip. (Fields are read,
   * not written: with no call anywhere from the loop on, nothing changes them.) No tape either,
   * unless {@code taped}: then pushes, and pops from the tape's top ({@link #fromTapeTop}).
   */
  private static boolean recordsNothing(Stmt st, boolean taped) {
    boolean[] ok = {true};
    IrWalker.forEachStmt(st, x -> ok[0] &= (taped || !(x instanceof Stmt.Push))
        && !(x instanceof Stmt.Return) && !(x instanceof Stmt.Jump));
    IrWalker.forEachExpr(st, e -> ok[0] &= taped && e instanceof Expr.Pop
        || e instanceof Expr.Literal || e instanceof Expr.Read
        || e instanceof Expr.ArrayRead || e instanceof Expr.ArrayLength
        || e instanceof Expr.Unary || e instanceof Expr.Binary || e instanceof Expr.Conditional
        || e instanceof Expr.Cast || e instanceof Expr.MathCall
        || e instanceof Expr.StopGradient || e instanceof Expr.FieldRead
        || e instanceof Expr.OpaqueCall c && c.isMathFunction());
    return ok[0];
  }

  /**
   * A statement of the reverse sweep before the loop's that may run before the loop: it gathers
   * into cotangents, from cotangents, constants, lengths and scalars that neither the loop nor
   * what follows it writes.
   */
  private static boolean hoistable(Stmt st, Set<Variable> writtenLater, Set<Variable> written) {
    if (st instanceof Stmt.Declare d && d.variable().kind() == Variable.Kind.ADJOINT) {
      written.add(d.variable());
    } else if (st instanceof Stmt.Assign a && a.variable().kind() == Variable.Kind.ADJOINT) {
      written.add(a.variable());
    } else if (st instanceof Stmt.ArrayAssign a && a.array().kind() == Variable.Kind.ADJOINT) {
      written.add(a.array());
    } else {
      return false;
    }
    boolean[] ok = {true};
    for (Expr e : IrWalker.ownExprs(st)) {
      IrWalker.forEachExpr(e, x -> {
        if (x instanceof Expr.Read r && r.variable().kind() != Variable.Kind.ADJOINT) {
          ok[0] &= !writtenLater.contains(r.variable()) && !Expr.isArray(r.type());
        } else if (x instanceof Expr.ArrayRead r && r.array().kind() != Variable.Kind.ADJOINT) {
          ok[0] = false; // an element: arrays may share rows
        } else if (x instanceof Expr.ArrayLength l) {
          ok[0] &= l.indices().isEmpty() && !writtenLater.contains(l.array());
        }
      });
    }
    return ok[0];
  }

  private static Set<Variable> declared(List<Stmt> stmts) {
    Set<Variable> out = new HashSet<>();
    stmts.forEach(st -> IrWalker.forEachStmt(st, x -> {
      if (x instanceof Stmt.Declare d) {
        out.add(d.variable());
      }
    }));
    return out;
  }

  /** Every variable {@code st} reads or writes, cotangents included. */
  private static void mentioned(Stmt st, Set<Variable> out) {
    IrWalker.forEachStmt(st, x -> Uses.written(x).ifPresent(out::add));
    IrWalker.forEachExpr(st, e -> {
      Variable v = Uses.named(e);
      if (v != null) {
        out.add(v);
      }
    });
  }

  private static void adjointsIn(Stmt st, Set<Variable> out) {
    Set<Variable> all = new LinkedHashSet<>();
    mentioned(st, all);
    all.stream().filter(v -> v.kind() == Variable.Kind.ADJOINT).forEach(out::add);
  }

  private static boolean mentionedOutside(
      Variable v, List<Stmt> forward, Stmt.Loop loop, List<Stmt> reverse) {
    Set<Variable> seen = new HashSet<>();
    for (Stmt st : forward) {
      if (st == loop) {
        for (Stmt inner : loop.body().stmts()) {
          if (!isIncrementOf(inner, v)) {
            mentioned(inner, seen);
          }
        }
      } else if (!(st instanceof Stmt.Declare d && d.variable() == v)) {
        mentioned(st, seen);
      }
    }
    reverse.forEach(st -> mentioned(st, seen));
    return seen.contains(v);
  }

  /** Every statement mentioning {@code v} is {@code v += e} (or {@code v[i] += e}), e without v. */
  private static boolean gatheredOnly(List<Stmt> own, Variable v) {
    boolean[] ok = {true};
    own.forEach(st -> IrWalker.forEachStmt(st, x -> {
      if (!IrWalker.nested(x).isEmpty()) {
        for (Expr e : IrWalker.ownExprs(x)) {
          ok[0] &= !Simplify.mentions(e, v);
        }
        return;
      }
      if (x instanceof Stmt.Assign a && a.variable() == v) {
        ok[0] &= a.value() instanceof Expr.Binary b && isGather(b)
            && b.left() instanceof Expr.Read r && r.variable() == v && !Simplify.mentions(b.right(), v);
      } else if (x instanceof Stmt.ArrayAssign a && a.array() == v) {
        ok[0] &= a.value() instanceof Expr.Binary b && isGather(b)
            && b.left() instanceof Expr.ArrayRead r && r.array() == v
            && r.indices().equals(a.indices()) && !Simplify.mentions(b.right(), v)
            && a.indices().stream().noneMatch(i -> Simplify.mentions(i, v));
      } else {
        for (Expr e : IrWalker.ownExprs(x)) {
          ok[0] &= !Simplify.mentions(e, v);
        }
        ok[0] &= Uses.written(x).map(w -> w != v).orElse(true);
      }
    }));
    return ok[0];
  }

  private static boolean isGather(Expr.Binary b) {
    return b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB;
  }

  /** Nothing writes {@code v}. */
  private static boolean readOnly(List<Stmt> own, Variable v) {
    return own.stream().noneMatch(st -> Simplify.writes(st, v));
  }

  /**
   * {@code v} is the same after {@code stmts} as before: every statement that writes it is one of
   * a triple {@code vIn = v; ...; v = 0; ...; v += vIn} in one block, with {@code v} mentioned
   * nowhere else between them and {@code vIn} written nowhere else (a sum's cotangent), or a loop
   * or an if whose blocks keep it so.
   */
  private static boolean sameEachTrip(List<Stmt> stmts, Variable v) {
    for (int k = 0; k < stmts.size(); k++) {
      Stmt st = stmts.get(k);
      if (!Simplify.mentions(st, v)) {
        continue;
      }
      if (st instanceof Stmt.Loop l) {
        if (!l.update().stmts().isEmpty() || !sameEachTrip(l.body().stmts(), v)
            || Simplify.mentions(l.condition(), v)) {
          return false;
        }
      } else if (st instanceof Stmt.If i) {
        if (Simplify.mentions(i.condition(), v) || !sameEachTrip(i.then().stmts(), v)
            || !sameEachTrip(i.otherwise().stmts(), v)) {
          return false;
        }
      } else if (st instanceof Stmt.Block b) {
        if (!sameEachTrip(b.stmts(), v)) {
          return false;
        }
      } else if (st instanceof Stmt.Declare d && d.init() instanceof Expr.Read r
          && r.variable() == v) {
        int end = triple(stmts, k, v, d.variable());
        if (end < 0) {
          return false;
        }
        k = end;
      } else if (Simplify.writes(st, v)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of {@code v += in} closing the triple that {@code in = v} opens at {@code k}
   * ({@link Simplify#triple}), with {@code in} written nowhere else; -1 if there is none.
   */
  private static int triple(List<Stmt> stmts, int k, Variable v, Variable in) {
    int[] places = Simplify.triple(stmts, k, v, in);
    if (places == null) {
      return -1;
    }
    for (int m = 0; m < stmts.size(); m++) {
      if (m != k && Simplify.writes(stmts.get(m), in)) {
        return -1;
      }
    }
    return places[1];
  }

  /**
   * Zero when each trip ends if zero when it starts ({@link Simplify#keepsZero}), so zero when
   * the next starts (given zero before the first).
   */
  private static boolean zeroAfterEachTrip(List<Stmt> own, Variable v) {
    return Simplify.keepsZero(own, v, true);
  }
}

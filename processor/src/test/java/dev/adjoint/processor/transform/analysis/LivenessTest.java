package dev.adjoint.processor.transform.analysis;

import static com.google.common.truth.Truth.assertThat;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Liveness on hand-built reverse sweeps: which restores ({@code v = pop()}) and replays are
 * needed because something reads their value before it is written again.
 */
class LivenessTest {
  private static final ClassName TAPE = ClassName.get("dev.adjoint.runtime", "Tape");
  private final Variable reader = new Variable("reader", TAPE, Variable.Kind.TAPE);
  private final Variable v = new Variable("v", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable w = new Variable("w", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable x = new Variable("x", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable a = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
  private final Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);
  private final Variable bar = new Variable("vBar", TypeName.DOUBLE, Variable.Kind.ADJOINT);

  private Stmt restore(Variable target) {
    return new Stmt.Assign(target, new Expr.Pop(reader, TypeName.DOUBLE), null);
  }

  private Stmt restoreElement(Variable array, int index) {
    return new Stmt.ArrayAssign(
        array, List.of(intLit(index)), new Expr.Pop(reader, TypeName.DOUBLE), null);
  }

  /** {@code vBar += e}: reads e. */
  private Stmt use(Expr e) {
    return new Stmt.Assign(bar, mul(read(bar), e), null);
  }

  /** Statements by identity, as the transform keeps them: equal records are different places. */
  private static Set<Stmt> ids(Stmt... stmts) {
    Set<Stmt> out = Collections.newSetFromMap(new IdentityHashMap<>());
    out.addAll(List.of(stmts));
    return out;
  }

  private static Set<Stmt> needed(List<Stmt> reverse, Set<Stmt> restores, Set<Stmt> replays,
      Map<Variable, Set<Variable>> pullbackReads) {
    return Liveness.needed(reverse, restores, replays, pullbackReads, Map.of(), new HashMap<>());
  }

  private static Set<Stmt> needed(List<Stmt> reverse, Stmt... restores) {
    return needed(reverse, ids(restores), ids(), Map.of());
  }

  @Test
  void aRestoreIsNeededOnlyWhenItsValueIsReadBeforeTheNextWrite() {
    Stmt readLater = restore(v);
    Stmt neverRead = restore(w);
    Stmt overwritten = restore(x);
    Stmt again = restore(x);
    List<Stmt> reverse = List.of(readLater, neverRead, overwritten, again, use(read(v)),
        use(read(x)));
    Set<Stmt> needed = needed(reverse, readLater, neverRead, overwritten, again);
    assertThat(needed).hasSize(2);
    assertThat(needed.contains(readLater)).isTrue();
    assertThat(needed.contains(again)).isTrue(); // not its equal twin, overwritten before a read
  }

  @Test
  void anElementRestoreIsNeededWhenAnyElementIsReadLater() {
    Stmt element = restoreElement(a, 0);
    List<Stmt> reverse = List.of(element, use(new Expr.ArrayRead(a, List.of(intLit(1)), null)));
    assertThat(needed(reverse, element)).containsExactly(element);
    assertThat(needed(List.of(element, use(read(v))), element)).isEmpty();
  }

  @Test
  void aPullbackReadsTheArraysItsCallWasGiven() {
    Variable call = new Variable("gCall", ClassName.get("q", "G"), Variable.Kind.CALL);
    Stmt element = restoreElement(a, 0);
    List<Stmt> reverse = List.of(element,
        new Stmt.Eval(new Expr.Pullback(call, read(bar), ClassName.get("q", "GGrad")), null));
    assertThat(needed(reverse, ids(element), ids(), Map.of(call, Set.of(a))))
        .containsExactly(element);
    assertThat(needed(reverse, ids(element), ids(), Map.of())).isEmpty();
  }

  @Test
  void aReplayNobodyReadsReadsNothingItself() {
    // x = pop(); v = x * 2 (a replay); then v read, or not.
    Stmt restoreX = restore(x);
    Stmt replay = new Stmt.Assign(v, mul(read(x), lit(2)), null);
    List<Stmt> unread = List.of(restoreX, replay, use(read(w)));
    assertThat(needed(unread, ids(restoreX), ids(replay), Map.of())).isEmpty();
    List<Stmt> read = List.of(restoreX, replay, use(read(v)));
    assertThat(needed(read, ids(restoreX), ids(replay), Map.of()))
        .containsExactly(restoreX, replay);
  }

  @Test
  void aRestoreInALoopIsNeededWhenTheNextTripOrWhatFollowsReadsIt() {
    // while (i < 3) { use(v); v = pop(); }: the restore feeds the next trip's use.
    Stmt inLoop = restore(v);
    Stmt loop = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), intLit(3)),
        Stmt.Block.of(List.of(use(read(v)), inLoop)), Stmt.Block.of(List.of()), true, null);
    assertThat(needed(List.of(loop), inLoop)).containsExactly(inLoop);
    // while (i < 3) { v = pop(); use(w); }: nothing reads v, in the loop or after it.
    Stmt unread = restore(v);
    Stmt loop2 = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), intLit(3)),
        Stmt.Block.of(List.of(unread, use(read(w)))), Stmt.Block.of(List.of()), true, null);
    assertThat(needed(List.of(loop2), unread)).isEmpty();
    // ... unless what follows the loop does.
    assertThat(needed(List.of(loop2, use(read(v))), unread)).containsExactly(unread);
  }

  @Test
  void theLiveVariablesAfterALoopAreReportedByItsCondition() {
    Expr condition = compare(Expr.BinaryOp.LT, read(i), intLit(3));
    Stmt loop = new Stmt.Loop(condition, Stmt.Block.of(List.of(use(read(w)))),
        Stmt.Block.of(List.of()), true, null);
    Map<Expr, Set<Variable>> liveAfter = new java.util.IdentityHashMap<>();
    liveAfter.put(condition, new HashSet<>());
    Liveness.needed(List.of(loop, use(read(v))), Set.of(), Set.of(), Map.of(), Map.of(),
        liveAfter);
    assertThat(liveAfter.get(condition)).containsAtLeast(v, bar);
    assertThat(liveAfter.get(condition)).doesNotContain(w);
  }

  @Test
  void aBranchKeepsLiveWhatEitherArmReads() {
    Stmt r = restore(v);
    Stmt branch = new Stmt.If(compare(Expr.BinaryOp.GT, read(x), lit(0)),
        Stmt.Block.of(List.of(use(read(v)))), Stmt.Block.of(List.of()), null);
    assertThat(needed(List.of(r, branch), r)).containsExactly(r);
  }
}

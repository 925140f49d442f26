package dev.adjoint.processor.transform.normalize;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrInterpreter;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The normalisations on hand-built bodies, run by an interpreter before and after: {@link Jumps}
 * leaves no break, continue or return inside a loop, {@link Returns} leaves every path ending in
 * exactly one return, and both compute the same values; {@link CountedLoop} recognises counted
 * loops and their trip counts, and nothing else.
 */
class NormalizeTest {
  private final Variable x = new Variable("x", TypeName.DOUBLE, Variable.Kind.PARAM);
  private final Variable a = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private final Variable n = new Variable("n", TypeName.INT, Variable.Kind.PARAM);
  private final Variable s = new Variable("s", TypeName.DOUBLE, Variable.Kind.LOCAL);
  private final Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);
  private final Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);

  private static Stmt assign(Variable v, Expr e) {
    return new Stmt.Assign(v, e, null);
  }

  private static Stmt when(Expr condition, Stmt... then) {
    return new Stmt.If(condition, Stmt.Block.of(List.of(then)), Stmt.Block.of(List.of()), null);
  }

  private static Stmt.Block block(Stmt... stmts) {
    return Stmt.Block.of(List.of(stmts));
  }

  private Expr element(Expr index) {
    return new Expr.ArrayRead(a, List.of(index), null);
  }

  private static Stmt increment(Variable v) {
    return assign(v, intOp(Expr.BinaryOp.ADD, read(v), intLit(1)));
  }

  /** {@code for (v = 0; v < bound; v++) body}, as the source layer builds it. */
  private static List<Stmt> forLoop(Variable v, Expr bound, Stmt... body) {
    return List.of(new Stmt.Declare(v, intLit(0), null),
        new Stmt.Loop(compare(Expr.BinaryOp.LT, read(v), bound), block(body),
            block(increment(v)), true, null));
  }

  private static final Stmt BREAK = new Stmt.Jump(true, null);
  private static final Stmt CONTINUE = new Stmt.Jump(false, null);

  /**
   * <pre>
   * double s = 0;
   * for (int i = 0; i < n; i++) {
   *   if (a[i] < 0) continue;
   *   if (a[i] > 10) break;
   *   for (int j = 0; j < n; j++) {
   *     if (j > i) break;
   *     if (a[j] == 7) return s * 100;
   *     s = s + a[j] * x;
   *   }
   *   if (s > 50) return -s;
   * }
   * return s;
   * </pre>
   */
  private Stmt.Block jumpy() {
    List<Stmt> inner = forLoop(j, read(n),
        when(compare(Expr.BinaryOp.GT, read(j), read(i)), BREAK),
        when(compare(Expr.BinaryOp.EQ, element(read(j)), lit(7)),
            new Stmt.Return(mul(read(s), lit(100)), null)),
        assign(s, add(read(s), mul(element(read(j)), read(x)))));
    List<Stmt> outerBody = new ArrayList<>();
    outerBody.add(when(compare(Expr.BinaryOp.LT, element(read(i)), lit(0)), CONTINUE));
    outerBody.add(when(compare(Expr.BinaryOp.GT, element(read(i)), lit(10)), BREAK));
    outerBody.addAll(inner);
    outerBody.add(when(compare(Expr.BinaryOp.GT, read(s), lit(50)),
        new Stmt.Return(new Expr.Unary(Expr.UnaryOp.NEG, read(s), TypeName.DOUBLE, null),
            null)));
    List<Stmt> body = new ArrayList<>();
    body.add(new Stmt.Declare(s, lit(0), null));
    body.addAll(forLoop(i, read(n), outerBody.toArray(Stmt[]::new)));
    body.add(new Stmt.Return(read(s), null));
    return Stmt.Block.of(body);
  }

  private Object run(Stmt.Block body, double xv, double[] av) {
    return IrInterpreter.run(body, Map.of(x, xv, a, av.clone(), n, av.length));
  }

  private static boolean jumpOrReturnInLoop(Stmt.Block body) {
    boolean[] found = {false};
    IrWalker.forEachStmt(body, st -> {
      if (st instanceof Stmt.Loop l) {
        IrWalker.forEachStmt(l, inner -> found[0] |=
            inner instanceof Stmt.Jump || inner instanceof Stmt.Return);
      }
      found[0] |= st instanceof Stmt.Jump;
    });
    return found[0];
  }

  /** Whether every path through {@code stmts} ends in exactly one return, at its end. */
  private static boolean endsInOneReturn(List<Stmt> stmts) {
    for (int k = 0; k < stmts.size() - 1; k++) {
      if (Returns.containsReturn(stmts.get(k))) {
        return false;
      }
    }
    if (stmts.isEmpty()) {
      return false;
    }
    Stmt last = stmts.get(stmts.size() - 1);
    if (last instanceof Stmt.If branch) {
      return endsInOneReturn(branch.then().stmts())
          && endsInOneReturn(branch.otherwise().stmts());
    }
    return last instanceof Stmt.Return;
  }

  @Test
  void jumpsAndReturnsLowerToTheSameValuesWithNoJumpInALoopAndOneReturnPerPath() {
    Stmt.Block body = jumpy();
    assertThat(jumpOrReturnInLoop(body)).isTrue();
    Stmt.Block lowered = Jumps.lower(body);
    Stmt.Block normalized = Returns.normalize(lowered);
    assertThat(jumpOrReturnInLoop(lowered)).isFalse();
    assertThat(endsInOneReturn(normalized.stmts())).isTrue();

    Random random = new Random(10);
    List<double[]> inputs = new ArrayList<>(List.of(
        new double[] {1, 2, 3}, new double[] {-1, 2, 11, 4}, new double[] {3, 7, 1},
        new double[] {40, 30, 20, 10}, new double[] {}, new double[] {-5, -6}));
    for (int k = 0; k < 200; k++) {
      double[] av = new double[random.nextInt(7)];
      for (int e = 0; e < av.length; e++) {
        av[e] = random.nextInt(16) - 3; // hits each branch: < 0, > 10, == 7
      }
      inputs.add(av);
    }
    java.util.Set<Object> distinct = new java.util.HashSet<>();
    for (double[] av : inputs) {
      double xv = 0.5 + random.nextDouble() * 3;
      Object expected = run(body, xv, av);
      distinct.add(expected);
      assertWithMessage("x = %s, a = %s", xv, java.util.Arrays.toString(av))
          .that(run(lowered, xv, av)).isEqualTo(expected);
      assertWithMessage("x = %s, a = %s", xv, java.util.Arrays.toString(av))
          .that(run(normalized, xv, av)).isEqualTo(expected);
    }
    assertThat(distinct.size()).isGreaterThan(50); // the inputs do reach different paths
  }

  @Test
  void aBreakInADoWhileLoopAndAContinueBeforeItsUpdate() {
    // double s = 0; int i = 0; do { i++; if (i == 2) continue; s = s + x; if (s > 4) break; }
    // while (i < n); return s;
    Stmt loop = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), read(n)),
        block(increment(i),
            when(compare(Expr.BinaryOp.EQ, read(i), intLit(2)), CONTINUE),
            assign(s, add(read(s), read(x))),
            when(compare(Expr.BinaryOp.GT, read(s), lit(4)), BREAK)),
        block(), false, null);
    Stmt.Block body = block(new Stmt.Declare(s, lit(0), null),
        new Stmt.Declare(i, intLit(0), null), loop, new Stmt.Return(read(s), null));
    Stmt.Block lowered = Returns.normalize(Jumps.lower(body));
    assertThat(jumpOrReturnInLoop(lowered)).isFalse();
    for (int len = 0; len < 8; len++) {
      for (double xv : new double[] {0.3, 1, 2.5}) {
        double[] av = new double[len];
        assertThat(run(lowered, xv, av)).isEqualTo(run(body, xv, av));
      }
    }
  }

  @Test
  void aBodyWithoutLoopsIsUnchangedByJumps() {
    Stmt.Block body = block(new Stmt.Declare(s, read(x), null),
        when(compare(Expr.BinaryOp.GT, read(x), lit(0)), new Stmt.Return(read(x), null)),
        new Stmt.Return(read(s), null));
    assertThat(Jumps.lower(body)).isEqualTo(body);
  }

  @Test
  void anEarlyReturnMovesWhatFollowsIntoTheBranchesThatGoOn() {
    // s = x; if (x > 0) { s = 2 * s; if (x > 5) return s; } s = s + 1; return s;
    Stmt.Block body = block(new Stmt.Declare(s, read(x), null),
        when(compare(Expr.BinaryOp.GT, read(x), lit(0)),
            assign(s, mul(lit(2), read(s))),
            when(compare(Expr.BinaryOp.GT, read(x), lit(5)), new Stmt.Return(read(s), null))),
        assign(s, add(read(s), lit(1))),
        new Stmt.Return(read(s), null));
    Stmt.Block normalized = Returns.normalize(body);
    assertThat(endsInOneReturn(normalized.stmts())).isTrue();
    for (double xv : new double[] {-1, 0, 1, 5, 6}) {
      assertThat(run(normalized, xv, new double[0])).isEqualTo(run(body, xv, new double[0]));
    }
  }

  // ---------------------------------------------------------------- counted loops

  private static Optional<CountedLoop> counted(List<Stmt> initAndLoop) {
    return CountedLoop.of(initAndLoop.get(0), (Stmt.Loop) initAndLoop.get(1), e -> true);
  }

  private int trips(CountedLoop c, Stmt.Loop loop, int nv) {
    Expr trips = c.tripCount(loop, e -> true).orElseThrow();
    return (Integer) IrInterpreter.eval(trips, Map.of(n, nv));
  }

  @Test
  void aForLoopOverAnIndexIsCountedAndItsTripCountIsRight() {
    List<Stmt> loop = forLoop(i, read(n), assign(s, add(read(s), element(read(i)))));
    CountedLoop c = counted(loop).orElseThrow();
    assertThat(c.index()).isSameInstanceAs(i);
    assertThat(c.start()).isEqualTo(intLit(0));
    for (int nv : new int[] {-3, 0, 1, 7}) {
      assertThat(trips(c, (Stmt.Loop) loop.get(1), nv)).isEqualTo(Math.max(nv, 0));
    }
    // for (i = 2; i <= n; i++): n - 1 trips, none below n = 2
    Stmt.Loop le = new Stmt.Loop(compare(Expr.BinaryOp.LE, read(i), read(n)),
        block(assign(s, read(x))), block(increment(i)), true, null);
    CountedLoop fromTwo = CountedLoop.of(new Stmt.Declare(i, intLit(2), null), le, e -> true)
        .orElseThrow();
    for (int nv : new int[] {-1, 1, 2, 3, 10}) {
      int expected = 0;
      for (int k = 2; k <= nv; k++) {
        expected++;
      }
      assertThat(trips(fromTwo, le, nv)).isEqualTo(expected);
    }
  }

  @Test
  void loopsThatAreNotCountedAreNotRecognised() {
    // the index written in the body
    assertThat(counted(forLoop(i, read(n), increment(i)))).isEmpty();
    // a step of 2
    Stmt.Loop byTwo = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), read(n)), block(),
        block(assign(i, intOp(Expr.BinaryOp.ADD, read(i), intLit(2)))), true, null);
    assertThat(CountedLoop.of(new Stmt.Declare(i, intLit(0), null), byTwo, e -> true)).isEmpty();
    // a start the body changes: for (i = j; ...) { j++; }
    Stmt.Loop changesStart = new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), read(n)),
        block(increment(j)), block(increment(i)), true, null);
    assertThat(CountedLoop.of(new Stmt.Declare(i, read(j), null), changesStart, e -> true))
        .isEmpty();
    // a start that is not pure
    assertThat(CountedLoop.of(new Stmt.Declare(i, read(j), null),
        (Stmt.Loop) forLoop(i, read(n)).get(1), e -> false)).isEmpty();
    // no initialiser before it
    assertThat(CountedLoop.of(new Stmt.Eval(read(x), null),
        (Stmt.Loop) forLoop(i, read(n)).get(1), e -> true)).isEmpty();
  }

  @Test
  void aBoundTheBodyMayChangeHasNoTripCount() {
    // for (i = 0; i < n; i++) { n = n - 1; }: counted, but the bound moves
    List<Stmt> movesBound = forLoop(i, read(n),
        assign(n, intOp(Expr.BinaryOp.SUB, read(n), intLit(1))));
    CountedLoop c = counted(movesBound).orElseThrow();
    assertThat(c.tripCount((Stmt.Loop) movesBound.get(1), e -> true)).isEmpty();
    // for (i = 0; i < a.length; i++) { Arrays.sort(a); }: a call may change the array
    Expr sort = new Expr.OpaqueCall(null, ClassName.get("java.util", "Arrays"), "sort",
        List.of(read(a)), TypeName.VOID, null);
    Expr length = new Expr.ArrayLength(a, List.of(), null);
    List<Stmt> sorts = forLoop(i, length, new Stmt.Eval(sort, null));
    assertThat(counted(sorts).orElseThrow().tripCount((Stmt.Loop) sorts.get(1), e -> true))
        .isEmpty();
    // a condition that is not index < bound
    List<Stmt> greater = List.of(new Stmt.Declare(i, intLit(0), null),
        new Stmt.Loop(compare(Expr.BinaryOp.GT, read(n), read(i)), block(),
            block(increment(i)), true, null));
    assertThat(counted(greater).orElseThrow().tripCount((Stmt.Loop) greater.get(1), e -> true))
        .isEmpty();
  }
}

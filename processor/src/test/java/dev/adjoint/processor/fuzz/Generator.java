package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.Program.Binary;
import dev.adjoint.processor.fuzz.Program.Callee;
import dev.adjoint.processor.fuzz.Program.Compare;
import dev.adjoint.processor.fuzz.Program.Cond;
import dev.adjoint.processor.fuzz.Program.Declare;
import dev.adjoint.processor.fuzz.Program.Expr;
import dev.adjoint.processor.fuzz.Program.If;
import dev.adjoint.processor.fuzz.Program.IntBinary;
import dev.adjoint.processor.fuzz.Program.IntCompare;
import dev.adjoint.processor.fuzz.Program.IntExpr;
import dev.adjoint.processor.fuzz.Program.IntLit;
import dev.adjoint.processor.fuzz.Program.IntRead;
import dev.adjoint.processor.fuzz.Program.Invoke;
import dev.adjoint.processor.fuzz.Program.Kind;
import dev.adjoint.processor.fuzz.Program.Logic;
import dev.adjoint.processor.fuzz.Program.MathCall;
import dev.adjoint.processor.fuzz.Program.Neg;
import dev.adjoint.processor.fuzz.Program.Not;
import dev.adjoint.processor.fuzz.Program.Num;
import dev.adjoint.processor.fuzz.Program.Param;
import dev.adjoint.processor.fuzz.Program.Promote;
import dev.adjoint.processor.fuzz.Program.Read;
import dev.adjoint.processor.fuzz.Program.Return;
import dev.adjoint.processor.fuzz.Program.Stmt;
import dev.adjoint.processor.fuzz.Program.Stop;
import dev.adjoint.processor.fuzz.Program.Ternary;
import dev.adjoint.processor.fuzz.Program.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random, well-typed {@code @Differentiable} programs over the scalar subset: arithmetic, every
 * supported {@code Math} function (arguments guarded into its domain), locals, reassigned
 * parameters, compound assignment and increments, nested branches with early returns, ternaries,
 * int and {@code @NoDiff} parameters, {@code stopGradient}, calls between generated methods and
 * calls of custom rules, helpers (and a rule) that return {@code double[]}, called as top-level
 * declarations {@code double[] yb = h0(xa, x0);}; since version 11, discrete arrays ({@code int[]}
 * index arrays, {@code long[]}, {@code boolean[]} masks: parameters with valid random contents,
 * and locals made outside loops, written and read back) and enhanced {@code for} over arrays,
 * {@code int[]}s and the rows of matrices; since version 12, instance methods of a final class or
 * a record that read its fields and call each other (and a static {@code f} given the object as
 * {@code @NoDiff P0 o}), helpers that recurse on an int depth ({@code hr}, and {@code hs}, which
 * returns {@code double[]}), and {@code java.util.Random} objects made in the body; since version
 * 13, arrays made in loop bodies (one per trip, of lengths that may change from trip to trip),
 * {@code double[]} calls in loops, rows of matrices passed to {@code double[]} parameters, {@code
 * double[]} calls nested as arguments of annotated calls, and {@code return h0(..)}. One seed gives
 * one program, always the same.
 *
 * <p>Open processor bugs ({@link #OPEN_BUGS}; docs/fuzzing.md): programs that show a bug
 * still open are generated only when its name is in {@code open} ({@code -Dfuzz.open=...}), so
 * that the normal run tests everything else; each has seeds in fuzz/regressions.txt. One is open
 * now, {@code zeroTangentOverflow} (see {@link #OPEN_BUGS}; {@code hvpAtCalleeFields} was fixed
 * in stop 31). The
 * three the fuzzer found in {@code double[]} results are fixed: a helper may no longer
 * return its parameter (a compile error: its caller would share the array it passed), the
 * cotangent array of an array created after an early return is made only where it exists, and
 * a rule's pullback counts as a read of the array the rule returned (its @Fwd may keep it as a
 * residual), so writes into that array are undone before it runs.
 */
final class Generator {
  /**
   * The version of the random stream: a seed names the same program only under the same version.
   * Bump it with any change that draws differently, and move the seeds in {@code
   * fuzz/regressions.txt} to closed-form tests (FuzzFoundTest) or replace them (keep them as
   * {@code # vN:} comments, a record). Version 11 (issue 11): discrete arrays and enhanced for.
   * Version 12 (issue 11, section 5): instance methods of a final class or a record reading its
   * fields, plain recursion on an int depth, and {@code java.util.Random} made in the body; their
   * decisions come from a stream of their own ({@link #extras}), so that the program's own stream
   * moves only where they are used (and an enhanced for over a matrix row is drawn one time in
   * two, not four, to keep it common). Version 13 (issue 11, arrays in loops): arrays created
   * inside loop bodies ({@code double[] yt0 = new double[3]}, of a length that changes from trip to
   * trip {@code yv0}, {@code double[][] yu0}, {@code int[] jt0}), {@code double[]} callees called
   * in loop bodies ({@code double[] yl0 = h0(..)}), rows of matrices passed to {@code double[]}
   * parameters ({@code h1(xm[i], ..)}, {@code h1(r3, ..)}), a {@code double[]} call nested as the
   * argument of another annotated call ({@code t0 += hq(h0(xa, x0))}), and {@code return h0(..)}
   * in {@code double[]} helpers; again decided from {@link #extras}. Version 14: records as
   * parameters ({@link RecordForms}: {@code f} and helpers taking records of some of their
   * parameters, passed whole between them; {@code @NoDiff} data records; records with no
   * floating-point data), from a stream of its own, so that a program without records is
   * version 13's. Version 15: the local array {@code ya} or matrix {@code ym} at the top of a body
   * declared with an array initializer one time in three ({@code double[] ya = {x0 * 2.0,
   * Math.sin(x1), xa[2]};}), its elements drawn from a stream of their own ({@link
   * #initializers}), so that a program without one is version 14's. Version 16 (issue 11,
   * section 5, again): a static helper with out-parameters {@code ho} (BLAS style: {@code void}
   * or {@code double}, writing into its array parameter {@code out} whole, accumulating, or in
   * part) called as a statement into local arrays, rows of local matrices and arrays made in
   * loop trips (aliased with its input array too), and {@code Math.pow} at an exponent that may
   * be exactly 0, and a field holding an object read through it ({@code fc0.k}); drawn from
   * streams of their own ({@link #inShapes}, {@link #SHAPES_SALT}), so that a program without
   * them is version 15's, and one with them is version 15's with the new parts inserted (picks
   * among names in scope may then pick a new local, {@code yw0} or {@code tq0}). Version 17: small
   * static {@code double} helpers {@code hp0}, {@code hp1}, {@code hp2} (each but the first
   * calling the one before: a chain) called inside loop bodies, which reverse mode writes into
   * the caller ({@code Inliner.Policy.IN_LOOPS}), with rows of matrices indexed by the loop
   * variable or an index array, by-name arrays, and rows of local matrices written after the
   * call; and the calls the processor must leave as calls (in a {@code ?:} branch, in a loop
   * condition, right of {@code &&}, after a call with effects in the same statement); drawn from
   * streams of their own ({@link #inLoopParts}, {@link #LOOPS_SALT}), so that a program without
   * them is version 16's, and one with them is version 16's with statements inserted (and its
   * new names never picked by version 16's draws). Version 18 (stop 29): after a call of a helper
   * {@code hpK} in a loop, one time in two, a write into a discrete local: the index array that
   * chose the row the call read ({@code jp0[1] = ..} after {@code hp0(ym[Math.floorMod(jp0[1],
   * 2)], ..)}), else any index array, counts or mask in scope, so that the reverse sweep must put
   * it back for the callee's pullback and the row's index (the red team of stop 28 found such a
   * write unseen for another class's callee); drawn from streams of their own ({@link
   * #DISCRETE_SALT}), so that a program without one is version 17's. Version 19 (stop 31): in
   * one program in three of a final class, one field read in three goes through a plain getter
   * of the class ({@code get_k0()}, {@code this.get_n0()}, {@code o.get_fc0().k}, in loop
   * bounds and conditions too), which {@code fHvpAt} must replay (and every Vjp must record):
   * the checks change the fields after making them; drawn from a stream of its own ({@link
   * #GETTERS_SALT}), so that a program without one is version 18's. Version 20 (stop 32): in
   * one program in three of a final class, its fields are {@code private} (and so is its
   * objects' {@code k}), which the generated class reads through {@code VarHandle}s; drawn from
   * a stream of its own ({@link #PRIVATE_SALT}), so that a program without it is version 19's.
   * Version 21 (stop 33): in one {@code f} in three, its return value is kept in {@code double
   * tz0} and a reduction loop follows, {@code for (..) { ..; tz1 += e; }}, before {@code return
   * tz0 + tz1 * c} (or another combination): the shape whose gradient runs its reverse trips
   * inside its forward trips (a fused sweep), with trip bodies that are sometimes fusable (trip
   * locals, branches, recorded {@code Math} calls) and sometimes not (a local of the body
   * carried from trip to trip, a break, a combination that reads {@code tz1}, a while loop whose
   * condition reads {@code tz1}; one loop in six is a while loop, one a do loop); drawn from
   * streams of their own ({@link #REDUCTION_SALT}), so that a program without it is version
   * 20's.
   */
  static final int VERSION = 21;

  /** Functions defined on all doubles whose values stay modest. */
  private static final String[] ANYWHERE = {
    "sin", "cos", "atan", "tanh", "cbrt", "abs", "signum", "floor", "ceil", "rint", "toRadians",
    "toDegrees"
  };

  /** Functions that overflow on large arguments: usually given a bounded one. */
  private static final String[] GROWING = {"exp", "expm1", "sinh", "cosh"};

  /** Functions defined on positive arguments. */
  private static final String[] POSITIVE = {"log", "log10", "sqrt"};

  private static final String[] COMPARISONS = {"<", "<=", ">", ">="};

  private static final double[] LITERALS = {0.5, 1.0, 2.0, 3.0, 0.25, 1.5, 0.1, 10.0, -1.0, -0.5};

  private SplittableRandom rnd;
  /** Which {@code @CustomJvp} rules a program may call: a stream of its own (see Rules). */
  private final SplittableRandom jvpRules;
  /** Which {@code @CustomJvp} rules over arrays ({@link Rules#ARRAY_JVP_RULES}): another. */
  private final SplittableRandom arrayJvpRules;
  /**
   * Version 12's decisions (an instance class and its fields, which methods are instance
   * methods, a recursive helper, generators): a stream of their own.
   */
  private SplittableRandom extras;
  /**
   * Version 16's decisions (helpers with out-parameters and their calls, {@code Math.pow} at an
   * exponent that may be exactly 0): a stream of their own, and, while their parts are generated,
   * {@link #rnd} and {@link #extras} are swapped for {@link #shapeParts} and {@link
   * #shapeExtras} ({@link #inShapes}), so that a program's own streams do not move at all: a
   * version 15 program with the new statements inserted (a pick among the names in scope may
   * pick a new one).
   */
  private SplittableRandom shapes;
  private SplittableRandom shapeParts;
  private SplittableRandom shapeExtras;
  /** Version 16's reads through {@code fc0} and its choice of a loop trip's array as out. */
  private SplittableRandom shapeChoices;
  /** The program's helper with out-parameters (version 16), or null. */
  private Callee outHelper;
  /** The locals its calls declare in the body being generated ({@code tq0}, ...). */
  private int outLocals;
  /** The program's helper that returns {@code double[][]} (version 16), or null. */
  private Callee matrixHelper;
  /**
   * Version 17's decisions (helpers called in loops, {@code hp0}..): a stream of their own, and,
   * while their parts are generated, {@link #rnd} and {@link #extras} are swapped for {@link
   * #loopParts} and {@link #loopExtras} ({@link #inLoopParts}).
   */
  private final SplittableRandom loopDraws;
  private final SplittableRandom loopParts;
  private final SplittableRandom loopExtras;
  /** Version 18's decisions (a discrete write after a call of {@code hpK}) and their parts. */
  private final SplittableRandom discreteDraws;
  private final SplittableRandom discreteParts;
  /** Version 16's streams while version 17's parts are generated (they draw pow at 0 too). */
  private final SplittableRandom loopShapes;
  private final SplittableRandom loopShapeParts;
  private final SplittableRandom loopShapeExtras;
  private final SplittableRandom loopShapeChoices;
  /** The helpers of version 17 the body being generated may call ({@code hp0}, ...). */
  private final List<Callee> loopHelpers = new ArrayList<>();
  /** Those of them whose gradient is not the derivative of their value (stopGradient, ..). */
  private final java.util.Set<String> inexactLoopHelpers = new java.util.HashSet<>();
  /** While a chain helper's body is generated: the helper it calls first ({@code tc0 = ..}). */
  private Callee chainCallee;
  /** Version 17's locals and loops of the body being generated ({@code tp0}, {@code ip0}, ..). */
  private int loopLocals;
  /** The matrices its calls declare in the body being generated ({@code yw0}, ...). */
  private int matrixLocals;
  /** Version 15's array initializers: whether {@code ya} and {@code ym} get one, and its elements. */
  private final SplittableRandom initializers;
  /** The fields of the class (version 12): none for a class of static methods. */
  private final List<Program.Field> fields = new ArrayList<>();
  /** Whether the class is a record (its fields are its components). */
  private boolean record;
  /** Whether the body being generated is an instance method's: it reads fields, calls on this. */
  private boolean instanceBody;
  /** Whether the program may make {@code java.util.Random}s in its bodies (version 12). */
  private boolean randoms;
  /** The random-generator locals of the body being generated ({@code g0}, ...). */
  private int generators;
  private final List<Callee> callable = new ArrayList<>();
  private boolean exact = true;
  private int locals;
  private int loops;
  /** Whether the body being generated starts with a scratch matrix {@code ym}. */
  private boolean localMatrix;

  /** The loops enclosing the statements being generated, innermost last. */
  private final List<Program.LoopKind> enclosing = new ArrayList<>();


  /**
   * The open processor bugs a run may include (see above; docs/fuzzing.md, "Open processor
   * bugs"):
   *
   * <ul>
   *   <li>{@code zeroTangentOverflow} (found by version 12's CI-volume run; a check, not a
   *       construct): forward mode in a loop whose first trip gives {@code y} a tangent and whose
   *       {@code y = Math.ceil(..)} makes it a zero only at run time multiplies that zero by an
   *       overflowed partial ({@code cosh(y)} past the doubles): NaN, where reverse mode and the
   *       dual numbers (which know {@code y} has no tangent) give the first trip's derivative.
   *       Without it open, FuzzTest does not compare a non-finite JVP (or Jacobian) at points
   *       where the reference met an overflow in values without tangent.
   *   <li>{@code recordReadBeforeNestedCall} (found by version 14's first run): a record's
   *       accessor ({@code q0.x0()}, {@code k0.n()}) before a {@code double[]} call nested as an
   *       argument in one statement counts as an effect, so the nested call is not hoisted and a
   *       valid program is rejected. Without it open, {@link RecordForms} puts no parameter read
   *       in such a statement into a record.
   *   <li>{@code recordComponentMutated} (found by version 14's first soak, run seed 14001,
   *       program 3479128960195093932): an array component of a {@code @NoDiff} record or of a
   *       record without floating-point data changed by an unannotated call ({@code
   *       java.util.Arrays.sort(k0.ix())}, {@code Rules.flip(d0.da())}) after the body read it: the
   *       reverse sweep reads the changed array, a wrong gradient. Without it open, {@link
   *       RecordForms} puts no parameter such a call changes into a record.
   *   <li>{@code recordVjpSnapshot} (found by version 14's second soak, run seed 14002, program
   *       6832786019448263242, and the third, run seed 14004; a check, not a construct): {@code
   *       fVjp} keeps no copy of the array of a {@code @NoDiff} record, or of a record with no
   *       floating-point data, that its pullback reads ({@code Rules.softmax(d0.da(), x1)}; {@code
   *       yb[k0.ix()[1]]} in a callee given {@code k0}), so changing it after {@code fVjp} changes
   *       the pullback's gradient. Without it open, FuzzTest does not change the arrays of such
   *       records after {@code fVjp}.
   *   <li>{@code selfIndexedWrite} (found by version 14's first run, in a program without
   *       records; the processor of 17e41d3, before records, gives the same): a write into an
   *       index array at an index read from that array, {@code jp0[jp0[0]] = v}, after a loop
   *       that read {@code xa[jp0[0]]}: the reverse sweep reads the loop's index where the write
   *       put it, and the gradient lands on another element. Without it open, such a write's index
   *       is made {@code 0}.
   * </ul>
   *
   * <p>{@code recordAccessor} (found by version 12: a record's component field read through the
   * accessor the record writes out, so another function's value and gradient) is fixed as a
   * compile error (processor corpus 306); records here declare no accessors of their own. The one
   * before, {@code pullbackJvpSingular} (a long method's {@code fJvp} taken by
   * pullbacks, NaN where forward mode gives a finite tangent), was fixed by giving long methods a
   * split tangent sweep.
   *
   * <p>{@code hvpAtReceiverFields} (found by {@link SecondOrderCheck} in stop 24's CI-volume run,
   * a check, not a construct; fixed in stop 25): {@code fHvpAt} kept the receiver (and receiver
   * parameters) it was made with, and its {@code apply} read their fields when it ran, so a
   * non-final field changed after {@code fHvpAt} changed later products. Without it open, the
   * check changed the argument arrays only; now it is in {@link #FIXED_BUGS}.
   *
   * <p>{@code hvpAtCalleeFields} (found by stop 27's CI; fixed in stop 31): {@code fHvpAt}'s
   * sweep went through an {@code order = 2} helper's generated forms, which read the helper's
   * fields when {@code apply} ran. The sweep now replays the helper's {@code hHvpAt}, made when
   * {@code fHvpAt} was; in {@link #FIXED_BUGS}.
   */
  static final List<String> OPEN_BUGS =
      List.of("zeroTangentOverflow");

  /** The open bug {@code selfIndexedWrite} (see {@link #OPEN_BUGS}). */
  static final String SELF_INDEXED_WRITE = "selfIndexedWrite";

  /** The open bugs whose programs this generator makes. */
  private final java.util.Set<String> open;

  /**
   * Bugs that were open and are fixed (issue 11's third session: version 14's four; stop 25:
   * {@code hvpAtReceiverFields}): their
   * programs are generated in every run again, as if always named in {@code -Dfuzz.open}; the
   * gates that kept them out stay, as a record, and are always open.
   */
  static final List<String> FIXED_BUGS =
      List.of(RecordForms.READ_BEFORE_NESTED_CALL, "selfIndexedWrite",
          RecordForms.COMPONENT_MUTATED, RecordArgs.VJP_SNAPSHOT,
          SecondOrderCheck.RECEIVER_FIELDS, SecondOrderCheck.CALLEE_FIELDS);

  /** The open bugs named by {@code list}: comma-separated names, or "all"; and the fixed ones. */
  static java.util.Set<String> open(String list) {
    java.util.Set<String> out = new java.util.HashSet<>(FIXED_BUGS);
    if (list.trim().equals("all")) {
      out.addAll(OPEN_BUGS);
      return java.util.Set.copyOf(out);
    }
    for (String name : list.split(",")) {
      if (!name.isBlank() && !FIXED_BUGS.contains(name.trim())) {
        if (!OPEN_BUGS.contains(name.trim())) {
          throw new IllegalArgumentException("no open bug " + name + ": " + OPEN_BUGS);
        }
        out.add(name.trim());
      }
    }
    return java.util.Set.copyOf(out);
  }
  /** Whether the body being generated is {@code f}'s. */
  private boolean inF;
  /** Whether the body being generated is a {@code double[]} helper's. */
  private boolean arrayResult;
  /** The array-result locals ({@code yb}, ...) of the body being generated. */
  private int arrayLocals;
  /** The discrete locals ({@code jp0}, {@code jc1}, {@code jm2}, ...) of that body. */
  private int discreteLocals;
  /** The parameters of the body being generated. */
  private List<Param> currentParams = List.of();

  /** Whether {@code f} starts with a long straight-line stretch (soak runs only, see below). */
  private final boolean longMethod;
  /** The boxes and fill nests of the body being generated. */
  private int boxes;
  private int fills;
  /** The arrays created in loop bodies and the in-loop array calls of that body (version 13). */
  private int tripArrays;

  private Generator(long seed, java.util.Set<String> open, boolean soak) {
    this.open = open;
    this.rnd = new SplittableRandom(seed);
    this.jvpRules = new SplittableRandom(seed ^ 0x4A56505275L);
    // Its salt was chosen so that the seeds in fuzz/regressions.txt keep their programs: the
    // twentieth tried (with each of the nineteen before, some of them would call softmaxJ).
    this.arrayJvpRules = new SplittableRandom(seed ^ 0x4A5650417285L);
    this.extras = new SplittableRandom(seed ^ 0x12C1A55E5L);
    this.initializers = new SplittableRandom(seed ^ 0x1417L);
    this.shapes = new SplittableRandom(seed ^ SHAPES_SALT);
    this.shapeParts = new SplittableRandom(seed ^ (SHAPES_SALT + 1));
    this.shapeExtras = new SplittableRandom(seed ^ (SHAPES_SALT + 2));
    this.shapeChoices = new SplittableRandom(seed ^ (SHAPES_SALT + 3));
    this.loopDraws = new SplittableRandom(seed ^ LOOPS_SALT);
    this.loopParts = new SplittableRandom(seed ^ (LOOPS_SALT + 1));
    this.loopExtras = new SplittableRandom(seed ^ (LOOPS_SALT + 2));
    this.loopShapes = new SplittableRandom(seed ^ (LOOPS_SALT + 3));
    this.loopShapeParts = new SplittableRandom(seed ^ (LOOPS_SALT + 4));
    this.loopShapeExtras = new SplittableRandom(seed ^ (LOOPS_SALT + 5));
    this.loopShapeChoices = new SplittableRandom(seed ^ (LOOPS_SALT + 6));
    this.discreteDraws = new SplittableRandom(seed ^ DISCRETE_SALT);
    this.discreteParts = new SplittableRandom(seed ^ (DISCRETE_SALT + 1));
    this.getterDraws = new SplittableRandom(seed ^ GETTERS_SALT);
    this.getters = getterReads && getterDraws.nextInt(3) == 0;
    this.privateDecls = privateFieldDecls
        && new SplittableRandom(seed ^ PRIVATE_SALT).nextInt(3) == 0;
    this.reduction = reductionLoops
        && new SplittableRandom(seed ^ REDUCTION_SALT).nextInt(3) == 0;
    this.reductionParts = new SplittableRandom(seed ^ (REDUCTION_SALT + 1));
    this.reductionExtras = new SplittableRandom(seed ^ (REDUCTION_SALT + 2));
    // Drawn apart from the program's own stream, so soak runs change only these programs.
    this.longMethod = soak && new SplittableRandom(seed ^ 0x10E6L).nextInt(LONG_ONE_IN) == 0;
  }

  /**
   * The salt of version 16's streams: the fifth tried, chosen so that the seed in
   * fuzz/regressions.txt draws none of version 16's parts and keeps its version 15 program
   * (checked by rendering it with both versions); with the four before, it drew some.
   */
  static final long SHAPES_SALT = 0x5A1E22L;

  /**
   * The salt of version 17's streams, chosen so that the seeds in fuzz/regressions.txt draw none
   * of version 17's parts and keep their version 16 programs (checked by rendering them with
   * both versions); the second tried (with the first, some of them drew helpers {@code hp}).
   */
  static final long LOOPS_SALT = 0x100B6L;

  /**
   * The salt of version 18's streams, chosen so that the seeds in fuzz/regressions.txt draw none
   * of version 18's parts and keep their version 17 programs (checked by rendering them with and
   * without the part: {@code FuzzTest.regressionSeedsKeepTheirPrograms}); the first tried. Of the
   * 2 000 programs of run seed 77, version 18 changes 101.
   */
  static final long DISCRETE_SALT = 0x18D15L;

  /**
   * Version 19's salt: whether a program reads fields through plain getters, and which reads
   * (chosen so that the seeds of fuzz/regressions.txt keep their programs).
   */
  static final long GETTERS_SALT = 0x19F00L;

  /**
   * Version 20's salt: whether a final class declares its fields private (chosen so that the
   * seeds of fuzz/regressions.txt keep their programs).
   */
  static final long PRIVATE_SALT = 0x20F1DL;

  /** Whether version 20's part is drawn (off only to check that seeds keep their programs). */
  static boolean privateFieldDecls = true;

  /**
   * Version 21's salt: whether {@code f} ends in a reduction loop, and its parts (chosen so that
   * the seeds of fuzz/regressions.txt keep their programs).
   */
  static final long REDUCTION_SALT = 0x21FC8L;

  /** Whether version 21's part is drawn (off only to check that seeds keep their programs). */
  static boolean reductionLoops = true;

  /**
   * Whether expressions drawn now call nothing (no helper, rule or random draw): version 21's
   * trips that may fuse.
   */
  private boolean callFree;

  /** Version 21's draw: whether {@code f} ends in a reduction loop. */
  private final boolean reduction;
  /** Version 21's streams, for the reduction loop's parts. */
  private final SplittableRandom reductionParts;
  private final SplittableRandom reductionExtras;

  /** Version 19's stream: whether, and where, fields are read through getters. */
  private final SplittableRandom getterDraws;

  /** Whether this program reads fields through plain getters (version 19). */
  private final boolean getters;
  /** Version 20's draw: whether a final class's fields are private. */
  private final boolean privateDecls;

  /** The names of version 17's helpers called in loops: {@code hp0}, {@code hp1}, {@code hp2}. */
  static final String LOOP_HELPER = "hp";

  /** In soak runs, one program in LONG_ONE_IN gets a long straight-line stretch in {@code f}. */
  static final int LONG_ONE_IN = 25;

  /**
   * The length of that stretch: at least 600 steps, past the size at which a derivative would pass
   * the JVM's 64 KiB limit on a method's bytecode, so its sweeps are split.
   */
  static final int LONG_STEPS = 600;

  /** The program of {@code seed}, as class {@code className}. */
  static Unit generate(long seed, String className) {
    return generate(seed, className, java.util.Set.of());
  }

  /**
   * The program of {@code seed}, as class {@code className}, including programs that show the
   * open bugs in {@code open}.
   */
  static Unit generate(long seed, String className, java.util.Set<String> open) {
    return generate(seed, className, open, false);
  }

  /** As above; {@code soak}: a soak run's program, which may be long (see {@link #LONG_ONE_IN}). */
  static Unit generate(long seed, String className, java.util.Set<String> open, boolean soak) {
    // version 14: records as parameters, decided from a stream of their own (-Dfuzz.records=false
    // renders every program flat, to see whether a failure needs its records)
    Unit unit = new Generator(seed, open, soak).unit(className);
    return Boolean.parseBoolean(System.getProperty("fuzz.records", "true"))
        ? RecordForms.apply(unit, seed, open) : unit;
  }

  private Unit unit(String className) {
    for (Rules.Rule rule : Rules.ALL) {
      if (rnd.nextInt(3) == 0) {
        callable.add(Callee.rule(rule));
      }
    }
    for (Rules.Rule rule : Rules.JVP_RULES) {
      if (jvpRules.nextInt(3) == 0) {
        callable.add(Callee.rule(rule));
      }
    }
    for (Rules.Rule rule : Rules.ARRAY_JVP_RULES) {
      if (arrayJvpRules.nextInt(3) == 0) {
        callable.add(Callee.rule(rule));
      }
    }
    // version 17: a chain of small static double helpers called in loops, three programs in
    // five (their bodies drawn from streams of their own)
    List<Callee> helpers = new ArrayList<>();
    if (loopDraws.nextInt(5) < 3) {
      boolean wasExact = exact;
      int chain = 1 + loopDraws.nextInt(3);
      for (int k = 0; k < chain; k++) {
        exact = true;
        int at = k;
        Callee helper = inLoopParts(() -> loopHelper(className, at));
        if (!exact) {
          inexactLoopHelpers.add(helper.name());
        }
        if (k > 0 && inexactLoopHelpers.contains(loopHelpers.get(k - 1).name())) {
          inexactLoopHelpers.add(helper.name());
        }
        loopHelpers.add(helper);
        helpers.add(helper);
      }
      exact = wasExact;
    }
    // version 16: a static helper with out-parameters, one program in three (its body drawn
    // from streams of its own)
    if (shapes.nextInt(3) == 0) {
      outHelper = inShapes(() -> outParameterHelper(className));
      helpers.add(outHelper);
    }
    // version 16: a static helper that returns double[][], one program in four
    if (shapes.nextInt(4) == 0) {
      matrixHelper = inShapes(() -> matrixResultHelper(className));
      helpers.add(matrixHelper);
    }
    // version 12: an instance class (a final class or a record) with double and int fields,
    // generators, a recursive helper
    boolean instanceClass = extras.nextInt(3) == 0;
    if (instanceClass) {
      record = extras.nextInt(3) == 0;
      int doubleFields = 1 + extras.nextInt(2);
      for (int i = 0; i < doubleFields; i++) {
        fields.add(new Program.Field("fd" + i, false, !record && extras.nextBoolean(),
            accessor(record && extras.nextInt(3) == 0)));
      }
      if (extras.nextBoolean()) {
        fields.add(new Program.Field("fi0", true, !record && extras.nextBoolean(),
            accessor(record && extras.nextInt(3) == 0)));
      }
      if (!record && shapes.nextBoolean()) {
        // version 16: a field holding an object, read through it (fc0.k, this.fc0.k, o.fc0.k)
        fields.add(Program.Field.object(Program.OBJECT_FIELD_PREFIX + "0"));
      }
      // version 20: a final class's fields declared private, one program in three, from a
      // stream of its own
      if (!record && privateDecls) {
        fields.replaceAll(Program.Field::hide);
      }
    }
    randoms = extras.nextInt(4) == 0;
    boolean recursive = extras.nextInt(3) == 0;
    boolean recursiveArray = extras.nextInt(5) == 0;
    int helperCount = rnd.nextInt(3);
    int recursiveAt = recursive ? extras.nextInt(helperCount + 1) : -1;
    int recursiveArrayAt = recursiveArray ? extras.nextInt(helperCount + 1) : -1;
    for (int h = 0; h <= helperCount; h++) {
      if (h == recursiveAt) {
        Callee helper = recursiveHelper(className, instanceClass && extras.nextBoolean(), false);
        helpers.add(helper);
        callable.add(helper);
      }
      if (h == recursiveArrayAt) {
        Callee helper = recursiveHelper(className, instanceClass && extras.nextBoolean(), true);
        helpers.add(helper);
        callable.add(helper);
      }
      if (h == helperCount) {
        break;
      }
      instanceBody = instanceClass && extras.nextInt(3) > 0;
      List<Param> params = new ArrayList<>();
      int doubles = 1 + rnd.nextInt(2);
      for (int i = 0; i < doubles; i++) {
        params.add(new Param("a" + i, Kind.DOUBLE));
      }
      if (rnd.nextInt(4) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("m", Kind.INT));
      }
      if (rnd.nextInt(5) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("k", Kind.NODIFF));
      }
      if (rnd.nextInt(3) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("aa", Kind.ARRAY));
      }
      if (rnd.nextInt(4) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("am", Kind.MATRIX));
      }
      // discrete arrays (version 11): an index array, a mask, a long[]
      if (rnd.nextInt(4) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("ia", Kind.INDEX));
      }
      if (rnd.nextInt(6) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("ka", Kind.MASK));
      }
      if (rnd.nextInt(10) == 0) {
        params.add(rnd.nextInt(params.size() + 1), new Param("la", Kind.LONGS));
      }
      Callee helper;
      boolean chain = !helpers.isEmpty() && helpers.get(helpers.size() - 1).returnsArray()
          && rnd.nextBoolean();
      if (chain || rnd.nextInt(3) == 0) {
        // A double[] helper (often after another one, so that it may call it): it usually takes
        // an array or two, and fills a scratch array ya.
        if (rnd.nextInt(4) > 0 && params.stream().noneMatch(p -> p.kind() == Kind.ARRAY)) {
          params.add(rnd.nextInt(params.size() + 1), new Param("aa", Kind.ARRAY));
        }
        if (rnd.nextInt(4) == 0) {
          params.add(rnd.nextInt(params.size() + 1), new Param("ab", Kind.ARRAY));
        }
        // It returns an array it created: its scratch array ya, or one a call gave it.
        arrayResult = true;
        List<Stmt> body = body(params, 2, true);
        arrayResult = false;
        helper = Callee.arrayHelper(className, "h" + h, params, body);
      } else {
        helper = Callee.helper(className, "h" + h, params, body(params, 2));
      }
      helper = helper.withInstance(instanceBody);
      instanceBody = false;
      helpers.add(helper);
      callable.add(helper);
    }
    List<Param> params = new ArrayList<>();
    int doubles = 1 + rnd.nextInt(4);
    for (int i = 0; i < doubles; i++) {
      params.add(new Param("x" + i, Kind.DOUBLE));
    }
    if (rnd.nextInt(3) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("n", Kind.INT));
    }
    if (rnd.nextInt(4) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("c", Kind.NODIFF));
    }
    if (rnd.nextInt(3) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("xa", Kind.ARRAY));
    }
    if (rnd.nextInt(4) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("da", Kind.DATA));
    }
    if (rnd.nextInt(4) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("xm", Kind.MATRIX));
    }
    if (rnd.nextInt(3) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("ix", Kind.INDEX));
    }
    if (rnd.nextInt(4) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("mk", Kind.MASK));
    }
    if (rnd.nextInt(6) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("lg", Kind.LONGS));
    }
    localMatrix = rnd.nextInt(4) == 0;
    inF = true;
    instanceBody = instanceClass && extras.nextInt(4) > 0;
    if (instanceClass && !instanceBody && extras.nextInt(3) > 0) {
      // a static f with a receiver parameter: @NoDiff P0 o, o.h0(x), o.fd0
      params.add(extras.nextInt(params.size() + 1),
          new Param(Program.RECEIVER_PARAM, Kind.RECEIVER));
    }
    Callee f = Callee.helper(className, "f", params, body(params, 3, rnd.nextInt(2) == 0))
        .withInstance(instanceBody);
    if (outHelper != null && helpers.stream().noneMatch(h -> callsOut(h.body()))
        && !callsOut(f.body())) {
      // a helper with out-parameters that nothing calls is [AdjointArrayParameterWrite]
      helpers.remove(outHelper);
    }
    instanceBody = false;
    inF = false;
    localMatrix = false;
    return new Unit(className, helpers, f, exact, List.copyOf(fields), record);
  }

  /**
   * Whether a record component drawn to have an explicit accessor gets it: never, since the fix
   * of {@code recordAccessor} made a read of its field a compile error (the draw is made either
   * way, so version 12's programs stay as they were).
   */
  private boolean accessor(boolean drawn) {
    return false;
  }

  /** The names of the recursive helpers (version 12): of a double, and of a double[]. */
  static final String RECURSIVE = "hr";

  static final String RECURSIVE_ARRAY = "hs";

  /** The body being generated is the recursive helper's. */
  private boolean recursionBody;

  /**
   * A helper that recurses on its int depth parameter {@code d} (version 12):
   * <pre>
   * double hr(double a0, int d) {
   *   if (d &lt;= 0) { return e; }
   *   ...random statements
   *   return e + hr(e, d - 1);    // or e * hr(..), sin(hr(..) + e), hr(..) - e
   * }
   * </pre>
   * Callers pass {@code Math.floorMod(k, 4)} as {@code d}, so it recurses at most three deep; each
   * level calls itself once, in its last return. With {@code array}, a {@code double[]} helper
   * {@code hs}, as GradBench-style code builds a result from the one below:
   * <pre>
   * double[] hs(double[] aa, double a0, int d) {
   *   double[] ya = new double[3];
   *   if (d &lt;= 0) { ya[1] = e; return ya; }
   *   double[] yr0 = hs(aa, e, d - 1);
   *   ...random statements, reading and writing ya and yr0
   *   return ya;                // or yr0
   * }
   * </pre>
   */
  private Callee recursiveHelper(String className, boolean instance, boolean array) {
    List<Param> params = new ArrayList<>();
    int doubles = 1 + rnd.nextInt(2);
    for (int i = 0; i < doubles; i++) {
      params.add(new Param("a" + i, Kind.DOUBLE));
    }
    if (rnd.nextInt(3) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("aa", Kind.ARRAY));
    }
    if (rnd.nextInt(5) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("ia", Kind.INDEX));
    }
    params.add(rnd.nextInt(params.size() + 1), new Param("d", Kind.INT));
    instanceBody = instance;
    recursionBody = true;
    arrayResult = array;
    List<Stmt> body = body(params, 2, array);
    arrayResult = false;
    recursionBody = false;
    instanceBody = false;
    return (array ? Callee.arrayHelper(className, RECURSIVE_ARRAY, params, body)
        : Callee.helper(className, RECURSIVE, params, body)).withInstance(instance);
  }

  /** The recursive helper's call of itself one level down: its depth {@code d - 1} (or 2). */
  private Program.Recurse recursiveCall(Scope scope, String name) {
    Callee self = Callee.helper("", name, currentParams, List.of());
    List<Object> args = new ArrayList<>(((Invoke) call(scope, self, 1)).args());
    for (int i = 0; i < currentParams.size(); i++) {
      if (currentParams.get(i).name().equals("d")) {
        args.set(i, new IntBinary('-', new IntRead("d"), new IntLit(1 + rnd.nextInt(2))));
      }
    }
    return new Program.Recurse(name, args, instanceBody && rnd.nextBoolean());
  }

  /** The last return of the recursive helper: an expression around its call one level down. */
  private Expr recursiveReturn(Scope scope) {
    Expr call = recursiveCall(scope, RECURSIVE);
    return switch (rnd.nextInt(4)) {
      case 0 -> new Binary('+', expr(scope, 2), call);
      case 1 -> new Binary('*', expr(scope, 1), call);
      case 2 -> call(rnd.nextBoolean() ? "sin" : "tanh",
          new Binary('+', call, expr(scope, 1)));
      default -> new Binary('-', call, expr(scope, 2));
    };
  }

  // ---------------------------------------------------------------- statements

  /** The variables a block sees. Copied on entry, so a block's locals end with it. */
  private static final class Scope {
    final List<String> doubles = new ArrayList<>();
    final List<String> ints = new ArrayList<>();
    final List<String> assignable = new ArrayList<>();
    final List<String> arrays = new ArrayList<>();
    final List<String> writableArrays = new ArrayList<>();
    final List<String> matrices = new ArrayList<>();
    final List<String> writableMatrices = new ArrayList<>();
    /** {@code @NoDiff} data arrays, which unannotated calls may change. */
    final List<String> data = new ArrayList<>();
    /** Boxes (Double, Object, Number locals) and those of them that are Doubles. */
    final List<String> boxes = new ArrayList<>();
    final List<String> doubleBoxes = new ArrayList<>();
    /** Every {@code int[]} and {@code long[]}, whose elements are read as ints. */
    final List<String> intArrays = new ArrayList<>();
    /** Of {@link #intArrays}, the {@code long[]}s (read as {@code (int) a[i]}). */
    final List<String> longArrays = new ArrayList<>();
    /** Of {@link #intArrays}, the {@code int[]}s whose values stay in [0, LENGTH): indices. */
    final List<String> indexArrays = new ArrayList<>();
    /** Local {@code int[]}s that may be written: index arrays (floorMod) and counts. */
    final List<String> writableIndexArrays = new ArrayList<>();
    final List<String> counts = new ArrayList<>();
    final List<String> masks = new ArrayList<>();
    final List<String> writableMasks = new ArrayList<>();
    /** Discrete parameters an unannotated call may sort ({@code int[]}, {@code long[]}). */
    final List<String> sortable = new ArrayList<>();
    /** Ints known to be in [0, LENGTH): the variables of enhanced fors over index arrays. */
    final List<String> indexInts = new ArrayList<>();
    /**
     * The variables of enhanced fors over counts, which may be large: read as ints, never loop
     * bounds.
     */
    final List<String> countInts = new ArrayList<>();
    /**
     * Rows of matrices named by the variable of {@code for (double[] r : m)}: indexed, never
     * passed on (a row as a value is outside the subset); writable where the matrix is a local.
     */
    final List<String> rows = new ArrayList<>();
    final List<String> writableRows = new ArrayList<>();
    /** The double and int fields of {@code this} (an instance method's body, version 12). */
    final List<String> fields = new ArrayList<>();
    final List<String> intFields = new ArrayList<>();
    /** {@code java.util.Random} locals. */
    final List<String> generators = new ArrayList<>();
    /** Whether a static method has a receiver parameter {@code o} (version 12). */
    boolean receiver;
    /**
     * The variables of version 17's loops that stay below {@link Program#ROWS}: rows of any
     * matrix by them need no {@code Math.floorMod} ({@code yp0[ip1]}).
     */
    final List<String> rowIndices = new ArrayList<>();

    Scope copy() {
      Scope s = new Scope();
      s.fields.addAll(fields);
      s.intFields.addAll(intFields);
      s.generators.addAll(generators);
      s.receiver = receiver;
      s.doubles.addAll(doubles);
      s.ints.addAll(ints);
      s.assignable.addAll(assignable);
      s.arrays.addAll(arrays);
      s.writableArrays.addAll(writableArrays);
      s.matrices.addAll(matrices);
      s.writableMatrices.addAll(writableMatrices);
      s.data.addAll(data);
      s.boxes.addAll(boxes);
      s.doubleBoxes.addAll(doubleBoxes);
      s.intArrays.addAll(intArrays);
      s.longArrays.addAll(longArrays);
      s.indexArrays.addAll(indexArrays);
      s.writableIndexArrays.addAll(writableIndexArrays);
      s.counts.addAll(counts);
      s.masks.addAll(masks);
      s.writableMasks.addAll(writableMasks);
      s.sortable.addAll(sortable);
      s.indexInts.addAll(indexInts);
      s.countInts.addAll(countInts);
      s.rows.addAll(rows);
      s.writableRows.addAll(writableRows);
      s.rowIndices.addAll(rowIndices);
      return s;
    }
  }

  private List<Stmt> body(List<Param> params, int size) {
    return body(params, size, false);
  }

  /** A body; {@code localArray}: it starts by creating a scratch array {@code ya}. */
  private List<Stmt> body(List<Param> params, int size, boolean localArray) {
    locals = 0;
    loops = 0;
    discreteLocals = 0;
    arrayLocals = 0;
    boxes = 0;
    fills = 0;
    tripArrays = 0;
    generators = 0;
    outLocals = 0;
    matrixLocals = 0;
    loopLocals = 0;
    currentParams = params;
    Scope scope = new Scope();
    scope.receiver = params.stream().anyMatch(p -> p.kind() == Kind.RECEIVER);
    if (instanceBody || scope.receiver) {
      for (Program.Field v : fields) {
        (v.isInt() ? scope.intFields : scope.fields).add(v.name());
      }
    }
    for (Param p : params) {
      if (p.kind() == Kind.INT) {
        scope.ints.add(p.name());
      } else if (p.kind() == Kind.INDEX || p.kind() == Kind.LONGS) {
        scope.intArrays.add(p.name());
        scope.sortable.add(p.name());
        if (p.kind() == Kind.LONGS) {
          scope.longArrays.add(p.name());
        } else {
          scope.indexArrays.add(p.name());
        }
      } else if (p.kind() == Kind.RECEIVER) {
        continue; // its fields and methods (scope.receiver, below)
      } else if (p.kind() == Kind.MASK) {
        scope.masks.add(p.name());
      } else if (p.kind() == Kind.MATRIX) {
        scope.matrices.add(p.name());
      } else if (p.kind() == Kind.ARRAY || p.kind() == Kind.DATA) {
        scope.arrays.add(p.name());
        if (p.kind() == Kind.DATA) {
          scope.data.add(p.name());
        }
      } else {
        scope.doubles.add(p.name());
        scope.assignable.add(p.name());
      }
    }
    List<Stmt> stmts = new ArrayList<>();
    if (localArray) {
      stmts.add(localArray("ya", false, scope));
      scope.arrays.add("ya");
      scope.writableArrays.add("ya");
    }
    if (localMatrix) {
      stmts.add(localArray("ym", true, scope));
      scope.matrices.add("ym");
      scope.writableMatrices.add("ym");
    }
    if (chainCallee != null) {
      // version 17: a chain helper calls the one before first (double tc0 = hp0(..);)
      stmts.add(new Declare("tc0", call(scope, chainCallee, 1)));
      scope.doubles.add("tc0");
      scope.assignable.add("tc0");
    }
    if (inF && longMethod) {
      longStretch(scope, stmts);
    }
    if (recursionBody && arrayResult) {
      // the base case first: if (d <= 0) { ya[k] = e; return ya; }, then the level below
      stmts.add(new If(new IntCompare("<=", new IntRead("d"), new IntLit(0)), List.of(
          new Program.ElementAssign(new Program.Element("ya",
              new IntLit(rnd.nextInt(Program.LENGTH)), false), "=", expr(scope, 2)),
          new Program.ReturnArray("ya")), List.of()));
      stmts.add(new Program.ArrayCall("yr0", recursiveCall(scope, RECURSIVE_ARRAY)));
      scope.arrays.add("yr0");
      scope.writableArrays.add("yr0");
    } else if (recursionBody) {
      // the base case first: if (d <= 0) { return e; }
      stmts.add(new If(new IntCompare("<=", new IntRead("d"), new IntLit(0)),
          List.of(new Return(expr(scope, 2))), List.of()));
    }
    if (!block(scope, 0, size, stmts)) {
      Stmt last = arrayResult ? returnArray(scope)
          : new Return(recursionBody ? recursiveReturn(scope) : expr(scope, 3));
      if (inF && reduction && last instanceof Return r) {
        inReductionParts(() -> reductionLoop(scope, r.value(), stmts));
      } else {
        stmts.add(last);
      }
    }
    return stmts;
  }

  /**
   * Version 21: {@code double tz0 = value; double tz1 = 0; for (..) { ..; tz1 += e; } return
   * tz0 + tz1 * c;} in place of {@code return value;}: the reduction loop whose gradient may run
   * its reverse trips inside its forward trips (SweepFusion).
   */
  private void reductionLoop(Scope scope, Expr value, List<Stmt> out) {
    out.add(new Declare("tz0", value));
    out.add(new Declare("tz1", new Num(0, true)));
    Scope inner = scope.copy();
    inner.doubles.add("tz0"); // read in the trips, never written (tz: a prefix no other part uses)
    String index = "i" + loops++;
    inner.ints.add(index);
    IntExpr bound = !scope.arrays.isEmpty() && rnd.nextInt(3) > 0
        ? new Program.IntLength(pick(scope.arrays))
        : new IntLit(1 + rnd.nextInt(4));
    // Mostly a for loop; else a while loop, whose condition may read the sum the body computes
    // (not a counted loop: its reverse trip restores the index from the tape, stop 33's seed
    // -3120135374226345966), or a do loop.
    int form = rnd.nextInt(6);
    Program.LoopKind kind = form == 0 ? Program.LoopKind.WHILE
        : form == 1 ? Program.LoopKind.DO : Program.LoopKind.FOR;
    Cond stop = kind != Program.LoopKind.WHILE ? null
        : rnd.nextBoolean() ? new Compare("<", new Read("tz1"), new Num(50, false))
        : cond(inner, 1);
    List<Stmt> body = new ArrayList<>();
    int shape = rnd.nextInt(3);
    if (shape == 0) {
      // any statements (they may carry a local from trip to trip, or break)
      enclosing.add(kind);
      boolean returns = block(inner, 1, 2, body);
      enclosing.remove(enclosing.size() - 1);
      if (returns) {
        // a trip that always returns: drop it, and the names it declared (stop 33's CI, seed
        // 6385740311769310059, read a t1 the dropped trip had declared)
        body.clear();
        inner = scope.copy();
        inner.doubles.add("tz0");
        inner.ints.add(index);
      }
    } else {
      // locals of the trip, maybe a branch that adds to the sum on one side; calls in one trip
      // in four (a call of another method records its Vjp: no fusion)
      callFree = rnd.nextInt(4) > 0;
      int n = 1 + rnd.nextInt(2);
      for (int k = 0; k < n; k++) {
        String local = "tw" + k;
        body.add(new Declare(local, rnd.nextBoolean() ? math(inner, 2) : expr(inner, 2)));
        inner.doubles.add(local);
      }
      if (shape == 2) {
        body.add(new If(cond(inner, 1),
            List.of(new Program.Assign("tz1", "+=", expr(inner, 2))),
            rnd.nextBoolean() ? List.of()
                : List.of(new Program.Assign("tz1", "-=", expr(inner, 2)))));
      }
    }
    body.add(new Program.Assign("tz1", "+=", expr(inner, 2)));
    callFree = false;
    out.add(new Program.Loop(kind, index, bound, stop, body));
    Expr c = literal();
    int combination = rnd.nextInt(8);
    Expr result = combination < 4
        ? new Binary('+', new Read("tz0"), new Binary('*', new Read("tz1"), c))
        : combination < 6 ? new Binary('-', new Binary('*', c, new Read("tz1")), new Read("tz0"))
        : combination < 7 ? new Read("tz1")
        : new Binary('*', new Read("tz0"), new Read("tz1")); // reads the sum: no fusion
    out.add(new Return(result));
  }

  /** Runs {@code part} on version 21's streams (see {@link #inLoopParts(Runnable)}). */
  private void inReductionParts(Runnable part) {
    SplittableRandom r = rnd;
    SplittableRandom x = extras;
    rnd = reductionParts;
    extras = reductionExtras;
    try {
      part.run();
    } finally {
      rnd = r;
      extras = x;
    }
  }

  /**
   * {@code return a;} in a {@code double[]} helper: its scratch array {@code ya} mostly, else an
   * array a call gave it (never a parameter: that is a compile error).
   */
  private Stmt returnArray(Scope scope) {
    // version 13: return h0(..), the array a helper's call made
    List<Callee> returnable = arrayCallees(scope).stream().filter(c -> !c.isRule()).toList();
    if (!returnable.isEmpty() && extras.nextInt(4) == 0) {
      return new Program.ReturnCall(
          (Invoke) call(scope, returnable.get(extras.nextInt(returnable.size())), 2));
    }
    List<String> candidates = scope.arrays.stream()
        .filter(a -> !scope.matrices.contains(a))
        .filter(a -> currentParams.stream().noneMatch(p -> p.name().equals(a))).toList();
    String array = candidates.contains("ya") && rnd.nextInt(3) > 0 ? "ya" : pick(candidates);
    return new Program.ReturnArray(array);
  }

  /** The {@code double[]} callees a body could call with the arrays in scope. */
  private List<Callee> arrayCallees(Scope scope) {
    return callable.stream().filter(Callee::returnsArray)
        .filter(c -> canCall(scope, c))
        .toList();
  }

  /** Whether {@code scope} holds an argument of every array kind {@code callee} takes. */
  private boolean canCall(Scope scope, Callee callee) {
    if (callee.instance() && !instanceBody && !scope.receiver) {
      return false; // no receiver in a static method without a receiver parameter
    }
    for (Param p : callee.params()) {
      boolean available = switch (p.kind()) {
        case ARRAY -> !scope.arrays.isEmpty();
        case MATRIX -> !scope.matrices.isEmpty();
        case INDEX -> !scope.indexArrays.isEmpty();
        case LONGS -> !scope.longArrays.isEmpty();
        case MASK -> !scope.masks.isEmpty();
        default -> true;
      };
      if (!available) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code double[] yb = h(args);} at the top level of a body or in a branch. Helpers return only
   * arrays they created, so {@code yb} shares storage with no other name and may be written.
   */
  private Stmt arrayCall(Scope scope, List<Callee> candidates) {
    Callee callee = candidates.get(rnd.nextInt(candidates.size()));
    Invoke call = (Invoke) call(scope, callee, 2);
    char letter = (char) ('b' + arrayLocals++);
    // past ym, the scratch matrix (a name only: the draws stay those of version 10)
    String name = "y" + (letter >= 'm' ? (char) (letter + 1) : letter);
    scope.arrays.add(name);
    scope.writableArrays.add(name);
    return new Program.ArrayCall(name, call);
  }

  /** Appends statements; true when the block always returns (nothing may follow it). */
  private boolean block(Scope scope, int nesting, int size, List<Stmt> out) {
    int count = 1 + rnd.nextInt(size + 2);
    for (int i = 0; i < count; i++) {
      // version 16: a call of the helper with out-parameters, inserted before the statement
      // (drawn from streams of its own: the statements of version 15 stay as they were)
      if (outHelper != null && shapes.nextInt(4) == 0) {
        inShapes(() -> outCall(scope, out));
      }
      if (matrixHelper != null && shapes.nextInt(5) == 0) {
        inShapes(() -> matrixCall(scope, out));
      }
      if (scope.fields.contains(Program.OBJECT_FIELD_PREFIX + "0")
          && shapeChoices.nextInt(5) == 0) {
        // a read through the object a field holds: t0 += fc0.k * e (o.fc0.k with a receiver
        // parameter), besides the reads the expressions make; drawn from a stream of its own
        SplittableRandom r = rnd;
        SplittableRandom x = extras;
        rnd = shapeChoices;
        extras = shapeChoices;
        try {
          out.add(new Program.Assign(pick(scope.assignable), "+=", new Binary('*',
              new Program.FieldRead(Program.OBJECT_FIELD_PREFIX + "0", fieldForm()),
              expr(scope, 1))));
        } finally {
          rnd = r;
          extras = x;
        }
      }
      // version 17: a call of a helper hp in a loop body, or a loop made for one (drawn from
      // streams of their own; their names are never picked by the statements of version 16)
      if (!loopHelpers.isEmpty()) {
        if (loopDraws.nextInt(3) == 0) {
          boolean inLoop = !enclosing.isEmpty();
          inLoopParts(() -> {
            if (inLoop) {
              loopHelperCall(scope, out);
            } else {
              helperLoop(scope, out);
            }
          });
        }
      }
      // version 13: arrays made in loop bodies, double[] calls in loops, nested double[] calls
      if (!enclosing.isEmpty() && extras.nextInt(6) == 0) {
        tripArray(scope, out);
        continue;
      }
      if (!enclosing.isEmpty() && extras.nextInt(7) == 0) {
        List<Callee> candidates = arrayCallees(scope);
        if (!candidates.isEmpty()) {
          List<Callee> helpers = candidates.stream().filter(c -> !c.isRule()).toList();
          if (!helpers.isEmpty() && extras.nextInt(3) > 0) {
            candidates = helpers;
          }
          Callee callee = candidates.get(extras.nextInt(candidates.size()));
          String name = "yl" + tripArrays++;
          out.add(new Program.ArrayCall(name, call(scope, callee, 2)));
          scope.arrays.add(name);
          scope.writableArrays.add(name);
          continue;
        }
      }
      if (extras.nextInt(10) == 0 && nestedCall(scope, out)) {
        continue;
      }
      // double[] yb = h(..) at the top level, or in a branch outside loops (made on that path only)
      if ((nesting == 0 || enclosing.isEmpty()) && rnd.nextInt(3) == 0) {
        List<Callee> candidates = arrayCallees(scope);
        List<Callee> helpers = candidates.stream().filter(c -> !c.isRule()).toList();
        if (!helpers.isEmpty() && rnd.nextInt(3) > 0) {
          candidates = helpers; // mostly the helpers: chains of them, and their parameters
          List<Callee> recursive = helpers.stream()
              .filter(c -> c.name().equals(RECURSIVE_ARRAY)).toList();
          if (!recursive.isEmpty() && rnd.nextInt(3) == 0) {
            candidates = recursive; // the recursive one, often (version 12)
          }
        }
        if (!candidates.isEmpty()) {
          out.add(arrayCall(scope, candidates));
          continue;
        }
      }
      if (randoms && rnd.nextInt(10) == 0) {
        // java.util.Random g0 = new java.util.Random(seed); (version 12), in loops too
        String name = "g" + generators++;
        out.add(new Program.RandomLocal(name, rnd.nextBoolean()
            ? new IntLit(rnd.nextInt(1000)) : intExpr(scope, 1)));
        scope.generators.add(name);
        continue;
      }
      int extra = rnd.nextInt(100);
      if (extra < 4 && !scope.data.isEmpty()) {
        // An unannotated call that writes into data the reverse sweep may still read.
        out.add(new Program.Mutate(rnd.nextInt(3) == 0, pick(scope.data)));
        continue;
      } else if (extra < 7) {
        out.add(box(scope));
        continue;
      } else if (extra < 9 && !scope.boxes.isEmpty()) {
        out.add(new Program.Log(pick(scope.boxes)));
        continue;
      } else if (extra < 10) {
        out.add(new Program.Log(pick(scope.doubles)));
        continue;
      } else if (extra < 14 && nesting == 0 && enclosing.isEmpty()) {
        fillNest(scope, out);
        continue;
      } else if (extra < 18 && nesting == 0 && enclosing.isEmpty()) {
        discreteLocal(scope, out);
        continue;
      } else if (extra < 20 && inF && !scope.sortable.isEmpty()) {
        // An unannotated call that sorts a discrete parameter of f (still an index array; a
        // helper's would be its caller's array, which the checks expect helpers to leave alone).
        out.add(new Program.Mutate(true, pick(scope.sortable)));
        continue;
      }
      int choice = rnd.nextInt(100);
      boolean arrays = !scope.writableArrays.isEmpty() || !scope.writableRows.isEmpty();
      boolean matrices = !scope.writableMatrices.isEmpty();
      boolean discrete = !scope.writableIndexArrays.isEmpty() || !scope.counts.isEmpty()
          || !scope.writableMasks.isEmpty();
      if (discrete && rnd.nextInt(5) == 0) {
        out.add(discreteWrite(scope));
      } else if ((arrays || matrices) && rnd.nextInt(4) == 0) {
        Expr target = writeTarget(scope, arrays, matrices);
        if (rnd.nextInt(5) == 0) {
          out.add(new Program.ElementStep(target, rnd.nextBoolean(), rnd.nextBoolean()));
        } else {
          String op = new String[] {"=", "+=", "-=", "*="}[rnd.nextInt(4)];
          out.add(new Program.ElementAssign(target, op, expr(scope, 2)));
        }
      } else if (choice < 33) {
        String name = "t" + locals++;
        out.add(new Declare(name, expr(scope, 3)));
        scope.doubles.add(name);
        scope.assignable.add(name);
      } else if (choice < 56) {
        String target = pick(scope.assignable);
        String op = new String[] {"=", "+=", "-=", "*=", "/="}[rnd.nextInt(5)];
        Expr value = expr(scope, 2);
        if (op.equals("/=")) {
          value = positive(value);
        }
        out.add(new Program.Assign(target, op, value));
      } else if (choice < 61) {
        out.add(new Program.Step(pick(scope.assignable), rnd.nextBoolean(), rnd.nextBoolean()));
      } else if (choice < 80 && nesting < 2) {
        Cond condition = cond(scope, 2);
        List<Stmt> then = new ArrayList<>();
        boolean thenReturns = branch(scope, nesting, then);
        List<Stmt> otherwise = new ArrayList<>();
        boolean elseReturns = rnd.nextInt(3) > 0 && branch(scope, nesting, otherwise);
        out.add(new If(condition, then, otherwise));
        if (thenReturns && elseReturns) {
          return true;
        }
      } else if (choice < 92 && nesting < 2) {
        boolean iterable = !scope.arrays.isEmpty() || !scope.rows.isEmpty()
            || !scope.matrices.isEmpty() || scope.intArrays.size() > scope.longArrays.size();
        out.add(iterable && rnd.nextInt(3) == 0 ? forEach(scope, nesting) : loop(scope, nesting));
      } else if (choice < 97 && !enclosing.isEmpty()) {
        // An early exit: continue only in a for loop, whose update runs anyway.
        Stmt exit;
        int kind = rnd.nextInt(3);
        if (kind == 0 && !arrayResult) {
          exit = new Return(expr(scope, 2));
        } else if (kind == 1 && enclosing.get(enclosing.size() - 1) == Program.LoopKind.FOR) {
          exit = new Program.Jump(false);
        } else {
          exit = new Program.Jump(true);
        }
        out.add(new If(cond(scope, 2), List.of(exit), List.of()));
      } else {
        out.add(new Program.Assign(pick(scope.assignable), "=", expr(scope, 3)));
      }
    }
    return false;
  }

  /**
   * The element a write or an increment goes to: one with literal or wrapped indices, or, one
   * time in four, with indices that have effects ({@code ya[Rules.next(3)] += ..}), which Java
   * evaluates once, before the right-hand side.
   */
  private Expr writeTarget(Scope scope, boolean arrays, boolean matrices) {
    boolean matrix = matrices && (!arrays || rnd.nextBoolean());
    if (rnd.nextInt(4) == 0) {
      return matrix
          ? new Program.MatrixElement(pick(scope.writableMatrices),
              new Program.IntNext(Program.ROWS), new Program.IntNext(Program.COLUMNS), false)
          : new Program.Element(pick(both(scope.writableArrays, scope.writableRows)),
              new Program.IntNext(Program.LENGTH), false);
    }
    return matrix ? matrixElement(scope, scope.writableMatrices)
        : element(scope, both(scope.writableArrays, scope.writableRows));
  }

  /**
   * {@code Double b0 = e;} (or Object, Number): a box of a value that may be differentiable. It is
   * then only logged or compared, which the Decisions allow (unboxing it would be an error).
   */
  private Stmt box(Scope scope) {
    String type = new String[] {"Double", "Object", "Number"}[rnd.nextInt(3)];
    String name = "b" + boxes++;
    Expr init = expr(scope, 2);
    if (!isDouble(init)) {
      // a double, so that it boxes to Double (Math.signum(2) is signum(float): a float, and so are
      // 4 + Math.signum(1) and -Math.signum(1))
      init = new Binary('*', init, new Num(1.0, false));
    }
    scope.boxes.add(name);
    if (type.equals("Double")) {
      scope.doubleBoxes.add(name);
    }
    return new Program.Box(type, name, init);
  }

  /** Whether Java types {@code e} as a {@code double} (not an int, nor a float from an int). */
  private static boolean isDouble(Expr e) {
    if (Reference.isInt(e)) {
      return false;
    }
    if (e instanceof MathCall m) {
      return m.args().stream().anyMatch(Generator::isDouble);
    }
    if (e instanceof Binary b) {
      return isDouble(b.left()) || isDouble(b.right());
    }
    if (e instanceof Program.Ternary t) {
      return isDouble(t.whenTrue()) || isDouble(t.whenFalse());
    }
    if (e instanceof Neg n) {
      // -Math.signum(1) is a float (CI run seed 5478052628243526443, program -4920156884264233210)
      return isDouble(n.operand());
    }
    return true;
  }

  /**
   * A scratch array {@code yfN} refilled in a loop nest whose range depends on a loop further out:
   * <pre>
   * double[] yf0 = new double[3];
   * for (a ..) {                     // any loop kind
   *   for (k ..) {                   // any loop kind
   *     for (int j = 0; j &lt; a + 1; j++) { yf0[j] = e; }   // or 3 - a, a, k + 1
   *     for (int j2 = 0; j2 &lt; 3; j2++) { t += yf0[j2] * e; }
   *     ...random statements (early exits too)
   *   }
   * }
   * </pre>
   * Elements the fill does not reach on a trip keep earlier trips' values, which a reverse sweep
   * that replays the fill must not mistake for later ones.
   */
  private void fillNest(Scope scope, List<Stmt> out) {
    String array = "yf" + fills++;
    out.add(new Program.LocalArray(array));
    String a = "i" + loops++;
    String k = "i" + loops++;
    String j = "i" + loops++;
    String j2 = "i" + loops++;
    IntExpr outerBound = rnd.nextBoolean()
        ? new IntLit(1 + rnd.nextInt(Program.LENGTH)) : new Program.IntLength(array);
    boolean middleLiteral = scope.ints.isEmpty() || rnd.nextBoolean();
    IntExpr middleBound = middleLiteral
        ? new IntLit(1 + rnd.nextInt(2))
        : new IntBinary('+', new IntRead(pick(scope.ints)), new IntLit(rnd.nextInt(2)));
    IntExpr fillBound = switch (rnd.nextInt(middleLiteral ? 4 : 3)) {
      case 0 -> new IntBinary('+', new IntRead(a), new IntLit(1));
      case 1 -> new IntBinary('-', new IntLit(Program.LENGTH), new IntRead(a));
      case 2 -> new IntRead(a);
      default -> new IntBinary('+', new IntRead(k), new IntLit(1)); // k < 2
    };
    Scope outerScope = scope.copy();
    outerScope.ints.add(a);
    Scope middleScope = outerScope.copy();
    middleScope.ints.add(k);
    middleScope.arrays.add(array);
    middleScope.writableArrays.add(array);
    Scope fillScope = middleScope.copy();
    fillScope.ints.add(j);
    Program.LoopKind outerKind = Program.LoopKind.values()[rnd.nextInt(3)];
    Program.LoopKind middleKind = Program.LoopKind.values()[rnd.nextInt(3)];
    Cond outerStop = outerKind == Program.LoopKind.WHILE ? cond(scope, 1) : null;
    Cond middleStop = middleKind == Program.LoopKind.WHILE ? cond(outerScope, 1) : null;
    List<Stmt> fill = List.of(new Program.ElementAssign(
        new Program.Element(array, new IntRead(j), false), "=", expr(fillScope, 2)));
    Scope readScope = middleScope.copy();
    readScope.ints.add(j2);
    List<Stmt> read = List.of(new Program.Assign(pick(scope.assignable), "+=",
        new Binary('*', new Program.Element(array, new IntRead(j2), false),
            expr(readScope, 1))));
    List<Stmt> middleBody = new ArrayList<>();
    middleBody.add(new Program.Loop(Program.LoopKind.FOR, j, fillBound, null, fill));
    middleBody.add(new Program.Loop(Program.LoopKind.FOR, j2, new IntLit(Program.LENGTH), null,
        read));
    enclosing.add(outerKind);
    enclosing.add(middleKind);
    if (rnd.nextBoolean()) {
      block(middleScope, 2, 1, middleBody);
    }
    enclosing.remove(enclosing.size() - 1);
    enclosing.remove(enclosing.size() - 1);
    Stmt middle = new Program.Loop(middleKind, k, middleBound, middleStop, middleBody);
    out.add(new Program.Loop(outerKind, a, outerBound, outerStop, List.of(middle)));
    scope.arrays.add(array);
    scope.writableArrays.add(array);
  }

  /**
   * {@code double tl = x0;} then {@link #LONG_STEPS} or more straight-line steps on {@code tl},
   * each bounded ({@code tanh}, small increments), reading other variables: a method long enough
   * that its derivative is split across generated methods.
   */
  private void longStretch(Scope scope, List<Stmt> out) {
    String name = "tl";
    out.add(new Declare(name, new Read(scope.doubles.get(0))));
    int steps = LONG_STEPS + rnd.nextInt(400);
    for (int s = 0; s < steps; s++) {
      Expr value = leaf(scope);
      switch (rnd.nextInt(4)) {
        case 0 -> out.add(new Program.Assign(name, "=", new MathCall("tanh", List.of(
            new Binary('+', new Read(name), new Binary('*', value, new Num(0.3, false)))))));
        case 1 -> out.add(new Program.Assign(name, "+=",
            new Binary('*', new MathCall("sin", List.of(value)), new Num(0.01, false))));
        case 2 -> out.add(new Program.Assign(name, "*=", new Num(0.999, false)));
        default -> out.add(new Program.Assign(name, "=", new Binary('+',
            new Binary('*', new Read(name), new Num(0.5, false)),
            new Binary('*', new MathCall("cos", List.of(value)), new Num(0.5, false)))));
      }
    }
    scope.doubles.add(name);
    scope.assignable.add(name);
  }

  /** Whether {@code s} contains a return. */
  private static boolean returns(Stmt s) {
    if (s instanceof Return || s instanceof Program.ReturnArray) {
      return true;
    } else if (s instanceof If i) {
      return i.then().stream().anyMatch(Generator::returns)
          || i.otherwise().stream().anyMatch(Generator::returns);
    } else if (s instanceof Program.Loop l) {
      return l.body().stream().anyMatch(Generator::returns);
    } else if (s instanceof Program.ForEach fe) {
      return fe.body().stream().anyMatch(Generator::returns);
    }
    return false;
  }

  /** A branch of an if; sometimes ends with an early return. */
  private boolean branch(Scope scope, int nesting, List<Stmt> out) {
    Scope inner = scope.copy();
    if (block(inner, nesting + 1, 1, out)) {
      return true;
    }
    if (rnd.nextInt(3) == 0 && !(arrayResult && !enclosing.isEmpty())) {
      // a double[] helper returns one of its arrays, and never from inside a loop
      out.add(arrayResult ? returnArray(inner) : new Return(expr(inner, 2)));
      return true;
    }
    return false;
  }

  /**
   * A loop with an int index: a counted {@code for}, a {@code while} that also stops on a
   * condition over doubles, or a {@code do} that runs at least once. Bounds come from int
   * parameters or literals, so trip counts vary with the input and may be zero.
   */
  private Program.Loop loop(Scope scope, int nesting) {
    String index = "i" + loops++;
    Program.LoopKind kind = Program.LoopKind.values()[rnd.nextInt(3)];
    IntExpr bound = !scope.data.isEmpty() && rnd.nextInt(6) == 0
        ? new Program.DataInt(pick(scope.data), rnd.nextInt(Program.LENGTH))
        : !scope.arrays.isEmpty() && rnd.nextInt(3) == 0
        ? new Program.IntLength(pick(scope.arrays))
        : !scope.intFields.isEmpty() && rnd.nextInt(4) == 0
        ? new IntBinary('+', new Program.IntField(pick(scope.intFields), fieldForm()),
            new IntLit(rnd.nextInt(2)))
        : rnd.nextBoolean() || scope.ints.isEmpty()
            ? new IntLit(rnd.nextInt(5))
            : new IntBinary('+', new IntRead(pick(scope.ints)), new IntLit(rnd.nextInt(3)));
    Scope inner = scope.copy();
    inner.ints.add(index);
    Cond stop = kind == Program.LoopKind.WHILE ? cond(scope, 1) : null;
    List<Stmt> body = new ArrayList<>();
    enclosing.add(kind);
    boolean alwaysReturns = block(inner, nesting + 1, 2, body);
    enclosing.remove(enclosing.size() - 1);
    if (alwaysReturns && kind != Program.LoopKind.FOR) {
      // A while or do body ends with i++, which would be unreachable: make it a for loop.
      return new Program.Loop(Program.LoopKind.FOR, index, bound, null, body);
    }
    return new Program.Loop(kind, index, bound, stop, body);
  }

  // ---------------------------------------------------------------- expressions

  private Expr expr(Scope scope, int depth) {
    if (depth <= 0 || rnd.nextInt(4) == 0) {
      return leaf(scope);
    }
    int choice = rnd.nextInt(100);
    if (choice < 40) {
      char op = "+-*/".charAt(rnd.nextInt(4));
      Expr left = expr(scope, depth - 1);
      Expr right = expr(scope, depth - 1);
      return new Binary(op, left, op == '/' ? positive(right) : right);
    } else if (choice < 70) {
      return math(scope, depth - 1);
    } else if (choice < 75) {
      return new Neg(expr(scope, depth - 1));
    } else if (choice < 82) {
      return new Ternary(cond(scope, depth - 1), expr(scope, depth - 1), expr(scope, depth - 1));
    } else if (choice < 96 && !callable.isEmpty() && !callFree) {
      return invoke(scope, depth - 1);
    } else if (choice < 98) {
      exact = false;
      return new Stop(expr(scope, depth - 1));
    }
    return leaf(scope);
  }

  private Expr leaf(Scope scope) {
    if (!scope.fields.isEmpty() && rnd.nextInt(5) == 0) {
      return new Program.FieldRead(pick(scope.fields), fieldForm());
    }
    if (!callFree && !scope.generators.isEmpty() && rnd.nextInt(12) == 0) {
      return new Program.RandomDouble(pick(scope.generators));
    }
    if (!callFree && rnd.nextInt(40) == 0) {
      return new Program.Level();
    }
    int choice = rnd.nextInt(100);
    if (choice < 10 && !scope.matrices.isEmpty()) {
      return matrixElement(scope, scope.matrices);
    }
    if (choice < 20 && (!scope.arrays.isEmpty() || !scope.rows.isEmpty())) {
      return element(scope, both(scope.arrays, scope.rows));
    }
    if (choice < 70) {
      return new Read(pick(scope.doubles));
    } else if (choice < 88 || scope.ints.isEmpty()) {
      return literal();
    }
    return new Promote(intExpr(scope, 1), rnd.nextBoolean());
  }

  /** An element of one of {@code arrays}: a literal index, or any int expression wrapped in range. */
  private Program.Element element(Scope scope, List<String> arrays) {
    String array = pick(arrays);
    if (randoms && rnd.nextInt(6) == 0) {
      return new Program.Element(array, randomInt(scope, Program.LENGTH), false); // x[g.nextInt(3)]
    }
    if (hasIndices(scope) && rnd.nextInt(3) == 0) {
      return new Program.Element(array, discreteIndex(scope), false); // x[idx[i]]
    }
    if (rnd.nextBoolean()) {
      return new Program.Element(array, new IntLit(rnd.nextInt(Program.LENGTH)), false);
    }
    return new Program.Element(array, intExpr(scope, 1), true);
  }

  /** An element of one of {@code matrices}: literal indices, or int expressions wrapped. */
  private Program.MatrixElement matrixElement(Scope scope, List<String> matrices) {
    String matrix = pick(matrices);
    if (hasIndices(scope) && rnd.nextInt(3) == 0) {
      // m[1][idx[i]]: COLUMNS is LENGTH, so an index array's values are columns
      return new Program.MatrixElement(matrix, new IntLit(rnd.nextInt(Program.ROWS)),
          discreteIndex(scope), false);
    }
    if (rnd.nextBoolean()) {
      return new Program.MatrixElement(matrix, new IntLit(rnd.nextInt(Program.ROWS)),
          new IntLit(rnd.nextInt(Program.COLUMNS)), false);
    }
    return new Program.MatrixElement(matrix, intExpr(scope, 1), intExpr(scope, 1), true);
  }

  private Num literal() {
    if (rnd.nextInt(3) == 0) {
      return new Num(1 + rnd.nextInt(4), true);
    }
    if (rnd.nextBoolean()) {
      return new Num(LITERALS[rnd.nextInt(LITERALS.length)], false);
    }
    return new Num(Math.round(rnd.nextDouble(-3, 3) * 1000) / 1000.0, false);
  }

  /** A denominator or log argument kept away from zero and negatives. */
  private Expr positive(Expr e) {
    switch (rnd.nextInt(5)) {
      case 0:
        return new Binary('+', new Num(0.5, false), new Binary('*', e, e));
      case 1:
        return new Binary('+', new MathCall("abs", List.of(e)), new Num(0.25, false));
      case 2:
        return new MathCall("exp", List.of(bounded(e)));
      case 3:
        return new MathCall("hypot", List.of(e, new Num(1.0, false)));
      default:
        return new Binary('+', new Num(1.25, false), new MathCall("cosh", List.of(bounded(e))));
    }
  }

  /** {@code e} squeezed into (-3, 3) half the time, so exponentials stay finite. */
  private Expr bounded(Expr e) {
    return rnd.nextBoolean() ? e : new Binary('*', new MathCall("tanh", List.of(e)), new Num(3, true));
  }

  private Expr math(Scope scope, int depth) {
    Expr e = drawnMath(scope, depth);
    if (shapes.nextInt(14) == 0) {
      // version 16: Math.pow(e, k) at an integer exponent that may be exactly 0
      return inShapes(() -> powAtZero(scope, e));
    }
    return e;
  }

  /**
   * {@code Math.pow(e, y)} where {@code y} may be exactly 0 (version 16): an int, {@code (double)
   * Math.floorMod(n, 3)} (0, 1 or 2; a variable where the body has one), or a differentiable
   * value times 0 ({@code Math.pow(1.25 + e*e, (x0 * 0))}), whose derivative is {@code pow(x, 0)
   * ln x}. At {@code y == 0} the x-derivative is 0 (docs/diagnostics.md, "Derivative
   * conventions"), the second one too.
   */
  private Expr powAtZero(Scope scope, Expr e) {
    int form = rnd.nextInt(3);
    if (form == 2) {
      return new MathCall("pow", List.of(positive(e),
          new Binary('*', new Read(pick(scope.doubles)), new Num(0, true))));
    }
    IntExpr k = !scope.ints.isEmpty() && rnd.nextInt(3) > 0
        ? new IntRead(pick(scope.ints)) : intExpr(scope, 1);
    return new MathCall("pow", List.of(form == 0 ? e : positive(e),
        new Promote(new Program.IntMod(k, 3), rnd.nextBoolean())));
  }

  /** Generates with {@link #rnd} and {@link #extras} swapped for version 16's streams. */
  private <T> T inShapes(java.util.function.Supplier<T> part) {
    SplittableRandom r = rnd;
    SplittableRandom x = extras;
    rnd = shapeParts;
    extras = shapeExtras;
    try {
      return part.get();
    } finally {
      rnd = r;
      extras = x;
    }
  }

  /** As {@link #inShapes(java.util.function.Supplier)}, for a part that returns nothing. */
  private void inShapes(Runnable part) {
    inShapes(() -> {
      part.run();
      return null;
    });
  }

  private Expr drawnMath(Scope scope, int depth) {
    int choice = rnd.nextInt(100);
    Expr a = expr(scope, depth);
    if (choice < 35) {
      return call(ANYWHERE[rnd.nextInt(ANYWHERE.length)], a);
    } else if (choice < 47) {
      return call(GROWING[rnd.nextInt(GROWING.length)], bounded(a));
    } else if (choice < 59) {
      return call(POSITIVE[rnd.nextInt(POSITIVE.length)], positive(a));
    } else if (choice < 62) {
      Expr arg = rnd.nextBoolean() ? new Binary('*', a, a) : call("abs", a);
      return call("log1p", arg);
    } else if (choice < 67) {
      Expr arg = rnd.nextBoolean()
          ? new Binary('*', new Num(0.9, false), call("sin", a))
          : new Binary('*', call("tanh", a), new Num(0.95, false));
      return call(rnd.nextBoolean() ? "asin" : "acos", arg);
    } else if (choice < 70) {
      return call("tan", rnd.nextBoolean() ? a : new Binary('*', new Num(0.7, false), call("sin", a)));
    }
    Expr b = expr(scope, depth);
    if (choice < 86) {
      String[] twoArgs = {"atan2", "hypot", "min", "max"};
      return new MathCall(twoArgs[rnd.nextInt(twoArgs.length)], List.of(a, b));
    }
    switch (rnd.nextInt(6)) {
      case 0:
        return new MathCall("pow", List.of(a, new Num(2 + rnd.nextInt(2), rnd.nextBoolean())));
      case 1:
        return new MathCall("pow", List.of(positive(a), bounded(b)));
      case 2:
        return new MathCall("pow", List.of(positive(a), new Num(0.5, false)));
      case 3:
        return new MathCall("pow", List.of(new Num(2.0, false), bounded(b)));
      case 4:
        return new MathCall("pow", List.of(a, new Num(rnd.nextInt(2), rnd.nextBoolean())));
      default:
        return new MathCall("pow", List.of(positive(a), new Num(-1.5, false)));
    }
  }

  /**
   * The local array {@code name} at the top of a body: {@code new double[..]}, or one time in
   * three an array initializer (version 15) whose elements read the parameters in scope.
   */
  private Stmt localArray(String name, boolean matrix, Scope scope) {
    if (initializers.nextInt(3) != 0) {
      return new Program.LocalArray(name, matrix);
    }
    int count = matrix ? Program.ROWS * Program.COLUMNS : Program.LENGTH;
    List<Expr> elements = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      elements.add(initElement(scope));
    }
    return new Program.LocalArray(name, matrix, elements, initializers.nextBoolean());
  }

  /** An element of an initializer: a literal, a parameter, or a small expression of them. */
  private Expr initElement(Scope scope) {
    SplittableRandom r = initializers;
    Expr literal = new Num(LITERALS[r.nextInt(LITERALS.length)], false);
    List<Expr> reads = new ArrayList<>();
    for (String d : scope.doubles) {
      reads.add(new Read(d));
    }
    for (String a : scope.arrays) {
      reads.add(new Program.Element(a, new IntLit(r.nextInt(Program.LENGTH)), false));
    }
    if (reads.isEmpty()) {
      return literal;
    }
    Expr read = reads.get(r.nextInt(reads.size()));
    return switch (r.nextInt(5)) {
      case 0 -> literal;
      case 1 -> read;
      case 2 -> new Binary('*', read, literal);
      case 3 -> call(ANYWHERE[r.nextInt(ANYWHERE.length)], read);
      default -> new Binary(r.nextBoolean() ? '+' : '-', read,
          reads.get(r.nextInt(reads.size())));
    };
  }

  private static MathCall call(String function, Expr arg) {
    return new MathCall(function, List.of(arg));
  }

  private Expr invoke(Scope scope, int depth) {
    List<Callee> candidates = callable.stream()
        .filter(c -> !c.returnsArray())
        .filter(c -> canCall(scope, c))
        .toList();
    if (candidates.isEmpty()) {
      return leaf(scope);
    }
    List<Callee> recursive = candidates.stream()
        .filter(c -> c.name().equals(RECURSIVE)).toList();
    if (!recursive.isEmpty() && rnd.nextInt(3) == 0) {
      return call(scope, recursive.get(0), depth); // the recursive helper, often (version 12)
    }
    List<Callee> onReceiver = scope.receiver
        ? candidates.stream().filter(Callee::instance).toList() : List.of();
    if (!onReceiver.isEmpty() && rnd.nextInt(3) > 0) {
      // o.h(..) on the receiver parameter, often (version 12)
      return call(scope, onReceiver.get(rnd.nextInt(onReceiver.size())), depth);
    }
    return call(scope, candidates.get(rnd.nextInt(candidates.size())), depth);
  }

  /** A call of {@code callee} with arguments drawn from {@code scope}. */
  private Expr call(Scope scope, Callee callee, int depth) {
    if (callee.isRule() && !callee.rule().exact()) {
      exact = false;
    }
    List<Object> args = new ArrayList<>();
    for (Param p : callee.params()) {
      switch (p.kind()) {
        case DOUBLE:
          args.add(expr(scope, depth));
          break;
        case NODIFF:
          if (rnd.nextBoolean()) {
            args.add(literal());
          } else {
            exact = false; // an active value passed as a constant: no gradient flows through it
            args.add(expr(scope, depth));
          }
          break;
        case INT:
          // a recursive helper's depth (version 12): at most three levels
          args.add(p.name().equals("d") ? new Program.IntMod(intExpr(scope, 1), 4)
              : intExpr(scope, 1));
          break;
        case ARRAY:
          if ((!scope.matrices.isEmpty() || !scope.rows.isEmpty()) && extras.nextInt(3) == 0) {
            args.add(rowArg(scope)); // version 13: a row of a matrix, m[i] or r of a for
            break;
          }
          args.add(new Program.ArrayArg(pick(scope.arrays)));
          break;
        case DATA:
          args.add(new Program.ArrayArg(pick(scope.arrays)));
          break;
        case MATRIX:
          args.add(new Program.ArrayArg(pick(scope.matrices)));
          break;
        case INDEX:
          args.add(new Program.ArrayArg(pick(scope.indexArrays)));
          break;
        case LONGS:
          args.add(new Program.ArrayArg(pick(scope.longArrays)));
          break;
        case MASK:
          args.add(new Program.ArrayArg(pick(scope.masks)));
          break;
      }
    }
    String target = null;
    if (callee.instance()) {
      // on this (implicitly or not) in an instance method, else on the receiver parameter
      target = instanceBody ? (rnd.nextBoolean() ? "this" : null) : Program.RECEIVER_PARAM;
    }
    return new Invoke(callee, args, target);
  }

  // ---------------------------------------------------------------- out-parameters (version 16)

  /** The name of the helper with out-parameters, and of its out array parameter. */
  static final String OUT_HELPER = "ho";

  static final String OUT_ARRAY = "out";

  /**
   * A static helper with out-parameters (version 16; README, "helpers may write their results
   * into arrays their callers pass in"), {@code void} two times in three, else returning a
   * {@code double} that reads what it wrote:
   * <pre>
   * static void ho(double[] aw, double b0, double[] out) {
   *   for (int i0 = 0; i0 &lt; out.length; i0++) { out[i0] = aw[i0] * e; }   // a plain write
   *   for (int i1 = 0; i1 &lt; out.length; i1++) { out[i1] += e; }          // or -=, *=: reads out
   *   out[2] = e;                                  // a partial write (e may read out too)
   *   return out[1] + e;                           // a double helper only
   * }
   * </pre>
   * Its expressions are the generator's own (calls of the rules too).
   */
  private Callee outParameterHelper(String className) {
    boolean isVoid = rnd.nextInt(3) > 0;
    List<Param> params = new ArrayList<>();
    params.add(new Param("aw", Kind.ARRAY));
    params.add(new Param("b0", Kind.DOUBLE));
    if (rnd.nextBoolean()) {
      params.add(new Param("b1", Kind.DOUBLE));
    }
    params.add(rnd.nextInt(3) == 0 ? 0 : params.size(), new Param(OUT_ARRAY, Kind.ARRAY));
    Scope scope = new Scope();
    for (Param p : params) {
      if (p.kind() == Kind.DOUBLE) {
        scope.doubles.add(p.name());
      }
    }
    scope.arrays.add("aw");
    Scope reading = scope.copy();
    reading.arrays.add(OUT_ARRAY);
    List<Stmt> body = new ArrayList<>();
    int writes = 1 + rnd.nextInt(3);
    for (int w = 0; w < writes; w++) {
      int form = rnd.nextInt(4);
      if (form <= 1) {
        String i = "i" + w;
        Scope inner = (form == 0 ? scope : reading).copy();
        inner.ints.add(i);
        Expr value = new Binary(rnd.nextBoolean() ? '*' : '+',
            new Program.Element("aw", new IntRead(i), false), expr(inner, 2));
        String op = form == 0 ? "=" : new String[] {"+=", "-=", "*="}[rnd.nextInt(3)];
        body.add(new Program.Loop(Program.LoopKind.FOR, i, new Program.IntLength(OUT_ARRAY),
            null, List.of(new Program.ElementAssign(
                new Program.Element(OUT_ARRAY, new IntRead(i), false), op, value))));
      } else {
        // a partial write: one element only
        Expr value = form == 2 ? expr(scope, 2) : new Binary('+',
            new Program.Element(OUT_ARRAY, new IntLit(rnd.nextInt(Program.LENGTH)), false),
            expr(reading, 2));
        body.add(new Program.ElementAssign(
            new Program.Element(OUT_ARRAY, new IntLit(rnd.nextInt(Program.LENGTH)), false),
            new String[] {"=", "+=", "*="}[rnd.nextInt(3)], value));
      }
    }
    if (!isVoid) {
      body.add(new Return(new Binary('+',
          new Program.Element(OUT_ARRAY, new IntLit(rnd.nextInt(Program.LENGTH)), false),
          expr(reading, 2))));
    }
    return Callee.outHelper(className, OUT_HELPER, params, body, isVoid);
  }

  /**
   * A call of the helper with out-parameters (version 16), as its own statement: {@code ho(aw,
   * x0, ya);} into a local array (one a call returned, one made in this loop trip: the same
   * buffer on every trip of a loop), a row of a local matrix ({@code ho(xa, x0, ym[1])}, or the
   * variable of {@code for (double[] r : ym)}), its input array one time in four the out array
   * itself ({@code ho(ya, x0, ya)}: aliasing); a {@code double} one's value declared ({@code
   * double tq0 = ho(..)}), assigned ({@code t0 += ho(..)}) or dropped. Then, half the time, an
   * element it wrote is read: {@code t0 += ya[1];}. Its scalar arguments read no array, so the
   * statement reads nothing the call writes before it (which would be [AdjointOutParameterCall]).
   */
  private void outCall(Scope scope, List<Stmt> out) {
    List<Object> targets = new ArrayList<>();
    for (String a : scope.writableArrays) {
      targets.add(new Program.ArrayArg(a));
    }
    for (String r : scope.writableRows) {
      targets.add(new Program.ArrayArg(r));
    }
    for (String m : scope.writableMatrices) {
      targets.add(new Program.RowArg(m, new IntLit(rnd.nextInt(Program.ROWS)), false));
    }
    if (targets.isEmpty()) {
      return;
    }
    Object target = targets.get(rnd.nextInt(targets.size()));
    if (!scope.writableRows.isEmpty() && rnd.nextBoolean()) {
      // the row of an enclosing for (double[] r : ym), often: it is rarely in scope
      target = new Program.ArrayArg(pick(scope.writableRows));
    }
    List<String> tripArrays = scope.writableArrays.stream().filter(a -> a.startsWith("yt"))
        .toList();
    if (!tripArrays.isEmpty() && shapeChoices.nextInt(4) > 0) {
      // an array made in this loop trip, often: one buffer per trip (a stream of its own, so
      // the other parts' draws stay where they were)
      target = new Program.ArrayArg(tripArrays.get(shapeChoices.nextInt(tripArrays.size())));
    }
    List<Object> args = new ArrayList<>();
    for (Param p : outHelper.params()) {
      if (p.name().equals(OUT_ARRAY)) {
        args.add(target);
      } else if (p.kind() == Kind.ARRAY) {
        List<Object> inputs = new ArrayList<>();
        for (String a : scope.arrays) {
          inputs.add(new Program.ArrayArg(a));
        }
        for (String m : scope.matrices) {
          inputs.add(new Program.RowArg(m, new IntLit(rnd.nextInt(Program.ROWS)), false));
        }
        args.add(inputs.isEmpty() || rnd.nextInt(4) == 0
            ? target : inputs.get(rnd.nextInt(inputs.size())));
      } else {
        Expr read = new Read(pick(scope.doubles));
        args.add(switch (rnd.nextInt(3)) {
          case 0 -> literal();
          case 1 -> read;
          default -> new Binary('*', read, literal());
        });
      }
    }
    Invoke call = new Invoke(outHelper, args);
    if (outHelper.returnsVoid() || rnd.nextInt(4) == 0) {
      out.add(new Program.OutCall(null, null, call));
    } else if (rnd.nextBoolean()) {
      String name = "tq" + outLocals++;
      out.add(new Program.OutCall(name, "double", call));
      scope.doubles.add(name);
      scope.assignable.add(name);
    } else {
      out.add(new Program.OutCall(pick(scope.assignable),
          new String[] {"=", "+=", "-=", "*="}[rnd.nextInt(4)], call));
    }
    if (rnd.nextBoolean()) {
      int k = rnd.nextInt(Program.LENGTH);
      Expr written = target instanceof Program.RowArg r
          ? new Program.MatrixElement(r.matrix(), r.row(), new IntLit(k), false)
          : new Program.Element(((Program.ArrayArg) target).array(), new IntLit(k), false);
      out.add(new Program.Assign(pick(scope.assignable), "+=", written));
    }
  }

  /** Whether statements call the helper with out-parameters (version 16). */
  private static boolean callsOut(List<Stmt> stmts) {
    for (Stmt s : stmts) {
      if (s instanceof Program.OutCall
          || s instanceof If i && (callsOut(i.then()) || callsOut(i.otherwise()))
          || s instanceof Program.Loop l && callsOut(l.body())
          || s instanceof Program.ForEach fe && callsOut(fe.body())) {
        return true;
      }
    }
    return false;
  }

  /** The name of the helper that returns {@code double[][]} (version 16). */
  static final String MATRIX_HELPER = "hm";

  /**
   * A static helper that returns {@code double[][]} (version 16; README, "A {@code
   * @Differentiable} method may return {@code double[][]}"):
   * <pre>
   * static double[][] hm(double[] aw, double b0) {
   *   double[][] ym = new double[2][3];
   *   for (int i0 = 0; i0 &lt; ym.length; i0++) {
   *     for (int i1 = 0; i1 &lt; ym[0].length; i1++) { ym[i0][i1] = aw[i1] * e; }
   *   }
   *   ym[1][2] += e;                 // partial writes, reading ym too
   *   return ym;
   * }
   * </pre>
   */
  private Callee matrixResultHelper(String className) {
    List<Param> params = new ArrayList<>();
    params.add(new Param("b0", Kind.DOUBLE));
    if (rnd.nextBoolean()) {
      params.add(new Param("b1", Kind.DOUBLE));
    }
    boolean array = rnd.nextInt(3) > 0;
    if (array) {
      params.add(rnd.nextInt(params.size() + 1), new Param("aw", Kind.ARRAY));
    }
    Scope scope = new Scope();
    for (Param p : params) {
      if (p.kind() == Kind.DOUBLE) {
        scope.doubles.add(p.name());
      } else {
        scope.arrays.add(p.name());
      }
    }
    List<Stmt> body = new ArrayList<>();
    body.add(new Program.LocalArray("ym", true));
    Scope fill = scope.copy();
    fill.ints.add("i0");
    fill.ints.add("i1");
    Expr value = expr(fill, 2);
    if (array) {
      value = new Binary(rnd.nextBoolean() ? '*' : '+',
          new Program.Element("aw", new IntRead("i1"), false), value);
    }
    body.add(new Program.Loop(Program.LoopKind.FOR, "i0", new Program.IntLength("ym"), null,
        List.of(new Program.Loop(Program.LoopKind.FOR, "i1", new Program.IntLength("ym", 0),
            null, List.of(new Program.ElementAssign(new Program.MatrixElement("ym",
                new IntRead("i0"), new IntRead("i1"), false), "=", value))))));
    Scope reading = scope.copy();
    reading.matrices.add("ym");
    int writes = rnd.nextInt(3);
    for (int w = 0; w < writes; w++) {
      body.add(new Program.ElementAssign(new Program.MatrixElement("ym",
          new IntLit(rnd.nextInt(Program.ROWS)), new IntLit(rnd.nextInt(Program.COLUMNS)), false),
          new String[] {"=", "+=", "*="}[rnd.nextInt(3)], expr(reading, 2)));
    }
    body.add(new Program.ReturnArray("ym"));
    return Callee.matrixHelper(className, MATRIX_HELPER, params, body);
  }

  /**
   * {@code double[][] yw0 = hm(..);} (version 16) anywhere, in loops too (a new matrix on every
   * trip), then open to the rest of the body as any local matrix (element reads and writes, rows
   * passed on, enhanced for); half the time an element is read at once ({@code t0 += yw0[1][2];}).
   */
  private void matrixCall(Scope scope, List<Stmt> out) {
    if (!canCall(scope, matrixHelper)) {
      return;
    }
    String name = "yw" + matrixLocals++;
    out.add(new Program.MatrixCall(name, (Invoke) call(scope, matrixHelper, 2)));
    scope.matrices.add(name);
    scope.writableMatrices.add(name);
    if (rnd.nextBoolean()) {
      out.add(new Program.Assign(pick(scope.assignable), "+=", new Program.MatrixElement(name,
          new IntLit(rnd.nextInt(Program.ROWS)), new IntLit(rnd.nextInt(Program.COLUMNS)),
          false)));
    }
  }

  // ---------------------------------------------------------------- helpers in loops (version 17)

  /**
   * Generates with {@link #rnd}, {@link #extras} and version 16's streams swapped for version
   * 17's, so that no stream of a version 16 program moves.
   */
  private <T> T inLoopParts(java.util.function.Supplier<T> part) {
    SplittableRandom r = rnd;
    SplittableRandom x = extras;
    SplittableRandom sh = shapes;
    SplittableRandom sp = shapeParts;
    SplittableRandom se = shapeExtras;
    SplittableRandom sc = shapeChoices;
    rnd = loopParts;
    extras = loopExtras;
    shapes = loopShapes;
    shapeParts = loopShapeParts;
    shapeExtras = loopShapeExtras;
    shapeChoices = loopShapeChoices;
    try {
      return part.get();
    } finally {
      rnd = r;
      extras = x;
      shapes = sh;
      shapeParts = sp;
      shapeExtras = se;
      shapeChoices = sc;
    }
  }

  /** As {@link #inLoopParts(java.util.function.Supplier)}, for a part that returns nothing. */
  private void inLoopParts(Runnable part) {
    inLoopParts(() -> {
      part.run();
      return null;
    });
  }

  /**
   * A small static {@code double} helper {@code hpK} (version 17) for calls in loops, which
   * reverse mode writes into its caller ({@code Inliner.Policy.IN_LOOPS}):
   * <pre>
   * static double hp1(double[] aa, double a0[, double a1][, double[] ab]) {
   *   double tc0 = hp0(aa, e);          // each but the first calls the one before (a chain)
   *   ...one to three random statements (loops in it may call hp0 again)
   *   return e;
   * }
   * </pre>
   * It writes none of its array parameters (the processor writes it in only then).
   */
  private Callee loopHelper(String className, int k) {
    List<Param> params = new ArrayList<>();
    params.add(new Param("aa", Kind.ARRAY));
    params.add(new Param("a0", Kind.DOUBLE));
    if (rnd.nextBoolean()) {
      params.add(rnd.nextInt(params.size() + 1), new Param("a1", Kind.DOUBLE));
    }
    if (rnd.nextInt(3) == 0) {
      params.add(rnd.nextInt(params.size() + 1), new Param("ab", Kind.ARRAY));
    }
    chainCallee = k > 0 ? loopHelpers.get(k - 1) : null;
    try {
      return Callee.helper(className, LOOP_HELPER + k, params, body(params, 1));
    } finally {
      chainCallee = null;
    }
  }

  /**
   * An array argument of a call in a loop (version 17): a row of a matrix indexed by a loop
   * variable ({@code m[Math.floorMod(i0, 2)]}) or by an index array ({@code
   * m[Math.floorMod(jp0[1], 2)]}), a literal row, an array by name, or the row variable of an
   * enhanced for; {@code prefer}, when not null, is the matrix to take rows of, often.
   */
  private Object loopArrayArg(Scope scope, String prefer) {
    List<String> loopInts = scope.ints.stream().filter(n -> n.matches("ip?\\d+")).toList();
    int choice = rnd.nextInt(8);
    if (!scope.matrices.isEmpty() && (choice < 5 || scope.arrays.isEmpty())) {
      String m = prefer != null && rnd.nextInt(3) > 0 ? prefer
          : !scope.writableMatrices.isEmpty() && rnd.nextBoolean() ? pick(scope.writableMatrices)
          : pick(scope.matrices);
      int row = rnd.nextInt(5);
      if (!scope.rowIndices.isEmpty() && rnd.nextBoolean()) {
        // m[ip1] where ip1 < m.length: without Math.floorMod, whose call in the statement (an
        // OpaqueCall) keeps the processor from writing the helper in
        return new Program.RowArg(m, new IntRead(pick(scope.rowIndices)), false);
      } else if (row < 2 && !loopInts.isEmpty()) {
        return new Program.RowArg(m, new IntRead(pick(loopInts)), true);
      } else if (row == 2 && !scope.indexArrays.isEmpty()) {
        return new Program.RowArg(m, new Program.IntElement(pick(scope.indexArrays),
            new IntLit(rnd.nextInt(Program.LENGTH)), false, false), true);
      } else if (row == 3) {
        return new Program.RowArg(m, new IntLit(rnd.nextInt(Program.ROWS)), false);
      }
      return new Program.RowArg(m, intExpr(scope, 1), true);
    }
    if (!scope.rows.isEmpty() && (scope.arrays.isEmpty() || rnd.nextInt(4) == 0)) {
      return new Program.ArrayArg(pick(scope.rows));
    }
    return scope.arrays.isEmpty() ? null : new Program.ArrayArg(pick(scope.arrays));
  }

  /**
   * A {@code double} argument without calls (where any argument had one with effects, such as
   * {@code new java.util.Random(3).nextInt(2)} or {@code Rules.next(3)} in an index, the call
   * would stay a call): a variable, a literal, an element at a literal index, or one of them
   * times or plus another.
   */
  private Expr plainArg(Scope scope) {
    List<Expr> reads = new ArrayList<>();
    for (String d : scope.doubles) {
      reads.add(new Read(d));
    }
    for (String a : both(scope.arrays, scope.rows)) {
      reads.add(new Program.Element(a, new IntLit(rnd.nextInt(Program.LENGTH)), false));
    }
    for (String m : scope.matrices) {
      reads.add(new Program.MatrixElement(m, new IntLit(rnd.nextInt(Program.ROWS)),
          new IntLit(rnd.nextInt(Program.COLUMNS)), false));
    }
    Expr read = reads.isEmpty() ? literal() : reads.get(rnd.nextInt(reads.size()));
    return switch (rnd.nextInt(4)) {
      case 0 -> new Binary('*', read, literal());
      case 1 -> new Binary('+', read, reads.isEmpty() ? literal()
          : reads.get(rnd.nextInt(reads.size())));
      default -> read;
    };
  }

  /**
   * A call of a helper {@code hpK} in a loop body (version 17), drawn as one of:
   * <pre>
   * t0 += hp1(xm[Math.floorMod(i0, 2)], e);      // or =, -=, *=; or inside an expression
   * double tp0 = hp0(ya, e); t0 += tp0 * e;
   * ya[1] = hp1(ym[Math.floorMod(jp0[1], 2)], e);  // an element of a local array, or matrix
   * ym[Math.floorMod(i0, 2)][2] = e;             // after any of those: the row the call read,
   *                                              // written (a local matrix's)
   * </pre>
   * or one the processor must leave as a call: in a branch of {@code ?:} ({@code t0 += c ?
   * hp0(..) : e}), after a call with effects in the same statement ({@code t0 += Rules.next(3)
   * * 0.25 + hp0(..)}), in a loop's condition ({@code while (ip0 < 2 && (hp0(..) > e))}), or
   * right of {@code &&} or {@code ||} in an {@code if}. Nothing when no array is in scope. Where
   * the program has a {@code double} helper with out-parameters {@code ho} (version 16), one
   * time in four a call of it instead ({@link #outCall}: {@code t0 += ho(xa, x0, ya);}).
   */
  private void loopHelperCall(Scope scope, List<Stmt> out) {
    loopHelperCall(scope, out, null);
  }

  private void loopHelperCall(Scope scope, List<Stmt> out, String prefer) {
    if (outHelper != null && !outHelper.returnsVoid() && rnd.nextInt(4) == 0) {
      // left as it is (its body is written in by the out-parameter rewrite instead): a double
      // helper that writes into its array parameter, called in this loop (version 16's call)
      outCall(scope, out);
      return;
    }
    // the last of the chain, often: the deepest
    Callee callee = rnd.nextInt(3) == 0 ? loopHelpers.get(rnd.nextInt(loopHelpers.size()))
        : loopHelpers.get(loopHelpers.size() - 1);
    List<Object> args = new ArrayList<>();
    Program.RowArg read = null;
    for (Param p : callee.params()) {
      if (p.kind() == Kind.ARRAY) {
        Object arg = loopArrayArg(scope, prefer);
        if (arg == null) {
          return;
        }
        args.add(arg);
        if (read == null && arg instanceof Program.RowArg r
            && scope.writableMatrices.contains(r.matrix())) {
          read = r;
        }
      } else {
        args.add(rnd.nextInt(3) > 0 ? plainArg(scope) : expr(scope, 1));
      }
    }
    if (inexactLoopHelpers.contains(callee.name())) {
      exact = false;
    }
    Invoke call = new Invoke(callee, args, null);
    // a local to assign (never a parameter: version 14's records take the unassigned ones)
    List<String> targets = scope.assignable.stream()
        .filter(n -> currentParams.stream().noneMatch(p -> p.name().equals(n))).toList();
    if (targets.isEmpty()) {
      targets = scope.assignable; // no local: a parameter (which then goes into no record)
    }
    int form = rnd.nextInt(12);
    if (targets.isEmpty() && form != 3 && form != 4) {
      form = 3;
    }
    switch (form) {
      case 0, 1, 2 -> out.add(new Program.Assign(pick(targets),
          new String[] {"=", "+=", "-=", "*="}[rnd.nextInt(4)], call));
      case 3, 4 -> {
        String name = "tp" + loopLocals++;
        out.add(new Declare(name, call));
        Expr use = new Binary('*', new Read(name), expr(scope, 1));
        if (targets.isEmpty()) {
          out.add(new Program.Log(name));
        } else {
          out.add(new Program.Assign(pick(targets), "+=", use));
        }
      }
      case 5, 6 -> {
        List<String> arrays = both(scope.writableArrays, scope.writableRows);
        if (arrays.isEmpty() && scope.writableMatrices.isEmpty()) {
          out.add(new Program.Assign(pick(targets), "+=", call));
        } else {
          boolean matrix =
              arrays.isEmpty() || !scope.writableMatrices.isEmpty() && rnd.nextBoolean();
          // at literal indices mostly (Math.floorMod in the statement keeps the call a call)
          Expr target = rnd.nextInt(3) > 0
              ? matrix ? new Program.MatrixElement(pick(scope.writableMatrices),
                      new IntLit(rnd.nextInt(Program.ROWS)),
                      new IntLit(rnd.nextInt(Program.COLUMNS)), false)
                  : new Program.Element(pick(arrays), new IntLit(rnd.nextInt(Program.LENGTH)),
                      false)
              : matrix ? matrixElement(scope, scope.writableMatrices) : element(scope, arrays);
          out.add(new Program.ElementAssign(target,
              new String[] {"=", "+=", "*="}[rnd.nextInt(3)], call));
        }
      }
      case 7 -> out.add(new Program.Assign(pick(targets), "+=", rnd.nextBoolean()
          ? new Binary("+-*".charAt(rnd.nextInt(3)), expr(scope, 1), call)
          : call("sin", new Binary('*', call, expr(scope, 1)))));
      case 8 -> {
        // left as a call: in a branch of ?:
        Expr other = expr(scope, 1);
        Cond test = cond(scope, 1);
        out.add(new Program.Assign(pick(targets), "+=", rnd.nextBoolean()
            ? new Ternary(test, call, other) : new Ternary(test, other, call)));
      }
      case 9 -> {
        // left as a call: a call with effects comes first in the statement
        Expr effect = rnd.nextBoolean() ? new Program.Level()
            : new Binary('*', new Promote(new Program.IntNext(1 + rnd.nextInt(3)), true),
                new Num(0.25, false));
        out.add(new Program.Assign(pick(targets), "+=", new Binary(
            rnd.nextBoolean() ? '+' : '*', effect, call)));
      }
      case 10 -> {
        // left as a call: in a loop's condition (evaluated on every trip)
        String index = "ip" + loopLocals++;
        Scope inner = scope.copy();
        inner.ints.add(index);
        Cond stop = new Compare(COMPARISONS[rnd.nextInt(4)], call,
            rnd.nextBoolean() ? literal() : expr(scope, 1));
        List<Stmt> body = List.of(new Program.Assign(pick(targets), "+=", expr(inner, 2)));
        out.add(new Program.Loop(Program.LoopKind.WHILE, index, new IntLit(1 + rnd.nextInt(2)),
            stop, body));
      }
      default -> {
        // left as a call: right of && or || in an if's condition
        Cond test = new Logic(rnd.nextBoolean() ? "&&" : "||", cond(scope, 0),
            new Compare(COMPARISONS[rnd.nextInt(4)], call, literal()));
        out.add(new If(test, List.of(new Program.Assign(pick(targets), "+=", expr(scope, 2))),
            List.of()));
      }
    }
    if (read != null && rnd.nextInt(3) > 0) {
      // the row the call read, written after it: the reverse sweep must read it as the call did
      out.add(new Program.ElementAssign(new Program.MatrixElement(read.matrix(), read.row(),
          new IntLit(rnd.nextInt(Program.COLUMNS)), read.wrapped()),
          new String[] {"=", "+=", "*="}[rnd.nextInt(3)], expr(scope, 1)));
    }
    // version 18: a discrete local written after the call, from streams of its own
    if (discreteAfterCalls && discreteDraws.nextInt(2) == 0) {
      SplittableRandom r = rnd;
      rnd = discreteParts;
      try {
        Stmt write = discreteAfterCall(scope, args);
        if (write != null) {
          out.add(write);
        }
      } finally {
        rnd = r;
      }
    }
  }

  /** Whether version 18's part is drawn (off only to check that seeds keep their programs). */
  static boolean discreteAfterCalls = true;

  /**
   * A write into a discrete local after a call with arguments {@code args} (version 18): the
   * index array that chose a row the call read, at the same index, or any discrete write; null
   * where no discrete local is in scope.
   */
  private Stmt discreteAfterCall(Scope scope, List<Object> args) {
    for (Object arg : args) {
      if (arg instanceof Program.RowArg row && row.row() instanceof Program.IntElement e
          && scope.writableIndexArrays.contains(e.array()) && rnd.nextInt(3) > 0) {
        return new Program.IntElementAssign(
            new Program.IntElement(e.array(), e.index(), e.wrapped(), e.longs()), "=",
            intExpr(scope, 1), true);
      }
    }
    if (scope.writableIndexArrays.isEmpty() && scope.counts.isEmpty()
        && scope.writableMasks.isEmpty()) {
      return null;
    }
    return discreteWrite(scope);
  }

  /**
   * A loop made for calls of the helpers {@code hpK} (version 17), outside loops: often over a
   * local matrix {@code yp0} whose rows it passes and then writes, sometimes nested:
   * <pre>
   * double[][] yp0 = {{x0, ..}, {ya[1] * 2.0, ..}};   // no calls; or new double[2][3]
   * for (int ip1 = 0; ip1 &lt; yp0.length; ip1++) {     // any loop kind
   *   t0 += hp1(yp0[ip1], e);                     // or yp0[Math.floorMod(ip1, 2)], ...
   *   yp0[ip1][0] = e;
   * }
   * </pre>
   * or over a matrix in scope ({@code xm}, {@code ym}); a loop below {@code yp0.length} (or 1 or
   * 2 trips) indexes rows by its variable without {@code Math.floorMod}.
   * The matrix and the loop's names are never picked by version 16's statements.
   */
  private void helperLoop(Scope scope, List<Stmt> out) {
    Scope outer = scope.copy();
    String matrix = scope.matrices.isEmpty() || rnd.nextBoolean() ? null : pick(scope.matrices);
    if (matrix == null && rnd.nextInt(3) > 0
        || scope.arrays.isEmpty() && scope.matrices.isEmpty()) {
      matrix = "yp" + loopLocals++;
      if (rnd.nextInt(4) == 0) {
        out.add(new Program.LocalArray(matrix, true));
      } else {
        // without calls: version 14's records do not look into initializers for the calls
        // that pass them (a helper taking a record here did not compile: run seed 17001)
        List<Expr> init = new ArrayList<>();
        for (int k = 0; k < Program.ROWS * Program.COLUMNS; k++) {
          init.add(plainArg(scope));
        }
        out.add(new Program.LocalArray(matrix, true, init, rnd.nextBoolean()));
      }
      outer.matrices.add(matrix);
      outer.writableMatrices.add(matrix);
    }
    out.add(helperLoopOf(outer, matrix, rnd.nextInt(3) == 0));
  }

  private Program.Loop helperLoopOf(Scope scope, String matrix, boolean nested) {
    Program.LoopKind kind = Program.LoopKind.values()[rnd.nextInt(3)];
    String index = "ip" + loopLocals++;
    int trips = 1 + rnd.nextInt(3);
    IntExpr bound = matrix != null && rnd.nextBoolean() ? new Program.IntLength(matrix)
        : new IntLit(trips);
    Cond stop = kind == Program.LoopKind.WHILE ? cond(scope, 1) : null;
    Scope inner = scope.copy();
    inner.ints.add(index);
    if (bound instanceof Program.IntLength || trips <= Program.ROWS) {
      inner.rowIndices.add(index);
    }
    List<Stmt> body = new ArrayList<>();
    enclosing.add(kind);
    if (nested) {
      if (rnd.nextBoolean()) {
        loopHelperCall(inner, body, matrix);
      }
      body.add(helperLoopOf(inner, matrix, false));
    } else {
      int calls = 1 + rnd.nextInt(2);
      for (int c = 0; c < calls; c++) {
        loopHelperCall(inner, body, matrix);
      }
    }
    enclosing.remove(enclosing.size() - 1);
    return new Program.Loop(kind, index, bound, stop, body);
  }

  // ---------------------------------------------------------------- arrays in loops (version 13)

  /**
   * A row of a matrix as a {@code double[]} argument: {@code m[1]}, {@code m[Math.floorMod(k, 2)]}
   * or the variable of an enclosing {@code for (double[] r : m)}.
   */
  private Object rowArg(Scope scope) {
    if (!scope.rows.isEmpty() && (scope.matrices.isEmpty() || extras.nextBoolean())) {
      return new Program.ArrayArg(scope.rows.get(extras.nextInt(scope.rows.size())));
    }
    String matrix = scope.matrices.get(extras.nextInt(scope.matrices.size()));
    return extras.nextBoolean()
        ? new Program.RowArg(matrix, new IntLit(extras.nextInt(Program.ROWS)), false)
        : new Program.RowArg(matrix, intExpr(scope, 1), true);
  }

  /**
   * A call that passes the row {@code row} (the variable of {@code for (double[] r : m)}) to a
   * {@code double[]} parameter: {@code t0 += h1(r3, ..);} or {@code double[] yl0 = h0(r3, ..);}.
   */
  private void rowCall(Scope scope, String row, List<Stmt> out) {
    List<Callee> callees = callable.stream()
        .filter(c -> c.params().stream().anyMatch(p -> p.kind() == Kind.ARRAY))
        .filter(c -> canCall(scope, c)).toList();
    if (callees.isEmpty()) {
      return;
    }
    Callee callee = callees.get(extras.nextInt(callees.size()));
    Invoke call = (Invoke) call(scope, callee, 1);
    List<Object> args = new ArrayList<>(call.args());
    for (int k = 0; k < args.size(); k++) {
      if (callee.params().get(k).kind() == Kind.ARRAY) {
        args.set(k, new Program.ArrayArg(row));
        break;
      }
    }
    call = new Invoke(call.callee(), args, call.target());
    if (callee.returnsArray()) {
      String name = "yl" + tripArrays++;
      out.add(new Program.ArrayCall(name, call));
      scope.arrays.add(name);
      scope.writableArrays.add(name);
    } else {
      out.add(new Program.Assign(pick(scope.assignable), "+=", call));
    }
  }

  /**
   * An array made in a loop body, one per trip, written, read and overwritten after the read in
   * that trip (the rest of the body may use it too):
   * <pre>
   * double[] yt0 = new double[3];            // or double[][] yu0, int[] jt0
   * yt0[1] = e;
   * t += yt0[2] * e;
   * yt0[2] op= e(yt0[1]);                    // overwritten after being read
   * </pre>
   * or, of a length that changes from trip to trip (not passed on, nor read by literal index):
   * <pre>
   * double[] yv0 = new double[1 + Math.floorMod(k, 3)];
   * for (int j = 0; j &lt; yv0.length; j++) { yv0[j] = e; }
   * t += yv0[Math.floorMod(k, yv0.length)] * e;
   * yv0[Math.floorMod(k, yv0.length)] = e;
   * t += Math.sin(yv0[yv0.length - 1]);
   * </pre>
   */
  private void tripArray(Scope scope, List<Stmt> out) {
    int n = tripArrays++;
    int type = extras.nextInt(5);
    if (type == 4) {
      String name = "jt" + n;
      out.add(new Program.TripArray(name, 2, null));
      IntExpr at = new IntLit(extras.nextInt(Program.LENGTH));
      out.add(new Program.IntElementAssign(new Program.IntElement(name, at, false, false), "=",
          intExpr(scope, 1), true));
      out.add(new Program.Assign(pick(scope.assignable), "+=",
          new Binary('*', readThrough(scope, name, at, false), expr(scope, 1))));
      out.add(new Program.IntElementAssign(new Program.IntElement(name, at, false, false), "=",
          intExpr(scope, 1), true));
      out.add(new Program.Assign(pick(scope.assignable), "+=",
          call("sin", readThrough(scope, name, at, false))));
      scope.intArrays.add(name);
      scope.indexArrays.add(name);
      scope.writableIndexArrays.add(name);
      return;
    }
    if (type == 3) {
      String name = "yu" + n;
      out.add(new Program.TripArray(name, 1, null));
      int r = extras.nextInt(Program.ROWS);
      int c = extras.nextInt(Program.COLUMNS);
      out.add(new Program.ElementAssign(new Program.MatrixElement(name, new IntLit(r),
          new IntLit(c), false), "=", expr(scope, 2)));
      scope.matrices.add(name);
      scope.writableMatrices.add(name);
      out.add(new Program.Assign(pick(scope.assignable), "+=", new Binary('*',
          new Program.MatrixElement(name, new IntLit(r), new IntLit(c), false), expr(scope, 1))));
      out.add(new Program.ElementAssign(matrixElement(scope, List.of(name)),
          new String[] {"=", "+=", "*="}[extras.nextInt(3)],
          new Binary('+', new Program.MatrixElement(name, new IntLit(r), new IntLit(c), false),
              expr(scope, 1))));
      return;
    }
    if (type == 2) {
      String name = "yv" + n;
      out.add(new Program.TripArray(name, 0, new IntBinary('+', new IntLit(1),
          new Program.IntMod(intExpr(scope, 1), Program.LENGTH))));
      String j = "i" + loops++;
      Scope fillScope = scope.copy();
      fillScope.ints.add(j);
      out.add(new Program.Loop(Program.LoopKind.FOR, j, new Program.IntLength(name), null,
          List.of(new Program.ElementAssign(new Program.Element(name, new IntRead(j), false), "=",
              expr(fillScope, 2)))));
      out.add(new Program.Assign(pick(scope.assignable), "+=", new Binary('*',
          new Program.Element(name, new Program.LengthMod(intExpr(scope, 1), name), false),
          expr(scope, 1))));
      out.add(new Program.ElementAssign(
          new Program.Element(name, new Program.LengthMod(intExpr(scope, 1), name), false),
          new String[] {"=", "+=", "*="}[extras.nextInt(3)], expr(scope, 2)));
      out.add(new Program.Assign(pick(scope.assignable), "+=", call("sin",
          new Program.Element(name, new IntBinary('-', new Program.IntLength(name),
              new IntLit(1)), false))));
      return;
    }
    String name = "yt" + n;
    out.add(new Program.TripArray(name, 0, null));
    int a = extras.nextInt(Program.LENGTH);
    int b = extras.nextInt(Program.LENGTH);
    out.add(new Program.ElementAssign(new Program.Element(name, new IntLit(a), false), "=",
        expr(scope, 2)));
    scope.arrays.add(name);
    scope.writableArrays.add(name);
    out.add(new Program.Assign(pick(scope.assignable), "+=", new Binary('*',
        new Program.Element(name, new IntLit(b), false), expr(scope, 1))));
    out.add(new Program.ElementAssign(new Program.Element(name, new IntLit(b), false),
        new String[] {"=", "+=", "-=", "*="}[extras.nextInt(4)],
        new Binary('*', new Program.Element(name, new IntLit(a), false), expr(scope, 1))));
  }

  /**
   * A call of a {@code double[]} callee nested as the {@code double[]} argument of another
   * annotated call (version 13): {@code t0 += hq(h0(xa, x0), ..);}, {@code double t3 =
   * Rules.squares(h0(..), ..);} or {@code double[] yb = h1(h0(..), ..);}. Nothing with an effect
   * comes before it in the statement (for the processor any call, even {@code Math.floorMod}, or
   * {@code new}): the outer call's arguments before it are made plain reads and literals where
   * they are not. The inner call's own arguments run before it and may have effects. False when
   * no pair of callees fits.
   */
  private boolean nestedCall(Scope scope, List<Stmt> out) {
    List<Callee> inners = arrayCallees(scope);
    List<Callee> outers = callable.stream()
        .filter(c -> c.params().stream().anyMatch(p -> p.kind() == Kind.ARRAY))
        .filter(c -> canCall(scope, c)).toList();
    if (inners.isEmpty() || outers.isEmpty()) {
      return false;
    }
    Callee outer = outers.get(extras.nextInt(outers.size()));
    Callee inner = inners.get(extras.nextInt(inners.size()));
    Invoke innerCall = (Invoke) call(scope, inner, 1); // its arguments run first: any will do
    Invoke outerCall = (Invoke) call(scope, outer, 1);
    List<Integer> slots = new ArrayList<>();
    for (int k = 0; k < outer.params().size(); k++) {
      if (outer.params().get(k).kind() == Kind.ARRAY) {
        slots.add(k);
      }
    }
    int slot = slots.get(extras.nextInt(slots.size()));
    outerCall = purified(scope, outerCall, slot);
    List<Object> args = new ArrayList<>(outerCall.args());
    args.set(slot, new Program.NestedArg(innerCall));
    outerCall = new Invoke(outerCall.callee(), args, outerCall.target());
    if (outer.returnsArray()) {
      String name = "yn" + tripArrays++; // yl only in loops (the coverage test tells them apart)
      out.add(new Program.ArrayCall(name, outerCall));
      scope.arrays.add(name);
      scope.writableArrays.add(name);
    } else if (extras.nextBoolean()) {
      String name = "t" + locals++;
      out.add(new Declare(name, outerCall));
      scope.doubles.add(name);
      scope.assignable.add(name);
    } else {
      out.add(new Program.Assign(pick(scope.assignable), extras.nextBoolean() ? "+=" : "=",
          outerCall));
    }
    return true;
  }

  /** {@code call} with its arguments before {@code before} (all of them: MAX_VALUE) pure. */
  private Invoke purified(Scope scope, Invoke call, int before) {
    List<Object> args = new ArrayList<>(call.args());
    for (int k = 0; k < Math.min(before, args.size()); k++) {
      Object a = args.get(k);
      if (a instanceof Expr e && !pure(Program.render(e))) {
        args.set(k, scope.doubles.isEmpty() ? literal() : new Read(pick(scope.doubles)));
      } else if (a instanceof IntExpr e && !pure(Program.render(e))) {
        // a literal depth of a recursive helper too: 0 to 3, as Math.floorMod(k, 4) gives
        args.set(k, new IntLit(extras.nextInt(Program.LENGTH)));
      } else if (a instanceof Program.RowArg r && !pure(Program.render(r.row()))) {
        args.set(k, new Program.RowArg(r.matrix(), new IntLit(extras.nextInt(Program.ROWS)),
            false));
      }
    }
    return new Invoke(call.callee(), args, call.target());
  }

  /**
   * Whether rendered code has nothing the processor counts as an effect before a nested call: no
   * call at all (not even {@code Math.floorMod}) and no {@code new} (BodyReader.hoistable).
   */
  private static boolean pure(String code) {
    return !code.matches("(?s).*(\\w\\(|\\bnew ).*");
  }

  // ---------------------------------------------------------------- ints and conditions

  private IntExpr intExpr(Scope scope, int depth) {
    if (!scope.intFields.isEmpty() && rnd.nextInt(6) == 0) {
      return new Program.IntField(pick(scope.intFields), fieldForm());
    }
    if (!callFree && randoms && rnd.nextInt(scope.generators.isEmpty() ? 12 : 5) == 0) {
      return randomInt(scope, 1 + rnd.nextInt(5));
    }
    if (!callFree && rnd.nextInt(16) == 0) {
      return new Program.IntNext(1 + rnd.nextInt(Program.LENGTH));
    }
    if (!scope.arrays.isEmpty() && rnd.nextInt(8) == 0) {
      return new Program.IntLength(pick(scope.arrays));
    }
    if (!scope.matrices.isEmpty() && rnd.nextInt(8) == 0) {
      return new Program.IntLength(pick(scope.matrices),
          rnd.nextBoolean() ? null : rnd.nextInt(Program.ROWS));
    }
    if (!scope.intArrays.isEmpty() && rnd.nextInt(8) == 0) {
      return intElement(scope, pick(scope.intArrays));
    }
    if (!scope.countInts.isEmpty() && rnd.nextInt(4) == 0) {
      return new IntRead(pick(scope.countInts));
    }
    if (depth <= 0 || rnd.nextInt(3) > 0) {
      return scope.ints.isEmpty() || rnd.nextInt(3) == 0
          ? new IntLit(rnd.nextInt(5) - 1)
          : new IntRead(pick(scope.ints));
    }
    return new IntBinary("+-*".charAt(rnd.nextInt(3)), intExpr(scope, depth - 1),
        intExpr(scope, depth - 1));
  }

  private Cond cond(Scope scope, int depth) {
    if (!callFree && !scope.doubleBoxes.isEmpty() && rnd.nextInt(8) == 0) {
      return new Program.BoxCompare(COMPARISONS[rnd.nextInt(4)], pick(scope.doubleBoxes),
          rnd.nextBoolean() ? literal() : expr(scope, 1));
    }
    if (!scope.masks.isEmpty() && rnd.nextInt(6) == 0) {
      return maskRead(scope, pick(scope.masks));
    }
    int choice = rnd.nextInt(100);
    if (choice < 12 && depth > 0) {
      return new Logic(rnd.nextBoolean() ? "&&" : "||", cond(scope, depth - 1),
          cond(scope, depth - 1));
    } else if (choice < 18 && depth > 0) {
      return new Not(cond(scope, depth - 1));
    } else if (choice < 28 && !scope.ints.isEmpty()) {
      return new IntCompare(COMPARISONS[rnd.nextInt(4)], intExpr(scope, 1), intExpr(scope, 0));
    }
    Expr right = rnd.nextBoolean() ? literal() : expr(scope, 1);
    return new Compare(COMPARISONS[rnd.nextInt(4)], expr(scope, Math.min(depth, 2)), right);
  }

  // ---------------------------------------------------------------- discrete arrays, enhanced for

  /** Whether {@code scope} holds something that indexes an array of LENGTH unwrapped. */
  private static boolean hasIndices(Scope scope) {
    return !scope.indexArrays.isEmpty() || !scope.longArrays.isEmpty()
        || !scope.indexInts.isEmpty();
  }

  /**
   * An index in [0, LENGTH) without floorMod: an element of an index array or a long[] ({@code
   * idx[i]}, {@code (int) lg[i]}), or the variable of an enhanced for over an index array.
   */
  private IntExpr discreteIndex(Scope scope) {
    List<String> arrays = both(scope.indexArrays, scope.longArrays);
    if (!scope.indexInts.isEmpty() && (arrays.isEmpty() || rnd.nextInt(3) == 0)) {
      return new IntRead(pick(scope.indexInts));
    }
    return intElement(scope, pick(arrays));
  }

  /** An element of an int[] or long[]: a literal index, or any int expression wrapped. */
  private Program.IntElement intElement(Scope scope, String array) {
    boolean longs = scope.longArrays.contains(array);
    if (rnd.nextBoolean()) {
      return new Program.IntElement(array, new IntLit(rnd.nextInt(Program.LENGTH)), false, longs);
    }
    return new Program.IntElement(array, intExpr(scope, 0), true, longs);
  }

  /** An element of a boolean[]: a literal, a discrete index, or an int expression wrapped. */
  private Program.MaskRead maskRead(Scope scope, String array) {
    int choice = rnd.nextInt(3);
    if (choice == 0) {
      return new Program.MaskRead(array, new IntLit(rnd.nextInt(Program.LENGTH)), false);
    } else if (choice == 1 && hasIndices(scope)) {
      return new Program.MaskRead(array, discreteIndex(scope), false);
    }
    return new Program.MaskRead(array, intExpr(scope, 0), true);
  }

  /**
   * A discrete local, outside loops: {@code int[] jp0 = new int[3];}, an index array (zeros, and
   * only ever written {@code Math.floorMod(v, 3)}), often filled with a permutation and then read
   * and overwritten in one loop trip; {@code int[] jc0}, counts (written {@code ++}, {@code +=},
   * {@code =} anything, read as ints and wrapped where they index); or {@code boolean[] jm0}, a
   * mask.
   */
  private void discreteLocal(Scope scope, List<Stmt> out) {
    int kind = rnd.nextInt(3);
    int n = discreteLocals++;
    if (kind == 2) {
      String name = "jm" + n;
      out.add(new Program.LocalDiscrete(name, true));
      scope.masks.add(name);
      scope.writableMasks.add(name);
      return;
    }
    if (kind == 1) {
      String name = "jc" + n;
      out.add(new Program.LocalDiscrete(name, false));
      scope.intArrays.add(name);
      scope.counts.add(name);
      if (!scope.indexArrays.isEmpty() && rnd.nextBoolean()) {
        // counted by label: for (int i = 0; i < 3; i++) { jc0[ix[i]]++; }
        String i = "i" + loops++;
        out.add(new Program.Loop(Program.LoopKind.FOR, i, new IntLit(Program.LENGTH), null,
            List.of(new Program.IntElementAssign(new Program.IntElement(name,
                new Program.IntElement(pick(scope.indexArrays), new IntRead(i), false, false),
                false, false), "++", null, false))));
      }
      return;
    }
    String name = "jp" + n;
    out.add(new Program.LocalDiscrete(name, false));
    scope.intArrays.add(name);
    scope.indexArrays.add(name);
    scope.writableIndexArrays.add(name);
    if (rnd.nextBoolean()) {
      // a permutation: 2 - i, i + 1, i + 2 or 2 i, each mod 3
      String i = "i" + loops++;
      IntExpr value = switch (rnd.nextInt(3)) {
        case 0 -> new IntBinary('-', new IntLit(2), new IntRead(i));
        case 1 -> new IntBinary('+', new IntRead(i), new IntLit(1 + rnd.nextInt(2)));
        default -> new IntBinary('*', new IntRead(i), new IntLit(2));
      };
      out.add(new Program.Loop(Program.LoopKind.FOR, i, new IntLit(Program.LENGTH), null,
          List.of(new Program.IntElementAssign(
              new Program.IntElement(name, new IntRead(i), false, false), "=", value, true))));
    }
    if (rnd.nextBoolean()) {
      out.add(rereadLoop(scope, name));
    }
  }

  /**
   * A loop whose trip reads through the index array {@code name}, overwrites the element it read,
   * and reads through it again: the reverse sweep must see each read as the forward sweep did.
   * <pre>
   * for (int i = 0; i &lt; 3; i++) {
   *   t += xa[jp0[Math.floorMod(i, 3)]] * e;      // or (double) jp0[..] * e
   *   jp0[Math.floorMod(i, 3)] = Math.floorMod(k, 3);
   *   t += Math.sin(xa[jp0[Math.floorMod(i, 3)]]);
   *   ...random statements
   * }
   * </pre>
   */
  private Stmt rereadLoop(Scope scope, String name) {
    String i = "i" + loops++;
    Scope inner = scope.copy();
    inner.ints.add(i);
    IntExpr at = rnd.nextBoolean() ? new IntRead(i) : new IntLit(rnd.nextInt(Program.LENGTH));
    boolean wrapped = at instanceof IntRead;
    List<Stmt> body = new ArrayList<>();
    body.add(new Program.Assign(pick(scope.assignable), "+=",
        new Binary('*', readThrough(inner, name, at, wrapped), expr(inner, 1))));
    body.add(new Program.IntElementAssign(new Program.IntElement(name, at, wrapped, false), "=",
        intExpr(inner, 1), true));
    body.add(new Program.Assign(pick(scope.assignable), "+=",
        call("sin", readThrough(inner, name, at, wrapped))));
    enclosing.add(Program.LoopKind.FOR);
    if (rnd.nextBoolean()) {
      block(inner, 1, 1, body);
    }
    enclosing.remove(enclosing.size() - 1);
    IntExpr bound = new IntLit(1 + rnd.nextInt(Program.LENGTH + 1));
    return new Program.Loop(Program.LoopKind.FOR, i, bound, null, body);
  }

  /** A double read through {@code name[at]}: an element it indexes, or the int itself. */
  private Expr readThrough(Scope scope, String name, IntExpr at, boolean wrapped) {
    Program.IntElement index = new Program.IntElement(name, at, wrapped, false);
    List<String> arrays = both(scope.arrays, scope.rows);
    if (!arrays.isEmpty() && rnd.nextInt(4) > 0) {
      return new Program.Element(pick(arrays), index, false);
    }
    return new Promote(index, true);
  }

  /**
   * A write into a discrete local: {@code jp0[i] = Math.floorMod(v, 3);}, {@code
   * jc1[idx[i]]++} (or {@code --}, {@code += v}, {@code = v}), or {@code jm2[i] = cond;}.
   */
  private Stmt discreteWrite(Scope scope) {
    List<Integer> kinds = new ArrayList<>();
    if (!scope.writableIndexArrays.isEmpty()) {
      kinds.add(0);
    }
    if (!scope.counts.isEmpty()) {
      kinds.add(1);
    }
    if (!scope.writableMasks.isEmpty()) {
      kinds.add(2);
    }
    int kind = kinds.get(rnd.nextInt(kinds.size()));
    IntExpr index;
    boolean wrapped = false;
    int choice = rnd.nextInt(3);
    if (choice == 0) {
      index = new IntLit(rnd.nextInt(Program.LENGTH));
    } else if (choice == 1 && hasIndices(scope)) {
      index = discreteIndex(scope);
    } else {
      index = intExpr(scope, 1);
      wrapped = true;
    }
    if (kind == 2) {
      return new Program.MaskAssign(
          new Program.MaskRead(pick(scope.writableMasks), index, wrapped), cond(scope, 1));
    }
    if (kind == 0) {
      String array = pick(scope.writableIndexArrays);
      IntExpr value = intExpr(scope, 1);
      if (!open.contains(SELF_INDEXED_WRITE)
          && Program.render(index).matches(".*\\b" + array + "\\[.*")) {
        // open bug selfIndexedWrite: an index array written at an index read from itself
        index = new IntLit(0);
        wrapped = false;
      }
      return new Program.IntElementAssign(new Program.IntElement(array, index, wrapped, false),
          "=", value, true);
    }
    Program.IntElement target = new Program.IntElement(pick(scope.counts), index, wrapped, false);
    return switch (rnd.nextInt(4)) {
      case 0 -> new Program.IntElementAssign(target, "++", null, false);
      case 1 -> new Program.IntElementAssign(target, "--", null, false);
      case 2 -> new Program.IntElementAssign(target, "+=", intExpr(scope, 1), false);
      default -> new Program.IntElementAssign(target, "=", intExpr(scope, 1), false);
    };
  }

  /**
   * An enhanced for: {@code for (double v : a)} over a double[] (parameter, data, local, a row
   * named by an enclosing enhanced for) or a row {@code m[1]}; {@code for (int w : idx)} over an
   * int[] (its variable indexes unwrapped when the array is an index array); or {@code for
   * (double[] r : m)} over a matrix's rows, written through where the matrix is a local.
   */
  private Stmt forEach(Scope scope, int nesting) {
    List<Program.ForEachKind> kinds = new ArrayList<>();
    List<String> doubles = both(scope.arrays, scope.rows);
    List<String> ints = scope.intArrays.stream()
        .filter(a -> !scope.longArrays.contains(a)).toList();
    if (!doubles.isEmpty() || !scope.matrices.isEmpty()) {
      kinds.add(Program.ForEachKind.DOUBLES);
    }
    if (!ints.isEmpty()) {
      kinds.add(Program.ForEachKind.INTS);
    }
    if (!scope.matrices.isEmpty()) {
      kinds.add(Program.ForEachKind.ROWS);
    }
    Program.ForEachKind kind = kinds.get(rnd.nextInt(kinds.size()));
    // over the rows of a local matrix half the time there is one: writes through the row
    boolean localRows = !scope.writableMatrices.isEmpty() && rnd.nextBoolean();
    if (localRows) {
      kind = Program.ForEachKind.ROWS;
    }
    Scope inner = scope.copy();
    String var;
    String array;
    Integer row = null;
    switch (kind) {
      case DOUBLES -> {
        var = "v" + loops++;
        if (doubles.isEmpty() || (!scope.matrices.isEmpty() && rnd.nextBoolean())) {
          array = pick(scope.matrices);
          row = rnd.nextInt(Program.ROWS);
        } else {
          array = pick(doubles);
        }
        inner.doubles.add(var);
      }
      case INTS -> {
        var = "w" + loops++;
        array = pick(ints);
        if (scope.indexArrays.contains(array)) {
          inner.ints.add(var);
          inner.indexInts.add(var);
        } else {
          inner.countInts.add(var);
        }
      }
      default -> {
        var = "r" + loops++;
        array = pick(localRows ? scope.writableMatrices : scope.matrices);
        inner.rows.add(var);
        if (scope.writableMatrices.contains(array)) {
          inner.writableRows.add(var);
        }
      }
    }
    List<Stmt> body = new ArrayList<>();
    if (inner.writableRows.contains(var) && rnd.nextInt(3) > 0) {
      // a write through the row into the local matrix: r[j] op e
      String op = new String[] {"=", "+=", "-=", "*="}[rnd.nextInt(4)];
      body.add(new Program.ElementAssign(element(inner, List.of(var)), op, expr(inner, 2)));
    }
    if (kind == Program.ForEachKind.ROWS && extras.nextInt(4) > 0) {
      rowCall(inner, var, body); // version 13: for (double[] r : m) { .. h1(r, ..) .. }
    }
    enclosing.add(Program.LoopKind.FOR); // continue is fine: the hidden counter still counts
    block(inner, nesting + 1, 2, body);
    enclosing.remove(enclosing.size() - 1);
    return new Program.ForEach(kind, var, array, row, body);
  }

  /**
   * How a field is read: {@code f} or {@code this.f}, in a record also {@code f()}, {@code
   * this.f()}; in a static method, of its receiver parameter: {@code o.f}, {@code o.f()}.
   */
  private int fieldForm() {
    int form = !instanceBody
        ? record && rnd.nextBoolean() ? 5 : 4 // o.f, o.f()
        : rnd.nextInt(record ? 4 : 2);
    // version 19: through a plain getter (get_f(), this.get_f(), o.get_f()), from a stream of
    // its own
    if (getters && !record && getterDraws.nextInt(3) == 0) {
      form = form == 4 ? 8 : 6 + form;
    }
    return form;
  }

  /** Whether version 19's part is drawn (off only to check that seeds keep their programs). */
  static boolean getterReads = true;

  /**
   * {@code g.nextInt(bound)} of a generator local, or {@code new java.util.Random(seed)
   * .nextInt(bound)}: in [0, bound), so with bound LENGTH an index that needs no wrapping.
   */
  private IntExpr randomInt(Scope scope, int bound) {
    if (!scope.generators.isEmpty() && rnd.nextInt(3) > 0) {
      return new Program.RandomInt(pick(scope.generators), null, bound);
    }
    IntExpr seed = rnd.nextBoolean() ? new IntLit(rnd.nextInt(1000))
        : scope.ints.isEmpty() ? new IntLit(rnd.nextInt(5)) : new IntRead(pick(scope.ints));
    return new Program.RandomInt(null, seed, bound);
  }

  private static List<String> both(List<String> a, List<String> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private String pick(List<String> names) {
    return names.get(rnd.nextInt(names.size()));
  }
}

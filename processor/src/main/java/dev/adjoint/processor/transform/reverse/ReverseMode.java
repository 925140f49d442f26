package dev.adjoint.processor.transform.reverse;

import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.bin;
import static dev.adjoint.processor.ir.Ir.div;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.neg;
import static dev.adjoint.processor.ir.Ir.sub;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
import static dev.adjoint.processor.ir.Ir.read;
import static dev.adjoint.processor.ir.Uses.passedArrays;
import static dev.adjoint.processor.ir.Uses.reads;
import static dev.adjoint.processor.ir.Uses.referenced;
import static dev.adjoint.processor.ir.Uses.writes;
import static dev.adjoint.processor.ir.Uses.written;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.Partials;
import dev.adjoint.processor.transform.analysis.Activity;
import dev.adjoint.processor.transform.analysis.Subset;
import dev.adjoint.processor.transform.normalize.CountedLoop;
import dev.adjoint.processor.transform.normalize.Jumps;
import dev.adjoint.processor.transform.normalize.Returns;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The reverse-mode transformer. Each statement yields its forward part (the primal, with active
 * subexpressions hoisted into named temporaries and overwritten values saved) and its adjoint part;
 * adjoint parts run in reverse order. A variable the reverse sweep reads is saved before the
 * forward sweep overwrites it and restored when the reverse sweep passes that assignment, so the
 * adjoint of every statement sees the values it saw going forward. Branches record their
 * condition, so only the adjoint of the branch taken runs. A call of another annotated method goes
 * through that method's generated {@code Vjp} (its {@code @Fwd} and {@code @Bwd} for a custom rule).
 */
public final class ReverseMode {

  /** A derivative, or the report of why the body cannot be differentiated. */
  public record Result(Optional<ReverseDerivative> derivative, Report report) {}

  private final Activity activity;
  private final Map<Variable, Variable> adjoints = new LinkedHashMap<>();
  private final Set<Variable> readByReverse = new HashSet<>();
  private final Map<Variable, Expr.VjpOf> calls = new HashMap<>();
  /** The array each call's value was declared into ({@code double[] y = g(x)}), by call. */
  private final Map<Variable, Variable> valueArrays = new HashMap<>();
  private final Variable result;
  private final Variable seed;
  private static final ClassName TAPE = ClassName.get("dev.adjoint.runtime", "Tape");
  private static final ClassName READER = TAPE.nestedClass("Reader");
  private static final ClassName BUFFERS = ClassName.get("dev.adjoint.runtime", "Buffers");
  private final Variable tape = new Variable("tape", TAPE, Variable.Kind.TAPE);
  private final Variable reader = new Variable("reader", READER, Variable.Kind.TAPE);
  /** How many loops enclose the statement being transformed. */
  private int loopDepth;
  /** The loops around the statement being transformed, outermost first. */
  private final List<Stmt.Loop> enclosingLoops = new ArrayList<>();
  /**
   * Arrays that calls the transformer cannot see into receive ({@code Arrays.sort(data)}, a
   * helper of the user's): such a call may write into them, behind the reverse sweep's back. A
   * callee given such an array, whose pullback reads it, gets a copy if a call may change it
   * later. Where every such call is outside loops, the array is {@link #snapshotted}; else it is
   * {@link #changeable}.
   */
  private final Set<Variable> changedByCalls = new HashSet<>();
  /**
   * Arrays whose every writing call is outside loops, in a statement that reads none of their
   * elements: before such a call, the forward sweep copies the array if the reverse sweep of
   * what came before reads it, and the reverse sweep reads the copy from there on (see {@link
   * #saveChanged}). One copy per call, which is cheaper than recording every read.
   */
  private final Set<Variable> snapshotted = new HashSet<>();
  /**
   * The other arrays calls may write into (a call inside a loop, where a copy per trip would
   * cost the array's length each time): the reverse sweep never reads their elements. The
   * forward sweep keeps each element the reverse sweep needs in a temporary where it reads it
   * (records.recorded in loops, like any other value).
   */
  private final Set<Variable> changeable = new HashSet<>();
  /**
   * The calls that may write into {@link #changedByCalls} arrays, and the calls of annotated
   * methods, each with its place in the method (source order).
   */
  private final Map<Expr, Integer> callOrder = new IdentityHashMap<>();
  /**
   * Arrays read from fields in a method that makes calls ({@link #fieldArraysBesideCalls}): a
   * call that is not differentiated may write into them without being given them.
   */
  private final Set<Variable> fieldArrays = new HashSet<>();
  /** The forward sweep's top level: its new arrays are reused by a workspace. */
  private List<Stmt> topForward;
  /**
   * The writing calls {@link #saveChanged} has saved arrays for, by identity, per forward list:
   * {@link Returns} copies the statements after an {@code if} that returns into each branch that
   * goes on, so one call may stand in two branches, each of which saves for it (else a branch
   * whose reverse sweep reads the array lost its copy: fuzz soak run seed 27001, program
   * -1957144628129396307, a sort after the if).
   */
  private final Map<List<Stmt>, Set<Expr>> savedFor = new IdentityHashMap<>();
  /** What the tape records and what replays take the place of; pruned once the sweeps are built. */
  private final Records records = new Records();

  private ReverseMode(Activity activity, TypeName resultType) {
    this.activity = activity;
    // The value, and its cotangent: a double, or a double[] of the value's length.
    this.result = new Variable("value", resultType, Variable.Kind.RESULT);
    this.seed = new Variable("valueBar", resultType, Variable.Kind.ADJOINT);
    adjoints.put(result, seed);
  }

  public static Result derive(Signature signature, MethodBody body) {
    return derive(signature, body, Set.of());
  }

  /**
   * As {@link #derive(Signature, MethodBody)}, where {@code fromFields} are parameters that hold
   * what the method read from fields (the second-order sweep's captures): arrays among them count
   * as read from fields ({@link #fieldArraysBesideCalls}).
   */
  public static Result derive(Signature signature, MethodBody body, Set<Variable> fromFields) {
    Stmt.Block normalized = Returns.normalize(Jumps.lower(body.body()));
    Activity activity = Activity.of(body.params(), signature.params(), normalized);
    Report problems = Subset.check(activity, normalized);
    if (!problems.isClean()) {
      return new Result(Optional.empty(), problems);
    }
    ReverseMode t = new ReverseMode(activity, signature.result());
    activity.mark(t.result, true);
    Map<String, Variable> paramAdjoints = new LinkedHashMap<>();
    for (int i = 0; i < body.params().size(); i++) {
      Param p = signature.params().get(i);
      if (p.differentiable()) {
        paramAdjoints.put(p.name(), t.adjoint(body.params().get(i)));
      }
    }
    List<Stmt> forward = new ArrayList<>();
    forward.add(new Stmt.Declare(t.result, null, null));
    IrWalker.forEachExpr(normalized, e -> {
      if (e instanceof Expr.DiffCall || e instanceof Expr.OpaqueCall c
          && (!changed(c).isEmpty() || !c.isMathFunction())) {
        t.callOrder.put(e, t.callOrder.size());
      }
      if (e instanceof Expr.OpaqueCall c) {
        t.changedByCalls.addAll(changed(c));
      }
    });
    t.changeable.addAll(changedInLoops(normalized.stmts()));
    // Data arrays a call may write under another name (a field holding the same array, or a
    // parameter passed the same array): as a field's (MethodBody.aliasedArrays).
    Set<Variable> shared = new HashSet<>(fromFields);
    body.aliasedArrays().stream().filter(v -> !activity.isActive(v)).forEach(shared::add);
    t.fieldArrays.addAll(fieldArraysBesideCalls(normalized, shared));
    t.changeable.addAll(t.fieldArrays);
    t.snapshotted.addAll(t.changedByCalls);
    t.snapshotted.removeAll(t.changeable);
    t.topForward = forward;
    List<Stmt> swept = t.block(normalized.stmts(), forward);
    boolean taped = t.records.prune(forward, swept, t.pullbackReads());
    List<Stmt> reverse = keptWhenPopped(swept, t.reader);

    Set<Variable> captured = new LinkedHashSet<>();
    for (Stmt s : reverse) {
      referenced(s, captured);
      collectRestored(s, captured);
    }
    captured.removeIf(v -> isDeclaredIn(reverse, v));
    captured.remove(t.reader); // the reverse sweep makes it (keptWhenPopped reads it by name)
    if (taped) {
      captured.add(t.tape);
    }
    for (Variable bar : t.adjoints.values()) {
      if (bar.shapeOf() != null) {
        captured.add(bar.shapeOf()); // its cotangent array is made with its length
      }
    }
    List<Variable> adjointVars = new ArrayList<>(t.adjoints.values());
    adjointVars.remove(t.seed);
    // Gradients and workspaces (seed 1): the last loop's sweeps fused where that holds, and
    // both sweeps tidied.
    SweepFusion.Fused fused = SweepFusion.fuse(
            forward, reverse, t.seed, adjointVars, t.records.replays, t.records.recorded,
            t.tape)
        .orElse(new SweepFusion.Fused(forward, reverse, List.of()));
    Set<Variable> zero = new HashSet<>(adjointVars);
    List<List<Stmt>> tidy = Simplify.sweeps(fused.forward(), fused.reverse(), zero);
    boolean unitRead = taped && readsTape(tidy.get(1), t.reader);
    boolean unitTaped = unitRead || taped && pushes(tidy.get(0));
    Optional<ReverseDerivative> unitSeed = Optional.of(new ReverseDerivative(signature,
        body.params(), Stmt.Block.of(tidy.get(0)), t.result, t.seed, Stmt.Block.of(tidy.get(1)),
        adjointVars, paramAdjoints, List.copyOf(captured),
        unitTaped ? Optional.of(t.tape) : Optional.empty(),
        unitRead ? Optional.of(t.reader) : Optional.empty(), sometimesCreated(tidy.get(0)),
        fused.early(), Optional.empty()));
    return new Result(
        Optional.of(
            new ReverseDerivative(
                signature,
                body.params(),
                Stmt.Block.of(forward),
                t.result,
                t.seed,
                Stmt.Block.of(reverse),
                adjointVars,
                paramAdjoints,
                List.copyOf(captured),
                taped ? Optional.of(t.tape) : Optional.empty(),
                taped ? Optional.of(t.reader) : Optional.empty(),
                sometimesCreated(forward),
                List.of(),
                unitSeed)),
        problems);
  }

  /** Whether the forward sweep records on the tape (a fused loop may not, or pop as it goes). */
  private static boolean pushes(List<Stmt> forward) {
    boolean[] used = {false};
    for (Stmt s : forward) {
      IrWalker.forEachStmt(s, x -> used[0] |= x instanceof Stmt.Push);
    }
    return used[0];
  }

  /** Whether the reverse sweep reads the tape back through {@code reader}. */
  private static boolean readsTape(List<Stmt> reverse, Variable reader) {
    boolean[] used = {false};
    for (Stmt s : reverse) {
      IrWalker.forEachExpr(s, e -> used[0] |= e instanceof Expr.Pop p && p.reader() == reader
          || e instanceof Expr.Read r && r.variable() == reader);
    }
    return used[0];
  }

  /**
   * Per call of an annotated method, the arrays its pullback reads: a callee's pullback reads the
   * arrays it was given, and a rule's may read the array it returned (its @Fwd may keep it as a
   * residual), as they were when it returned.
   */
  private Map<Variable, Set<Variable>> pullbackReads() {
    Map<Variable, Set<Variable>> pullbackReads = new HashMap<>();
    calls.forEach((call, vjp) -> {
      Set<Variable> arrays = new HashSet<>();
      for (Expr arg : vjp.args()) {
        // int[], long[] and boolean[] too: a callee's pullback reads its index arrays and flags
        // again (red team: a loop that wrote an int[] after the call gave a wrong gradient).
        if (arg instanceof Expr.Read r && (Expr.isArray(r.variable().type())
            || Expr.isDiscreteArray(r.variable().type()))) {
          arrays.add(r.variable());
        } else if (arg instanceof Expr.ArrayRead row
            && (Expr.isArray(row.type()) || Expr.isDiscreteArray(row.type()))) {
          arrays.add(row.array()); // a row of a matrix: its pullback reads the row
        }
      }
      if (valueArrays.containsKey(call)) {
        arrays.add(valueArrays.get(call));
      }
      pullbackReads.put(call, arrays);
    });
    return pullbackReads;
  }

  /**
   * {@code reverse} with each array that a trip of a loop created, and whose elements the reverse
   * sweep walks back in place, kept by the reader as the forward sweep left it when it is taken
   * from the tape, and put back at the end: the Vjps of callees and rules that read it see it
   * walked back, and a Vjp's pullback may run again.
   */
  private static List<Stmt> keptWhenPopped(List<Stmt> reverse, Variable reader) {
    Set<Variable> walked = new HashSet<>();
    for (Stmt s : reverse) {
      IrWalker.forEachStmt(s, st -> {
        if (st instanceof Stmt.ArrayAssign a && a.array().kind() != Variable.Kind.ADJOINT) {
          walked.add(a.array());
        }
      });
    }
    boolean[] kept = {false};
    List<Stmt> out = new ArrayList<>(StmtRewriter.rewrite(reverse, st -> {
      if (st instanceof Stmt.Assign a && a.value() instanceof Expr.Pop
          && walked.contains(a.variable()) && a.variable().type() instanceof ArrayTypeName) {
        kept[0] = true;
        return List.of(new Stmt.Assign(a.variable(), new Expr.OpaqueCall(read(reader), READER,
            "keep", List.of(a.value()), a.variable().type(), a.ref()), a.ref()));
      }
      return List.of(st);
    }, st -> false));
    if (kept[0]) {
      out.add(new Stmt.Eval(new Expr.OpaqueCall(read(reader), READER, "restoreKept", List.of(),
          TypeName.VOID, null), null));
    }
    return out;
  }

  /** The local arrays declared inside a branch of {@code forward}, not at its top level. */
  private static Set<Variable> sometimesCreated(List<Stmt> forward) {
    Set<Variable> always = new HashSet<>();
    for (Stmt s : forward) {
      if (s instanceof Stmt.Declare d) {
        always.add(d.variable());
      }
    }
    Set<Variable> out = new HashSet<>();
    for (Stmt s : forward) {
      IrWalker.forEachStmt(s, x -> {
        if (x instanceof Stmt.Declare d && Expr.isArray(d.variable().type())
            && !always.contains(d.variable())) {
          out.add(d.variable());
        }
      });
    }
    return Set.copyOf(out);
  }

  // ------------------------------------------------------------------ statements

  /** Emits the forward part of {@code stmts} into {@code fwd}; returns their adjoint, in reverse. */
  private List<Stmt> block(List<Stmt> stmts, List<Stmt> fwd) {
    List<List<Stmt>> chunks = new ArrayList<>();
    for (int i = 0; i < stmts.size(); i++) {
      Stmt s = stmts.get(i);
      Optional<CountedLoop> counted = i > 0 && s instanceof Stmt.Loop l
          ? CountedLoop.of(stmts.get(i - 1), l, this::pure)
          : Optional.empty();
      List<Stmt> restores = loopDepth == 0 ? saveChanged(s, fwd) : List.of();
      List<Stmt> rev = counted.isPresent() ? loop((Stmt.Loop) s, counted, fwd) : stmt(s, fwd);
      if (!restores.isEmpty()) {
        rev = new ArrayList<>(rev);
        rev.addAll(restores);
      }
      noteReads(rev);
      chunks.add(rev);
    }
    List<Stmt> out = new ArrayList<>();
    for (int i = chunks.size() - 1; i >= 0; i--) {
      out.addAll(chunks.get(i));
    }
    return out;
  }

  // ------------------------------------------------------------------ data that calls change

  /**
   * The locals that hold an array read from a field ({@code double[] t = C.TABLE}) or returned by
   * a call that is not differentiated (a record's accessor, {@code r.w()}), where the
   * body also calls a method that is not differentiated, or an annotated one (which may call
   * one): such a call may write into the field's array though it is not passed it ({@code
   * C.bumpTable()}), so the reverse sweep must not read
   * the array's elements again: they are {@link #changeable} (each element the reverse sweep
   * needs is kept where the forward sweep read it). Found by the red team of stop 27: an element
   * changed between two calls of a helper reading it was read by the reverse sweep at its last
   * value.
   */
  private static Set<Variable> fieldArraysBesideCalls(Stmt.Block body, Set<Variable> fromFields) {
    Set<Variable> arrays = new HashSet<>();
    for (Variable v : fromFields) {
      if (Expr.isArray(v.type()) || Expr.isDiscreteArray(v.type())) {
        arrays.add(v);
      }
    }
    boolean[] calls = {false};
    IrWalker.forEachStmt(body, st -> {
      Expr value = st instanceof Stmt.Declare d ? d.init()
          : st instanceof Stmt.Assign a ? a.value() : null;
      Variable v = st instanceof Stmt.Declare d ? d.variable()
          : st instanceof Stmt.Assign a ? a.variable() : null;
      // An array a call returns (a record's accessor, r.w(), PF.w(), a getter) may be an
      // object's state too, which a plain call may change (red team of stop 29: a record's
      // plain set(v) { w[0] = v; } between two reads of w gave 3x the a0 partial).
      if ((value instanceof Expr.FieldRead || value instanceof Expr.OpaqueCall
              || value instanceof Expr.Read r && fromFields.contains(r.variable()))
          && v != null && (Expr.isArray(v.type()) || Expr.isDiscreteArray(v.type()))) {
        arrays.add(v);
      }
    });
    // An annotated callee may make such a call itself.
    IrWalker.forEachExpr(body, e -> calls[0] |= e instanceof Expr.OpaqueCall
        || e instanceof Expr.DiffCall);
    return calls[0] ? arrays : Set.of();
  }

  /**
   * The {@code double[]} and {@code double[][]} arrays, and the discrete ones, {@code call}
   * receives: it may write into them. (The subset lets only {@code @NoDiff} and discrete
   * parameter arrays reach such calls.)
   */
  private static List<Variable> changed(Expr.OpaqueCall call) {
    return passedArrays(call).stream()
        .filter(v -> Expr.isArray(v.type()) || Expr.isDiscreteArray(v.type())).toList();
  }

  /**
   * Whether {@code e} is {@link #isPure pure} and reads no element of an array a call may
   * change ({@link #changeable}), nor the length of a row of one: safe to evaluate again in the
   * reverse sweep. (The length of a whole array never changes.)
   */
  private boolean pure(Expr e) {
    return isPure(e) && readsNoChangeable(e);
  }

  /** Whether {@code e} reads an element or a row's length of {@code array}. */
  private static boolean readsElementsOf(Expr e, Variable array) {
    boolean[] found = {false};
    IrWalker.forEachExpr(e, x -> {
      if ((x instanceof Expr.ArrayRead r && r.array().equals(array))
          || (x instanceof Expr.ArrayLength l && !l.indices().isEmpty()
              && l.array().equals(array))) {
        found[0] = true;
      }
    });
    return found[0];
  }

  private boolean readsNoChangeable(Expr e) {
    boolean[] none = {true};
    IrWalker.forEachExpr(e, x -> {
      if ((x instanceof Expr.ArrayRead r && changeable.contains(r.array()))
          || (x instanceof Expr.ArrayLength l && !l.indices().isEmpty()
              && changeable.contains(l.array()))) {
        none[0] = false;
      }
    });
    return none[0];
  }

  /**
   * The arrays that a call may write into inside a loop (its body or condition, at any depth),
   * or in a statement that also reads one of their elements (its gradient might need the
   * element as it was before the call): they are {@link #changeable}.
   */
  private static Set<Variable> changedInLoops(List<Stmt> stmts) {
    Set<Variable> out = new HashSet<>();
    for (Stmt s : stmts) {
      if (s instanceof Stmt.Loop l) {
        IrWalker.forEachExpr(l, e -> {
          if (e instanceof Expr.OpaqueCall c) {
            out.addAll(changed(c));
          }
        });
      } else if (s instanceof Stmt.If i) {
        out.addAll(changedReadAcross(List.of(i.condition())));
        out.addAll(changedInLoops(i.then().stmts()));
        out.addAll(changedInLoops(i.otherwise().stmts()));
      } else if (s instanceof Stmt.Block b) {
        out.addAll(changedInLoops(b.stmts()));
      } else {
        List<Expr> own = new ArrayList<>();
        IrWalker.forEachExpr(s, own::add);
        out.addAll(changedReadAcross(own));
      }
    }
    return out;
  }

  /** The arrays a call among {@code exprs} may write into and an element read among them reads. */
  private static Set<Variable> changedReadAcross(List<Expr> exprs) {
    Set<Variable> changed = new HashSet<>();
    Set<Variable> read = new HashSet<>();
    for (Expr top : exprs) {
      IrWalker.forEachExpr(top, e -> {
        if (e instanceof Expr.OpaqueCall c) {
          changed.addAll(changed(c));
        } else if (e instanceof Expr.ArrayRead r) {
          read.add(r.array());
        } else if (e instanceof Expr.ArrayLength l && !l.indices().isEmpty()) {
          read.add(l.array());
        }
      });
    }
    changed.retainAll(read);
    return changed;
  }

  /**
   * Before a statement outside loops whose own expressions (an {@code if}'s condition; nothing
   * of a loop's) hold calls that may write into {@link #snapshotted} arrays: a copy of each such
   * array that the reverse sweep of what came before reads. Returns the restores, which point the
   * reverse sweep's name of the array at its copy (the caller's array keeps what the calls wrote).
   */
  private List<Stmt> saveChanged(Stmt s, List<Stmt> fwd) {
    Set<Variable> arrays = new LinkedHashSet<>();
    Consumer<Expr> calls = e -> {
      if (e instanceof Expr.OpaqueCall call && callOrder.containsKey(call)
          && savedFor.computeIfAbsent(fwd, k -> Collections.newSetFromMap(new IdentityHashMap<>()))
              .add(call)) {
        changed(call).stream().filter(snapshotted::contains).forEach(arrays::add);
      }
    };
    if (s instanceof Stmt.If i) {
      IrWalker.forEachExpr(i.condition(), calls);
    } else if (!(s instanceof Stmt.Loop) && !(s instanceof Stmt.Block)) {
      IrWalker.forEachExpr(s, calls);
    }
    List<Stmt> restores = new ArrayList<>();
    for (Variable a : arrays) {
      if (!readByReverse.contains(a)) {
        continue;
      }
      Variable save = new Variable(a.hint() + "Old", a.type(), Variable.Kind.SAVE);
      if (fwd == topForward && a.type().equals(Expr.DOUBLE_ARRAY)) {
        // A new array at the method's top level, which a workspace reuses from call to call.
        // (The reverse sweep reads a, so the primal has read it: it is not null.)
        fwd.add(new Stmt.Declare(save, new Expr.NewArray(
            List.of(new Expr.ArrayLength(a, List.of(), s.ref())), s.ref()), s.ref()));
        fwd.add(new Stmt.Eval(new Expr.OpaqueCall(null, BUFFERS, "copyInto",
            List.of(read(a), read(save)), TypeName.VOID, s.ref()), s.ref()));
      } else {
        fwd.add(new Stmt.Declare(save, copyOf(read(a), s.ref()), s.ref()));
      }
      restores.add(new Stmt.Assign(a, read(save), s.ref()));
    }
    return restores;
  }

  private static Expr copyOf(Expr array, SourceRef ref) {
    return new Expr.OpaqueCall(null, BUFFERS, "copyOf", List.of(array), array.type(), ref);
  }

  /**
   * {@code arg}, an argument of a call of an annotated method, or a copy of it when it is an
   * array that a call which is not differentiated may write into later (further on in the
   * method, or anywhere in a loop around the call): the callee's pullback reads the array it was
   * given when the reverse sweep runs, and must see it as it was given. An array read from a field
   * may be written by any such call, given it or not (red team of stop 28: {@code wsum(table, x)}
   * in a loop, then {@code bumpTable()}: {@code fGrad} read the bumped table; only calls of
   * {@code Math}'s functions are known not to).
   */
  private Expr snapshotIfChangedLater(Expr arg, Expr.DiffCall call) {
    Variable a = arg instanceof Expr.Read r ? r.variable()
        : arg instanceof Expr.ArrayRead row && row.type() instanceof ArrayTypeName ? row.array()
        : null;
    boolean fromField = a != null && fieldArrays.contains(a);
    if (a == null || !changedByCalls.contains(a) && !fromField) {
      return arg;
    }
    int at = callOrder.getOrDefault(call, -1);
    Set<Expr> around = Collections.newSetFromMap(new IdentityHashMap<>());
    if (!enclosingLoops.isEmpty()) {
      IrWalker.forEachExpr(enclosingLoops.get(0), around::add);
    }
    boolean later = callOrder.entrySet().stream().anyMatch(e ->
        e.getKey() instanceof Expr.OpaqueCall w
            && (changed(w).contains(a) || fromField && !w.isMathFunction())
            && (e.getValue() > at || around.contains(w)));
    return later ? copyOf(arg, arg.ref()) : arg;
  }


  private List<Stmt> stmt(Stmt s, List<Stmt> fwd) {
    return s.accept(new StmtRule(fwd));
  }

  /**
   * The forward part of one statement, added to {@code fwd}, and its reverse part, returned; one
   * arm per kind of statement.
   */
  private final class StmtRule implements Stmt.Visitor<List<Stmt>> {
    private final List<Stmt> fwd;

    StmtRule(List<Stmt> fwd) {
      this.fwd = fwd;
    }

    @Override
    public List<Stmt> visitDeclare(Stmt.Declare d) {
      if (d.init() != null && activity.isActive(d.variable()) && activity.varies(d.init())) {
        return define(d.variable(), d.init(), true, d.ref(), fwd);
      }
      // In a loop a declaration overwrites the last trip's value, which may still be needed, and
      // the cotangent that value gathered must not leak into the trip before.
      List<Stmt> restore = saveIf(false, d.variable(), d.ref(), fwd);
      fwd.add(d);
      return freshAdjoint(d.variable(), restore, d.ref());
    }

    @Override
    public List<Stmt> visitLoop(Stmt.Loop l) {
      return loop(l, Optional.empty(), fwd);
    }

    @Override
    public List<Stmt> visitAssign(Stmt.Assign a) {
      return assign(a, fwd);
    }

    @Override
    public List<Stmt> visitArrayAssign(Stmt.ArrayAssign a) {
      return arrayAssign(a, fwd);
    }

    @Override
    public List<Stmt> visitIf(Stmt.If i) {
      return branch(i.condition(), i.then().stmts(), i.otherwise().stmts(), i.ref(), fwd);
    }

    @Override
    public List<Stmt> visitReturn(Stmt.Return r) {
      if (Expr.isArray(result.type())) {
        return returnArray(r, fwd);
      }
      if (activity.varies(r.value())) {
        return define(result, r.value(), false, r.ref(), fwd);
      }
      fwd.add(new Stmt.Assign(result, r.value(), r.ref()));
      return List.of();
    }

    @Override
    public List<Stmt> visitBlock(Stmt.Block b) {
      return block(b.stmts(), fwd);
    }

    @Override
    public List<Stmt> visitEval(Stmt.Eval s) {
      fwd.add(s); // forward only
      return List.of();
    }

    @Override
    public List<Stmt> visitJump(Stmt.Jump s) {
      throw new IllegalStateException("Jumps lowers break and continue before reverse mode");
    }

    @Override
    public List<Stmt> visitPush(Stmt.Push s) {
      throw notInput(s);
    }
  }

  /**
   * {@code return a} for a {@code double[]} result ({@code a} names an array: BodyReader allows
   * nothing else). The value is a copy, which the caller owns: the reverse sweep's restores of
   * {@code a}'s elements never reach it. The value's cotangent adds into {@code a}'s.
   */
  private List<Stmt> returnArray(Stmt.Return r, List<Stmt> fwd) {
    fwd.add(new Stmt.Assign(result, new Expr.OpaqueCall(null, BUFFERS, "copyOf",
        List.of(r.value()), result.type(), r.ref()), r.ref()));
    List<Stmt> rev = new ArrayList<>();
    if (activity.varies(r.value())) {
      accumulate(r.value(), read(seed), r.ref(), rev);
    }
    return rev;
  }

  private List<Stmt> branch(
      Expr condition, List<Stmt> then, List<Stmt> otherwise, SourceRef ref, List<Stmt> fwd) {
    List<Stmt> thenFwd = new ArrayList<>();
    List<Stmt> elseFwd = new ArrayList<>();
    // The two branches never both run: what one branch's adjoint reads needs no saving in the other.
    Set<Variable> before = new HashSet<>(readByReverse);
    List<Stmt> thenRev = block(then, thenFwd);
    Set<Variable> afterThen = new HashSet<>(readByReverse);
    readByReverse.retainAll(before);
    List<Stmt> elseRev = block(otherwise, elseFwd);
    readByReverse.addAll(afterThen);
    if (thenRev.isEmpty() && elseRev.isEmpty()) {
      fwd.add(new Stmt.If(condition, Stmt.Block.of(thenFwd), Stmt.Block.of(elseFwd), ref));
      return List.of();
    }
    Variable flag = new Variable("taken", TypeName.BOOLEAN, Variable.Kind.FLAG);
    List<Stmt> restore = saveIf(false, flag, ref, fwd);
    fwd.add(new Stmt.Declare(flag, condition, ref));
    fwd.add(new Stmt.If(read(flag), Stmt.Block.of(thenFwd), Stmt.Block.of(elseFwd), ref));
    List<Stmt> rev = new ArrayList<>();
    rev.add(new Stmt.If(read(flag), Stmt.Block.of(thenRev), Stmt.Block.of(elseRev), ref));
    rev.addAll(restore);
    return rev;
  }

  /**
   * A loop. The forward sweep counts its trips; the reverse sweep runs the body's adjoint that
   * many times. Inside a loop every overwritten value is recorded on the tape (see {@link
   * #saveIf}), and {@link #pruneRecords} later drops the records the reverse sweep never reads.
   * A counted loop's index is not recorded at all: trip k of the reverse sweep sets it to its
   * start value plus k.
   */
  private List<Stmt> loop(Stmt.Loop l, Optional<CountedLoop> counted, List<Stmt> fwd) {
    SourceRef ref = l.ref();
    Variable trips = new Variable("trips", TypeName.INT, Variable.Kind.COUNTER);
    List<Stmt> tripsRestore = saveIf(false, trips, ref, fwd);
    fwd.add(new Stmt.Declare(trips, intLit(0), ref));
    List<Stmt> body = new ArrayList<>(l.body().stmts());
    if (counted.isEmpty()) {
      body.addAll(l.update().stmts());
    }
    List<Stmt> bodyFwd = new ArrayList<>();
    loopDepth++;
    enclosingLoops.add(l);
    List<Stmt> bodyRev = block(body, bodyFwd);
    loopDepth--;
    // The reverse loop runs while trips are left; fill replays name it by this condition.
    Variable left = new Variable("trip", TypeName.INT, Variable.Kind.COUNTER);
    Expr tripsLeft =
        new Expr.Binary(Expr.BinaryOp.GT, read(left), intLit(0), TypeName.BOOLEAN, null);
    List<Records.FillReplay> fills = counted.isPresent()
        ? fillReplays(body, bodyFwd, enclosingLoops.get(0), tripsLeft)
        : List.of();
    enclosingLoops.remove(enclosingLoops.size() - 1);
    List<Stmt> replay = replay(bodyFwd);
    counted.ifPresent(c -> bodyFwd.addAll(l.update().stmts()));
    bodyFwd.add(new Stmt.Assign(trips, intOp(Expr.BinaryOp.ADD, read(trips), intLit(1)), ref));
    fwd.add(new Stmt.Loop(l.condition(), Stmt.Block.of(bodyFwd), Stmt.Block.of(List.of()),
        l.testFirst(), ref));
    List<Stmt> revBody = new ArrayList<>();
    counted.ifPresent(c -> {
      Expr k = intOp(Expr.BinaryOp.SUB, read(left), intLit(1));
      boolean zero = c.start() instanceof Expr.Literal z && Integer.valueOf(0).equals(z.value());
      revBody.add(new Stmt.Assign(c.index(),
          zero ? k : intOp(Expr.BinaryOp.ADD, c.start(), k), ref));
    });
    fills.forEach(f -> revBody.addAll(f.replay()));
    revBody.addAll(replay);
    revBody.addAll(bodyRev);
    revBody.add(new Stmt.Assign(left, intOp(Expr.BinaryOp.SUB, read(left), intLit(1)), ref));
    List<Stmt> rev = new ArrayList<>();
    // A nested loop's trip count would be recorded per outer trip; a counted loop's is computed.
    Optional<Expr> count = loopDepth > 0
        ? counted.flatMap(c -> c.tripCount(l, this::pure))
        : Optional.empty();
    rev.add(new Stmt.Declare(left, count.orElse(read(trips)), ref));
    rev.add(new Stmt.Loop(
        tripsLeft, Stmt.Block.of(revBody), Stmt.Block.of(List.of()), true, ref));
    rev.addAll(tripsRestore);
    return rev;
  }

  /**
   * Inner counted loops at the top level of a counted loop's trip that only fill arrays, {@code
   * for (j = 0; j < d; j++) centered[j] = x[i][j] - mu[c][j];}, from values nothing in the trip
   * writes (the indices of the loops around, parameters, arrays the trip does not write), into
   * arrays nothing else in the trip writes, nor reads before the fill. The elements such a loop
   * overwrites would be recorded on every trip, to be restored for the trip before; instead the
   * loop runs again at the start of each reverse trip, which leaves the arrays as the forward
   * trip left them.
   *
   * <p>That holds only if every run of the fill, on every trip of every loop around it, writes
   * the same elements: then the elements it does not write are never written at all, and hold
   * in the reverse sweep what they held going forward. The rule: the fill's start, its bound and
   * the indices of the elements it writes read nothing (but its own index) that any statement
   * of the outermost loop around it writes, loop updates included; so no index of a loop around
   * it (a fill of {@code j < a + 1}, or of {@code c[j + k]}, is recorded instead), and no local
   * set on some trip of a loop further out. (Arrays passed to calls that are not differentiated
   * count as written: the call may write into them.) This is sound only if, in addition, nothing
   * else in the method writes the arrays and they are not read after the reverse sweep of the
   * loop around, where they now hold the first trip's elements, not the ones before it: {@link
   * #pruneRecords} checks both and keeps the records otherwise.
   *
   * @param outermost the outermost loop around the fill (the loop around it, if that is the
   *     outermost)
   */
  private List<Records.FillReplay> fillReplays(
      List<Stmt> body, List<Stmt> bodyFwd, Stmt.Loop outermost, Expr outerCondition) {
    Map<Variable, Integer> writes = new HashMap<>();
    for (Stmt st : body) {
      IrWalker.forEachStmt(st, x -> writes(x, v -> writes.merge(v, 1, Integer::sum)));
    }
    Set<Variable> writtenAround = new HashSet<>();
    IrWalker.forEachStmt(outermost, x -> writes(x, writtenAround::add));
    List<Records.FillReplay> out = new ArrayList<>();
    for (int p = 1; p < body.size(); p++) {
      if (!(body.get(p) instanceof Stmt.Loop inner) || !(body.get(p - 1) instanceof Stmt.Declare)) {
        continue;
      }
      Optional<CountedLoop> counted = CountedLoop.of(body.get(p - 1), inner, this::pure);
      if (counted.isEmpty() || counted.get().tripCount(inner, this::pure).isEmpty()
          || inner.body().stmts().isEmpty()
          || !inner.body().stmts().stream().allMatch(st -> st instanceof Stmt.ArrayAssign a
              && a.indices().stream().allMatch(this::cheap) && cheap(a.value()))) {
        continue;
      }
      Variable index = counted.get().index();
      Set<Variable> arrays = new HashSet<>();
      Set<Variable> reads = new HashSet<>();
      for (Stmt st : inner.body().stmts()) {
        arrays.add(((Stmt.ArrayAssign) st).array());
        referenced(st, reads);
      }
      // Every run fills the same elements: its range and the indices it writes at depend on
      // nothing the loops around it change.
      Set<Variable> range = new HashSet<>();
      referenced(new Stmt.Eval(inner.condition(), null), range);
      referenced(body.get(p - 1), range);
      Set<Variable> elements = new HashSet<>(range);
      for (Stmt st : inner.body().stmts()) {
        ((Stmt.ArrayAssign) st).indices()
            .forEach(i -> referenced(new Stmt.Eval(i, null), elements));
      }
      range.remove(index);
      elements.remove(index);
      if (elements.stream().anyMatch(writtenAround::contains)) {
        continue;
      }
      reads.addAll(range);
      reads.remove(index);
      // What the trip reads of the arrays before the fill saw the last trip's elements.
      Set<Variable> readBefore = new HashSet<>();
      body.subList(0, p - 1).forEach(st -> referenced(st, readBefore));
      if (reads.stream().anyMatch(v -> writes.containsKey(v) || arrays.contains(v))
          || arrays.stream().anyMatch(a -> writes.get(a) != countIn(inner, a)
              || readBefore.contains(a))) {
        continue;
      }
      // The forward loop this inner loop became, found by its condition, and its records.
      Optional<Stmt.Loop> emitted = bodyFwd.stream()
          .filter(st -> st instanceof Stmt.Loop f && f.condition() == inner.condition())
          .map(st -> (Stmt.Loop) st).findFirst();
      if (emitted.isEmpty()) {
        continue;
      }
      Set<Stmt> forward = Collections.newSetFromMap(new IdentityHashMap<>());
      IrWalker.forEachStmt(emitted.get(), forward::add);
      List<Records.Recorded> taken = records.recorded.stream()
          .filter(r -> forward.contains(r.push()) && arrays.contains(r.variable())).toList();
      List<Stmt> again = List.of(
          new Stmt.Assign(index, ((Stmt.Declare) body.get(p - 1)).init(), inner.ref()),
          new Stmt.Loop(inner.condition(), inner.body(), inner.update(), true, inner.ref()));
      out.add(new Records.FillReplay(again, taken, arrays, forward, outerCondition));
    }
    out.forEach(f -> {
      records.recorded.removeAll(f.records());
      f.records().forEach(r -> {
        records.replaced.add(r.push());
        records.replaced.add(r.restore());
      });
    });
    records.fillReplays.addAll(out);
    return out;
  }

  /** How many statements in {@code loop} write {@code array}. */
  private static int countIn(Stmt.Loop loop, Variable array) {
    int[] n = {0};
    IrWalker.forEachStmt(loop, st -> writes(st, v -> {
      if (v == array) {
        n[0]++;
      }
    }));
    return n[0];
  }

  /**
   * The statements that recompute, at the start of a reverse trip, the values a trip defines
   * cheaply from values that stay put until the trip ends: {@code double a = x[i + 1] - x[i] *
   * x[i]} is computed again from x and i rather than recorded. Such a value is declared once at
   * the top level of the trip's forward body, by arithmetic, comparisons, element reads, {@code
   * abs}, {@code min} or {@code max} of variables and arrays that nothing writes after it in the
   * trip (the index of a counted loop is set before the replay). Its records are dropped; at the
   * start of the reverse trip every variable already holds its value at the end of the forward
   * trip, so the replay computes what the trip computed.
   */
  private List<Stmt> replay(List<Stmt> bodyFwd) {
    List<Stmt> out = new ArrayList<>();
    Map<Variable, Integer> writes = new HashMap<>();
    for (Stmt st : bodyFwd) {
      IrWalker.forEachStmt(st, x -> writes(x, v -> writes.merge(v, 1, Integer::sum)));
    }
    for (int p = 1; p < bodyFwd.size(); p++) {
      if (!(bodyFwd.get(p) instanceof Stmt.Declare d) || d.init() == null
          || writes.getOrDefault(d.variable(), 0) != 1 || !cheap(d.init())) {
        continue;
      }
      Stmt push = bodyFwd.get(p - 1);
      Optional<Records.Recorded> record = records.recorded.stream()
          .filter(r -> r.push() == push && r.variable() == d.variable()).findFirst();
      if (record.isEmpty()) {
        continue;
      }
      Set<Variable> writtenAfter = new HashSet<>();
      for (Stmt later : bodyFwd.subList(p + 1, bodyFwd.size())) {
        IrWalker.forEachStmt(later, x -> writes(x, writtenAfter::add));
      }
      Set<Variable> reads = new HashSet<>();
      referenced(new Stmt.Eval(d.init(), null), reads);
      if (reads.stream().anyMatch(writtenAfter::contains)) {
        continue;
      }
      records.recorded.remove(record.get());
      records.replaced.add(record.get().push());
      records.replaced.add(record.get().restore());
      Stmt again = new Stmt.Assign(d.variable(), d.init(), d.ref());
      records.replays.add(again);
      out.add(again);
    }
    return out;
  }

  /**
   * Arithmetic, comparisons and element reads, of no array a call may change: cheaper to compute
   * again than to record.
   */
  private boolean cheap(Expr e) {
    return isCheap(e) && readsNoChangeable(e);
  }

  private static boolean isCheap(Expr e) {
    boolean[] cheap = {true};
    IrWalker.forEachExpr(e, x -> {
      if (!(x instanceof Expr.Literal || x instanceof Expr.Read || x instanceof Expr.Unary
          || x instanceof Expr.Binary || x instanceof Expr.Cast || x instanceof Expr.ArrayRead
          || x instanceof Expr.ArrayLength
          || (x instanceof Expr.MathCall m && (m.function() == MathFunction.ABS
              || m.function() == MathFunction.MIN || m.function() == MathFunction.MAX)))) {
        cheap[0] = false;
      }
    });
    return cheap[0];
  }



  private List<Stmt> assign(Stmt.Assign a, List<Stmt> fwd) {
    Variable v = a.variable();
    boolean active = activity.isActive(v);
    if (!active || !activity.varies(a.value())) {
      List<Stmt> restore = saveIf(readByReverse.contains(v), v, a.ref(), fwd);
      fwd.add(a);
      List<Stmt> rev = new ArrayList<>();
      if (active) {
        rev.add(new Stmt.Assign(adjoint(v), lit(0), a.ref()));
      }
      rev.addAll(restore);
      return rev;
    }
    if (a.value() instanceof Expr.Conditional c) {
      // Each branch's assignment saves and restores what it overwrites.
      return branch(
          c.condition(),
          List.of(new Stmt.Assign(v, c.whenTrue(), a.ref())),
          List.of(new Stmt.Assign(v, c.whenFalse(), a.ref())),
          a.ref(),
          fwd);
    }
    List<List<Stmt>> prelude = new ArrayList<>();
    Expr op = flattenTop(a.value(), fwd, prelude);
    boolean readsOld = reads(op, v) || prelude.stream().flatMap(List::stream).anyMatch(st -> reads(st, v));
    List<Stmt> restore = saveIf(readByReverse.contains(v) || readsOld, v, a.ref(), fwd);
    fwd.add(new Stmt.Assign(v, op, a.ref()));
    Variable bar = adjoint(v);
    List<Stmt> rev = new ArrayList<>();
    if (contributesTo(op, v)) {
      // v = f(v, ...): take v's cotangent before its old value starts collecting again.
      Variable incoming = new Variable(v.hint() + "BarIn", TypeName.DOUBLE, Variable.Kind.ADJOINT);
      rev.add(new Stmt.Declare(incoming, read(bar), a.ref()));
      rev.add(new Stmt.Assign(bar, lit(0), a.ref()));
      rev.addAll(restore);
      rev.addAll(contributions(op, read(incoming), null, a.ref()));
    } else {
      rev.addAll(restore);
      rev.addAll(contributions(op, read(bar), restore.isEmpty() ? read(v) : null, a.ref()));
      rev.add(new Stmt.Assign(bar, lit(0), a.ref()));
    }
    appendReversed(rev, prelude);
    return rev;
  }

  /**
   * Saves {@code v} before it is overwritten, when {@code needed}; returns the restore. Inside a
   * loop the same statement overwrites {@code v} once per trip and the reverse sweep cannot yet
   * know which values it will read, so every overwrite is recorded on the tape and restored from
   * it; {@link #pruneRecords} then drops the records of values the reverse sweep never reads.
   */
  private List<Stmt> saveIf(boolean needed, Variable v, SourceRef ref, List<Stmt> fwd) {
    if (loopDepth > 0) {
      Stmt push = new Stmt.Push(tape, read(v), ref);
      Stmt restore = new Stmt.Assign(v, new Expr.Pop(reader, v.type()), ref);
      fwd.add(push);
      records.recorded.add(new Records.Recorded(v, push, restore));
      return List.of(restore);
    }
    if (!needed) {
      return List.of();
    }
    Variable save = new Variable(v.hint() + "Old", v.type(), Variable.Kind.SAVE);
    fwd.add(new Stmt.Declare(save, read(v), ref));
    return List.of(new Stmt.Assign(v, read(save), ref));
  }

  /**
   * A first definition of {@code v} (a declaration, a hoisted temporary or the result) by an
   * expression that varies.
   */
  private List<Stmt> define(
      Variable v, Expr value, boolean declare, SourceRef ref, List<Stmt> fwd) {
    if (value instanceof Expr.Conditional c) {
      if (declare) {
        fwd.add(new Stmt.Declare(v, null, ref));
      }
      return branch(
          c.condition(),
          List.of(new Stmt.Assign(v, c.whenTrue(), ref)),
          List.of(new Stmt.Assign(v, c.whenFalse(), ref)),
          ref,
          fwd);
    }
    List<List<Stmt>> prelude = new ArrayList<>();
    Expr op = flattenTop(value, fwd, prelude);
    if (op instanceof Expr.VjpValue call && Expr.isArray(v.type())) {
      valueArrays.put(call.call(), v);
    }
    List<Stmt> restore = saveIf(false, v, ref, fwd);
    fwd.add(declare ? new Stmt.Declare(v, op, ref) : new Stmt.Assign(v, op, ref));
    List<Stmt> rev = new ArrayList<>(contributions(op, read(adjoint(v)), read(v), ref));
    rev.addAll(freshAdjoint(v, restore, ref));
    appendReversed(rev, prelude);
    return rev;
  }

  /**
   * The reverse of a definition of {@code v} whose old value {@code restore} puts back: in a loop,
   * the next trip back defines {@code v} afresh, so its cotangent starts again from zero; for an
   * array created on every trip, a zero array of the shape of the array that trip made, which
   * {@code restore} has put back (null before the first trip).
   */
  private List<Stmt> freshAdjoint(Variable v, List<Stmt> restore, SourceRef ref) {
    List<Stmt> rev = new ArrayList<>();
    if (loopDepth == 0 || !activity.isActive(v)) {
      rev.addAll(restore);
    } else if (Expr.isArray(v.type())) {
      rev.addAll(restore);
      rev.add(new Stmt.Assign(adjoint(v),
          new Expr.OpaqueCall(null, BUFFERS, "zerosLike", List.of(read(v)), v.type(), ref), ref));
    } else {
      rev.add(new Stmt.Assign(adjoint(v), lit(0), ref));
      rev.addAll(restore);
    }
    return rev;
  }

  private static void appendReversed(List<Stmt> rev, List<List<Stmt>> chunks) {
    for (int i = chunks.size() - 1; i >= 0; i--) {
      rev.addAll(chunks.get(i));
    }
  }

  // ------------------------------------------------------------------ flattening

  /**
   * The top operation of a varying expression over atoms: each operand that is not a variable or
   * a pure passive expression is hoisted into a temporary first.
   */
  private Expr flattenTop(Expr e, List<Stmt> fwd, List<List<Stmt>> prelude) {
    return e.accept(new FlattenTop(fwd, prelude));
  }

  /** {@link #flattenTop}, one arm per kind of expression. */
  private final class FlattenTop implements Expr.Visitor<Expr> {
    private final List<Stmt> fwd;
    private final List<List<Stmt>> prelude;

    FlattenTop(List<Stmt> fwd, List<List<Stmt>> prelude) {
      this.fwd = fwd;
      this.prelude = prelude;
    }

    @Override
    public Expr visitArrayRead(Expr.ArrayRead e) {
      return atom(e, fwd, prelude);
    }

    @Override
    public Expr visitUnary(Expr.Unary u) {
      return new Expr.Unary(u.op(), atom(u.operand(), fwd, prelude), u.type(), u.ref());
    }

    @Override
    public Expr visitBinary(Expr.Binary b) {
      Expr left = atom(b.left(), fwd, prelude);
      return new Expr.Binary(b.op(), left, atom(b.right(), fwd, prelude), b.type(), b.ref());
    }

    @Override
    public Expr visitCast(Expr.Cast c) {
      return new Expr.Cast(c.type(), atom(c.operand(), fwd, prelude), c.ref());
    }

    @Override
    public Expr visitMathCall(Expr.MathCall m) {
      return new Expr.MathCall(m.function(), m.owner(), atoms(m.args(), fwd, prelude), m.ref());
    }

    @Override
    public Expr visitDiffCall(Expr.DiffCall d) {
      Signature callee = d.callee();
      TypeName vjpType = callee.adjointClass().nestedClass(AdjointNames.vjpClass(callee));
      List<Expr> args = new ArrayList<>();
      for (Expr arg : atoms(d.args(), fwd, prelude)) {
        args.add(snapshotIfChangedLater(arg, d));
      }
      Expr.VjpOf vjp = new Expr.VjpOf(callee, args, vjpType);
      Variable call = new Variable(callee.name() + "Call", vjpType, Variable.Kind.CALL);
      List<Stmt> restore = saveIf(false, call, d.ref(), fwd);
      fwd.add(new Stmt.Declare(call, vjp, d.ref()));
      calls.put(call, vjp);
      if (!restore.isEmpty()) {
        prelude.add(restore); // runs after the pullback that reads this trip's call
      }
      return new Expr.VjpValue(call, callee.result());
    }

    // A variable, or an expression that does not vary (or that the callers handle first: a
    // conditional; or that Subset rejects where it varies: an opaque call): as it is.

    @Override
    public Expr visitRead(Expr.Read e) {
      return e;
    }

    @Override
    public Expr visitLiteral(Expr.Literal e) {
      return e;
    }

    @Override
    public Expr visitConditional(Expr.Conditional e) {
      return e;
    }

    @Override
    public Expr visitStopGradient(Expr.StopGradient e) {
      return e;
    }

    @Override
    public Expr visitOpaqueCall(Expr.OpaqueCall e) {
      return e;
    }

    @Override
    public Expr visitFieldRead(Expr.FieldRead e) {
      return e;
    }

    @Override
    public Expr visitArrayLength(Expr.ArrayLength e) {
      return e;
    }

    @Override
    public Expr visitNewArray(Expr.NewArray e) {
      return e;
    }

    // Made by this transform, never in its input.

    @Override
    public Expr visitVjpOf(Expr.VjpOf e) {
      throw notInput(e);
    }

    @Override
    public Expr visitVjpValue(Expr.VjpValue e) {
      throw notInput(e);
    }

    @Override
    public Expr visitPullback(Expr.Pullback e) {
      throw notInput(e);
    }

    @Override
    public Expr visitComponent(Expr.Component e) {
      throw notInput(e);
    }

    @Override
    public Expr visitPop(Expr.Pop e) {
      throw notInput(e);
    }
  }

  private static IllegalStateException notInput(Object node) {
    return new IllegalStateException(
        "reverse mode made " + node.getClass().getSimpleName() + "; it cannot be its input");
  }

  private List<Expr> atoms(List<Expr> es, List<Stmt> fwd, List<List<Stmt>> prelude) {
    List<Expr> out = new ArrayList<>();
    for (Expr e : es) {
      out.add(atom(e, fwd, prelude));
    }
    return out;
  }

  private Expr atom(Expr e, List<Stmt> fwd, List<List<Stmt>> prelude) {
    if (e instanceof Expr.Read) {
      return e;
    }
    if (e instanceof Expr.ArrayRead r && activity.varies(r)) {
      // An element of an active array is an atom, like a variable: its index, made pure.
      return new Expr.ArrayRead(r.array(), pureIndices(r.indices(), fwd, prelude), r.ref());
    }
    if (!activity.varies(e)) {
      if (pure(e)) {
        return e;
      }
      if (e instanceof Expr.ArrayRead row && row.type() instanceof ArrayTypeName) {
        // A row stays a row of its matrix, with its indices made pure: in a temporary it would be
        // an alias that pullbackReads cannot see, and a write to the matrix after the call would
        // not be put back before the callee's pullback read the row (fuzzer v17, stop 28's CI:
        // yp0[Math.floorMod(i + fi0, 2)], whose index reads a field, then yp0[..][2] = 2.0).
        return new Expr.ArrayRead(row.array(), pureIndices(row.indices(), fwd, prelude),
            row.ref());
      }
      // An element of an array a call may change, kept as it was when read.
      String hint = e instanceof Expr.ArrayRead r && isPure(e) ? r.array().hint() + "Element"
          : hint(e);
      return passiveTemporary(hint, e, fwd, prelude);
    }
    Variable t = new Variable(hint(e), TypeName.DOUBLE, Variable.Kind.TEMP);
    activity.mark(t, true);
    List<Stmt> rev = define(t, e, true, e.ref(), fwd);
    noteReads(rev);
    prelude.add(rev);
    return read(t);
  }

  /** Literals and variables under operators: safe to evaluate again in the reverse sweep. */
  static boolean isPure(Expr e) {
    boolean[] pure = {true};
    IrWalker.forEachExpr(e, x -> {
      if (!(x instanceof Expr.Literal || x instanceof Expr.Read || x instanceof Expr.Unary
          || x instanceof Expr.Binary || x instanceof Expr.Cast || x instanceof Expr.ArrayRead
          || x instanceof Expr.ArrayLength)) {
        pure[0] = false;
      }
    });
    return pure[0];
  }

  private static String hint(Expr e) {
    if (e instanceof Expr.MathCall m) {
      return m.function().javaName();
    }
    if (e instanceof Expr.DiffCall d) {
      return d.callee().name();
    }
    if (e instanceof Expr.Binary b) {
      return switch (b.op()) {
        case ADD -> "sum";
        case SUB -> "difference";
        case MUL -> "product";
        case DIV -> "quotient";
        default -> "t";
      };
    }
    if (e instanceof Expr.Conditional) {
      return "selected";
    }
    return "t";
  }

  // ------------------------------------------------------------------ adjoints

  /**
   * The adjoint statements of {@code op}: for each operand that is an active variable, its
   * cotangent gains {@code seed} times the partial derivative.
   *
   * @param value a variable holding the value of {@code op}, or null when none does any more
   */
  private List<Stmt> contributions(Expr op, Expr seed, Expr value, SourceRef ref) {
    List<Stmt> out = new ArrayList<>();
    op.accept(new Contributions(seed, value, ref, out));
    return out;
  }

  /**
   * {@link #contributions}, one arm per kind of expression: {@code op} is a varying expression
   * over atoms (see {@link #flattenTop}); a kind that cannot be one is an internal error, never
   * a silently missing contribution.
   */
  private final class Contributions implements Expr.Visitor<Void> {
    private final Expr seed;
    private final Expr value;
    private final SourceRef ref;
    private final List<Stmt> out;

    Contributions(Expr seed, Expr value, SourceRef ref, List<Stmt> out) {
      this.seed = seed;
      this.value = value;
      this.ref = ref;
      this.out = out;
    }

    @Override
    public Void visitRead(Expr.Read op) {
      accumulate(op, seed, ref, out);
      return null;
    }

    @Override
    public Void visitArrayRead(Expr.ArrayRead op) {
      accumulate(op, seed, ref, out);
      return null;
    }

    @Override
    public Void visitUnary(Expr.Unary u) {
      accumulate(u.operand(), u.op() == Expr.UnaryOp.NEG ? neg(seed) : seed, ref, out);
      return null;
    }

    @Override
    public Void visitCast(Expr.Cast c) {
      accumulate(c.operand(), seed, ref, out);
      return null;
    }

    @Override
    public Void visitBinary(Expr.Binary b) {
      Expr l = b.left();
      Expr r = b.right();
      switch (b.op()) {
        case ADD:
          accumulate(l, seed, ref, out);
          accumulate(r, seed, ref, out);
          break;
        case SUB:
          accumulate(l, seed, ref, out);
          accumulate(r, neg(seed), ref, out);
          break;
        case MUL:
          accumulate(l, mul(seed, r), ref, out);
          accumulate(r, mul(l, seed), ref, out);
          break;
        case DIV:
          // Infinite partials where r == 0: a zero seed contributes 0 (Partials.zeroWhereZero).
          accumulate(l, Partials.zeroWhereZero(seed, r, div(seed, r)), ref, out);
          accumulate(r, Partials.zeroWhereZero(seed, r,
              neg(div(mul(seed, value != null ? value : div(l, r)), r))), ref, out);
          break;
        case REM:
          // l % r == l - trunc(l / r) * r
          accumulate(l, seed, ref, out);
          accumulate(r, neg(mul(seed, div(sub(l, bin(Expr.BinaryOp.REM, l, r)), r))),
              ref, out);
          break;
        default:
          break;
      }
      return null;
    }

    @Override
    public Void visitMathCall(Expr.MathCall m) {
      mathContributions(m, seed, value, ref, out);
      return null;
    }

    @Override
    public Void visitVjpValue(Expr.VjpValue v) {
      Expr.VjpOf vjp = calls.get(v.call());
      Signature callee = vjp.callee();
      TypeName gradType = callee.adjointClass().nestedClass(AdjointNames.gradRecord(callee));
      Variable grad = new Variable(callee.name() + "Grad", gradType, Variable.Kind.TEMP);
      out.add(new Stmt.Declare(grad, new Expr.Pullback(v.call(), seed, gradType), ref));
      for (int i = 0; i < callee.params().size(); i++) {
        Param p = callee.params().get(i);
        if (p.differentiable()) {
          accumulate(vjp.args().get(i), new Expr.Component(grad, p.name(), p.type()), ref, out);
        }
      }
      return null;
    }

    // Kinds that never vary: no contribution.

    @Override
    public Void visitLiteral(Expr.Literal e) {
      return null;
    }

    @Override
    public Void visitStopGradient(Expr.StopGradient e) {
      return null;
    }

    @Override
    public Void visitFieldRead(Expr.FieldRead e) {
      return null;
    }

    @Override
    public Void visitArrayLength(Expr.ArrayLength e) {
      return null;
    }

    @Override
    public Void visitNewArray(Expr.NewArray e) {
      return null;
    }

    // Kinds that flattening or the subset check take away before this runs.

    @Override
    public Void visitConditional(Expr.Conditional e) {
      throw new IllegalStateException("a varying conditional is split into branches first");
    }

    @Override
    public Void visitDiffCall(Expr.DiffCall e) {
      throw new IllegalStateException("a call is flattened to its Vjp's value first");
    }

    @Override
    public Void visitOpaqueCall(Expr.OpaqueCall e) {
      throw new IllegalStateException("a varying opaque call is reported by the subset check");
    }

    @Override
    public Void visitVjpOf(Expr.VjpOf e) {
      throw notInput(e);
    }

    @Override
    public Void visitPullback(Expr.Pullback e) {
      throw notInput(e);
    }

    @Override
    public Void visitComponent(Expr.Component e) {
      throw notInput(e);
    }

    @Override
    public Void visitPop(Expr.Pop e) {
      throw notInput(e);
    }
  }

  private void mathContributions(
      Expr.MathCall m, Expr seed, Expr value, SourceRef ref, List<Stmt> out) {
    MathFunction f = m.function();
    if (f.isPiecewiseConstant()) {
      return;
    }
    if (f == MathFunction.MIN || f == MathFunction.MAX) {
      // The argument that wins gets the cotangent; ties split it evenly; a NaN argument, NaN.
      Expr a = m.args().get(0);
      Expr b = m.args().get(1);
      Partials.Selection select = Partials.selection(f, a, b);
      List<Stmt> aWins = new ArrayList<>();
      accumulate(a, seed, ref, aWins);
      List<Stmt> bWins = new ArrayList<>();
      accumulate(b, seed, ref, bWins);
      List<Stmt> tie = new ArrayList<>();
      accumulate(a, mul(lit(Partials.TIE_WEIGHT), seed), ref, tie);
      accumulate(b, mul(lit(Partials.TIE_WEIGHT), seed), ref, tie);
      // Neither wins nor ties: a NaN argument, and a NaN value; the gradient is NaN too.
      List<Stmt> nan = new ArrayList<>();
      accumulate(a, mul(seed, lit(Partials.NAN_WEIGHT)), ref, nan);
      accumulate(b, mul(seed, lit(Partials.NAN_WEIGHT)), ref, nan);
      Stmt tieOrNaN = new Stmt.If(select.tie(), Stmt.Block.of(tie), Stmt.Block.of(nan), ref);
      out.add(new Stmt.If(
          select.aWins(),
          Stmt.Block.of(aWins),
          Stmt.Block.of(List.of(new Stmt.If(
              select.bWins(),
              Stmt.Block.of(bWins),
              Stmt.Block.of(List.of(tieOrNaN)),
              ref))),
          ref));
      return;
    }
    for (int i = 0; i < m.args().size(); i++) {
      Expr arg = m.args().get(i);
      if (isActiveRead(arg)) {
        // A zero seed through an infinite derivative contributes 0 (Partials.SINGULAR).
        accumulate(arg, Partials.times(f, seed, Partials.partial(f, m.owner(), i, m.args(), value)),
            ref, out);
      }
    }
  }

  /**
   * {@code atomBar += contribution} when the atom is an active variable, or {@code aBar[i] +=
   * contribution} when it is an element of an active array; else nothing.
   */
  private void accumulate(Expr atom, Expr contribution, SourceRef ref, List<Stmt> out) {
    if (atom instanceof Expr.ArrayRead r && Expr.isArray(r.type())) {
      // A row of a matrix passed to a callee: the row of its cotangent gathers the callee's.
      if (activity.isActive(r.array())) {
        out.add(new Stmt.Eval(new Expr.OpaqueCall(null, BUFFERS, "addTo",
            List.of(new Expr.ArrayRead(adjoint(r.array()), r.indices(), null), contribution),
            TypeName.VOID, ref), ref));
      }
      return;
    }
    if (atom instanceof Expr.Read r && Expr.isArray(r.variable().type())) {
      // A whole array passed to a callee: its cotangent array gathers the callee's.
      if (activity.isActive(r.variable())) {
        out.add(new Stmt.Eval(new Expr.OpaqueCall(null, BUFFERS, "addTo",
            List.of(read(adjoint(r.variable())), contribution), TypeName.VOID, ref), ref));
      }
      return;
    }
    if (atom instanceof Expr.ArrayRead r && activity.isActive(r.array())) {
      Variable bar = adjoint(r.array());
      out.add(new Stmt.ArrayAssign(bar, r.indices(),
          add(new Expr.ArrayRead(bar, r.indices(), null), contribution), ref));
    } else if (isActiveRead(atom)) {
      Variable bar = adjoint(((Expr.Read) atom).variable());
      out.add(new Stmt.Assign(bar, add(read(bar), contribution), ref));
    }
  }

  private boolean isActiveRead(Expr e) {
    return (e instanceof Expr.Read r && activity.isActive(r.variable()))
        || (e instanceof Expr.ArrayRead a && activity.isActive(a.array()));
  }

  /** {@link #pureIndex} of each index. */
  private List<Expr> pureIndices(List<Expr> indices, List<Stmt> fwd, List<List<Stmt>> prelude) {
    List<Expr> out = new ArrayList<>();
    for (Expr i : indices) {
      out.add(pureIndex(i, fwd, prelude));
    }
    return out;
  }

  /** An index the reverse sweep can evaluate again: pure as written, else a saved temporary. */
  private Expr pureIndex(Expr index, List<Stmt> fwd, List<List<Stmt>> prelude) {
    return pure(index) ? index : passiveTemporary("index", index, fwd, prelude);
  }

  /**
   * A temporary holding {@code e}, which does not vary but is not safe to evaluate again in the
   * reverse sweep (a call, say). In a loop it is recorded, so that each trip's adjoint reads its
   * own trip's value back.
   */
  private Expr passiveTemporary(String hint, Expr e, List<Stmt> fwd, List<List<Stmt>> prelude) {
    Variable t = new Variable(hint, e.type(), Variable.Kind.TEMP);
    List<Stmt> restore = saveIf(false, t, e.ref(), fwd);
    fwd.add(new Stmt.Declare(t, e, e.ref()));
    if (!restore.isEmpty()) {
      prelude.add(restore);
    }
    return read(t);
  }

  /**
   * {@code a[i] = value}. The element's old value is saved and restored like a variable's (on the
   * tape inside loops); the element's cotangent is taken, cleared, and passed to the value's
   * operands.
   */
  private List<Stmt> arrayAssign(Stmt.ArrayAssign a, List<Stmt> fwd) {
    SourceRef ref = a.ref();
    Variable array = a.array();
    List<List<Stmt>> prelude = new ArrayList<>();
    // An index that reads the array written (jp[jp[0]] = v) would read it, in the reverse sweep,
    // as the write left it: it is kept in a temporary (the fuzzer's selfIndexedWrite).
    List<Expr> index = new ArrayList<>();
    for (Expr i : a.indices()) {
      index.add(readsElementsOf(i, array) ? passiveTemporary("index", i, fwd, prelude)
          : pureIndex(i, fwd, prelude));
    }
    boolean active = activity.isActive(array);
    boolean varies = active && activity.varies(a.value());
    if (varies && a.value() instanceof Expr.Conditional c) {
      // Each branch's assignment saves and restores what it overwrites, as for variables.
      List<Stmt> rev = new ArrayList<>(branch(
          c.condition(),
          List.of(new Stmt.ArrayAssign(array, index, c.whenTrue(), ref)),
          List.of(new Stmt.ArrayAssign(array, index, c.whenFalse(), ref)),
          ref,
          fwd));
      appendReversed(rev, prelude);
      return rev;
    }
    Expr op = varies ? flattenTop(a.value(), fwd, prelude) : a.value();
    Expr element = new Expr.ArrayRead(array, index, ref);
    List<Stmt> restore;
    if (loopDepth > 0) {
      Stmt push = new Stmt.Push(tape, element, ref);
      Stmt back = new Stmt.ArrayAssign(array, index, new Expr.Pop(reader, element.type()), ref);
      fwd.add(push);
      records.recorded.add(new Records.Recorded(array, push, back));
      restore = List.of(back);
    } else {
      Variable save = new Variable(array.hint() + "Old", element.type(), Variable.Kind.SAVE);
      fwd.add(new Stmt.Declare(save, element, ref));
      restore = List.of(new Stmt.ArrayAssign(array, index, read(save), ref));
    }
    fwd.add(new Stmt.ArrayAssign(array, index, op, ref));
    List<Stmt> rev = new ArrayList<>();
    if (active) {
      Variable bar = adjoint(array);
      Variable incoming = new Variable(array.hint() + "BarIn", TypeName.DOUBLE,
          Variable.Kind.ADJOINT);
      if (varies) {
        rev.add(new Stmt.Declare(incoming, new Expr.ArrayRead(bar, index, null), ref));
      }
      rev.add(new Stmt.ArrayAssign(bar, index, lit(0), ref));
      rev.addAll(restore);
      if (varies) {
        rev.addAll(contributions(op, read(incoming), null, ref));
      }
    } else {
      rev.addAll(restore);
    }
    appendReversed(rev, prelude);
    return rev;
  }

  private Variable adjoint(Variable v) {
    return adjoints.computeIfAbsent(v, k -> Expr.isArray(k.type())
        ? new Variable(k.hint() + "Bar", k.type(), Variable.Kind.ADJOINT, k)
        : new Variable(k.hint() + "Bar", TypeName.DOUBLE, Variable.Kind.ADJOINT));
  }

  // ------------------------------------------------------------------ helpers

  private void noteReads(List<Stmt> rev) {
    for (Stmt s : rev) {
      referenced(s, readByReverse);
    }
  }

  /**
   * Whether the adjoint of {@code op} adds to {@code v}'s cotangent: {@code op} reads {@code v},
   * or is the value of a call with {@code v} among its arguments ({@code v = g(v)}).
   */
  private boolean contributesTo(Expr op, Variable v) {
    if (op instanceof Expr.VjpValue call) {
      return calls.get(call.call()).args().stream().anyMatch(arg -> reads(arg, v));
    }
    return reads(op, v);
  }

  /** Adds the variables and arrays that {@code s} assigns at any depth, other than adjoints. */
  private static void collectRestored(Stmt s, Set<Variable> out) {
    IrWalker.forEachStmt(s, st -> Uses.written(st)
        .filter(v -> !(st instanceof Stmt.Declare) && v.kind() != Variable.Kind.ADJOINT)
        .ifPresent(out::add));
  }

  /** Whether a statement in {@code stmts}, at any depth, declares {@code v}. */
  private static boolean isDeclaredIn(List<Stmt> stmts, Variable v) {
    boolean[] found = {false};
    for (Stmt s : stmts) {
      IrWalker.forEachStmt(s, st -> found[0] |= st instanceof Stmt.Declare d && d.variable() == v);
    }
    return found[0];
  }
}

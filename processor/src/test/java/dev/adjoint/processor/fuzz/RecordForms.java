package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.Program.ArrayArg;
import dev.adjoint.processor.fuzz.Program.Callee;
import dev.adjoint.processor.fuzz.Program.Component;
import dev.adjoint.processor.fuzz.Program.Cond;
import dev.adjoint.processor.fuzz.Program.Expr;
import dev.adjoint.processor.fuzz.Program.IntRead;
import dev.adjoint.processor.fuzz.Program.Invoke;
import dev.adjoint.processor.fuzz.Program.Kind;
import dev.adjoint.processor.fuzz.Program.Param;
import dev.adjoint.processor.fuzz.Program.Read;
import dev.adjoint.processor.fuzz.Program.RecordParam;
import dev.adjoint.processor.fuzz.Program.RecordType;
import dev.adjoint.processor.fuzz.Program.Stmt;
import dev.adjoint.processor.fuzz.Program.Unit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Version 14: records as parameters. Takes a generated (flat) program and groups some parameters
 * of {@code f} into records, decided from a stream of its own, so that a program without records
 * is version 13's program:
 *
 * <ul>
 *   <li>a differentiable record {@code R0 q0} of some of {@code f}'s {@code double}, {@code
 *       double[]} and {@code double[][]} parameters that the body never assigns, sometimes with a
 *       carried {@code int n} and {@code int[] ix}, sometimes with some components in a nested
 *       record {@code N0 in0};
 *   <li>helpers (returning {@code double}, not recursive) that take {@code R0} too, where their
 *       parameters have its leaves' kinds and every caller holds an {@code R0}: each call's
 *       arguments at those parameters are made the caller's leaves, so that the call passes the
 *       record whole ({@code h0(q0, e)});
 *   <li>a {@code @NoDiff} data record {@code D0 d0} of the data array {@code da} and the constant
 *       {@code c} (with an int or index array sometimes), and a record {@code K0 k0} with no
 *       floating-point data ({@code int n}, {@code int[] ix}, {@code boolean[] mk}, {@code long[]
 *       lg}), read by their components.
 * </ul>
 *
 * <p>The flat program stays the program: the reference runs it, and {@link Program} renders a
 * leaf as its accessor path ({@code q0.in0().xa()[i]}). The only changes to the flat program are
 * the arguments of calls of helpers that take records, rewritten to the caller's leaves, and, in
 * a method that holds a record but calls no method taking it, a call added first ({@code double
 * tr0 = h0(q0, 1.5);}) whose value every {@code return} adds. Parameters named in a statement with
 * a nested {@code double[]} call, or changed by an unannotated call, go into no record (open bugs
 * {@link #READ_BEFORE_NESTED_CALL} and {@link #COMPONENT_MUTATED}).
 */
final class RecordForms {
  private RecordForms() {}

  /** The salt of the stream of version 14's decisions. */
  static final long SALT = 0x2EC02D5L;

  /** Three programs in four may have record parameters. */
  static final int WITHOUT_ONE_IN = 4;

  private static final double[] LITERALS = {0.5, 1.5, -0.75, 2.0};

  private static final Set<Kind> DIFF = Set.of(Kind.DOUBLE, Kind.ARRAY, Kind.MATRIX);
  private static final Set<Kind> CARRIED = Set.of(Kind.INT, Kind.INDEX);

  /** {@code unit}, maybe with record parameters. */
  static Unit apply(Unit unit, long seed, Set<String> open) {
    SplittableRandom r = new SplittableRandom(seed ^ SALT);
    if (r.nextInt(WITHOUT_ONE_IN) == 0) {
      return unit;
    }
    boolean readBeforeNested = open.contains(READ_BEFORE_NESTED_CALL);
    boolean mutated = open.contains(COMPONENT_MUTATED);
    Callee f = unit.f();
    Set<String> assigned = assigned(f.body());
    if (!readBeforeNested) {
      assigned.addAll(readBeforeNestedCall(f.body()));
    }
    if (!mutated) {
      assigned.addAll(mutated(f.body()));
    }
    List<Param> free = f.params().stream()
        .filter(p -> p.kind() != Kind.RECEIVER && !assigned.contains(p.name())).toList();
    Set<String> used = new HashSet<>();
    List<RecordType> types = new ArrayList<>();
    List<RecordParam> params = new ArrayList<>();

    // A differentiable record, three programs in four: of a helper's kinds (so that it may be
    // passed whole) two times in three where a helper could take it.
    List<Callee> takers = unit.helpers().stream().filter(RecordForms::mayTakeRecords).toList();
    if (free.stream().anyMatch(p -> DIFF.contains(p.kind())) && r.nextInt(4) > 0) {
      List<String> leaves = new ArrayList<>();
      List<Callee> onlyFromF = takers.stream()
          .filter(h -> callers(unit, h.name()).equals(Set.of("f"))).toList();
      if (!onlyFromF.isEmpty() && r.nextInt(3) > 0) {
        Callee h = onlyFromF.get(r.nextInt(onlyFromF.size()));
        Set<String> hAssigned = assigned(h.body());
        if (!readBeforeNested) {
          hAssigned.addAll(readBeforeNestedCall(h.body()));
        }
        if (!mutated) {
          hAssigned.addAll(mutated(h.body()));
        }
        for (Param p : h.params()) {
          if ((DIFF.contains(p.kind()) || CARRIED.contains(p.kind()))
              && !hAssigned.contains(p.name()) && r.nextInt(3) > 0) {
            free.stream().filter(q -> q.kind() == p.kind() && !leaves.contains(q.name()))
                .findFirst().ifPresent(q -> leaves.add(q.name()));
          }
        }
      }
      if (leaves.stream().noneMatch(n -> DIFF.contains(kind(f, n)))) {
        leaves.clear();
        for (Param p : free) {
          if ((p.kind() == Kind.DOUBLE && r.nextInt(2) == 0)
              || ((p.kind() == Kind.ARRAY || p.kind() == Kind.MATRIX) && r.nextInt(5) > 0)
              || (CARRIED.contains(p.kind()) && r.nextInt(3) == 0)) {
            leaves.add(p.name());
          }
        }
        if (leaves.stream().noneMatch(n -> DIFF.contains(kind(f, n)))) {
          List<Param> diff = free.stream().filter(p -> DIFF.contains(p.kind())).toList();
          leaves.add(diff.get(r.nextInt(diff.size())).name());
        }
      }
      List<Component> components = new ArrayList<>();
      for (String leaf : leaves) {
        components.add(new Component(leaf, kind(f, leaf), null));
      }
      if (leaves.size() >= 2 && r.nextInt(3) == 0) {
        // a nested record N0 of a run of the leaves holding a floating one
        int from = r.nextInt(leaves.size());
        int to = from + 1 + r.nextInt(leaves.size() - from);
        if (leaves.subList(from, to).stream().noneMatch(n -> DIFF.contains(kind(f, n)))) {
          from = 0;
          to = leaves.size();
        }
        RecordType nested = new RecordType("N0", List.copyOf(components.subList(from, to)));
        types.add(nested);
        List<Component> outer = new ArrayList<>(components.subList(0, from));
        outer.add(new Component("in0", null, nested));
        outer.addAll(components.subList(to, components.size()));
        components = outer;
      }
      RecordType r0 = new RecordType("R0", List.copyOf(components));
      types.add(r0);
      params.add(new RecordParam("f", "q0", r0, List.copyOf(leaves), false));
      used.addAll(leaves);
    }

    // A @NoDiff data record of da and c, one in two where f has them.
    if (free.stream().anyMatch(p -> !used.contains(p.name())
        && (p.kind() == Kind.DATA || p.kind() == Kind.NODIFF)) && r.nextBoolean()) {
      List<String> leaves = new ArrayList<>();
      for (Param p : free) {
        if (used.contains(p.name())) {
          continue;
        }
        if (p.kind() == Kind.DATA || p.kind() == Kind.NODIFF ? r.nextInt(4) > 0
            : CARRIED.contains(p.kind()) && r.nextInt(3) == 0) {
          leaves.add(p.name());
        }
      }
      if (leaves.stream().noneMatch(n -> kind(f, n) == Kind.DATA || kind(f, n) == Kind.NODIFF)) {
        leaves.add(free.stream().filter(p -> !used.contains(p.name())
            && (p.kind() == Kind.DATA || p.kind() == Kind.NODIFF)).findFirst().orElseThrow()
            .name());
      }
      RecordType d0 = record("D0", f, leaves);
      types.add(d0);
      params.add(new RecordParam("f", "d0", d0, List.copyOf(leaves), true));
      used.addAll(leaves);
    }

    // A record with no floating-point data, one in two where f has discrete parameters left.
    Set<Kind> discrete = Set.of(Kind.INT, Kind.INDEX, Kind.MASK, Kind.LONGS);
    if (free.stream().anyMatch(p -> !used.contains(p.name()) && discrete.contains(p.kind()))
        && r.nextBoolean()) {
      List<String> leaves = new ArrayList<>();
      for (Param p : free) {
        if (!used.contains(p.name()) && discrete.contains(p.kind()) && r.nextInt(3) > 0) {
          leaves.add(p.name());
        }
      }
      if (leaves.isEmpty()) {
        leaves.add(free.stream().filter(p -> !used.contains(p.name())
            && discrete.contains(p.kind())).findFirst().orElseThrow().name());
      }
      RecordType k0 = record("K0", f, leaves);
      types.add(k0);
      params.add(new RecordParam("f", "k0", k0, List.copyOf(leaves), false));
      used.addAll(leaves);
    }
    if (params.isEmpty()) {
      return unit;
    }

    // Helpers that take f's records whole: from the last (whose callers are f and later helpers)
    // to the first, where every caller holds a record of the type and the helper has parameters
    // of its leaves' kinds.
    List<RecordParam> fParams = List.copyOf(params);
    for (int k = unit.helpers().size() - 1; k >= 0; k--) {
      Callee h = unit.helpers().get(k);
      if (!mayTakeRecords(h)) {
        continue;
      }
      Set<String> callers = callers(unit, h.name());
      Set<String> hAssigned = assigned(h.body());
      if (!readBeforeNested) {
        hAssigned.addAll(readBeforeNestedCall(h.body()));
      }
      if (!mutated) {
        hAssigned.addAll(mutated(h.body()));
      }
      Set<String> taken = new HashSet<>();
      for (RecordParam fp : fParams) {
        boolean everyCallerHolds = callers.stream().allMatch(c -> params.stream()
            .anyMatch(p -> p.method().equals(c) && p.type().equals(fp.type())));
        if (!everyCallerHolds || r.nextInt(4) == 0) {
          continue;
        }
        List<String> leaves = new ArrayList<>();
        for (Component c : fp.type().leaves()) {
          h.params().stream().filter(p -> p.kind() == c.kind() && !taken.contains(p.name())
                  && !leaves.contains(p.name()) && !hAssigned.contains(p.name()))
              .findFirst().ifPresent(p -> leaves.add(p.name()));
        }
        if (leaves.size() == fp.type().leaves().size()) {
          params.add(new RecordParam(h.name(), fp.name(), fp.type(), List.copyOf(leaves),
              fp.noDiff()));
          taken.addAll(leaves);
        }
      }
    }

    // A method that holds a record and calls no method that takes it calls one, two times in
    // three where it can: double tr0 = h0(q0, 1.5, 2); first, its final return + tr0.
    Map<String, List<Stmt>> bodies = new HashMap<>();
    List<Callee> methods = new ArrayList<>(unit.helpers());
    methods.add(f);
    for (Callee m : methods) {
      bodies.put(m.name(), m.body());
    }
    for (int k = 0; k < methods.size(); k++) {
      Callee caller = methods.get(k);
      List<RecordParam> held = params.stream().filter(p -> p.method().equals(caller.name()))
          .toList();
      List<Stmt> body = bodies.get(caller.name());
      if (held.isEmpty()) {
        continue;
      }
      for (int j = 0; j < k; j++) {
        Callee callee = methods.get(j);
        List<RecordParam> theirs = params.stream()
            .filter(p -> p.method().equals(callee.name())).toList();
        boolean reachable = !callee.instance() || caller.instance()
            || caller.params().stream().anyMatch(p -> p.kind() == Kind.RECEIVER);
        boolean simple = callee.params().stream().allMatch(p -> theirs.stream()
            .anyMatch(t -> t.leaves().contains(p.name())) || p.kind() == Kind.DOUBLE
            || p.kind() == Kind.NODIFF || p.kind() == Kind.INT || p.kind() != Kind.LONGS);
        boolean holds = theirs.stream().allMatch(t -> held.stream()
            .anyMatch(h -> h.type().equals(t.type())));
        if (theirs.isEmpty() || !reachable || !simple || !holds
            || callers(unit, callee.name()).contains(caller.name()) || r.nextInt(3) == 0) {
          continue;
        }
        List<Object> args = new ArrayList<>();
        List<Stmt> locals = new ArrayList<>();
        for (Param p : callee.params()) {
          // the record's leaves are set below (passRecords); the others literals, and arrays
          // the caller's parameter of the kind, or a local made for the call (zeros: valid
          // indices)
          if (theirs.stream().anyMatch(t -> t.leaves().contains(p.name()))) {
            args.add(null); // set by passRecords
          } else if (p.kind() == Kind.INT) {
            args.add(new Program.IntLit(r.nextInt(3)));
          } else if (p.kind() == Kind.DOUBLE || p.kind() == Kind.NODIFF) {
            args.add(new Program.Num(LITERALS[r.nextInt(LITERALS.length)], false));
          } else if (like(caller, p.kind()) != null) {
            args.add(new ArrayArg(like(caller, p.kind())));
          } else {
            String name = "z" + p.name() + j;
            switch (p.kind()) {
              case ARRAY -> locals.add(new Program.LocalArray(name, false));
              case MATRIX -> locals.add(new Program.LocalArray(name, true));
              case INDEX -> locals.add(new Program.LocalDiscrete(name, false));
              case MASK -> locals.add(new Program.LocalDiscrete(name, true));
              default -> { }
            }
            args.add(new ArrayArg(name));
          }
        }
        String local = "tr" + j;
        Invoke call = new Invoke(callee, args,
            callee.instance() && !caller.instance() ? Program.RECEIVER_PARAM : null);
        List<Stmt> changed = new ArrayList<>(locals);
        changed.add(new Program.Declare(local, call));
        changed.addAll(addToReturns(body, local));
        body = changed;
        bodies.put(caller.name(), body);
      }
    }

    // The calls of helpers that take records pass their callers' leaves there.
    Map<String, Callee> rebuilt = new HashMap<>();
    UnaryOperator<Invoke> calls = i -> {
      Callee callee = i.callee().isRule() ? i.callee()
          : rebuilt.getOrDefault(i.callee().name(), i.callee());
      return new Invoke(callee, i.args(), i.target());
    };
    List<Callee> helpers = new ArrayList<>();
    for (Callee h : unit.helpers()) {
      Callee copy = h.withBody(Rewriter.stmts(bodies.get(h.name()),
          passRecords(h.name(), params, calls)));
      rebuilt.put(h.name(), copy);
      helpers.add(copy);
    }
    Callee newF = f.withBody(Rewriter.stmts(bodies.get("f"), passRecords("f", params, calls)));
    return new Unit(unit.className(), helpers, newF, unit.exact(), unit.fields(), unit.record(),
        List.copyOf(types), List.copyOf(params));
  }

  /** {@code body} with every {@code return e;} made {@code return (e + local);}. */
  private static List<Stmt> addToReturns(List<Stmt> body, String local) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : body) {
      if (s instanceof Program.Return ret) {
        out.add(new Program.Return(new Program.Binary('+', ret.value(), new Read(local))));
      } else if (s instanceof Program.If i) {
        out.add(new Program.If(i.condition(), addToReturns(i.then(), local),
            addToReturns(i.otherwise(), local)));
      } else if (s instanceof Program.Loop l) {
        out.add(new Program.Loop(l.kind(), l.index(), l.bound(), l.stop(),
            addToReturns(l.body(), local)));
      } else if (s instanceof Program.ForEach fe) {
        out.add(new Program.ForEach(fe.kind(), fe.var(), fe.array(), fe.row(),
            addToReturns(fe.body(), local)));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * A parameter of {@code caller} that may be passed to a parameter of kind {@code kind}
   * (arrays: one of that kind, or data for a {@code double[]}), or null.
   */
  private static String like(Callee caller, Kind kind) {
    for (Param p : caller.params()) {
      if (p.kind() == kind || (kind == Kind.ARRAY && p.kind() == Kind.DATA)) {
        return p.kind() == Kind.DOUBLE || p.kind() == Kind.NODIFF || p.kind() == Kind.INT
            || p.kind() == Kind.RECEIVER ? null : p.name();
      }
    }
    return null;
  }

  /** A record of {@code f}'s parameters {@code leaves}, named after them. */
  private static RecordType record(String name, Callee f, List<String> leaves) {
    List<Component> components = new ArrayList<>();
    for (String leaf : leaves) {
      components.add(new Component(leaf, kind(f, leaf), null));
    }
    return new RecordType(name, List.copyOf(components));
  }

  /** Whether a helper may take a record: it returns double and is not recursive. */
  private static boolean mayTakeRecords(Callee h) {
    return !h.returnsArray() && !h.writesOut() && !h.returnsMatrix()
        && !h.name().equals(Generator.RECURSIVE)
        && !h.name().equals(Generator.RECURSIVE_ARRAY)
        // version 17's helpers called in loops keep their array parameters (rows are passed)
        && !h.name().startsWith(Generator.LOOP_HELPER);
  }

  private static Kind kind(Callee m, String name) {
    return m.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
        .kind();
  }

  /**
   * In method {@code caller}, a call of a method that takes a record: the arguments at its leaves
   * made the caller's leaves of that record type; then {@code then} (which points it at the
   * rebuilt callee).
   */
  private static UnaryOperator<Invoke> passRecords(String caller, List<RecordParam> params,
      UnaryOperator<Invoke> then) {
    return i -> {
      if (i.callee().isRule()) {
        return then.apply(i);
      }
      List<Object> args = new ArrayList<>(i.args());
      List<Param> calleeParams = i.callee().params();
      for (RecordParam theirs : params) {
        if (!theirs.method().equals(i.callee().name())) {
          continue;
        }
        RecordParam mine = params.stream()
            .filter(p -> p.method().equals(caller) && p.type().equals(theirs.type()))
            .findFirst().orElse(null);
        if (mine == null) {
          continue; // (not generated: every caller holds one)
        }
        for (int l = 0; l < theirs.leaves().size(); l++) {
          for (int j = 0; j < calleeParams.size(); j++) {
            if (calleeParams.get(j).name().equals(theirs.leaves().get(l))) {
              String leaf = mine.leaves().get(l);
              args.set(j, switch (calleeParams.get(j).kind()) {
                case DOUBLE, NODIFF -> new Read(leaf);
                case INT -> new IntRead(leaf);
                default -> new ArrayArg(leaf);
              });
            }
          }
        }
      }
      return then.apply(new Invoke(i.callee(), args, i.target()));
    };
  }

  /** The methods (f and helpers, by name) whose bodies call {@code name}. */
  private static Set<String> callers(Unit unit, String name) {
    Set<String> out = new HashSet<>();
    List<Callee> methods = new ArrayList<>(unit.helpers());
    methods.add(unit.f());
    for (Callee m : methods) {
      boolean[] found = {false};
      Rewriter.stmts(m.body(), i -> {
        if (!i.callee().isRule() && i.callee().name().equals(name)) {
          found[0] = true;
        }
        return i;
      });
      if (found[0]) {
        out.add(m.name());
      }
    }
    return out;
  }

  /**
   * The open processor bug (Generator.OPEN_BUGS) {@code recordReadBeforeNestedCall}: the processor
   * counts a record's accessor ({@code q0.x0()}) as an effect, so a {@code double[]} call nested as
   * an argument after one in its statement ({@code h0(q0.x0(), h0(ya, 0.1))}) is not hoisted and
   * the valid program is rejected ([AdjointUnsupportedConstruct] "Using the array that h0 returns
   * inside an expression"). Unless it is open, no parameter named in a statement with a nested
   * call goes into a record.
   */
  static final String READ_BEFORE_NESTED_CALL = "recordReadBeforeNestedCall";

  /** The names in the statements (heads of ifs and loops) that hold a nested array call. */
  static Set<String> readBeforeNestedCall(List<Stmt> body) {
    Set<String> out = new HashSet<>();
    for (Stmt s : body) {
      Stmt head = s;
      List<List<Stmt>> inner = List.of();
      if (s instanceof Program.If i) {
        head = new Program.If(i.condition(), List.of(), List.of());
        inner = List.of(i.then(), i.otherwise());
      } else if (s instanceof Program.Loop l) {
        head = new Program.Loop(l.kind(), l.index(), l.bound(), l.stop(), List.of());
        inner = List.of(l.body());
      } else if (s instanceof Program.ForEach fe) {
        head = new Program.ForEach(fe.kind(), fe.var(), fe.array(), fe.row(), List.of());
        inner = List.of(fe.body());
      }
      boolean[] nested = {false};
      Rewriter.stmts(List.of(head), i -> {
        nested[0] |= i.args().stream().anyMatch(a -> a instanceof Program.NestedArg);
        return i;
      });
      if (nested[0]) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z_0-9]*")
            .matcher(Program.renderStatement(head));
        while (m.find()) {
          out.add(m.group());
        }
      }
      for (List<Stmt> b : inner) {
        out.addAll(readBeforeNestedCall(b));
      }
    }
    return out;
  }

  /**
   * The open processor bug (Generator.OPEN_BUGS) {@code recordComponentMutated}: an array
   * component of a {@code @NoDiff} record or of a record with no floating-point data, given to an
   * unannotated call that changes it ({@code java.util.Arrays.sort(d0.da())}, {@code
   * Rules.flip(..)}, {@code sort(k0.ix())}) after the body read it: the reverse sweep reads the
   * changed array (a parameter array is copied where the sweep needs it as it was; a record's
   * component is not), a silent wrong gradient. Unless it is open, no parameter an unannotated
   * call changes goes into a record.
   */
  static final String COMPONENT_MUTATED = "recordComponentMutated";

  /** The arrays a body gives to unannotated calls that change them ({@code sort}, {@code flip}). */
  static Set<String> mutated(List<Stmt> body) {
    Set<String> out = new HashSet<>();
    for (Stmt s : body) {
      if (s instanceof Program.Mutate m) {
        out.add(m.array());
      } else if (s instanceof Program.If i) {
        out.addAll(mutated(i.then()));
        out.addAll(mutated(i.otherwise()));
      } else if (s instanceof Program.Loop l) {
        out.addAll(mutated(l.body()));
      } else if (s instanceof Program.ForEach fe) {
        out.addAll(mutated(fe.body()));
      }
    }
    return out;
  }

  /** The names a body assigns ({@code x = e}, {@code x += e}, {@code x++}). */
  static Set<String> assigned(List<Stmt> body) {
    Set<String> out = new HashSet<>();
    for (Stmt s : body) {
      if (s instanceof Program.Assign a) {
        out.add(a.name());
      } else if (s instanceof Program.OutCall c && c.target() != null
          && !c.op().equals("double")) {
        out.add(c.target());
      } else if (s instanceof Program.Step st) {
        out.add(st.name());
      } else if (s instanceof Program.If i) {
        out.addAll(assigned(i.then()));
        out.addAll(assigned(i.otherwise()));
      } else if (s instanceof Program.Loop l) {
        out.addAll(assigned(l.body()));
      } else if (s instanceof Program.ForEach fe) {
        out.addAll(assigned(fe.body()));
      }
    }
    return out;
  }

  /** Rebuilds a body with every call (nested ones too) mapped. */
  static final class Rewriter {
    private Rewriter() {}

    static List<Stmt> stmts(List<Stmt> in, UnaryOperator<Invoke> calls) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt s : in) {
        out.add(stmt(s, calls));
      }
      return out;
    }

    private static Stmt stmt(Stmt s, UnaryOperator<Invoke> calls) {
      if (s instanceof Program.Declare d) {
        return new Program.Declare(d.name(), expr(d.init(), calls));
      } else if (s instanceof Program.Assign a) {
        return new Program.Assign(a.name(), a.op(), expr(a.value(), calls));
      } else if (s instanceof Program.If i) {
        return new Program.If(cond(i.condition(), calls), stmts(i.then(), calls),
            stmts(i.otherwise(), calls));
      } else if (s instanceof Program.Return r) {
        return new Program.Return(expr(r.value(), calls));
      } else if (s instanceof Program.Loop l) {
        return new Program.Loop(l.kind(), l.index(), l.bound(),
            l.stop() == null ? null : cond(l.stop(), calls), stmts(l.body(), calls));
      } else if (s instanceof Program.ElementAssign a) {
        return new Program.ElementAssign(expr(a.target(), calls), a.op(),
            expr(a.value(), calls));
      } else if (s instanceof Program.ArrayCall c) {
        return new Program.ArrayCall(c.name(), expr(c.call(), calls));
      } else if (s instanceof Program.ElementStep st) {
        return new Program.ElementStep(expr(st.target(), calls), st.up(), st.prefix());
      } else if (s instanceof Program.Box b) {
        return new Program.Box(b.type(), b.name(), expr(b.init(), calls));
      } else if (s instanceof Program.MaskAssign m) {
        return new Program.MaskAssign(m.target(), cond(m.value(), calls));
      } else if (s instanceof Program.ForEach fe) {
        return new Program.ForEach(fe.kind(), fe.var(), fe.array(), fe.row(),
            stmts(fe.body(), calls));
      } else if (s instanceof Program.ReturnCall r) {
        return new Program.ReturnCall(invoke(r.call(), calls));
      } else if (s instanceof Program.OutCall c) {
        return new Program.OutCall(c.target(), c.op(), invoke(c.call(), calls));
      } else if (s instanceof Program.MatrixCall c) {
        return new Program.MatrixCall(c.name(), invoke(c.call(), calls));
      }
      return s;
    }

    private static Cond cond(Cond c, UnaryOperator<Invoke> calls) {
      if (c instanceof Program.Compare cmp) {
        return new Program.Compare(cmp.op(), expr(cmp.left(), calls), expr(cmp.right(), calls));
      } else if (c instanceof Program.Logic l) {
        return new Program.Logic(l.op(), cond(l.left(), calls), cond(l.right(), calls));
      } else if (c instanceof Program.Not n) {
        return new Program.Not(cond(n.operand(), calls));
      } else if (c instanceof Program.BoxCompare b) {
        return new Program.BoxCompare(b.op(), b.box(), expr(b.right(), calls));
      }
      return c;
    }

    private static Expr expr(Expr e, UnaryOperator<Invoke> calls) {
      if (e instanceof Program.Neg n) {
        return new Program.Neg(expr(n.operand(), calls));
      } else if (e instanceof Program.Binary b) {
        return new Program.Binary(b.op(), expr(b.left(), calls), expr(b.right(), calls));
      } else if (e instanceof Program.MathCall m) {
        List<Expr> args = new ArrayList<>();
        for (Expr a : m.args()) {
          args.add(expr(a, calls));
        }
        return new Program.MathCall(m.function(), args);
      } else if (e instanceof Program.Ternary t) {
        return new Program.Ternary(cond(t.condition(), calls), expr(t.whenTrue(), calls),
            expr(t.whenFalse(), calls));
      } else if (e instanceof Program.Stop s) {
        return new Program.Stop(expr(s.operand(), calls));
      } else if (e instanceof Invoke i) {
        return invoke(i, calls);
      } else if (e instanceof Program.Recurse r) {
        return new Program.Recurse(r.name(), args(r.args(), calls), r.viaThis());
      }
      return e;
    }

    private static List<Object> args(List<Object> in, UnaryOperator<Invoke> calls) {
      List<Object> out = new ArrayList<>();
      for (Object a : in) {
        out.add(a instanceof Expr x ? expr(x, calls)
            : a instanceof Program.NestedArg n ? new Program.NestedArg(invoke(n.call(), calls))
            : a);
      }
      return out;
    }

    private static Invoke invoke(Invoke i, UnaryOperator<Invoke> calls) {
      return calls.apply(new Invoke(i.callee(), args(i.args(), calls), i.target()));
    }
  }
}

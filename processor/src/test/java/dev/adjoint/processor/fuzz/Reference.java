package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.Program.Assign;
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
import dev.adjoint.processor.fuzz.Program.Step;
import dev.adjoint.processor.fuzz.Program.Stmt;
import dev.adjoint.processor.fuzz.Program.Stop;
import dev.adjoint.processor.fuzz.Program.Ternary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fuzzer's oracle: an operator-overloading reverse-mode interpreter of the {@link Program}
 * tree, written independently of the processor (no IR, no generated code). Each operation
 * records its local partials on a tape; the reverse sweep accumulates adjoints. A second sweep
 * over the same tape with absolute values gives, per input, the sum of the magnitudes of every
 * term that went into its gradient: the scale against which a rounding difference is judged, so
 * that cancellation in a long chain is not mistaken for a wrong derivative.
 *
 * <p>Conventions at kinks follow docs/diagnostics.md: {@code abs'(0) = 0}, {@code min}/{@code
 * max} ties split the cotangent evenly, {@code pow(x, 0)} has x-derivative 0, {@code pow(0, y)}
 * has y-derivative 0, {@code hypot(0, 0)} has gradient 0; floor, ceil, rint and signum are
 * constants. The path string records every branch taken and every side of a kink, so central
 * differences are only trusted between points on the same path.
 *
 * <p>It is a forward-mode interpreter too ({@link #evaluateDual}): every value is a dual number
 * that carries its tangent along a direction, computed as the value is, from the same local
 * partials and the same conventions (no reverse sweep). A tangent that is zero contributes
 * exactly 0, also through an infinite or NaN partial ({@code cbrt'(0)}, {@code atan2} at the
 * origin), as {@code Partials.SINGULAR} makes it in generated code. A custom rule's tangent is
 * its own: a {@code @CustomVjp} rule's pullback of 1 dotted with its arguments' tangents, a
 * {@code @CustomJvp} twin's {@code @Jvp} math ({@link Rules.Rule#tangent}).
 */
final class Reference {
  /**
   * Value, gradient and error scale per differentiable parameter of {@code f}, and the path.
   * {@code extreme} when some intermediate value or partial passed 1e150 in magnitude or came
   * within 1e-150 of zero without being zero: there, rounding and underflow decide the gradient
   * more than the program does, so it is no test of the transformer.
   */
  record Result(double value, double[] gradient, double[] scale, String path, boolean extreme,
      String trace) {}

  /** As {@link Result}, for a method that returns {@code double[]}: its value's elements. */
  record ArrayResult(double[] values, double[] gradient, double[] scale, String path,
      boolean extreme, String trace) {}

  /**
   * Forward mode ({@link #evaluateDual}): the value, its tangent along the direction, and the
   * scale of the tangent, the sum of the magnitudes of every term that went into it (a term's
   * magnitude: the direction's entry times the magnitudes of the partials on its way). {@code
   * extreme} when some value or some nonzero tangent term passed 1e150 in magnitude or came
   * within 1e-150 of zero without being zero (a partial alone does not count: through a zero
   * tangent it contributes nothing). {@code singular} when a zero tangent met an infinite or NaN
   * partial (and contributed 0). {@code phaseRate}: the largest magnitude of the tangent of an
   * argument of {@code sin}, {@code cos} or {@code tan}, how fast the phase of a periodic function
   * moves along the direction (central differences with a step h mean nothing once phaseRate * h
   * is not small: they average the oscillation out). {@code phaseRounding}: the largest {@code
   * ulp(argument) / |tangent|} over the same arguments, the step below which the rounding of a
   * large argument (not the direction) moves the phase: differences with a step h are noise
   * unless h is far above it. {@code constantOverflow}: an operation on
   * values without tangent here gave a value past 1e150 or not finite (see {@link
   * #constantOverflow}).
   */
  record Dual(double value, double tangent, double scale, boolean extreme, boolean singular,
      String trace, double phaseRate, double phaseRounding, boolean constantOverflow) {}

  /** As {@link Dual}, for a method that returns {@code double[]}: per element of its value. */
  record ArrayDual(double[] values, double[] tangents, double[] scales, boolean extreme,
      boolean constantOverflow) {}

  /**
   * A value and its tape node, or -1 for a constant; and, as a dual number, its tangent {@code t}
   * along the direction of {@link #evaluateDual} (0 elsewhere, and always 0 for a constant) with
   * the sum of its terms' magnitudes {@code m}.
   */
  private record Val(double v, int node, double t, double m) {
    Val(double v, int node) {
      this(v, node, 0, 0);
    }
  }

  /**
   * A tape entry: its parents with their partials, or a custom rule's pullback. A rule that
   * returns an array has one node per element after its own ({@code outputs}), without parents:
   * when the sweep reaches the rule's node, their adjoints are complete.
   */
  private record Node(int[] parents, double[] partials, Rules.Rule rule, double[] ruleArgs,
      int[] outputs) {
    Node(int[] parents, double[] partials, Rules.Rule rule, double[] ruleArgs) {
      this(parents, partials, rule, ruleArgs, null);
    }
  }

  private static final int[] NO_PARENTS = {};
  private static final double[] NO_PARTIALS = {};

  private final List<Node> tape = new ArrayList<>();
  private final StringBuilder path = new StringBuilder();
  private boolean extreme;
  /** As {@link #extreme}, for forward mode: values and nonzero tangent terms (see {@link Dual}). */
  private boolean tangentExtreme;
  /** Whether a zero tangent met an infinite or NaN partial (see {@link Dual}). */
  private boolean singular;
  /**
   * What the unannotated methods with effects in {@code fuzz.Rules} log, in order: {@code i} per
   * {@code next}, {@code f} per {@code level}, {@code s} per {@code flip}, {@code [text]} per
   * {@code log}; and their shared call counter.
   */
  private final StringBuilder trace = new StringBuilder();
  private int calls;
  /**
   * The fields of the receiver (version 12; int fields as doubles): constants, as the design
   * makes them. Every instance method of a program runs on the one receiver.
   */
  private Map<String, Double> fields = Map.of();
  /** The methods being run, innermost first: a recursive call runs the innermost again. */
  private final java.util.ArrayDeque<Callee> running = new java.util.ArrayDeque<>();

  private Reference() {}

  private Reference(Map<String, Double> fields) {
    this.fields = fields;
  }

  /**
   * Evaluates {@code f} at the flattened point {@code flat} (every parameter in order: a scalar
   * takes one slot, ints as doubles; an array {@link Program#LENGTH} slots) and pulls {@code
   * cotangent} back to its differentiable parameters, flattened the same way.
   */
  static Result evaluate(Callee f, double[] flat, double cotangent) {
    return evaluate(f, Map.of(), flat, cotangent, false);
  }

  /** As above, for an instance method whose receiver's fields have the values {@code fields}. */
  static Result evaluate(Callee f, Map<String, Double> fields, double[] flat, double cotangent) {
    return evaluate(f, fields, flat, cotangent, false);
  }

  /**
   * {@link #evaluate(Callee, double[], double)} with every rule's pullback linearised: a rule's
   * cotangent {@code g} pulls back as {@code g} times its pullback of 1 (per output element, for
   * a rule that returns an array). That is what a JVP through a rule computes (one pullback per
   * output); for a rule whose pullback is linear, as a derivative's is, nothing changes.
   */
  static Result evaluateLinearised(Callee f, Map<String, Double> fields, double[] flat) {
    return evaluate(f, fields, flat, 1.0, true);
  }

  private static Result evaluate(Callee f, Map<String, Double> fields, double[] flat,
      double cotangent, boolean linearised) {
    Reference r = new Reference(fields);
    r.linearised = linearised;
    List<Integer> inputs = new ArrayList<>();
    Env env = r.bind(f, flat, inputs, null);
    Val out = r.run(f, env);
    double[] adjoint = r.sweep(new int[] {out.node()}, new double[] {cotangent}, false);
    double[] magnitude =
        r.sweep(new int[] {out.node()}, new double[] {Math.abs(cotangent)}, true);
    double[] gradient = new double[inputs.size()];
    double[] scale = new double[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      gradient[i] = adjoint[inputs.get(i)];
      scale[i] = magnitude[inputs.get(i)];
    }
    return new Result(out.v(), gradient, scale, r.path.toString(), r.extreme, r.trace.toString());
  }

  /**
   * Evaluates a {@code double[]} helper {@code h} at {@code flat} (flattened as for {@link
   * #evaluate(Callee, double[], double)}) and pulls the cotangent array {@code cotangent} (one
   * entry per element of its value) back to its differentiable parameters.
   */
  static ArrayResult evaluateArray(Callee h, Map<String, Double> fields, double[] flat,
      double[] cotangent) {
    Reference r = new Reference(fields);
    List<Integer> inputs = new ArrayList<>();
    Env env = r.bind(h, flat, inputs, null);
    Flow result = r.execMethod(h, env);
    if (result == null || result.returnedArray() == null) {
      throw new IllegalStateException("a double[] body completed without returning an array");
    }
    Val[] out = result.returnedArray();
    int[] nodes = new int[out.length];
    double[] values = new double[out.length];
    double[] magnitudes = new double[out.length];
    for (int k = 0; k < out.length; k++) {
      nodes[k] = out[k].node();
      values[k] = out[k].v();
      magnitudes[k] = Math.abs(cotangent[k]);
    }
    double[] adjoint = r.sweep(nodes, cotangent, false);
    double[] magnitude = r.sweep(nodes, magnitudes, true);
    double[] gradient = new double[inputs.size()];
    double[] scale = new double[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      gradient[i] = adjoint[inputs.get(i)];
      scale[i] = magnitude[inputs.get(i)];
    }
    return new ArrayResult(values, gradient, scale, r.path.toString(), r.extreme,
        r.trace.toString());
  }

  /**
   * Forward mode: evaluates {@code f} at {@code flat} (flattened as for {@link
   * #evaluate(Callee, double[], double)}) with dual numbers, its differentiable inputs carrying
   * the tangents {@code direction} (one per differentiable slot, in order).
   */
  static Dual evaluateDual(Callee f, Map<String, Double> fields, double[] flat,
      double[] direction) {
    Reference r = new Reference(fields);
    Env env = r.bind(f, flat, new ArrayList<>(), direction);
    Val out = r.run(f, env);
    return new Dual(out.v(), out.t(), out.m(), r.tangentExtreme, r.singular,
        r.trace.toString(), r.phaseRate, r.phaseRounding, r.constantOverflow);
  }

  /** {@link #evaluateDual} of a {@code double[]} helper: a tangent per element of its value. */
  static ArrayDual evaluateArrayDual(Callee h, Map<String, Double> fields, double[] flat,
      double[] direction) {
    Reference r = new Reference(fields);
    Env env = r.bind(h, flat, new ArrayList<>(), direction);
    Flow result = r.execMethod(h, env);
    if (result == null || result.returnedArray() == null) {
      throw new IllegalStateException("a double[] body completed without returning an array");
    }
    Val[] out = result.returnedArray();
    double[] values = new double[out.length];
    double[] tangents = new double[out.length];
    double[] scales = new double[out.length];
    for (int k = 0; k < out.length; k++) {
      values[k] = out[k].v();
      tangents[k] = out[k].t();
      scales[k] = out[k].m();
    }
    return new ArrayDual(values, tangents, scales, r.tangentExtreme, r.constantOverflow);
  }

  /**
   * The environment of {@code f}'s parameters at {@code flat}; its input nodes in {@code inputs},
   * which carry the tangents {@code direction} (null: none).
   */
  private Env bind(Callee f, double[] flat, List<Integer> inputs, double[] direction) {
    Reference r = this;
    Env env = new Env();
    int at = 0;
    for (Param p : f.params()) {
      switch (p.kind()) {
        case DOUBLE:
          Val input = r.input(flat[at], direction, inputs.size());
          inputs.add(input.node());
          env.doubles.put(p.name(), input);
          break;
        case NODIFF:
          env.doubles.put(p.name(), new Val(flat[at], -1));
          break;
        case INT:
          env.ints.put(p.name(), (int) flat[at]);
          break;
        case RECEIVER:
          break; // its fields are the receiver's (every object of a program has the same)
        case INDEX:
        case LONGS:
        case MASK:
          // int[], long[] (values in range, so ints) and boolean[] (0 or 1): no tangent
          int[] values = new int[p.kind().width()];
          for (int k = 0; k < values.length; k++) {
            values[k] = (int) flat[at + k];
          }
          env.discrete.put(p.name(), values);
          break;
        case ARRAY:
        case DATA:
        case MATRIX:
          // A matrix is kept flat, row by row: element [r][c] at r * COLUMNS + c.
          Val[] elements = new Val[p.kind().width()];
          for (int k = 0; k < elements.length; k++) {
            if (p.kind() != Program.Kind.DATA) {
              elements[k] = r.input(flat[at + k], direction, inputs.size());
              inputs.add(elements[k].node());
            } else {
              elements[k] = new Val(flat[at + k], -1);
            }
          }
          env.arrays.put(p.name(), elements);
          if (p.kind() == Program.Kind.MATRIX) {
            env.matrices.add(p.name());
          }
          break;
      }
      at += p.kind().width();
    }
    return env;
  }

  /** See {@link #evaluateLinearised}. */
  private boolean linearised;

  /** A rule's pullback of {@code g}, or its linearisation (see {@link #evaluateLinearised}). */
  private double[] pull(Rules.Rule rule, double[] args, double[] g) {
    if (!linearised) {
      return rule.pullback(args, g);
    }
    double[] sum = null;
    for (int k = 0; k < g.length; k++) {
      double[] unit = new double[g.length];
      unit[k] = 1.0;
      double[] one = rule.pullback(args, unit);
      if (sum == null) {
        sum = new double[one.length];
      }
      for (int j = 0; j < one.length; j++) {
        sum[j] += g[k] * one[j];
      }
    }
    return sum;
  }

  private double[] pull(Rules.Rule rule, double[] args, double g) {
    if (!linearised) {
      return rule.pullback(args, g);
    }
    double[] one = rule.pullback(args, 1.0);
    double[] out = new double[one.length];
    for (int j = 0; j < one.length; j++) {
      out[j] = g * one[j];
    }
    return out;
  }

  /** Adjoints of every tape node, given the seeds of the result's nodes (repeats add up). */
  private double[] sweep(int[] out, double[] seeds, boolean absolute) {
    // A constant result still sweeps the tape, with zero cotangents: executed operations count,
    // as in generated code (0 times a NaN partial is NaN there too; 0 times an infinite one, 0).
    double[] adj = new double[tape.size()];
    for (int k = 0; k < out.length; k++) {
      if (out[k] >= 0) {
        adj[out[k]] += seeds[k];
      }
    }
    for (int i = tape.size() - 1; i >= 0; i--) {
      Node n = tape.get(i);
      double a = adj[i];
      if (n.rule() != null && n.outputs() != null) {
        double[] g = new double[n.outputs().length];
        for (int k = 0; k < g.length; k++) {
          g[k] = adj[n.outputs()[k]];
        }
        if (!absolute) {
          double[] contributions = pull(n.rule(), n.ruleArgs(), g);
          for (int k = 0; k < n.parents().length; k++) {
            if (n.parents()[k] >= 0) {
              adj[n.parents()[k]] += contributions[k];
            }
          }
          continue;
        }
        // The magnitudes of the terms, also those that cancel inside the rule's pullback.
        double[] magnitudes = n.rule().pullbackMagnitudes(n.ruleArgs(), g);
        for (int j = 0; j < n.parents().length; j++) {
          if (n.parents()[j] >= 0) {
            adj[n.parents()[j]] += magnitude(magnitudes[j]);
          }
        }
        continue;
      }
      if (n.rule() != null) {
        double[] contributions = absolute ? n.rule().pullback(n.ruleArgs(), a)
            : pull(n.rule(), n.ruleArgs(), a);
        for (int k = 0; k < n.parents().length; k++) {
          if (n.parents()[k] >= 0) {
            adj[n.parents()[k]] +=
                absolute ? magnitude(Math.abs(contributions[k])) : contributions[k];
          }
        }
        continue;
      }
      for (int k = 0; k < n.parents().length; k++) {
        double partial = absolute ? Math.abs(n.partials()[k]) : n.partials()[k];
        // A zero cotangent through an infinite derivative at a finite value (sqrt at 0)
        // contributes 0, in generated code too (Partials.SINGULAR); through a NaN one (a NaN
        // operand of a product the result does not use), NaN, in generated code too.
        // The magnitudes (absolute): a zero partial drops the terms behind it, also where their
        // magnitude overflowed (infinity times 0 gave a NaN scale: soak run seed 30002, program
        // -5473194200019257840).
        adj[n.parents()[k]] += a == 0 && Double.isInfinite(partial) || absolute && partial == 0
            ? 0 : a * partial;
      }
    }
    return adj;
  }

  // ---------------------------------------------------------------- statements

  private static final class Env {
    final Map<String, Val> doubles = new HashMap<>();
    final Map<String, Integer> ints = new HashMap<>();
    /** Arrays are shared, not copied, between a block and the blocks inside it, as in Java. */
    final Map<String, Val[]> arrays = new HashMap<>();
    /** The names in {@link #arrays} that hold matrices (flat, row by row). */
    final java.util.Set<String> matrices = new java.util.HashSet<>();
    /** Boxes ({@code Double}, {@code Object} or {@code Number} locals): their values. */
    final Map<String, Double> boxes = new HashMap<>();
    /**
     * Discrete arrays, shared as {@link #arrays} are: {@code int[]}, {@code long[]} (values in
     * range, kept as ints), {@code boolean[]} (0 or 1).
     */
    final Map<String, int[]> discrete = new HashMap<>();
    /**
     * The variables of {@code for (double[] r : m)}: {@code arrays} maps each to its matrix (kept
     * flat), and this to where its row starts, so {@code r[j]} is {@code m[k][j]}.
     */
    final Map<String, Integer> rowOffsets = new HashMap<>();
    /** {@code java.util.Random} locals (version 12): the objects themselves, as in Java. */
    final Map<String, java.util.Random> randoms = new HashMap<>();

    /** A block's environment inside this one: its own doubles, the same arrays. */
    Env inner() {
      Env inner = new Env();
      inner.randoms.putAll(randoms);
      inner.doubles.putAll(doubles);
      inner.ints.putAll(ints);
      inner.arrays.putAll(arrays);
      inner.matrices.addAll(matrices);
      inner.boxes.putAll(boxes);
      inner.discrete.putAll(discrete);
      inner.rowOffsets.putAll(rowOffsets);
      return inner;
    }
  }

  /**
   * How statements completed: normally (null), by break or continue, or by return (of a double,
   * or of an array: the array itself, as Java returns it).
   */
  private record Flow(boolean isBreak, boolean isContinue, Val returned, Val[] returnedArray) {
    static final Flow BREAK = new Flow(true, false, null, null);
    static final Flow CONTINUE = new Flow(false, true, null, null);

    Flow(boolean isBreak, boolean isContinue, Val returned) {
      this(isBreak, isContinue, returned, null);
    }

    boolean returns() {
      return returned != null || returnedArray != null;
    }
  }

  /**
   * Where {@link #fields} holds what a read of {@code name} in {@code form} gives: the field,
   * or, for an accessor call ({@code f()}, {@code this.f()}, {@code o.f()}), {@code "f()"}, what
   * the record's accessor returns.
   */
  private static String fieldKey(String name, int form) {
    return form == 2 || form == 3 || form == 5 ? name + "()" : name;
  }

  /** Runs a method's body; its return value. */
  private Val run(Callee method, Env env) {
    Flow result = execMethod(method, env);
    if (result == null || result.returned() == null) {
      throw new IllegalStateException("body completed without a return");
    }
    return result.returned();
  }

  /** Runs a method's body (a recursive call inside it runs it again); how it completed. */
  private Flow execMethod(Callee method, Env env) {
    running.push(method);
    try {
      return exec(method.body(), env);
    } finally {
      running.pop();
    }
  }

  /** Runs statements; how they completed, or null if normally. */
  private Flow exec(List<Stmt> stmts, Env env) {
    for (Stmt s : stmts) {
      if (s instanceof Declare d) {
        env.doubles.put(d.name(), eval(d.init(), env));
      } else if (s instanceof Assign a) {
        Val value = eval(a.value(), env);
        Val old = env.doubles.get(a.name());
        env.doubles.put(a.name(), switch (a.op()) {
          case "=" -> value;
          case "+=" -> binary('+', old, value);
          case "-=" -> binary('-', old, value);
          case "*=" -> binary('*', old, value);
          case "/=" -> binary('/', old, value);
          default -> throw new AssertionError(a.op());
        });
      } else if (s instanceof Step st) {
        Val old = env.doubles.get(st.name());
        env.doubles.put(st.name(), binary(st.up() ? '+' : '-', old, new Val(1, -1)));
      } else if (s instanceof If i) {
        boolean taken = test(i.condition(), env);
        path.append(taken ? 'T' : 'F');
        // Locals declared in a branch end with it; assignments to outer variables persist.
        Env inner = env.inner();
        Flow result = exec(taken ? i.then() : i.otherwise(), inner);
        for (String name : env.doubles.keySet()) {
          env.doubles.put(name, inner.doubles.get(name));
        }
        if (result != null) {
          return result;
        }
      } else if (s instanceof Return r) {
        return new Flow(false, false, eval(r.value(), env));
      } else if (s instanceof Program.ReturnArray r) {
        return new Flow(false, false, null, env.arrays.get(r.array()));
      } else if (s instanceof Program.ReturnCall r) {
        return new Flow(false, false, null, invokeArray(r.call(), env));
      } else if (s instanceof Program.MatrixCall c) {
        // a double[][] helper's matrix (version 16), kept flat, row by row, as matrices are here
        env.arrays.put(c.name(), (Val[]) call(c.call(), env));
        env.matrices.add(c.name());
      } else if (s instanceof Program.OutCall c) {
        Val value = outCall(c.call(), env);
        if (c.target() != null) {
          env.doubles.put(c.target(), c.op().equals("double") ? value
              : compound(c.op(), env.doubles.get(c.target()), value));
        }
      } else if (s instanceof Program.TripArray a) {
        // a new array each time it runs (each trip), as in Java
        if (a.type() == 2) {
          env.discrete.put(a.name(), new int[Program.LENGTH]);
        } else {
          int length = a.type() == 1 ? Program.ROWS * Program.COLUMNS
              : a.length() == null ? Program.LENGTH : evalInt(a.length(), env);
          Val[] zeros = new Val[length];
          java.util.Arrays.fill(zeros, new Val(0.0, -1));
          env.arrays.put(a.name(), zeros);
          if (a.type() == 1) {
            env.matrices.add(a.name());
          }
        }
      } else if (s instanceof Program.ArrayCall c) {
        env.arrays.put(c.name(), c.call() instanceof Program.Recurse r
            ? (Val[]) call(running.peek(), r.args(), env) : invokeArray((Invoke) c.call(), env));
      } else if (s instanceof Program.LocalArray a) {
        Val[] zeros = new Val[a.matrix() ? Program.ROWS * Program.COLUMNS : Program.LENGTH];
        java.util.Arrays.fill(zeros, new Val(0.0, -1));
        if (a.init() != null) {
          // An initializer: its elements in order, left to right, row by row (JLS 15.10.1).
          for (int k = 0; k < zeros.length; k++) {
            zeros[k] = eval(a.init().get(k), env);
          }
        }
        env.arrays.put(a.name(), zeros);
        if (a.matrix()) {
          env.matrices.add(a.name());
        }
      } else if (s instanceof Program.ElementAssign a) {
        Val[] array = env.arrays.get(a.target() instanceof Program.Element el ? el.array()
            : ((Program.MatrixElement) a.target()).matrix());
        int index = a.target() instanceof Program.Element el ? index(el, env)
            : index((Program.MatrixElement) a.target(), env);
        Val value = eval(a.value(), env);
        Val old = array[index];
        array[index] = switch (a.op()) {
          case "=" -> value;
          case "+=" -> binary('+', old, value);
          case "-=" -> binary('-', old, value);
          case "*=" -> binary('*', old, value);
          default -> throw new AssertionError(a.op());
        };
      } else if (s instanceof Program.ElementStep st) {
        // Java evaluates the array and the index once, then reads, adds and writes the element.
        Val[] array = env.arrays.get(st.target() instanceof Program.Element el ? el.array()
            : ((Program.MatrixElement) st.target()).matrix());
        int index = st.target() instanceof Program.Element el ? index(el, env)
            : index((Program.MatrixElement) st.target(), env);
        array[index] = binary(st.up() ? '+' : '-', array[index], new Val(1, -1));
      } else if (s instanceof Program.Mutate m && env.discrete.containsKey(m.array())) {
        java.util.Arrays.sort(env.discrete.get(m.array())); // in place, as the caller sees it
      } else if (s instanceof Program.LocalDiscrete d) {
        env.discrete.put(d.name(), new int[Program.LENGTH]);
      } else if (s instanceof Program.IntElementAssign a) {
        // Java evaluates the index, then (for += and =) the value, then writes.
        int[] array = env.discrete.get(a.target().array());
        int index = index(a.target(), env);
        array[index] = switch (a.op()) {
          case "++" -> array[index] + 1;
          case "--" -> array[index] - 1;
          case "+=" -> {
            int old = array[index];
            yield old + evalInt(a.value(), env);
          }
          case "=" -> {
            int v = evalInt(a.value(), env);
            yield a.modLength() ? Math.floorMod(v, Program.LENGTH) : v;
          }
          default -> throw new AssertionError(a.op());
        };
      } else if (s instanceof Program.MaskAssign a) {
        int[] array = env.discrete.get(a.target().array());
        int index = index(a.target(), env);
        array[index] = test(a.value(), env) ? 1 : 0;
      } else if (s instanceof Program.ForEach fe) {
        Flow flow = forEach(fe, env);
        if (flow != null) {
          return flow;
        }
      } else if (s instanceof Program.Mutate m) {
        Val[] array = env.arrays.get(m.array());
        double[] values = new double[array.length];
        for (int k = 0; k < values.length; k++) {
          if (array[k].node() >= 0) {
            throw new IllegalStateException("a differentiable array passed to " + m);
          }
          values[k] = array[k].v();
        }
        if (m.sort()) {
          java.util.Arrays.sort(values);
        } else {
          trace.append('s');
          for (int k = 0; k < values.length; k++) {
            values[k] = 1 - values[k];
          }
        }
        for (int k = 0; k < values.length; k++) {
          array[k] = new Val(values[k], -1); // in place: every name of the array sees it
        }
      } else if (s instanceof Program.Box b) {
        env.boxes.put(b.name(), eval(b.init(), env).v());
      } else if (s instanceof Program.Log l) {
        double v = env.boxes.containsKey(l.name()) ? env.boxes.get(l.name())
            : env.doubles.get(l.name()).v();
        trace.append('[').append(l.name()).append('=').append(v).append(']');
      } else if (s instanceof Program.Jump j) {
        return j.isBreak() ? Flow.BREAK : Flow.CONTINUE;
      } else if (s instanceof Program.RandomLocal g) {
        env.randoms.put(g.name(), new java.util.Random(evalInt(g.seed(), env)));
      } else if (s instanceof Program.Loop l) {
        Env outer = env;
        outer.ints.put(l.index(), 0);
        int trips = 0;
        while (true) {
          boolean go;
          if (l.kind() == Program.LoopKind.DO && trips == 0) {
            go = true; // a do loop tests after its body (its bound may have effects)
          } else {
            go = outer.ints.get(l.index()) < evalInt(l.bound(), outer);
            if (l.kind() == Program.LoopKind.WHILE && go) {
              go = test(l.stop(), outer);
            }
          }
          if (!go) {
            break;
          }
          Env inner = outer.inner();
          Flow flow = exec(l.body(), inner);
          for (String name : outer.doubles.keySet()) {
            outer.doubles.put(name, inner.doubles.get(name));
          }
          trips++;
          if (flow != null && flow.returns()) {
            path.append('L').append(trips).append('r');
            return flow;
          }
          if (flow != null && flow.isBreak()) {
            break; // neither the for's update nor the while's i++ runs
          }
          outer.ints.put(l.index(), outer.ints.get(l.index()) + 1);
        }
        outer.ints.remove(l.index());
        path.append('L').append(trips);
      } else {
        throw new AssertionError(s);
      }
    }
    return null;
  }

  /**
   * An enhanced for, as Java runs it: the array evaluated once, each element read when its trip
   * starts (so the body's writes into later elements are seen); a row variable names its row.
   */
  private Flow forEach(Program.ForEach fe, Env env) {
    int length;
    int offset = 0;
    Val[] doubles = null;
    int[] ints = null;
    switch (fe.kind()) {
      case DOUBLES -> {
        doubles = env.arrays.get(fe.array());
        Integer row = env.rowOffsets.get(fe.array());
        if (fe.row() != null) {
          offset = fe.row() * Program.COLUMNS;
          length = Program.COLUMNS;
        } else if (row != null) {
          offset = row;
          length = Program.COLUMNS;
        } else {
          length = doubles.length;
        }
      }
      case INTS -> {
        ints = env.discrete.get(fe.array());
        length = ints.length;
      }
      default -> {
        doubles = env.arrays.get(fe.array());
        length = Program.ROWS;
      }
    }
    int trips = 0;
    for (int k = 0; k < length; k++) {
      Env inner = env.inner();
      switch (fe.kind()) {
        case DOUBLES -> inner.doubles.put(fe.var(), doubles[offset + k]);
        case INTS -> inner.ints.put(fe.var(), ints[k]);
        default -> {
          inner.arrays.put(fe.var(), doubles);
          inner.rowOffsets.put(fe.var(), k * Program.COLUMNS);
        }
      }
      Flow flow = exec(fe.body(), inner);
      for (String name : env.doubles.keySet()) {
        env.doubles.put(name, inner.doubles.get(name));
      }
      trips++;
      if (flow != null && flow.returns()) {
        path.append('E').append(trips).append('r');
        return flow;
      }
      if (flow != null && flow.isBreak()) {
        break;
      }
    }
    path.append('E').append(trips);
    return null;
  }

  // ---------------------------------------------------------------- expressions

  private Val eval(Expr e, Env env) {
    if (isInt(e)) {
      return new Val(intValue(e, env), -1);
    }
    if (e instanceof Num n) {
      return new Val(n.value(), -1);
    } else if (e instanceof Read r) {
      return env.doubles.get(r.name());
    } else if (e instanceof Promote p) {
      return new Val(evalInt(p.value(), env), -1);
    } else if (e instanceof Neg n) {
      Val a = eval(n.operand(), env);
      return unary(-a.v(), a, -1);
    } else if (e instanceof Binary b) {
      Val left = eval(b.left(), env);
      Val right = eval(b.right(), env);
      return binary(b.op(), left, right);
    } else if (e instanceof MathCall m) {
      List<Val> args = new ArrayList<>();
      for (Expr arg : m.args()) {
        args.add(eval(arg, env));
      }
      return math(m.function(), args);
    } else if (e instanceof Ternary t) {
      boolean taken = test(t.condition(), env);
      path.append(taken ? 't' : 'f');
      return eval(taken ? t.whenTrue() : t.whenFalse(), env);
    } else if (e instanceof Invoke i) {
      return invoke(i, env);
    } else if (e instanceof Program.FieldRead f) {
      return new Val(fields.get(fieldKey(f.name(), f.form())), -1);
    } else if (e instanceof Program.Recurse r) {
      return (Val) call(running.peek(), r.args(), env);
    } else if (e instanceof Program.RandomDouble g) {
      return new Val(env.randoms.get(g.generator()).nextDouble(), -1);
    } else if (e instanceof Stop s) {
      return new Val(eval(s.operand(), env).v(), -1);
    } else if (e instanceof Program.Element el) {
      return env.arrays.get(el.array())[index(el, env)];
    } else if (e instanceof Program.MatrixElement m) {
      return env.arrays.get(m.matrix())[index(m, env)];
    } else if (e instanceof Program.Level) {
      trace.append('f');
      calls++;
      return new Val(1.0 + 0.5 * (calls % 3), -1);
    }
    throw new AssertionError(e);
  }

  private Val invoke(Invoke call, Env env) {
    return (Val) call(call, env);
  }

  /** {@code old op value} for an assignment operator {@code = += -= *= /=}. */
  private Val compound(String op, Val old, Val value) {
    return switch (op) {
      case "=" -> value;
      case "+=" -> binary('+', old, value);
      case "-=" -> binary('-', old, value);
      case "*=" -> binary('*', old, value);
      case "/=" -> binary('/', old, value);
      default -> throw new AssertionError(op);
    };
  }

  /**
   * A call of a helper with out-parameters (version 16): arrays pass by reference, so its writes
   * reach the caller's arrays; a row ({@code m[1]}, or the variable of {@code for (double[] r :
   * m)}) passes as a copy that is written back into its matrix after the call, one copy per row,
   * so that a row passed twice is one array inside (aliasing, as in Java). Its value, or null
   * for a {@code void} helper.
   */
  private Val outCall(Invoke call, Env env) {
    List<Object> args = new ArrayList<>(call.args());
    java.util.IdentityHashMap<Val[], Map<Integer, String>> temps =
        new java.util.IdentityHashMap<>();
    List<Object[]> writeBack = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      Val[] matrix = null;
      int offset = 0;
      if (args.get(k) instanceof Program.RowArg r) {
        int row = evalInt(r.row(), env);
        if (r.wrapped()) {
          row = Math.floorMod(row, Program.ROWS);
        }
        matrix = env.arrays.get(r.matrix());
        offset = row * Program.COLUMNS;
      } else if (args.get(k) instanceof Program.ArrayArg a
          && env.rowOffsets.containsKey(a.array())) {
        matrix = env.arrays.get(a.array());
        offset = env.rowOffsets.get(a.array());
      }
      if (matrix != null) {
        Map<Integer, String> rows = temps.computeIfAbsent(matrix, m -> new HashMap<>());
        String temp = rows.get(offset);
        if (temp == null) {
          temp = "$row" + writeBack.size();
          env.arrays.put(temp,
              java.util.Arrays.copyOfRange(matrix, offset, offset + Program.COLUMNS));
          rows.put(offset, temp);
          writeBack.add(new Object[] {matrix, offset, temp});
        }
        args.set(k, new Program.ArrayArg(temp));
      }
    }
    Object value = call(call.callee(), args, env);
    for (Object[] w : writeBack) {
      Val[] row = env.arrays.remove((String) w[2]);
      System.arraycopy(row, 0, (Val[]) w[0], (Integer) w[1], Program.COLUMNS);
    }
    return (Val) value;
  }

  /**
   * A call of a {@code double[]} helper or rule: the array it returns. A helper returns the very
   * array it names (its fresh local, or the caller's array passed as its parameter), as in Java.
   */
  private Val[] invokeArray(Invoke call, Env env) {
    return (Val[]) call(call, env);
  }

  /**
   * The array an argument passes: an array by name (by reference, as in Java); a row of a matrix
   * ({@code m[i]}, or the variable of {@code for (double[] r : m)}), as a copy of its elements'
   * values, which is the same thing here because callees never write their parameters (version
   * 13); or the array a nested call of a {@code double[]} callee made (version 13).
   */
  private Val[] arrayArg(Object arg, Env env) {
    if (arg instanceof Program.NestedArg n) {
      return invokeArray(n.call(), env);
    }
    if (arg instanceof Program.RowArg r) {
      int row = evalInt(r.row(), env);
      if (r.wrapped()) {
        row = Math.floorMod(row, Program.ROWS);
      }
      if (row < 0 || row >= Program.ROWS) {
        throw new IllegalStateException("row " + row + " out of range: " + r);
      }
      int offset = row * Program.COLUMNS;
      return java.util.Arrays.copyOfRange(env.arrays.get(r.matrix()), offset,
          offset + Program.COLUMNS);
    }
    String name = ((Program.ArrayArg) arg).array();
    Integer offset = env.rowOffsets.get(name);
    if (offset != null) {
      return java.util.Arrays.copyOfRange(env.arrays.get(name), offset, offset + Program.COLUMNS);
    }
    return env.arrays.get(name);
  }

  /** A call: a {@link Val}, or a {@code Val[]} from a callee that returns an array. */
  private Object call(Invoke call, Env env) {
    return call(call.callee(), call.args(), env);
  }

  /** A call of {@code callee} with the arguments {@code callArgs}, evaluated in {@code env}. */
  private Object call(Callee callee, List<Object> callArgs, Env env) {
    Env inner = new Env();
    List<Val> diffArgs = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < callee.params().size(); i++) {
      Param p = callee.params().get(i);
      Object arg = callArgs.get(i);
      if (p.kind() == Kind.INT) {
        int v = evalInt((IntExpr) arg, env);
        values.add((double) v);
        inner.ints.put(p.name(), v);
      } else if (p.kind().discrete()) {
        // passed by reference, as in Java; no tangent, and no rule takes one
        inner.discrete.put(p.name(), env.discrete.get(((Program.ArrayArg) arg).array()));
      } else if (arg instanceof Program.ArrayArg || arg instanceof Program.RowArg
          || arg instanceof Program.NestedArg) {
        Val[] array = arrayArg(arg, env);
        inner.arrays.put(p.name(), array); // passed by reference, as in Java
        if (p.kind() == Kind.MATRIX) {
          inner.matrices.add(p.name());
        }
        for (Val element : array) {
          values.add(element.v());
          if (p.kind() == Kind.ARRAY || p.kind() == Kind.MATRIX) {
            diffArgs.add(element);
          }
        }
      } else {
        Val v = eval((Expr) arg, env);
        values.add(v.v());
        if (p.kind() == Kind.DOUBLE) {
          diffArgs.add(v);
          inner.doubles.put(p.name(), v);
        } else {
          inner.doubles.put(p.name(), new Val(v.v(), -1)); // @NoDiff: a constant inside
        }
      }
    }
    if (!callee.isRule() && (callee.returnsArray() || callee.returnsMatrix())) {
      Flow result = execMethod(callee, inner);
      if (result == null || result.returnedArray() == null) {
        throw new IllegalStateException("a double[] body completed without returning an array");
      }
      return result.returnedArray();
    }
    if (callee.returnsVoid()) {
      execMethod(callee, inner); // a void helper with out-parameters (version 16)
      return null;
    }
    if (!callee.isRule()) {
      return run(callee, inner);
    }
    double[] flat = values.stream().mapToDouble(Double::doubleValue).toArray();
    int[] parents = diffArgs.stream().mapToInt(Val::node).toArray();
    double[] argTangents = diffArgs.stream().mapToDouble(Val::t).toArray();
    double[] argMagnitudes = diffArgs.stream().mapToDouble(Val::m).toArray();
    boolean moves = java.util.Arrays.stream(argTangents).anyMatch(t -> t != 0);
    // Tangents that cancelled to zero still carry the magnitudes of their terms.
    boolean scaled = java.util.Arrays.stream(argMagnitudes).anyMatch(m -> m != 0);
    if (callee.rule().returnsArray()) {
      double[] result = callee.rule().values(flat);
      double[] tangents = moves ? callee.rule().tangents(flat, argTangents)
          : new double[result.length];
      double[] magnitudes = scaled ? callee.rule().tangentMagnitudes(flat, argMagnitudes)
          : new double[result.length];
      int[] outputs = new int[result.length];
      tape.add(new Node(parents, null, callee.rule(), flat, outputs));
      Val[] out = new Val[result.length];
      for (int k = 0; k < result.length; k++) {
        out[k] = node(result[k], NO_PARENTS, NO_PARTIALS, tangents[k], magnitudes[k]);
        outputs[k] = out[k].node();
      }
      return out;
    }
    double value = callee.rule().value(flat);
    note(value);
    double tangent = moves ? callee.rule().tangent(flat, argTangents) : 0;
    double magnitude = scaled ? callee.rule().tangentMagnitude(flat, argMagnitudes) : 0;
    noteTangent(tangent);
    tape.add(new Node(parents, null, callee.rule(), flat));
    return new Val(value, tape.size() - 1, tangent, magnitude);
  }

  private Val binary(char op, Val a, Val b) {
    double x = a.v();
    double y = b.v();
    switch (op) {
      case '+':
        return binary(x + y, a, 1, b, 1);
      case '-':
        return binary(x - y, a, 1, b, -1);
      case '*':
        return binary(x * y, a, y, b, x);
      case '/':
        return binary(x / y, a, 1 / y, b, -(x / y) / y);
      default:
        throw new AssertionError(op);
    }
  }

  /** See {@link Dual#phaseRate}. */
  private double phaseRate;

  /** See {@link Dual#phaseRounding}. */
  private double phaseRounding;

  private Val math(String f, List<Val> args) {
    Val a = args.get(0);
    double x = a.v();
    if (f.equals("sin") || f.equals("cos") || f.equals("tan")) {
      phaseRate = Math.max(phaseRate, Math.abs(a.t()));
      if (a.t() != 0) {
        phaseRounding = Math.max(phaseRounding, Math.ulp(x) / Math.abs(a.t()));
      }
    }
    switch (f) {
      case "sin": return unary(Math.sin(x), a, Math.cos(x));
      case "cos": return unary(Math.cos(x), a, -Math.sin(x));
      case "tan": {
        double t = Math.tan(x);
        return unary(t, a, 1 + t * t);
      }
      case "asin": return unary(Math.asin(x), a, 1 / Math.sqrt(1 - x * x));
      case "acos": return unary(Math.acos(x), a, -1 / Math.sqrt(1 - x * x));
      case "atan": return unary(Math.atan(x), a, 1 / (1 + x * x));
      case "sinh": return unary(Math.sinh(x), a, Math.cosh(x));
      case "cosh": return unary(Math.cosh(x), a, Math.sinh(x));
      case "tanh": {
        // cosh(x)^-2 as one pow, as the generated code takes it: 1 / (c * c) is 0 once c * c
        // overflows (|x| above about 355), where cosh(x)^-2 is still a subnormal number.
        return unary(Math.tanh(x), a, Math.pow(Math.cosh(x), -2));
      }
      case "exp": {
        double r = Math.exp(x);
        return unary(r, a, r);
      }
      case "expm1": return unary(Math.expm1(x), a, Math.exp(x));
      case "log": return unary(Math.log(x), a, 1 / x);
      case "log1p": return unary(Math.log1p(x), a, 1 / (1 + x));
      case "log10": return unary(Math.log10(x), a, 1 / (x * Math.log(10)));
      case "sqrt": {
        double r = Math.sqrt(x);
        return unary(r, a, 0.5 / r);
      }
      case "cbrt": {
        double r = Math.cbrt(x);
        return unary(r, a, 1 / (3 * r * r));
      }
      case "abs":
        path.append(x > 0 ? "a+" : x < 0 ? "a-" : "a0");
        return unary(Math.abs(x), a, Math.signum(x));
      case "toRadians": return unary(Math.toRadians(x), a, Math.PI / 180);
      case "toDegrees": return unary(Math.toDegrees(x), a, 180 / Math.PI);
      case "signum": case "floor": case "ceil": case "rint": {
        double r = switch (f) {
          case "signum" -> Math.signum(x);
          case "floor" -> Math.floor(x);
          case "ceil" -> Math.ceil(x);
          default -> Math.rint(x);
        };
        path.append('k').append(r);
        return new Val(r, -1);
      }
      default:
        break;
    }
    Val b = args.get(1);
    double y = b.v();
    switch (f) {
      case "atan2": {
        // atan2(x, y) here names the arguments in order: x is Java's y, y is Java's x.
        double h2 = x * x + y * y;
        return binary(Math.atan2(x, y), a, y / h2, b, -x / h2);
      }
      case "hypot": {
        double r = Math.hypot(x, y);
        return r == 0 ? binary(r, a, 0, b, 0) : binary(r, a, x / r, b, y / r);
      }
      case "min": case "max": {
        double r = f.equals("min") ? Math.min(x, y) : Math.max(x, y);
        boolean tie = x == y;
        boolean first = f.equals("min") ? x < y : x > y;
        path.append(tie ? "m=" : first ? "m1" : "m2");
        return binary(r, a, tie ? 0.5 : first ? 1 : 0, b, tie ? 0.5 : first ? 0 : 1);
      }
      case "pow": {
        double r = Math.pow(x, y);
        double dx = y == 0 ? 0 : y * Math.pow(x, y - 1);
        double dy = x == 0 ? 0 : r * Math.log(x);
        return binary(r, a, dx, b, dy);
      }
      default:
        throw new AssertionError(f);
    }
  }

  /**
   * Whether an operation on values without tangent in this evaluation gave a value past 1e150 or
   * not finite: the reference knows those values are constants (after {@code y = Math.ceil(..)},
   * say), where generated forward code, whose tangent of {@code y} may be a zero only at run
   * time (in a loop whose first trip gave it a real one), multiplies it by the overflowed
   * partial: NaN (the open bug {@code zeroTangentOverflow}, docs/fuzzing.md).
   */
  private boolean constantOverflow;

  private Val unary(double value, Val a, double partial) {
    if (a.node() < 0) {
      constantOverflow |= Math.abs(value) > 1e150 || !Double.isFinite(value);
      return new Val(value, -1);
    }
    return node(value, new int[] {a.node()}, new double[] {partial},
        term(a.t(), partial), termMagnitude(a, partial));
  }

  /** A binary operation; constant operands get no tape edge (their partial is never used). */
  private Val binary(double value, Val a, double da, Val b, double db) {
    if (a.node() < 0 && b.node() < 0) {
      constantOverflow |= Math.abs(value) > 1e150 || !Double.isFinite(value);
      return new Val(value, -1);
    }
    if (a.node() < 0) {
      return node(value, new int[] {b.node()}, new double[] {db}, term(b.t(), db),
          termMagnitude(b, db));
    }
    if (b.node() < 0) {
      return node(value, new int[] {a.node()}, new double[] {da}, term(a.t(), da),
          termMagnitude(a, da));
    }
    return node(value, new int[] {a.node(), b.node()}, new double[] {da, db},
        term(a.t(), da) + term(b.t(), db), termMagnitude(a, da) + termMagnitude(b, db));
  }

  /**
   * A tangent's term through a partial: exactly 0 for a zero tangent, whatever the partial (an
   * infinite one at a finite value, {@code sqrt'(0)}, or a NaN one, {@code atan2} at the origin).
   */
  private double term(double tangent, double partial) {
    if (tangent == 0) {
      singular |= !Double.isFinite(partial);
      return 0;
    }
    double term = tangent * partial;
    noteTangent(term);
    return term;
  }

  /**
   * The magnitude of {@link #term}: 0 where the term is 0 by the convention above, and 0 through a
   * zero partial ({@code x * 0}), which drops the terms behind it whatever their magnitude: an
   * infinite one (terms that overflowed while cancelling to a finite tangent) would otherwise
   * give a NaN scale, and a NaN tolerance fails every comparison (CI run seed
   * -3731255788963091051, program 7495959973673908563).
   */
  private static double termMagnitude(Val a, double partial) {
    if (partial == 0) {
      return 0;
    }
    return a.t() == 0 && !Double.isFinite(partial) ? 0 : a.m() * Math.abs(partial);
  }

  /**
   * A term's magnitude as the scales sum it: a NaN one, which only an overflowed magnitude times a
   * zero partial inside a rule gives (soak run seed 30002, program -5473194200019257840: a NaN
   * tolerance failed 0.0 against 0.0), counts as infinite, so that no tolerance judges the terms
   * that overflowed.
   */
  private static double magnitude(double m) {
    return Double.isNaN(m) ? Double.POSITIVE_INFINITY : m;
  }

  /** An input: a node without parents, with the tangent {@code direction[index]}, if any. */
  private Val input(double value, double[] direction, int index) {
    double t = direction == null ? 0 : direction[index];
    return node(value, NO_PARENTS, NO_PARTIALS, t, Math.abs(t));
  }

  private Val node(double value, int[] parents, double[] partials, double t, double m) {
    note(value);
    for (double p : partials) {
      extreme |= isExtreme(p); // through a zero tangent a partial contributes nothing
    }
    noteTangent(t);
    tape.add(new Node(parents, partials, null, null));
    return new Val(value, tape.size() - 1, t, magnitude(m));
  }


  /** A value: {@link #extreme} and {@link #tangentExtreme}. */
  private void note(double v) {
    if (isExtreme(v)) {
      extreme = true;
      tangentExtreme = true;
    }
  }

  private void noteTangent(double t) {
    if (isExtreme(t)) {
      tangentExtreme = true;
    }
  }

  private static boolean isExtreme(double v) {
    double a = Math.abs(v);
    return a > 1e150 || (a != 0 && a < 1e-150);
  }

  // ---------------------------------------------------------------- ints and conditions

  /**
   * Whether Java types {@code e} as int: int literals, uncast int expressions, and +, -, * and
   * negation of those. Java computes these in int arithmetic, so they are never -0.0.
   */
  static boolean isInt(Expr e) {
    if (e instanceof Num n) {
      return n.intLiteral();
    } else if (e instanceof Promote p) {
      return !p.cast();
    } else if (e instanceof Neg n) {
      return isInt(n.operand());
    } else if (e instanceof Binary b) {
      return b.op() != '/' && isInt(b.left()) && isInt(b.right());
    } else if (e instanceof Ternary t) {
      return isInt(t.whenTrue()) && isInt(t.whenFalse());
    } else if (e instanceof MathCall m) {
      // Math.abs(int), Math.min(int, int) and Math.max(int, int) are Java's int overloads
      return INT_OVERLOADS.contains(m.function()) && m.args().stream().allMatch(Reference::isInt);
    }
    return false;
  }

  private static final Set<String> INT_OVERLOADS = Set.of("abs", "min", "max");

  private int intValue(Expr e, Env env) {
    if (e instanceof Num n) {
      return (int) n.value();
    } else if (e instanceof Promote p) {
      return evalInt(p.value(), env);
    } else if (e instanceof Neg n) {
      return -intValue(n.operand(), env);
    } else if (e instanceof Binary b) {
      int x = intValue(b.left(), env);
      int y = intValue(b.right(), env);
      return switch (b.op()) {
        case '+' -> x + y;
        case '-' -> x - y;
        case '*' -> x * y;
        default -> throw new AssertionError(b.op());
      };
    } else if (e instanceof Ternary t) {
      boolean taken = test(t.condition(), env);
      path.append(taken ? 't' : 'f');
      return intValue(taken ? t.whenTrue() : t.whenFalse(), env);
    } else if (e instanceof MathCall m) {
      int x = intValue(m.args().get(0), env);
      return switch (m.function()) {
        case "abs" -> Math.abs(x);
        case "min" -> Math.min(x, intValue(m.args().get(1), env));
        case "max" -> Math.max(x, intValue(m.args().get(1), env));
        default -> throw new AssertionError(m.function());
      };
    }
    throw new AssertionError(e);
  }

  /** The flat index of a matrix element; out-of-range indices fail as Java's would. */
  private int index(Program.MatrixElement m, Env env) {
    int r = evalInt(m.row(), env);
    int c = evalInt(m.column(), env);
    if (m.wrapped()) {
      r = Math.floorMod(r, Program.ROWS);
      c = Math.floorMod(c, Program.COLUMNS);
    }
    return r * Program.COLUMNS + c;
  }

  /**
   * The flat index of an element of a double[] (or of the row a row variable names); an index out
   * of range is the generator's fault (Java would throw), so it fails loudly.
   */
  private int index(Program.Element el, Env env) {
    int i = evalInt(el.index(), env);
    if (el.wrapped()) {
      i = Math.floorMod(i, Program.LENGTH);
    }
    Integer offset = env.rowOffsets.get(el.array());
    int length = offset == null ? env.arrays.get(el.array()).length : Program.COLUMNS;
    if (i < 0 || i >= length) {
      throw new IllegalStateException("index " + i + " out of range: " + Program.render(el));
    }
    return offset == null ? i : offset + i;
  }

  /** The index of an element of a discrete array, checked as {@link #index(Program.Element,
   * Env)}. */
  private int index(Program.IntElement el, Env env) {
    return discreteIndex(el.array(), el.index(), el.wrapped(), env);
  }

  private int index(Program.MaskRead m, Env env) {
    return discreteIndex(m.array(), m.index(), m.wrapped(), env);
  }

  private int discreteIndex(String array, IntExpr index, boolean wrapped, Env env) {
    int i = evalInt(index, env);
    if (wrapped) {
      i = Math.floorMod(i, Program.LENGTH);
    }
    if (i < 0 || i >= env.discrete.get(array).length) {
      throw new IllegalStateException("index " + i + " out of range in " + array);
    }
    return i;
  }

  private int evalInt(IntExpr e, Env env) {
    if (e instanceof IntRead r) {
      return env.ints.get(r.name());
    } else if (e instanceof IntLit l) {
      return l.value();
    } else if (e instanceof IntBinary b) {
      int x = evalInt(b.left(), env);
      int y = evalInt(b.right(), env);
      return switch (b.op()) {
        case '+' -> x + y;
        case '-' -> x - y;
        case '*' -> x * y;
        default -> throw new AssertionError(b.op());
      };
    } else if (e instanceof Program.IntLength l) {
      if (env.matrices.contains(l.array())) {
        return l.row() == null ? Program.ROWS : Program.COLUMNS;
      }
      return env.arrays.get(l.array()).length;
    } else if (e instanceof Program.IntNext n) {
      trace.append('i');
      int v = (calls * Rules.NEXT_STEP + Rules.NEXT_START) % n.bound();
      calls++;
      return v;
    } else if (e instanceof Program.DataInt d) {
      return (int) env.arrays.get(d.array())[d.index()].v();
    } else if (e instanceof Program.IntElement el) {
      int[] array = env.discrete.get(el.array());
      return array[index(el, env)];
    } else if (e instanceof Program.IntField f) {
      return (int) (double) fields.get(fieldKey(f.name(), f.form()));
    } else if (e instanceof Program.IntMod m) {
      return Math.floorMod(evalInt(m.value(), env), m.modulus());
    } else if (e instanceof Program.LengthMod m) {
      return Math.floorMod(evalInt(m.value(), env), env.arrays.get(m.array()).length);
    } else if (e instanceof Program.RandomInt g) {
      java.util.Random generator = g.generator() == null
          ? new java.util.Random(evalInt(g.seed(), env)) : env.randoms.get(g.generator());
      return generator.nextInt(g.bound());
    }
    throw new AssertionError(e);
  }

  private boolean test(Cond c, Env env) {
    if (c instanceof Compare cmp) {
      return compare(cmp.op(), eval(cmp.left(), env).v(), eval(cmp.right(), env).v());
    } else if (c instanceof IntCompare cmp) {
      return compare(cmp.op(), evalInt(cmp.left(), env), evalInt(cmp.right(), env));
    } else if (c instanceof Logic l) {
      return l.op().equals("&&")
          ? test(l.left(), env) && test(l.right(), env)
          : test(l.left(), env) || test(l.right(), env);
    } else if (c instanceof Not n) {
      return !test(n.operand(), env);
    } else if (c instanceof Program.BoxCompare b) {
      return compare(b.op(), env.boxes.get(b.box()), eval(b.right(), env).v());
    } else if (c instanceof Program.MaskRead m) {
      int[] array = env.discrete.get(m.array());
      return array[index(m, env)] != 0;
    }
    throw new AssertionError(c);
  }

  private static boolean compare(String op, double x, double y) {
    return switch (op) {
      case "<" -> x < y;
      case "<=" -> x <= y;
      case ">" -> x > y;
      case ">=" -> x >= y;
      default -> throw new AssertionError(op);
    };
  }
}

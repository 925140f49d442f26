package dev.adjoint.processor.fuzz;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The fuzzer's own program tree. The {@link Generator} builds it, {@link #render} prints it as the
 * Java source the processor reads, and the {@link Reference} evaluates it (value, gradient,
 * branch path) without looking at anything the processor produced. Every expression is printed
 * fully parenthesised, so Java evaluates exactly the tree the reference evaluates.
 */
final class Program {
  private Program() {}

  /** The length of every array in fuzzed programs. */
  static final int LENGTH = 3;

  /** The shape of every matrix in fuzzed programs: ROWS rows of COLUMNS. */
  static final int ROWS = 2;

  static final int COLUMNS = 3;

  /** How a parameter takes part in differentiation. */
  enum Kind {
    /** {@code double}: differentiable. */
    DOUBLE,
    /** {@code @NoDiff double}: a constant. */
    NODIFF,
    /** {@code int}: never differentiated. */
    INT,
    /** {@code double[]} of {@link #LENGTH}: differentiable element by element. */
    ARRAY,
    /** {@code @NoDiff double[]} of {@link #LENGTH}: data. */
    DATA,
    /** {@code double[][]} of {@link #ROWS} by {@link #COLUMNS}: differentiable. */
    MATRIX,
    /**
     * {@code int[]} of {@link #LENGTH} whose values are in {@code [0, LENGTH)}: an index array
     * (no tangent; {@code @NoDiff} is implicit), so {@code x[idx[i]]} needs no wrapping.
     */
    INDEX,
    /** {@code long[]} of {@link #LENGTH}, values in {@code [0, LENGTH)}: read as {@code (int)}. */
    LONGS,
    /** {@code boolean[]} of {@link #LENGTH}: a mask. */
    MASK,
    /**
     * {@code @NoDiff C o}, an object of the generated class itself (version 12): a static method
     * calls its instance methods ({@code o.h0(x)}) and reads its fields ({@code o.fd0}). It
     * takes no slot in a flattened point: FuzzTest passes a receiver with the point's fields.
     */
    RECEIVER;

    boolean differentiable() {
      return this == DOUBLE || this == ARRAY || this == MATRIX;
    }

    /** An {@code int[]}, {@code long[]} or {@code boolean[]}: no tangent, no cotangent. */
    boolean discrete() {
      return this == INDEX || this == LONGS || this == MASK;
    }

    /**
     * How many doubles it takes in a flattened point (a matrix row by row; a discrete array's
     * elements as doubles, a mask's as 0 or 1).
     */
    int width() {
      return this == ARRAY || this == DATA || discrete() ? LENGTH
          : this == MATRIX ? ROWS * COLUMNS : this == RECEIVER ? 0 : 1;
    }
  }

  record Param(String name, Kind kind) {
    String render() {
      return switch (kind) {
        case DOUBLE -> "double " + name;
        case NODIFF -> "@NoDiff double " + name;
        case INT -> "int " + name;
        case ARRAY -> "double[] " + name;
        case DATA -> "@NoDiff double[] " + name;
        case MATRIX -> "double[][] " + name;
        case INDEX -> "int[] " + name;
        case LONGS -> "long[] " + name;
        case MASK -> "boolean[] " + name;
        case RECEIVER -> throw new IllegalStateException("rendered with its class's name");
      };
    }

    /** As {@link #render()}, in a method of class {@code owner}. */
    String render(String owner) {
      return kind == Kind.RECEIVER ? "@NoDiff " + owner + " " + name : render();
    }
  }

  // ---------------------------------------------------------------- expressions (double)

  sealed interface Expr
      permits Num, Read, Promote, Neg, Binary, MathCall, Ternary, Invoke, Stop, Element,
          MatrixElement, Level, FieldRead, Recurse, RandomDouble {}

  /**
   * A read of a {@code double} field of {@code this} (version 12), in one of four forms: {@code
   * name}, {@code this.name}, and in a record {@code name()}, {@code this.name()}; through a
   * receiver parameter {@code o.name}, {@code o.name()}; and (version 19, final classes) through
   * a plain getter {@code get_name()}, {@code this.get_name()}, {@code o.get_name()}. Fields are
   * constants for differentiation.
   */
  record FieldRead(String name, int form) implements Expr {}

  /**
   * A call of the method whose body holds it (version 12: plain recursion), with {@code
   * this.} when {@code viaThis}; its depth parameter {@code d} is passed {@code d - 1}.
   */
  record Recurse(String name, List<Object> args, boolean viaThis) implements Expr {}

  /** {@code g.nextDouble()} of a {@code java.util.Random} local: a constant (version 12). */
  record RandomDouble(String generator) implements Expr {}

  /**
   * {@code Rules.level()}: an unannotated call with an effect (it counts and logs its calls) that
   * returns a constant depending on how often it ran. Generated code must call it exactly as often,
   * and in the same order, as the primal.
   */
  record Level() implements Expr {}

  /**
   * {@code array[index]}; when {@code wrapped}, {@code array[Math.floorMod(index, LENGTH)]}, which
   * keeps any index in range (and is a call the processor must hoist out of the index).
   */
  record Element(String array, IntExpr index, boolean wrapped) implements Expr {
    String renderIndex() {
      return wrapped ? "Math.floorMod(" + render(index) + ", " + LENGTH + ")" : render(index);
    }
  }

  /**
   * {@code matrix[row][column]}, each index wrapped into range through {@code Math.floorMod} when
   * {@code wrapped}.
   */
  record MatrixElement(String matrix, IntExpr row, IntExpr column, boolean wrapped)
      implements Expr {
    String renderIndices() {
      return wrapped
          ? "[Math.floorMod(" + render(row) + ", " + ROWS + ")][Math.floorMod(" + render(column)
              + ", " + COLUMNS + ")]"
          : "[" + render(row) + "][" + render(column) + "]";
    }
  }

  /** A literal; {@code intLiteral} prints it as an int literal ({@code 2}) that Java promotes. */
  record Num(double value, boolean intLiteral) implements Expr {}

  /** A read of a double variable (parameter or local). */
  record Read(String name) implements Expr {}

  /** An int expression used where a double is expected; {@code cast} prints {@code (double)}. */
  record Promote(IntExpr value, boolean cast) implements Expr {}

  record Neg(Expr operand) implements Expr {}

  /** {@code +}, {@code -}, {@code *} or {@code /}. */
  record Binary(char op, Expr left, Expr right) implements Expr {}

  /** {@code Math.function(args)}. */
  record MathCall(String function, List<Expr> args) implements Expr {}

  record Ternary(Cond condition, Expr whenTrue, Expr whenFalse) implements Expr {}

  /**
   * A call of a helper in the same class or of a rule in {@code Rules}; each argument is an
   * {@link Expr}, an {@link IntExpr}, or an {@link ArrayArg}. An instance method is called on
   * {@code target} ({@code this} or a receiver parameter; null: implicitly on this).
   */
  record Invoke(Callee callee, List<Object> args, String target) implements Expr {
    Invoke(Callee callee, List<Object> args) {
      this(callee, args, null);
    }
  }

  /** A whole array passed to a callee's {@code double[]} parameter. */
  record ArrayArg(String array) {}

  /** {@code Ad.stopGradient(e)}. */
  record Stop(Expr operand) implements Expr {}

  // ---------------------------------------------------------------- int expressions

  sealed interface IntExpr
      permits IntRead, IntLit, IntBinary, IntLength, IntNext, DataInt, IntElement, IntField,
          IntMod, RandomInt, LengthMod {}

  /**
   * {@code Math.floorMod(value, array.length)} (version 13): an index into an array created in a
   * loop whose length changes from trip to trip.
   */
  record LengthMod(IntExpr value, String array) implements IntExpr {}

  /** A read of an {@code int} field of {@code this}, in the forms of {@link FieldRead}. */
  record IntField(String name, int form) implements IntExpr {}

  /** {@code Math.floorMod(value, modulus)}: in [0, modulus). */
  record IntMod(IntExpr value, int modulus) implements IntExpr {}

  /**
   * {@code g.nextInt(bound)} of a {@code java.util.Random} local {@code g}, or, with {@code
   * generator} null, {@code new java.util.Random(seed).nextInt(bound)}: an object with no
   * floating-point state created in the body (version 12), deterministic for its seed.
   */
  record RandomInt(String generator, IntExpr seed, int bound) implements IntExpr {}

  /**
   * {@code array[index]} of an {@code int[]} (or, with {@code longs}, {@code ((int) array[index])}
   * of a {@code long[]}), the index wrapped into range through {@code Math.floorMod} when {@code
   * wrapped}. An index array's elements index double arrays unwrapped: {@code x[idx[i]]}.
   */
  record IntElement(String array, IntExpr index, boolean wrapped, boolean longs)
      implements IntExpr {}

  /**
   * {@code Rules.next(bound)}: an index with an effect, in {@code [0, bound)}, that depends on how
   * often it was called (it counts and logs its calls).
   */
  record IntNext(int bound) implements IntExpr {}

  /**
   * {@code ((int) array[index])}: an int read from a {@code @NoDiff} data array (as a loop bound),
   * which an unannotated call may change later.
   */
  record DataInt(String array, int index) implements IntExpr {}

  /** {@code array.length}, or with {@code row}, {@code matrix[row].length}. */
  record IntLength(String array, Integer row) implements IntExpr {
    IntLength(String array) {
      this(array, null);
    }
  }

  record IntRead(String name) implements IntExpr {}

  record IntLit(int value) implements IntExpr {}

  /** {@code +}, {@code -} or {@code *} on ints. */
  record IntBinary(char op, IntExpr left, IntExpr right) implements IntExpr {}

  // ---------------------------------------------------------------- conditions

  sealed interface Cond permits Compare, IntCompare, Logic, Not, BoxCompare, MaskRead {}

  /** {@code mask[index]} of a {@code boolean[]}, the index wrapped as {@link IntElement}'s. */
  record MaskRead(String array, IntExpr index, boolean wrapped) implements Cond {}

  /** {@code box op right}, with {@code box} a {@code Double} local: a comparison of a box. */
  record BoxCompare(String op, String box, Expr right) implements Cond {}

  /** {@code <}, {@code <=}, {@code >} or {@code >=} on doubles. */
  record Compare(String op, Expr left, Expr right) implements Cond {}

  record IntCompare(String op, IntExpr left, IntExpr right) implements Cond {}

  /** {@code &&} or {@code ||}. */
  record Logic(String op, Cond left, Cond right) implements Cond {}

  record Not(Cond operand) implements Cond {}

  // ---------------------------------------------------------------- statements

  sealed interface Stmt
      permits Declare, Assign, Step, If, Return, Loop, Jump, LocalArray, ElementAssign, ArrayCall,
          ReturnArray, ElementStep, Mutate, Box, Log, LocalDiscrete, IntElementAssign,
          MaskAssign, ForEach, RandomLocal, TripArray, ReturnCall, OutCall, MatrixCall {}

  /**
   * {@code double[][] name = hm(..);} (version 16): a local holding the matrix a {@code
   * double[][]} helper returns (its fresh local), anywhere, in loops too.
   */
  record MatrixCall(String name, Invoke call) implements Stmt {}

  /**
   * A call of a helper with out-parameters (version 16): {@code ho(aw, x0, ya);} as a statement,
   * or, where it returns {@code double}, {@code double t3 = ho(..);} ({@code op} {@code
   * "double"}) or {@code t0 += ho(..);} ({@code op} {@code "+="}, {@code "="}, ...). The helper
   * writes into the caller's array (or matrix row) passed at its parameter {@code out}.
   */
  record OutCall(String target, String op, Invoke call) implements Stmt {}

  /**
   * An array created inside a loop body (version 13): one array per trip. {@code type} 0: {@code
   * double[] name = new double[length];} (length {@code LENGTH} where {@code length} is null), 1:
   * {@code double[][] name = new double[ROWS][COLUMNS];}, 2: {@code int[] name = new int[LENGTH];}
   * (an index array).
   */
  record TripArray(String name, int type, IntExpr length) implements Stmt {}

  /** {@code return h0(..);} in a {@code double[]} helper (version 13): the array the call made. */
  record ReturnCall(Invoke call) implements Stmt {}

  /** {@code m[row]} passed to a {@code double[]} parameter (version 13); wrapped as elements are. */
  record RowArg(String matrix, IntExpr row, boolean wrapped) {}

  /**
   * A call of a {@code double[]} helper or rule nested as the argument of another annotated call
   * (version 13): {@code hq(h0(xa, x0))}.
   */
  record NestedArg(Invoke call) {}

  /** {@code java.util.Random name = new java.util.Random(seed);} (version 12). */
  record RandomLocal(String name, IntExpr seed) implements Stmt {}

  /**
   * {@code int[] name = new int[LENGTH];} (or {@code boolean[]}), outside loops: a discrete local,
   * all zeros (all false), which the method may write.
   */
  record LocalDiscrete(String name, boolean mask) implements Stmt {}

  /**
   * A write into an element of a local {@code int[]}: {@code a[i] = v}, {@code a[i] += v} or
   * {@code a[i]++} ({@code value} null). With {@code modLength}, {@code a[i] =
   * Math.floorMod(v, LENGTH)}, which keeps an index array's values in range.
   */
  record IntElementAssign(IntElement target, String op, IntExpr value, boolean modLength)
      implements Stmt {}

  /** {@code mask[i] = condition;} into a local {@code boolean[]}. */
  record MaskAssign(MaskRead target, Cond value) implements Stmt {}

  /** What an enhanced for iterates. */
  enum ForEachKind {
    /** {@code for (double v : a)} over a {@code double[]}, or a row {@code m[row]}. */
    DOUBLES,
    /** {@code for (int v : a)} over an {@code int[]}. */
    INTS,
    /** {@code for (double[] r : m)} over the rows of a matrix: {@code r} names {@code m[k]}. */
    ROWS
  }

  /**
   * {@code for (type var : array) { body }}, or with {@code row} set, {@code for (double var :
   * array[row]) { body }}. Java evaluates the array once and reads each element when its trip
   * starts (so writes in the body into later elements are seen).
   */
  record ForEach(ForEachKind kind, String var, String array, Integer row, List<Stmt> body)
      implements Stmt {}

  /** {@code target++} (or {@code --}, prefix or postfix) on an element of a local array. */
  record ElementStep(Expr target, boolean up, boolean prefix) implements Stmt {}

  /**
   * An unannotated call that writes into a {@code @NoDiff} data array: {@code Rules.flip(array)}
   * (every element {@code d} becomes {@code 1 - d}) or {@code java.util.Arrays.sort(array)}.
   */
  record Mutate(boolean sort, String array) implements Stmt {}

  /**
   * {@code type name = init;} with type {@code Double}, {@code Object} or {@code Number}: a box,
   * which has no tangent, later only logged or compared (docs/diagnostics.md, Decisions).
   */
  record Box(String type, String name, Expr init) implements Stmt {}

  /** {@code Rules.log("name=" + name);} of a box or a double variable. */
  record Log(String name) implements Stmt {}

  /**
   * {@code double[] name = call;}: a local holding the array a {@code double[]} helper or rule
   * returns, declared at the top level of a body or in a branch, never in a loop. In Java it is
   * the very array the callee returned: a helper's fresh local (helpers may not return their
   * parameters). {@code call} is an {@link Invoke}, or in the recursive {@code double[]} helper a
   * {@link Recurse} (version 12).
   */
  record ArrayCall(String name, Expr call) implements Stmt {}

  /** {@code return array;} in a {@code double[]} helper, outside any loop. */
  record ReturnArray(String array) implements Stmt {}

  /**
   * {@code double[] name = new double[LENGTH];}, or for a matrix {@code double[][] name = new
   * double[ROWS][COLUMNS];}, at the top of a body. With {@code init} (version 15), an array
   * initializer of that many elements instead, evaluated left to right, row by row: {@code
   * double[] ya = {x0 * 2.0, Math.sin(x1), 0.5};} ({@code new double[] {...}} where {@code
   * explicit}), {@code double[][] ym = {{..}, {..}};}.
   */
  record LocalArray(String name, boolean matrix, List<Expr> init, boolean explicit)
      implements Stmt {
    LocalArray(String name) {
      this(name, false);
    }

    LocalArray(String name, boolean matrix) {
      this(name, matrix, null, false);
    }
  }

  /**
   * {@code target op value;} with op one of {@code = += -= *=}, on an element ({@link Element} or
   * {@link MatrixElement}) of a local array.
   */
  record ElementAssign(Expr target, String op, Expr value) implements Stmt {}

  /** {@code break} or {@code continue} (the latter only in FOR loops, whose update still runs). */
  record Jump(boolean isBreak) implements Stmt {}

  record Declare(String name, Expr init) implements Stmt {}

  /** {@code name op value} with op one of {@code = += -= *= /=}. */
  record Assign(String name, String op, Expr value) implements Stmt {}

  /** {@code name++}, {@code ++name}, {@code name--} or {@code --name} on a double. */
  record Step(String name, boolean up, boolean prefix) implements Stmt {}

  record If(Cond condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

  record Return(Expr value) implements Stmt {}

  /** The three loop forms; each counts {@code index} up from 0 while it is below the bound. */
  enum LoopKind {
    /** {@code for (int i = 0; i < bound; i++)}. */
    FOR,
    /** {@code int i = 0; while (i < bound && (stop)) { ...; i++; }}. */
    WHILE,
    /** {@code int i = 0; do { ...; i++; } while (i < bound);}: at least one trip. */
    DO
  }

  /** A loop; {@code stop} is the extra condition of a WHILE, else null. */
  record Loop(LoopKind kind, String index, IntExpr bound, Cond stop, List<Stmt> body)
      implements Stmt {}

  // ---------------------------------------------------------------- methods and classes

  /**
   * A method the generated code may call: a helper (with a body) or a {@link Rules.Rule}.
   * {@code returnsArray}: it returns {@code double[]} (of {@link #LENGTH}), not {@code double}.
   */
  record Callee(String owner, String name, List<Param> params, List<Stmt> body, Rules.Rule rule,
      boolean returnsArray, boolean instance, boolean writesOut, boolean returnsVoid,
      boolean returnsMatrix) {
    Callee(String owner, String name, List<Param> params, List<Stmt> body, Rules.Rule rule,
        boolean returnsArray, boolean instance) {
      this(owner, name, params, body, rule, returnsArray, instance, false, false, false);
    }

    /**
     * A static helper that returns {@code double[][]} (version 16), of {@link #ROWS} by {@link
     * #COLUMNS}: neither {@code returnsArray} nor a {@code double} helper.
     */
    static Callee matrixHelper(String owner, String name, List<Param> params, List<Stmt> body) {
      return new Callee(owner, name, params, body, null, false, false, false, false, true);
    }

    static Callee helper(String owner, String name, List<Param> params, List<Stmt> body) {
      return new Callee(owner, name, params, body, null, false, false);
    }

    static Callee arrayHelper(String owner, String name, List<Param> params, List<Stmt> body) {
      return new Callee(owner, name, params, body, null, true, false);
    }

    /**
     * A static helper with out-parameters (version 16): it writes into its array parameter
     * {@code out}; {@code void} or {@code double}.
     */
    static Callee outHelper(String owner, String name, List<Param> params, List<Stmt> body,
        boolean isVoid) {
      return new Callee(owner, name, params, body, null, false, false, true, isVoid, false);
    }

    static Callee rule(Rules.Rule rule) {
      return new Callee(Rules.CLASS, rule.name(), rule.params(), null, rule, rule.returnsArray(),
          false);
    }

    /** The same helper with another body. */
    Callee withBody(List<Stmt> newBody) {
      return new Callee(owner, name, params, newBody, rule, returnsArray, instance, writesOut,
          returnsVoid, returnsMatrix);
    }

    /** The same helper as an instance method (version 12), or as a static one. */
    Callee withInstance(boolean isInstance) {
      return new Callee(owner, name, params, body, rule, returnsArray, isInstance, writesOut,
          returnsVoid, returnsMatrix);
    }

    boolean isRule() {
      return rule != null;
    }
  }

  /**
   * One generated class: helpers, then the function under test {@code f}.
   *
   * @param exact false when the gradient deliberately differs from the derivative of the value
   *     (stopGradient, a clipping rule, an active value passed to a @NoDiff parameter), so central
   *     differences are no second opinion
   */
  record Unit(String className, List<Callee> helpers, Callee f, boolean exact,
      List<Field> fields, boolean record, List<RecordType> types, List<RecordParam> recordParams) {
    Unit(String className, List<Callee> helpers, Callee f, boolean exact) {
      this(className, helpers, f, exact, List.of(), false);
    }

    Unit(String className, List<Callee> helpers, Callee f, boolean exact, List<Field> fields,
        boolean record) {
      this(className, helpers, f, exact, fields, record, List.of(), List.of());
    }

    /** The same class with other methods. */
    Unit withMethods(List<Callee> newHelpers, Callee newF) {
      return new Unit(className, newHelpers, newF, exact, fields, record, types, recordParams);
    }

    /**
     * The same program with every parameter declared flat (version 14): no record parameters, the
     * program the reference runs.
     */
    Unit withoutRecords() {
      return new Unit(className, helpers, f, exact, fields, record, List.of(), List.of());
    }

    /** The record parameters of method {@code method} (version 14), in no particular order. */
    List<RecordParam> recordParams(String method) {
      return recordParams.stream().filter(r -> r.method().equals(method)).toList();
    }

    String render() {
      StringBuilder out = new StringBuilder();
      out.append("package ").append(Rules.PACKAGE).append(";\n\n")
          .append("import dev.adjoint.Differentiable;\n")
          .append("import dev.adjoint.NoDiff;\n")
          .append("import dev.adjoint.runtime.Ad;\n\n");
      String declared = fields.stream()
          .map(v -> (v.isInt() ? "int " : "double ") + v.name())
          .collect(Collectors.joining(", "));
      if (record) {
        out.append("record ").append(className).append('(').append(declared).append(") {\n");
        for (Field v : fields) {
          if (v.accessor()) {
            out.append("  public ").append(v.isInt() ? "int " : "double ").append(v.name())
                .append("() {\n    return ").append(v.name()).append(" + ")
                .append(v.isInt() ? "1" : "0.5").append(";\n  }\n\n");
          }
        }
      } else {
        out.append("final class ").append(className).append(" {\n");
        if (!fields.isEmpty()) {
          for (Field v : fields) {
            out.append("  ").append(v.hidden() ? "private " : "")
                .append(v.mutable() && !v.object() ? "" : "final ")
                .append(v.object() ? OBJECT_CLASS + " " : v.isInt() ? "int " : "double ")
                .append(v.name()).append(";\n");
          }
          out.append("\n  ").append(className).append('(').append(declared).append(") {\n");
          for (Field v : fields) {
            out.append("    this.").append(v.name()).append(" = ")
                .append(v.object() ? "new " + OBJECT_CLASS + "(" + v.name() + ")" : v.name())
                .append(";\n");
          }
          out.append("  }\n\n");
        }
      }
      if (fields.stream().anyMatch(Field::object)) {
        boolean hidden = fields.stream().anyMatch(v -> v.object() && v.hidden());
        out.append("  static final class ").append(OBJECT_CLASS).append(" {\n    ")
            .append(hidden ? "private " : "").append("double ")
            .append(OBJECT_FIELD).append(";\n\n    ").append(OBJECT_CLASS).append("(double ")
            .append(OBJECT_FIELD).append(") {\n      this.").append(OBJECT_FIELD).append(" = ")
            .append(OBJECT_FIELD).append(";\n    }\n  }\n\n");
      }
      for (RecordType t : types) {
        out.append("  record ").append(t.name()).append('(')
            .append(t.components().stream()
                .map(c -> (c.nested() != null ? c.nested().name() : type(c.kind())) + " "
                    + c.name())
                .collect(Collectors.joining(", ")))
            .append(") {}\n\n");
      }
      for (Callee h : helpers) {
        renderMethod(h, out, this);
      }
      renderMethod(f, out, this);
      // version 19: the plain getters the bodies call (get_k0(), this.get_fc0().k, o.get_n0())
      StringBuilder getters = new StringBuilder();
      for (Field v : fields) {
        if (!record && out.indexOf(GETTER_PREFIX + v.name() + "()") >= 0) {
          getters.append("  ").append(v.object() ? OBJECT_CLASS : v.isInt() ? "int" : "double")
              .append(' ').append(GETTER_PREFIX).append(v.name()).append("() {\n    return ")
              .append(v.name()).append(";\n  }\n\n");
        }
      }
      if (getters.length() > 0) {
        int at = out.indexOf("  }\n\n", out.indexOf("\n  " + className + "(")) + 5;
        out.insert(at, getters);
      }
      return out.append("}\n").toString();
    }

    String qualifiedName() {
      return Rules.PACKAGE + "." + className;
    }
  }

  /**
   * A field of the generated class (version 12): a record component, or a field of a final
   * class, {@code final} unless {@code mutable} (FuzzTest changes those after {@code fVjp}). A
   * record's component may have an explicit {@code accessor} that returns it plus {@link
   * #accessorOffset}, so that {@code fd0()} and {@code fd0} differ, as Java makes them.
   */
  record Field(String name, boolean isInt, boolean mutable, boolean accessor, boolean object,
      boolean hidden) {
    Field(String name, boolean isInt, boolean mutable, boolean accessor) {
      this(name, isInt, mutable, accessor, false, false);
    }

    /**
     * The same field declared {@code private} (version 20, final classes only; a field holding an
     * object has its {@code k} private too): the generated class, not a nestmate, reads it
     * through a {@code VarHandle}.
     */
    Field hide() {
      return new Field(name, isInt, mutable, accessor, object, true);
    }

    /**
     * A field that holds an object (version 16, final classes only): {@code final Cfg fc0;} of
     * the nested {@code static final class K0 { double k; }}, made by the constructor from a
     * {@code double} ({@code this.fc0 = new K0(fc0);}) and read as {@code fc0.k}, {@code
     * this.fc0.k}, {@code o.fc0.k}; {@code mutable}: FuzzTest changes {@code k} after {@code
     * fVjp}.
     */
    static Field object(String name) {
      return new Field(name, false, true, false, true, false);
    }

    /** What its explicit accessor adds: a record's {@code fd0()} may differ from {@code fd0}. */
    double accessorOffset() {
      return !accessor ? 0 : isInt ? 1 : 0.5;
    }
  }

  // ---------------------------------------------------------------- records (version 14)

  /**
   * A record type declared in the generated class (version 14): {@code record R0(double x0,
   * double[] xa, N0 in0, int n) {}}. A component is a flat parameter's kind, or a nested record.
   */
  record RecordType(String name, List<Component> components) {
    /** The leaf components in order, nested records' leaves in place. */
    List<Component> leaves() {
      List<Component> out = new java.util.ArrayList<>();
      for (Component c : components) {
        if (c.nested() != null) {
          out.addAll(c.nested().leaves());
        } else {
          out.add(c);
        }
      }
      return out;
    }

    /**
     * The accessor paths of the leaves in order, from a record named {@code record}: {@code
     * q0.x0()}, {@code q0.in0().xa()}; with {@code separator} "_" and no parentheses, the names
     * the processor gives the leaves of a flattened record ({@code q0_in0_xa}).
     */
    List<String> paths(String record, boolean flatNames) {
      List<String> out = new java.util.ArrayList<>();
      for (Component c : components) {
        String here = record + (flatNames ? "_" + c.name() : "." + c.name() + "()");
        if (c.nested() != null) {
          out.addAll(c.nested().paths(here, flatNames));
        } else {
          out.add(here);
        }
      }
      return out;
    }

    /** Whether it holds floating-point data (a differentiable record, unless {@code @NoDiff}). */
    boolean floating() {
      return leaves().stream().anyMatch(c -> c.kind() == Kind.DOUBLE || c.kind() == Kind.ARRAY
          || c.kind() == Kind.MATRIX || c.kind() == Kind.DATA || c.kind() == Kind.NODIFF);
    }
  }

  /** A component of a {@link RecordType}: {@code kind} as a parameter of it, or a nested record. */
  record Component(String name, Kind kind, RecordType nested) {}

  /**
   * A parameter of method {@code method} of record type {@code type} (version 14), named {@code
   * name}, standing for the flat parameters {@code leaves} (names of the method's flat
   * parameters, in the order of the type's leaves), which its body reads through accessors
   * ({@code q0.xa()[i]}). The flat program (the reference's) is unchanged; only rendering
   * differs, and a call passing exactly the caller's record's leaves to a method taking a record
   * of the same type passes the record whole. {@code noDiff}: {@code @NoDiff} (a data record).
   */
  record RecordParam(String method, String name, RecordType type, List<String> leaves,
      boolean noDiff) {
    /** Whether it is a differentiable record (floating-point data, not {@code @NoDiff}). */
    boolean differentiable() {
      return !noDiff && type.floating();
    }
  }

  /** A flat parameter's type, as a record component. */
  static String type(Kind kind) {
    return switch (kind) {
      case DOUBLE, NODIFF -> "double";
      case INT -> "int";
      case ARRAY, DATA -> "double[]";
      case MATRIX -> "double[][]";
      case INDEX -> "int[]";
      case LONGS -> "long[]";
      case MASK -> "boolean[]";
      case RECEIVER -> throw new IllegalStateException("no receiver in a record");
    };
  }

  /** What {@link #renderMethod} renders: its record parameters' names and their callers'. */
  private static final class RenderContext {
    /** Each leaf of a record parameter of the method rendered: its accessor path. */
    final java.util.Map<String, String> renames = new java.util.HashMap<>();
    /** The record parameters of the method rendered. */
    List<RecordParam> mine = List.of();
    /** The unit rendered (for the record parameters of callees). */
    Unit unit;
  }

  private static final ThreadLocal<RenderContext> CONTEXT = new ThreadLocal<>();

  /** A flat parameter's name as the rendered body reads it: itself, or a record's accessor. */
  private static String name(String flat) {
    RenderContext c = CONTEXT.get();
    return c == null ? flat : c.renames.getOrDefault(flat, flat);
  }

  private static void renderMethod(Callee m, StringBuilder out, Unit unit) {
    List<RecordParam> mine = unit.recordParams(m.name());
    List<String> params = new java.util.ArrayList<>();
    RenderContext context = new RenderContext();
    context.unit = unit;
    context.mine = mine;
    for (Param p : m.params()) {
      RecordParam holder = null;
      for (RecordParam r : mine) {
        if (r.leaves().contains(p.name())) {
          holder = r;
        }
      }
      RecordParam h = holder;
      if (h == null) {
        params.add(p.render(m.owner()));
      } else if (m.params().stream().filter(q -> h.leaves().contains(q.name())).findFirst()
          .orElseThrow() == p) {
        // the record where its first leaf (in the method's order) was
        params.add((h.noDiff() ? "@NoDiff " : "") + h.type().name() + " " + h.name());
      }
    }
    for (RecordParam r : mine) {
      List<String> paths = r.type().paths(r.name(), false);
      for (int i = 0; i < r.leaves().size(); i++) {
        context.renames.put(r.leaves().get(i), paths.get(i));
      }
    }
    out.append("  @Differentiable\n  ").append(m.instance() ? "" : "static ")
        .append(m.returnsArray() ? "double[] " : m.returnsMatrix() ? "double[][] "
            : m.returnsVoid() ? "void " : "double ")
        .append(m.name()).append('(')
        .append(String.join(", ", params))
        .append(") {\n");
    RenderContext before = CONTEXT.get();
    CONTEXT.set(context);
    try {
      for (Stmt s : m.body()) {
        render(s, "    ", out);
      }
    } finally {
      CONTEXT.set(before);
    }
    out.append("  }\n\n");
  }

  /**
   * A call's arguments: where the callee takes a record, the caller's record of that type whose
   * leaves are exactly the arguments there (the generator makes them so), passed whole.
   */
  private static String renderArgs(Invoke i) {
    RenderContext c = CONTEXT.get();
    List<RecordParam> theirs = c == null || i.callee().isRule() ? List.of()
        : c.unit.recordParams(i.callee().name());
    if (theirs.isEmpty()) {
      return i.args().stream().map(Program::renderArg).collect(Collectors.joining(", "));
    }
    List<Param> params = i.callee().params();
    List<String> out = new java.util.ArrayList<>();
    for (int k = 0; k < params.size() && k < i.args().size(); k++) {
      String pname = params.get(k).name();
      RecordParam holder = null;
      for (RecordParam r : theirs) {
        if (r.leaves().contains(pname)) {
          holder = r;
        }
      }
      if (holder == null) {
        out.add(renderArg(i.args().get(k)));
        continue;
      }
      RecordParam h = holder;
      if (params.stream().filter(q -> h.leaves().contains(q.name())).findFirst().orElseThrow()
          != params.get(k)) {
        continue; // a later leaf of the record passed at its first
      }
      List<String> passed = new java.util.ArrayList<>();
      for (String leaf : h.leaves()) {
        int at = -1;
        for (int j = 0; j < params.size(); j++) {
          if (params.get(j).name().equals(leaf)) {
            at = j;
          }
        }
        Object arg = at < 0 || at >= i.args().size() ? null : i.args().get(at);
        passed.add(arg instanceof Read r ? r.name() : arg instanceof ArrayArg a ? a.array()
            : arg instanceof IntRead r ? r.name() : null);
      }
      String whole = null;
      for (RecordParam mine : c.mine) {
        if (mine.type().equals(h.type()) && mine.leaves().equals(passed)) {
          whole = mine.name();
        }
      }
      // (a program edited by the Shrinker may no longer pass them: then no valid Java)
      out.add(whole != null ? whole : "/* not a record of type " + h.type().name() + " */");
    }
    return String.join(", ", out);
  }

  /** One statement as the flat program reads it (no record parameters). */
  static String renderStatement(Stmt s) {
    StringBuilder out = new StringBuilder();
    RenderContext before = CONTEXT.get();
    CONTEXT.remove();
    try {
      render(s, "", out);
    } finally {
      CONTEXT.set(before);
    }
    return out.toString();
  }

  private static void render(Stmt s, String indent, StringBuilder out) {
    if (s instanceof Declare d) {
      out.append(indent).append("double ").append(d.name()).append(" = ")
          .append(render(d.init())).append(";\n");
    } else if (s instanceof Assign a) {
      out.append(indent).append(a.name()).append(' ').append(a.op()).append(' ')
          .append(render(a.value())).append(";\n");
    } else if (s instanceof Step st) {
      String op = st.up() ? "++" : "--";
      out.append(indent).append(st.prefix() ? op + st.name() : st.name() + op).append(";\n");
    } else if (s instanceof If i) {
      out.append(indent).append("if (").append(render(i.condition())).append(") {\n");
      for (Stmt t : i.then()) {
        render(t, indent + "  ", out);
      }
      if (i.otherwise().isEmpty()) {
        out.append(indent).append("}\n");
      } else {
        out.append(indent).append("} else {\n");
        for (Stmt t : i.otherwise()) {
          render(t, indent + "  ", out);
        }
        out.append(indent).append("}\n");
      }
    } else if (s instanceof Return r) {
      out.append(indent).append("return ").append(render(r.value())).append(";\n");
    } else if (s instanceof ArrayCall c) {
      out.append(indent).append("double[] ").append(c.name()).append(" = ").append(render(c.call()))
          .append(";\n");
    } else if (s instanceof ReturnArray r) {
      out.append(indent).append("return ").append(r.array()).append(";\n");
    } else if (s instanceof MatrixCall c) {
      out.append(indent).append("double[][] ").append(c.name()).append(" = ")
          .append(render(c.call())).append(";\n");
    } else if (s instanceof OutCall c) {
      out.append(indent);
      if (c.target() != null) {
        out.append(c.op().equals("double") ? "double " + c.target() + " ="
            : name(c.target()) + " " + c.op()).append(' ');
      }
      out.append(render(c.call())).append(";\n");
    } else if (s instanceof ReturnCall r) {
      out.append(indent).append("return ").append(render(r.call())).append(";\n");
    } else if (s instanceof TripArray a) {
      out.append(indent).append(switch (a.type()) {
        case 0 -> "double[] " + a.name() + " = new double["
            + (a.length() == null ? Integer.toString(LENGTH) : render(a.length())) + "];\n";
        case 1 -> "double[][] " + a.name() + " = new double[" + ROWS + "][" + COLUMNS + "];\n";
        default -> "int[] " + a.name() + " = new int[" + LENGTH + "];\n";
      });
    } else if (s instanceof LocalArray a && a.init() != null) {
      List<String> elements = a.init().stream().map(Program::render).toList();
      String body;
      if (a.matrix()) {
        List<String> rows = new java.util.ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
          rows.add("{" + String.join(", ", elements.subList(r * COLUMNS, (r + 1) * COLUMNS))
              + "}");
        }
        body = "{" + String.join(", ", rows) + "}";
      } else {
        body = "{" + String.join(", ", elements) + "}";
      }
      out.append(indent).append(a.matrix() ? "double[][] " : "double[] ").append(a.name())
          .append(" = ").append(a.explicit() ? (a.matrix() ? "new double[][] " : "new double[] ")
              : "").append(body).append(";\n");
    } else if (s instanceof LocalArray a) {
      out.append(indent).append(a.matrix()
          ? "double[][] " + a.name() + " = new double[" + ROWS + "][" + COLUMNS + "];\n"
          : "double[] " + a.name() + " = new double[" + LENGTH + "];\n");
    } else if (s instanceof ElementAssign a) {
      out.append(indent).append(render(a.target())).append(' ').append(a.op()).append(' ')
          .append(render(a.value())).append(";\n");
    } else if (s instanceof ElementStep st) {
      String op = st.up() ? "++" : "--";
      String target = render(st.target());
      out.append(indent).append(st.prefix() ? op + target : target + op).append(";\n");
    } else if (s instanceof Mutate m) {
      out.append(indent).append(m.sort() ? "java.util.Arrays.sort(" : Rules.CLASS + ".flip(")
          .append(name(m.array())).append(");\n");
    } else if (s instanceof Box b) {
      out.append(indent).append(b.type()).append(' ').append(b.name()).append(" = ")
          .append(render(b.init())).append(";\n");
    } else if (s instanceof Log l) {
      out.append(indent).append(Rules.CLASS).append(".log(\"").append(l.name()).append("=\" + ")
          .append(name(l.name())).append(");\n");
    } else if (s instanceof Jump j) {
      out.append(indent).append(j.isBreak() ? "break;\n" : "continue;\n");
    } else if (s instanceof RandomLocal g) {
      out.append(indent).append("java.util.Random ").append(g.name())
          .append(" = new java.util.Random(").append(render(g.seed())).append(");\n");
    } else if (s instanceof LocalDiscrete d) {
      String type = d.mask() ? "boolean" : "int";
      out.append(indent).append(type).append("[] ").append(d.name()).append(" = new ")
          .append(type).append('[').append(LENGTH).append("];\n");
    } else if (s instanceof IntElementAssign a) {
      out.append(indent).append(render(a.target()));
      if (a.value() == null) {
        out.append(a.op()).append(";\n");
      } else {
        String value = render(a.value());
        out.append(' ').append(a.op()).append(' ')
            .append(a.modLength() ? "Math.floorMod(" + value + ", " + LENGTH + ")" : value)
            .append(";\n");
      }
    } else if (s instanceof MaskAssign a) {
      out.append(indent).append(render(a.target())).append(" = ").append(render(a.value()))
          .append(";\n");
    } else if (s instanceof ForEach fe) {
      String type = switch (fe.kind()) {
        case DOUBLES -> "double";
        case INTS -> "int";
        case ROWS -> "double[]";
      };
      out.append(indent).append("for (").append(type).append(' ').append(fe.var()).append(" : ")
          .append(name(fe.array())).append(fe.row() == null ? "" : "[" + fe.row() + "]")
          .append(") {\n");
      for (Stmt t : fe.body()) {
        render(t, indent + "  ", out);
      }
      out.append(indent).append("}\n");
    } else if (s instanceof Loop l) {
      String i = l.index();
      String bound = render(l.bound());
      switch (l.kind()) {
        case FOR:
          out.append(indent).append("for (int ").append(i).append(" = 0; ").append(i)
              .append(" < ").append(bound).append("; ").append(i).append("++) {\n");
          break;
        case WHILE:
          out.append(indent).append("int ").append(i).append(" = 0;\n");
          out.append(indent).append("while (").append(i).append(" < ").append(bound)
              .append(" && (").append(render(l.stop())).append(")) {\n");
          break;
        case DO:
          out.append(indent).append("int ").append(i).append(" = 0;\n");
          out.append(indent).append("do {\n");
          break;
      }
      for (Stmt t : l.body()) {
        render(t, indent + "  ", out);
      }
      if (l.kind() != LoopKind.FOR) {
        out.append(indent).append("  ").append(i).append("++;\n");
      }
      out.append(indent).append(l.kind() == LoopKind.DO
          ? "} while (" + i + " < " + bound + ");\n" : "}\n");
    } else {
      throw new AssertionError(s);
    }
  }

  static String render(Expr e) {
    if (e instanceof Num n) {
      String text = n.intLiteral() ? Integer.toString((int) n.value()) : Double.toString(n.value());
      return n.value() < 0 ? "(" + text + ")" : text;
    } else if (e instanceof Read r) {
      return name(r.name());
    } else if (e instanceof Promote p) {
      return p.cast() ? "((double) " + render(p.value()) + ")" : render(p.value());
    } else if (e instanceof Neg n) {
      return "(-" + render(n.operand()) + ")";
    } else if (e instanceof Binary b) {
      return "(" + render(b.left()) + " " + b.op() + " " + render(b.right()) + ")";
    } else if (e instanceof MathCall m) {
      return "Math." + m.function() + "("
          + m.args().stream().map(Program::render).collect(Collectors.joining(", ")) + ")";
    } else if (e instanceof Ternary t) {
      return "(" + render(t.condition()) + " ? " + render(t.whenTrue()) + " : "
          + render(t.whenFalse()) + ")";
    } else if (e instanceof FieldRead r) {
      return renderField(r.name(), r.form());
    } else if (e instanceof Recurse r) {
      return (r.viaThis() ? "this." : "") + r.name() + "("
          + r.args().stream().map(Program::renderArg).collect(Collectors.joining(", ")) + ")";
    } else if (e instanceof RandomDouble g) {
      return g.generator() + ".nextDouble()";
    } else if (e instanceof Invoke i) {
      String prefix = i.callee().isRule() ? Rules.CLASS + "."
          : i.target() == null ? "" : i.target() + ".";
      return prefix + i.callee().name() + "(" + renderArgs(i) + ")";
    } else if (e instanceof Stop s) {
      return "Ad.stopGradient(" + render(s.operand()) + ")";
    } else if (e instanceof Element el) {
      return name(el.array()) + "[" + el.renderIndex() + "]";
    } else if (e instanceof MatrixElement m) {
      return name(m.matrix()) + m.renderIndices();
    } else if (e instanceof Level) {
      return Rules.CLASS + ".level()";
    }
    throw new AssertionError(e);
  }

  private static String renderArg(Object arg) {
    if (arg instanceof ArrayArg a) {
      return name(a.array());
    }
    if (arg instanceof RowArg r) {
      return name(r.matrix()) + "[" + (r.wrapped()
          ? "Math.floorMod(" + render(r.row()) + ", " + ROWS + ")" : render(r.row())) + "]";
    }
    if (arg instanceof NestedArg n) {
      return render(n.call());
    }
    return arg instanceof Expr e ? render(e) : render((IntExpr) arg);
  }

  static String render(IntExpr e) {
    if (e instanceof IntRead r) {
      return name(r.name());
    } else if (e instanceof IntLit l) {
      return l.value() < 0 ? "(" + l.value() + ")" : Integer.toString(l.value());
    } else if (e instanceof IntBinary b) {
      return "(" + render(b.left()) + " " + b.op() + " " + render(b.right()) + ")";
    } else if (e instanceof IntLength l) {
      return l.row() == null ? name(l.array()) + ".length"
          : name(l.array()) + "[" + l.row() + "].length";
    } else if (e instanceof IntNext n) {
      return Rules.CLASS + ".next(" + n.bound() + ")";
    } else if (e instanceof IntField f) {
      return renderField(f.name(), f.form());
    } else if (e instanceof IntMod m) {
      return "Math.floorMod(" + render(m.value()) + ", " + m.modulus() + ")";
    } else if (e instanceof LengthMod m) {
      return "Math.floorMod(" + render(m.value()) + ", " + m.array() + ".length)";
    } else if (e instanceof RandomInt g) {
      return (g.generator() == null ? "new java.util.Random(" + render(g.seed()) + ")"
          : g.generator()) + ".nextInt(" + g.bound() + ")";
    } else if (e instanceof DataInt d) {
      return "((int) " + name(d.array()) + "[" + d.index() + "])";
    } else if (e instanceof IntElement el) {
      String read = name(el.array()) + "[" + renderIndex(el.index(), el.wrapped()) + "]";
      return el.longs() ? "((int) " + read + ")" : read;
    }
    throw new AssertionError(e);
  }

  static String render(Cond c) {
    if (c instanceof Compare cmp) {
      return render(cmp.left()) + " " + cmp.op() + " " + render(cmp.right());
    } else if (c instanceof IntCompare cmp) {
      return render(cmp.left()) + " " + cmp.op() + " " + render(cmp.right());
    } else if (c instanceof Logic l) {
      return "(" + render(l.left()) + ") " + l.op() + " (" + render(l.right()) + ")";
    } else if (c instanceof Not n) {
      return "!(" + render(n.operand()) + ")";
    } else if (c instanceof BoxCompare b) {
      return b.box() + " " + b.op() + " " + render(b.right());
    } else if (c instanceof MaskRead m) {
      return name(m.array()) + "[" + renderIndex(m.index(), m.wrapped()) + "]";
    }
    throw new AssertionError(c);
  }

  /** The class of a field holding an object (version 16), its double field, and such fields' names. */
  static final String OBJECT_CLASS = "Cfg";

  static final String OBJECT_FIELD = "k";

  static final String OBJECT_FIELD_PREFIX = "fc";

  /** The name of a {@link Kind#RECEIVER} parameter. */
  static final String RECEIVER_PARAM = "o";

  /**
   * A field read: {@code f}, {@code this.f}, {@code f()} or {@code this.f()} (a record's), or of
   * the receiver parameter, {@code o.f} or {@code o.f()}.
   */
  private static String renderField(String name, int form) {
    // a field holding an object (version 16): its double field read through it
    String through = name.startsWith(OBJECT_FIELD_PREFIX) ? "." + OBJECT_FIELD : "";
    return switch (form) {
      case 0 -> name;
      case 1 -> "this." + name;
      case 2 -> name + "()";
      case 3 -> "this." + name + "()";
      case 4 -> RECEIVER_PARAM + "." + name;
      case 5 -> RECEIVER_PARAM + "." + name + "()";
      // version 19: through a plain getter method of the class
      case 6 -> GETTER_PREFIX + name + "()";
      case 7 -> "this." + GETTER_PREFIX + name + "()";
      default -> RECEIVER_PARAM + "." + GETTER_PREFIX + name + "()";
    } + through;
  }

  /**
   * The prefix of a field's plain getter (version 19, final classes only): {@code double
   * get_k0() { return k0; }}, which a second-order sweep calls rather than reads the field, so
   * {@code fHvpAt} must replay what it returned.
   */
  static final String GETTER_PREFIX = "get_";

  /** An index into an array of {@link #LENGTH}: wrapped into range through floorMod, or not. */
  static String renderIndex(IntExpr index, boolean wrapped) {
    return wrapped ? "Math.floorMod(" + render(index) + ", " + LENGTH + ")" : render(index);
  }
}

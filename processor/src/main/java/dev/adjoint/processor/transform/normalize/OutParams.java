package dev.adjoint.processor.transform.normalize;

import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.BodyCopier;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.PrimalVisitor;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Helpers with out-parameters (issue 11, the BLAS style: {@code void layer(double[][] w, double[]
 * x, double[] out)}). A {@code @Differentiable} method that writes into one of its array
 * parameters, or returns {@code void}, is a <em>writer</em>: every call of it is replaced by its
 * body, written in place in the caller, with its array parameters bound to the caller's arrays
 * themselves (a row {@code m[i]} to that row of the matrix) and its other parameters to fresh
 * locals. The caller then writes into its own arrays, which both modes differentiate as they do
 * any local array: the reverse sweep restores what the writes overwrote and carries the
 * cotangent of the values after the call back to the values before it, forward mode carries
 * the tangents of the written elements. Aliasing keeps Java's meaning exactly (the same array
 * passed twice is one variable), and a writer that passes its parameter on to another writer is
 * written in, in turn. This runs over the bodies of the whole round, before planning: no later
 * layer sees a call of a writer.
 *
 * <p>A writer has no generated members of its own (its callers differentiate through its body),
 * so a writer that nothing calls, or a method that writes into its parameter and is called by
 * nothing, is an error at the write ({@code AdjointArrayParameterWrite}). A call that cannot be
 * written in place keeping Java's order of evaluation is an error at the call ({@code
 * AdjointOutParameterCall}): one evaluated only on some paths (a branch of {@code ?:}, the right
 * of {@code &&} or {@code ||}, a loop's condition); one after which its statement has read, before
 * the call in Java's order, an array the call writes, or called a method with effects; one of a
 * writer compiled elsewhere (its body is not here), recursive, an instance method, with record or
 * {@code @NoDiff} array parameters, or returning an array.
 */
public final class OutParams {
  private OutParams() {}

  /** A method, by its class and name (annotated names are unique in a class). */
  public record Key(ClassName owner, String name) {
    public static Key of(Signature s) {
      return new Key(s.owner(), s.name());
    }
  }

  /**
   * An annotated method of the round whose body is differentiated: a {@code @Differentiable}
   * one, or a custom rule's primal whose body is in the subset ({@code custom}; its body is
   * derived only as the reference {@code FromBody} compares the rule with, and a call of it goes
   * through its rule, so it is never a writer).
   */
  public record Method(Signature signature, MethodBody body, boolean custom) {
    public Method(Signature signature, MethodBody body) {
      this(signature, body, false);
    }
  }

  /**
   * @param bodies every method's body, with the calls of writers written in (and, as given, the
   *     earlier rounds')
   * @param writers the methods that are writers: they get no members of their own
   * @param writesParameters the methods whose bodies write into their parameters (the writers
   *     but void ones that write nothing, and custom rules' primals that write)
   * @param reports each method's errors (at its calls and writes); a method with none is absent
   */
  public record Result(Map<Key, MethodBody> bodies, Set<Key> writers,
      Set<Key> writesParameters, Map<Key, Report> reports) {}

  /**
   * Writes the calls of writers into their callers, for the round's {@code methods}; {@code
   * earlier} are the methods of earlier rounds, their bodies already rewritten, which they may
   * call.
   */
  public static Result rewrite(List<Method> methods, List<Method> earlier) {
    Run run = new Run(earlier);
    for (Method m : earlier) {
      run.done.put(Key.of(m.signature()), m.body());
      run.firstWrites.put(Key.of(m.signature()), Run.directWrites(m));
    }
    for (Method m : methods) {
      run.byKey.put(Key.of(m.signature()), m);
      run.done.remove(Key.of(m.signature()));
    }
    for (Method m : methods) {
      run.process(Key.of(m.signature()));
    }
    Set<Key> writers = new LinkedHashSet<>();
    for (Method m : methods) {
      Key k = Key.of(m.signature());
      if (run.isWriter(k)) {
        writers.add(k);
        if (!run.called.contains(k)) {
          // At its first write: one error per method.
          run.firstWrites.get(k).entrySet().stream().findFirst()
              .ifPresent(w -> run.uncalled(k, m, w.getKey(), w.getValue()));
        }
      }
    }
    Set<Key> writesParameters = new LinkedHashSet<>();
    for (Method m : methods) {
      Key k = Key.of(m.signature());
      if (!run.firstWrites.getOrDefault(k, Map.of()).isEmpty()) {
        writesParameters.add(k);
      }
    }
    Map<Key, Report> reports = new LinkedHashMap<>();
    run.reports.forEach((k, b) -> reports.put(k, b.build()));
    return new Result(run.done, writers, writesParameters, reports);
  }

  private static final class Run {
    final Map<Key, Method> byKey = new LinkedHashMap<>();
    final Map<Key, MethodBody> done = new LinkedHashMap<>();
    /** Per method, its parameter arrays that it writes (itself or through calls), each where. */
    final Map<Key, Map<Variable, SourceRef>> firstWrites = new HashMap<>();
    final Map<Key, Report.Builder> reports = new LinkedHashMap<>();
    final Set<Key> called = new HashSet<>();
    final Deque<Key> stack = new ArrayDeque<>();

    Run(List<Method> methods) {
      for (Method m : methods) {
        byKey.put(Key.of(m.signature()), m);
      }
    }

    Report.Builder report(Key k) {
      return reports.computeIfAbsent(k, x -> Report.builder());
    }

    void process(Key k) {
      if (done.containsKey(k) || stack.contains(k)) {
        return;
      }
      Method m = byKey.get(k);
      stack.push(k);
      Map<Variable, SourceRef> writes = new LinkedHashMap<>();
      firstWrites.put(k, writes);
      Rewriter r = new Rewriter(this, k, m, writes);
      Stmt.Block out = r.block(m.body().body());
      stack.pop();
      done.put(k, m.body().with(out));
    }

    /** Whether {@code k}, a method of the round, writes into a parameter or returns void. */
    boolean isWriter(Key k) {
      Method m = byKey.get(k);
      if (m == null || m.custom()) {
        return false;
      }
      if (m.signature().result().equals(TypeName.VOID)) {
        return true;
      }
      if (stack.contains(k)) {
        return writesDirectly(m); // its calls are still being written in
      }
      process(k);
      return !firstWrites.get(k).isEmpty();
    }

    /** The indices of the parameters that writer {@code k} writes into. */
    Set<Integer> writtenParams(Key k) {
      Method m = byKey.get(k);
      Set<Integer> out = new TreeSet<>();
      Map<Variable, SourceRef> writes = firstWrites.getOrDefault(k, Map.of());
      for (int i = 0; i < m.body().params().size(); i++) {
        if (writes.containsKey(m.body().params().get(i))) {
          out.add(i);
        }
      }
      return out;
    }

    /** The parameters {@code m}'s body writes into, each at its first write. */
    static Map<Variable, SourceRef> directWrites(Method m) {
      Set<Variable> params = new HashSet<>(m.body().params());
      Map<Variable, SourceRef> out = new LinkedHashMap<>();
      IrWalker.forEachStmt(m.body().body(), s -> {
        if (s instanceof Stmt.ArrayAssign a && params.contains(a.array())) {
          out.putIfAbsent(a.array(), a.ref());
        }
      });
      return out;
    }

    static boolean writesDirectly(Method m) {
      Set<Variable> params = new HashSet<>(m.body().params());
      boolean[] found = {false};
      IrWalker.forEachStmt(m.body().body(), s -> {
        if (s instanceof Stmt.ArrayAssign a && params.contains(a.array())) {
          found[0] = true;
        }
      });
      return found[0];
    }

    void uncalled(Key k, Method m, Variable array, SourceRef ref) {
      String type = array.type().toString();
      String copy;
      if (array.type().equals(Expr.DOUBLE_MATRIX)) {
        copy = "new double[" + array.hint() + ".length][" + array.hint() + "[0].length]";
      } else {
        TypeName element = ((ArrayTypeName) array.type()).componentType();
        String rest = "";
        while (element instanceof ArrayTypeName a) {
          element = a.componentType();
          rest += "[]";
        }
        copy = "new " + element + "[" + array.hint() + ".length]" + rest;
      }
      report(k).add(Message.UNCALLED_PARAMETER_WRITE, ref, array.hint(), m.signature().name(),
          m.signature().name(), type, copy);
    }
  }

  /** The rewriting of one method's body. */
  private static final class Rewriter {
    private final Key key;
    private final Method method;
    private final Map<Variable, SourceRef> writes;
    private final Set<Variable> params;
    private final Run run;

    Rewriter(Run run, Key key, Method method, Map<Variable, SourceRef> writes) {
      this.run = run;
      this.key = key;
      this.method = method;
      this.writes = writes;
      this.params = new HashSet<>(method.body().params());
    }

    Stmt.Block block(Stmt.Block b) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt s : b.stmts()) {
        if (s instanceof Stmt.If i) {
          // The condition is evaluated once, before either branch: its calls go before the if.
          Hoist hoist = new Hoist();
          Expr test = hoist.of(i.condition(), true, false);
          out.addAll(hoist.before);
          out.add(new Stmt.If(test, block(i.then()), block(i.otherwise()), i.ref()));
        } else if (s instanceof Stmt.Loop l) {
          IrWalker.forEachExpr(l.condition(), e -> {
            if (e instanceof Expr.DiffCall c && isWriter(c)) {
              callError(c, "is evaluated on every trip of a loop's condition; call it in the"
                  + " loop's body, into a local the condition reads");
            }
          });
          out.add(new Stmt.Loop(l.condition(), block(l.body()), block(l.update()),
              l.testFirst(), l.ref()));
        } else if (s instanceof Stmt.Block inner) {
          out.add(block(inner));
        } else {
          out.addAll(leaf(s));
        }
      }
      return new Stmt.Block(out, b.ref());
    }

    /** A leaf statement with the calls of writers in it written in place before it. */
    private List<Stmt> leaf(Stmt s) {
      if (s instanceof Stmt.ArrayAssign a && params.contains(a.array())) {
        writes.putIfAbsent(a.array(), a.ref());
      }
      boolean[] any = {false};
      for (Expr e : IrWalker.ownExprs(s)) {
        IrWalker.forEachExpr(e, x -> any[0] |= x instanceof Expr.DiffCall c && isWriter(c));
      }
      if (!any[0]) {
        return List.of(s);
      }
      Hoist hoist = new Hoist();
      List<Stmt> out = new ArrayList<>();
      if (s instanceof Stmt.Declare d) {
        Expr init = hoist.of(d.init(), true, false);
        out.addAll(hoist.before);
        out.add(new Stmt.Declare(d.variable(), init, d.ref()));
      } else if (s instanceof Stmt.Assign a) {
        Expr value = hoist.of(a.value(), true, false);
        out.addAll(hoist.before);
        out.add(new Stmt.Assign(a.variable(), value, a.ref()));
      } else if (s instanceof Stmt.ArrayAssign a) {
        List<Expr> indices = new ArrayList<>();
        for (Expr i : a.indices()) {
          indices.add(hoist.of(i, true, false));
        }
        Expr value = hoist.of(a.value(), true, false);
        out.addAll(hoist.before);
        out.add(new Stmt.ArrayAssign(a.array(), indices, value, a.ref()));
      } else if (s instanceof Stmt.Return r) {
        Expr value = hoist.of(r.value(), true, false);
        out.addAll(hoist.before);
        out.add(new Stmt.Return(value, r.ref()));
      } else if (s instanceof Stmt.Eval e) {
        Expr value = hoist.of(e.expr(), true, false);
        out.addAll(hoist.before);
        if (value != null && !(e.expr() instanceof Expr.DiffCall)) {
          out.add(new Stmt.Eval(value, e.ref()));
        }
      } else {
        return List.of(s);
      }
      return out;
    }

    boolean isWriter(Expr.DiffCall c) {
      return run.isWriter(Key.of(c.callee()))
          || !run.byKey.containsKey(Key.of(c.callee()))
              && c.callee().result().equals(TypeName.VOID);
    }

    void callError(Expr.DiffCall c, String why) {
      Key k = Key.of(c.callee());
      List<String> names = new ArrayList<>();
      if (run.byKey.containsKey(k) && !run.stack.contains(k)) {
        for (int i : run.writtenParams(k)) {
          names.add(c.callee().params().get(i).name());
        }
      }
      String written = names.isEmpty() ? "(it returns void)" : String.join(", ", names);
      run.report(key).add(Message.OUT_PARAMETER_CALL, c.ref(), c.callee().name(), written, why);
    }

    /**
     * One statement's expressions, in Java's order of evaluation, with the calls of writers
     * hoisted into {@link #before}; what stays behind is evaluated after all of them, so a read
     * of an array a later call writes, or a call with effects, before such a call is an error.
     */
    private final class Hoist {
      final List<Stmt> before = new ArrayList<>();
      /** The arrays the statement has read so far, outside the hoisted calls' arguments. */
      final Set<Variable> read = new HashSet<>();
      boolean effects;

      /**
       * @param unconditional whether {@code e} is evaluated whenever the statement is
       * @param hoisted whether {@code e} is (part of) an argument of a hoisted call, evaluated
       *     in order before it
       */
      Expr of(Expr e, boolean unconditional, boolean hoisted) {
        if (e == null) {
          return null;
        }
        if (e instanceof Expr.DiffCall call) {
          List<Expr> args = new ArrayList<>();
          boolean writer = isWriter(call);
          for (Expr a : call.args()) {
            args.add(of(a, unconditional, hoisted || writer));
          }
          if (!writer) {
            if (!hoisted) {
              for (Expr a : args) {
                Variable root = root(a);
                if (root != null) {
                  read.add(root);
                }
              }
            }
            return new Expr.DiffCall(call.callee(), args, call.ref());
          }
          return inline(new Expr.DiffCall(call.callee(), args, call.ref()), unconditional);
        }
        if (e instanceof Expr.Conditional c) {
          Expr condition = of(c.condition(), unconditional, hoisted);
          return new Expr.Conditional(condition, of(c.whenTrue(), false, hoisted),
              of(c.whenFalse(), false, hoisted), c.type(), c.ref());
        }
        if (e instanceof Expr.Binary b) {
          boolean shortCircuit = b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR;
          Expr left = of(b.left(), unconditional, hoisted);
          return new Expr.Binary(b.op(), left,
              of(b.right(), unconditional && !shortCircuit, hoisted), b.type(), b.ref());
        }
        if (e instanceof Expr.Unary u) {
          return new Expr.Unary(u.op(), of(u.operand(), unconditional, hoisted), u.type(),
              u.ref());
        }
        if (e instanceof Expr.Cast c) {
          return new Expr.Cast(c.type(), of(c.operand(), unconditional, hoisted), c.ref());
        }
        if (e instanceof Expr.MathCall m) {
          return new Expr.MathCall(m.function(), m.owner(), all(m.args(), unconditional,
              hoisted), m.ref());
        }
        if (e instanceof Expr.StopGradient g) {
          return new Expr.StopGradient(of(g.arg(), unconditional, hoisted), g.ref());
        }
        if (e instanceof Expr.ArrayRead a) {
          if (!hoisted) {
            read.add(a.array());
          }
          return new Expr.ArrayRead(a.array(), all(a.indices(), unconditional, hoisted),
              a.ref());
        }
        if (e instanceof Expr.ArrayLength a) {
          return new Expr.ArrayLength(a.array(), all(a.indices(), unconditional, hoisted),
              a.ref());
        }
        if (e instanceof Expr.NewArray n) {
          return new Expr.NewArray(n.element(), all(n.lengths(), unconditional, hoisted),
              n.ref());
        }
        if (e instanceof Expr.OpaqueCall o) {
          Expr receiver = of(o.receiver(), unconditional, hoisted);
          List<Expr> args = all(o.args(), unconditional, hoisted);
          if (!hoisted) {
            effects = true;
            for (Expr a : args) {
              Variable root = root(a);
              if (root != null) {
                read.add(root);
              }
            }
          }
          return new Expr.OpaqueCall(receiver, o.owner(), o.name(), args, o.type(), o.ref());
        }
        if (e instanceof Expr.FieldRead f) {
          return f.withReceiver(of(f.receiver(), unconditional, hoisted));
        }
        if (e instanceof Expr.Read r && !hoisted && r.variable().type() instanceof ArrayTypeName) {
          read.add(r.variable());
        }
        return e; // a literal, a read
      }

      List<Expr> all(List<Expr> es, boolean unconditional, boolean hoisted) {
        List<Expr> out = new ArrayList<>();
        for (Expr e : es) {
          out.add(of(e, unconditional, hoisted));
        }
        return out;
      }

      /** The call of a writer, its arguments rewritten, written in place; its value's read. */
      Expr inline(Expr.DiffCall call, boolean unconditional) {
        Signature callee = call.callee();
        Key k = Key.of(callee);
        Method m = run.byKey.get(k);
        run.called.add(k); // called, whether or not this call can be written in
        if (m == null) {
          callError(call, "must be compiled together with this class: its callers are"
              + " differentiated through its body, which this compilation cannot see; compile "
              + callee.owner().simpleName() + " in the same javac run");
          return placeholder(callee);
        }
        if (run.stack.contains(k)) {
          callError(call, "must not call itself, directly or through other methods: its body is"
              + " written into its callers; write the recursion as a loop");
          return placeholder(callee);
        }
        if (!unconditional) {
          callError(call, "is evaluated only on some paths of its statement (a branch of ?:, the"
              + " right of && or ||); call it in a statement of its own, inside an if");
          return placeholder(callee);
        }
        String here = method.signature().owner().packageName();
        if (!callee.owner().packageName().equals(here)) {
          // Its body would be written into this package's generated class, where what only its
          // own package reaches (package-private fields and methods) is out of reach: code that
          // javac rejects (found by a red team, stop 24).
          callError(call, "must be in this class's package (" + (here.isEmpty() ? "the unnamed"
              + " package" : here) + "): its body is written into its callers, where what only its"
              + " own package may use cannot be reached; move " + callee.name() + " into this"
              + " package, or make it return its result instead of writing into its parameters");
          return placeholder(callee);
        }
        if (callee.instance() || callee.hasRecords() || callee.result() instanceof ArrayTypeName
            || call.args().size() != callee.params().size()) {
          callError(call, "must be a static method with no record parameter, returning void or"
              + " double (its body is written into its callers)");
          return placeholder(callee);
        }
        run.process(k);
        MethodBody body = run.done.get(k);
        Set<Integer> written = run.writtenParams(k);
        for (int i = 0; i < callee.params().size(); i++) {
          Param p = callee.params().get(i);
          if (!p.differentiable() && Expr.isArray(p.type())) {
            callError(call, "must not have @NoDiff array parameters (" + p.name() + "): its body"
                + " is written into its callers, whose own arguments decide what is"
                + " differentiated; remove @NoDiff from " + p.name());
            return placeholder(callee);
          }
        }
        Set<Variable> reassigned = new HashSet<>();
        IrWalker.forEachStmt(body.body(), s -> {
          if (s instanceof Stmt.Assign a && body.params().contains(a.variable())
              && a.variable().type() instanceof ArrayTypeName) {
            reassigned.add(a.variable());
          }
        });
        if (!reassigned.isEmpty()) {
          callError(call, "must not assign its array parameter "
              + reassigned.iterator().next().hint() + " a new array: its parameters are the"
              + " caller's arrays; declare a local array instead");
          return placeholder(callee);
        }
        // Java's order: what the statement read before the call must not be written by it.
        for (int i : written) {
          Variable root = root(call.args().get(i));
          if (root != null && root.kind() == Variable.Kind.PARAM && (!params.contains(root)
              || method.signature().hasRecords() && method.signature().surface().stream()
                  .noneMatch(p -> p.name().equals(root.hint())))) {
            // A field's array, or an array component of a record (read into a variable of the
            // method's own at its start): never written in differentiable code.
            callError(call, "must not write into " + root.hint() + ", an array of a field or of a"
                + " record's component, which differentiable code never writes; copy it into a"
                + " local array and pass that");
            return placeholder(callee);
          }
          if (root != null && (read.contains(root) || effects)) {
            callError(call, "is evaluated after its statement has "
                + (read.contains(root) ? "read " + root.hint() + ", which the call writes; read"
                    + " what the statement needs of " + root.hint() + " into locals first, then"
                    + " call it in a statement of its own (double y = " + callee.name()
                    + "(...);)"
                    : "called a method with effects; call it in a statement of its own before"
                    + " that one"));
            return placeholder(callee);
          }
          if (root != null && params.contains(root)) {
            writes.putIfAbsent(root, call.ref());
          }
        }
        BodyCopier copy = new BodyCopier();
        for (int i = 0; i < callee.params().size(); i++) {
          Param p = callee.params().get(i);
          Variable param = body.params().get(i);
          Expr arg = call.args().get(i);
          if (p.type() instanceof ArrayTypeName) {
            if (arg instanceof Expr.Read r) {
              copy.variables.put(param, r.variable());
              continue;
            }
            if (arg instanceof Expr.ArrayRead row && row.indices().size() == 1
                && row.type() instanceof ArrayTypeName) {
              Expr index = row.indices().get(0);
              if (!(index instanceof Expr.Literal)) {
                Variable at = new Variable(param.hint() + "Row", TypeName.INT,
                    Variable.Kind.LOCAL);
                before.add(new Stmt.Declare(at, index, call.ref()));
                index = read(at);
              }
              copy.bindRow(param, row.array(), index);
              continue;
            }
          }
          Variable local = new Variable(param.hint(), param.type(), Variable.Kind.LOCAL);
          copy.variables.put(param, local);
          Expr value = !p.differentiable() && p.type().equals(TypeName.DOUBLE)
              ? new Expr.StopGradient(arg, null) : arg;
          before.add(new Stmt.Declare(local, value, call.ref()));
        }
        if (!callee.result().equals(TypeName.VOID)) {
          copy.result = new Variable(callee.name(), callee.result(), Variable.Kind.LOCAL);
          before.add(new Stmt.Declare(copy.result, null, call.ref()));
        }
        before.add(copy.block(Returns.normalize(Jumps.lower(body.body()))));
        return copy.result == null ? null : read(copy.result);
      }

      /** A stand-in for a call that was reported: the class is not generated. */
      private Expr placeholder(Signature callee) {
        return callee.result().equals(TypeName.VOID) ? null
            : new Expr.Literal(0.0, TypeName.DOUBLE, null);
      }
    }
  }

  /** The caller's variable an array argument names: itself, or the matrix of a row; else null. */
  static Variable root(Expr arg) {
    if (arg instanceof Expr.Read r && r.variable().type() instanceof ArrayTypeName) {
      return r.variable();
    }
    if (arg instanceof Expr.ArrayRead row && row.type() instanceof ArrayTypeName) {
      return row.array();
    }
    return null;
  }
}

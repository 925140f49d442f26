package dev.adjoint.processor.transform.normalize;

import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.BodyCopier;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.PrimalVisitor;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the bodies of called {@code @Differentiable} methods into the body of their caller, so
 * that a derivative of the caller sees through them, by one of two {@link Policy policies}:
 *
 * <ul>
 *   <li>{@link Policy#SECOND_ORDER}: into an {@code order = 2} method, for its Hessian-vector
 *       product (reverse mode over forward mode): a call's JVP is generated code, which reverse
 *       mode cannot differentiate again, but the callee's body, written in place, is primal IR
 *       like the caller's. Only the Hessian-vector product reads the result.
 *   <li>{@link Policy#IN_LOOPS}: calls made inside a loop, of small callees, for the caller's
 *       reverse derivative: each such call would otherwise put a new Vjp of the callee on the
 *       tape per trip (an object, and a gradient record with new arrays per pullback), where the
 *       body written in place records into the caller's one tape, which a workspace reuses. The
 *       processor keeps the result only where the caller's derivative stays clean and small
 *       ({@code AdjointProcessor}).
 * </ul>
 *
 * Every other member keeps calling the callee.
 *
 * <p>A call is written in place where that keeps Java's meaning exactly; every other call is
 * left as it is (and, for second order, where its argument varies, is an error at the call, from
 * {@code ReverseOverForward}): the callee is a static method of the same class whose body this
 * compilation read (not a custom rule, not a recursive call), returning {@code double} (or,
 * where the policy allows, {@code double[]} made in its body, as a declaration's whole value:
 * {@code double[] h = layer(w, x)} with arguments that call nothing); each
 * array argument is a variable by name (the callee's parameter becomes that variable), or, where
 * the policy allows, a row of a matrix {@code m[i]} (the parameter's elements become {@code
 * m[row][k]}, the row's index read once into a local before the body), and the callee writes
 * into none of its array parameters (a write would come before the statement's own reads, which
 * Java makes first); a {@code @NoDiff} array parameter is not differentiated through (then the
 * call stays); and the call is evaluated unconditionally, in a statement that calls nothing else
 * with effects before it (calls of {@code Math}'s functions of integers, such as {@code
 * floorMod}, have none); it is moved ahead of the statement, so not in a loop's condition, a
 * branch of {@code ?:}, or the right side of {@code &&}/{@code ||} (an {@code if}'s condition is
 * evaluated once, so its calls go before the {@code if}). A {@code double} parameter marked
 * {@code @NoDiff} gets its argument through {@code Ad.stopGradient}.
 */
public final class Inliner {
  private Inliner() {}

  /**
   * Which calls are written in place.
   *
   * @param rows whether a row of a matrix may be passed for an array parameter
   * @param loopsOnly whether only calls made inside a loop are (those outside cost one call each)
   * @param depth how deep calls are followed (a chain of calls, each written into its caller)
   * @param calleeStatements the most statements a callee's body may have
   * @param arrayResults whether {@code double[] y = g(..)} is written in too, where {@code g}
   *     makes the array it returns ({@code double[] h = new double[n]; ..; return h;}): the
   *     caller's {@code y} then stands for the callee's {@code h}
   */
  public record Policy(boolean rows, boolean loopsOnly, int depth, int calleeStatements,
      boolean arrayResults) {
    /** For an {@code order = 2} method's Hessian-vector product: every call that can be. */
    public static final Policy SECOND_ORDER =
        new Policy(false, false, 8, Integer.MAX_VALUE, false);

    /** For a reverse derivative: calls in loops of small callees, rows and array results too. */
    public static final Policy IN_LOOPS = new Policy(true, true, 3, 80, true);
  }

  /**
   * @param caller the calling method
   * @param body its lowered body
   * @param bodies the lowered bodies of the annotated methods whose bodies may be written in
   *     place (those of the caller's class without a custom rule)
   * @param policy which calls
   * @return the body with the calls that can be written in place so written; empty where there
   *     was none
   */
  public static Optional<MethodBody> inline(Signature caller, MethodBody body,
      Function<Signature, Optional<MethodBody>> bodies, Policy policy) {
    Set<String> active = new HashSet<>();
    active.add(caller.name());
    Run run = new Run(caller, bodies, policy);
    run.noteFieldArrays(body.body());
    Stmt.Block out = run.block(body.body(), active, 0, false);
    return run.changed ? Optional.of(body.with(out)) : Optional.empty();
  }

  private static final class Run {
    private final Signature caller;
    private final Function<Signature, Optional<MethodBody>> bodies;
    private final Policy policy;
    private final Set<Variable> fieldArrays = new HashSet<>();
    private boolean changed;

    Run(Signature caller, Function<Signature, Optional<MethodBody>> bodies, Policy policy) {
      this.caller = caller;
      this.bodies = bodies;
      this.policy = policy;
    }

    /** Notes the locals of {@code b} holding arrays read from fields (effects may change them). */
    void noteFieldArrays(Stmt.Block b) {
      IrWalker.forEachStmt(b, st -> {
        if (st instanceof Stmt.Declare d && d.init() instanceof Expr.FieldRead) {
          fieldArrays.add(d.variable());
        } else if (st instanceof Stmt.Assign a && a.value() instanceof Expr.FieldRead) {
          fieldArrays.add(a.variable());
        }
      });
    }

    Stmt.Block block(Stmt.Block b, Set<String> active, int depth, boolean inLoop) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt s : b.stmts()) {
        if (s instanceof Stmt.If i) {
          // The condition is evaluated once, before either branch: its calls go before the if.
          Hoist hoist = policy.loopsOnly() && !inLoop ? null
              : hoisted(List.of(i.condition()), active, depth);
          Expr test = i.condition();
          if (hoist != null) {
            out.addAll(hoist.before);
            test = hoist.rewritten.get(0);
          }
          out.add(new Stmt.If(test, block(i.then(), active, depth, inLoop),
              block(i.otherwise(), active, depth, inLoop), i.ref()));
        } else if (s instanceof Stmt.Loop l) {
          // A loop's condition is evaluated on every trip: its calls stay.
          out.add(new Stmt.Loop(l.condition(), block(l.body(), active, depth, true),
              block(l.update(), active, depth, true), l.testFirst(), l.ref()));
        } else if (s instanceof Stmt.Block inner) {
          out.add(block(inner, active, depth, inLoop));
        } else if (policy.loopsOnly() && !inLoop) {
          out.add(s);
        } else {
          out.addAll(leaf(s, active, depth));
        }
      }
      return new Stmt.Block(out, b.ref());
    }

    /** A leaf statement with the calls in it written in place before it, or itself. */
    private List<Stmt> leaf(Stmt s, Set<String> active, int depth) {
      if (policy.arrayResults() && s instanceof Stmt.Declare d
          && d.init() instanceof Expr.DiffCall call
          && call.callee().result().equals(Expr.DOUBLE_ARRAY)) {
        Optional<List<Stmt>> written = arrayResult(d.variable(), call, active, depth);
        if (written.isPresent()) {
          changed = true;
          return written.get();
        }
        return List.of(s);
      }
      List<Expr> exprs = new ArrayList<>();
      if (s instanceof Stmt.Declare d && d.init() != null) {
        exprs.add(d.init());
      } else if (s instanceof Stmt.Assign a) {
        exprs.add(a.value());
      } else if (s instanceof Stmt.ArrayAssign a) {
        exprs.addAll(a.indices());
        exprs.add(a.value());
      } else if (s instanceof Stmt.Return r && r.value() != null) {
        exprs.add(r.value());
      } else if (s instanceof Stmt.Eval e) {
        exprs.add(e.expr());
      }
      Hoist hoist = hoisted(exprs, active, depth);
      if (hoist == null) {
        return List.of(s);
      }
      List<Expr> rewritten = hoist.rewritten;
      List<Stmt> out = new ArrayList<>(hoist.before);
      if (s instanceof Stmt.Declare d) {
        out.add(new Stmt.Declare(d.variable(), rewritten.get(0), d.ref()));
      } else if (s instanceof Stmt.Assign a) {
        out.add(new Stmt.Assign(a.variable(), rewritten.get(0), a.ref()));
      } else if (s instanceof Stmt.ArrayAssign a) {
        int n = a.indices().size();
        out.add(new Stmt.ArrayAssign(a.array(), rewritten.subList(0, n), rewritten.get(n),
            a.ref()));
      } else if (s instanceof Stmt.Return r) {
        out.add(new Stmt.Return(rewritten.get(0), r.ref()));
      } else if (!(((Stmt.Eval) s).expr() instanceof Expr.DiffCall)) {
        out.add(new Stmt.Eval(rewritten.get(0), s.ref()));
      }
      return out;
    }

    /**
     * {@code exprs} (one statement's, in evaluation order) with their calls written in place
     * before them; null where there is no call, or one that cannot be written in, or a call with
     * effects whose order against them would change.
     */
    private Hoist hoisted(List<Expr> exprs, Set<String> active, int depth) {
      boolean[] calls = {false};
      boolean[] effects = {false};
      for (Expr e : exprs) {
        IrWalker.forEachExpr(e, x -> {
          calls[0] |= x instanceof Expr.DiffCall;
          effects[0] |= x instanceof Expr.OpaqueCall && !pure(x);
        });
      }
      if (!calls[0] || effects[0]) {
        return null;
      }
      if (readsFields(exprs) && exprs.stream().anyMatch(e -> callsWithEffects(e, 0))) {
        // The body, written before the statement, would run before the statement's reads of
        // fields, which its effects may change (a counter a helper bumps: red team, stop 27).
        return null;
      }
      Hoist hoist = new Hoist(active, depth);
      for (Expr e : exprs) {
        hoist.rewritten.add(hoist.of(e, true));
      }
      if (hoist.failed) {
        return null;
      }
      changed = true;
      return hoist;
    }

    /** A call of one of {@code Math}'s functions of integers: no effect. */
    private static boolean pure(Expr x) {
      return x instanceof Expr.OpaqueCall c && c.isMathFunction();
    }

    /** Whether {@code exprs} read a field, or an element of an array read from one. */
    private boolean readsFields(List<Expr> exprs) {
      boolean[] found = {false};
      for (Expr e : exprs) {
        IrWalker.forEachExpr(e, x -> found[0] |= x instanceof Expr.FieldRead
            || x instanceof Expr.ArrayRead r && fieldArrays.contains(r.array()));
      }
      return found[0];
    }

    /**
     * Whether evaluating {@code e} may call a method with effects: a call that is not
     * differentiated (but a {@link #pure} one), or an annotated method whose body this
     * compilation did not read or that may itself (followed as deep as calls are written in).
     */
    private boolean callsWithEffects(Expr e, int level) {
      boolean[] found = {false};
      IrWalker.forEachExpr(e, x -> {
        if (found[0]) {
          return;
        }
        if (x instanceof Expr.OpaqueCall && !pure(x)) {
          found[0] = true;
        } else if (x instanceof Expr.DiffCall c) {
          Optional<MethodBody> body = bodies.apply(c.callee());
          if (body.isEmpty() || level >= policy.depth()) {
            found[0] = true;
          } else {
            IrWalker.forEachExpr(body.get().body(), y -> {
              if (!found[0] && (y instanceof Expr.OpaqueCall && !pure(y)
                  || y instanceof Expr.DiffCall && callsWithEffects(y, level + 1))) {
                found[0] = true;
              }
            });
          }
        }
      });
      return found[0];
    }

    /** Whether {@code call} (with its arguments as rewritten) can be written in place. */
    private boolean inlinable(Expr.DiffCall call, Set<String> active, int depth) {
      Signature callee = call.callee();
      if (!callee.owner().equals(caller.owner()) || callee.instance()
          || !callee.result().equals(TypeName.DOUBLE) && !(policy.arrayResults()
              && callee.result().equals(Expr.DOUBLE_ARRAY))
          || active.contains(callee.name())
          || depth >= policy.depth() || bodies.apply(callee).isEmpty()) {
        return false;
      }
      MethodBody body = bodies.apply(callee).get();
      int[] statements = {0};
      IrWalker.forEachStmt(body.body(), st -> statements[0]++);
      if (statements[0] > policy.calleeStatements()) {
        return false;
      }
      Set<Variable> arrays = new HashSet<>();
      for (int i = 0; i < callee.params().size(); i++) {
        Param p = callee.params().get(i);
        if (p.type() instanceof com.palantir.javapoet.ArrayTypeName) {
          Expr arg = call.args().get(i);
          boolean row = policy.rows() && arg instanceof Expr.ArrayRead r
              && r.indices().size() == 1 && r.type() instanceof com.palantir.javapoet.ArrayTypeName;
          if (!(arg instanceof Expr.Read) && !row
              || !p.differentiable() && Expr.isArray(p.type())) {
            return false;
          }
          arrays.add(body.params().get(i));
        }
      }
      return !writes(body.body(), arrays);
    }

    /**
     * Whether {@code body} may write into one of {@code arrays}: an element assignment, or a call
     * with effects that is passed one (Arrays.fill, sort; a differentiable callee never writes its
     * parameters: the out-parameter rewrite has written those calls in).
     */
    private boolean writes(Stmt.Block body, Set<Variable> arrays) {
      boolean[] found = {false};
      IrWalker.forEachStmt(body, st -> found[0] |= st instanceof Stmt.ArrayAssign a
          && arrays.contains(a.array()));
      IrWalker.forEachExpr(body, e -> {
        if (e instanceof Expr.OpaqueCall o) {
          for (Expr a : o.args()) {
            found[0] |= a instanceof Expr.Read r && arrays.contains(r.variable());
          }
          found[0] |= o.receiver() instanceof Expr.Read r && arrays.contains(r.variable());
        }
      });
      return found[0];
    }

    /** The callee's body, written in place before the statement; returns its value's read. */
    private Expr inline(Expr.DiffCall call, List<Stmt> before, Set<String> active, int depth) {
      Signature callee = call.callee();
      MethodBody body = bodies.apply(callee).orElseThrow();
      BodyCopier copy = bind(call, body, before);
      Variable result = new Variable(callee.name(), TypeName.DOUBLE, Variable.Kind.LOCAL);
      copy.result = result;
      before.add(new Stmt.Declare(result, null, call.ref()));
      Stmt.Block lowered = Returns.normalize(Jumps.lower(body.body()));
      Stmt.Block copied = copy.block(lowered);
      noteFieldArrays(copied);
      Set<String> inner = new HashSet<>(active);
      inner.add(callee.name());
      before.add(block(copied, inner, depth + 1, true));
      return read(result);
    }

    /**
     * {@code double[] y = g(args)} with g's body written in place, where g makes the array it
     * returns: its last statement, its only return, is {@code return h} for a local {@code h}
     * that its body declares, at its top level, as {@code new double[n]}; {@code y} then stands
     * for {@code h} (declared where g declares it) and the return is dropped. Empty where the
     * call or the callee is not so, or its arguments call anything.
     */
    private Optional<List<Stmt>> arrayResult(Variable y, Expr.DiffCall call, Set<String> active,
        int depth) {
      for (Expr a : call.args()) {
        boolean[] calls = {false};
        IrWalker.forEachExpr(a, x -> calls[0] |= x instanceof Expr.DiffCall
            || x instanceof Expr.OpaqueCall);
        if (calls[0]) {
          return Optional.empty();
        }
      }
      if (!inlinable(call, active, depth)) {
        return Optional.empty();
      }
      MethodBody body = bodies.apply(call.callee()).orElseThrow();
      List<Stmt> top = body.body().stmts();
      int[] returns = {0};
      IrWalker.forEachStmt(body.body(), st -> returns[0] += st instanceof Stmt.Return ? 1 : 0);
      if (returns[0] != 1 || top.isEmpty()
          || !(top.get(top.size() - 1) instanceof Stmt.Return r)
          || !(r.value() instanceof Expr.Read made)
          || top.stream().noneMatch(st -> st instanceof Stmt.Declare d
              && d.variable() == made.variable() && d.init() instanceof Expr.NewArray)) {
        return Optional.empty();
      }
      List<Stmt> out = new ArrayList<>();
      BodyCopier copy = bind(call, body, out);
      copy.variables.put(made.variable(), y);
      // No result: the return is dropped, the array it returned is already y.
      Stmt.Block copied = copy.block(Jumps.lower(body.body()));
      noteFieldArrays(copied);
      Set<String> inner = new HashSet<>(active);
      inner.add(call.callee().name());
      out.addAll(block(copied, inner, depth + 1, true).stmts());
      return Optional.of(out);
    }

    /**
     * A copier of the callee's body with its parameters bound to the call's arguments: an array
     * by name to the caller's variable, a row to the caller's matrix (its index read once, into
     * a local, where Java's call reads its argument), anything else to a new local set from the
     * argument before the body ({@code Ad.stopGradient} of it for a {@code @NoDiff double}).
     */
    private BodyCopier bind(Expr.DiffCall call, MethodBody body, List<Stmt> before) {
      Signature callee = call.callee();
      BodyCopier copy = new BodyCopier();
      for (int i = 0; i < callee.params().size(); i++) {
        Param p = callee.params().get(i);
        Variable param = body.params().get(i);
        Expr arg = call.args().get(i);
        if (arg instanceof Expr.Read r && p.type() instanceof com.palantir.javapoet.ArrayTypeName) {
          copy.variables.put(param, r.variable());
        } else if (arg instanceof Expr.ArrayRead row
            && p.type() instanceof com.palantir.javapoet.ArrayTypeName) {
          Expr index = row.indices().get(0);
          if (!(index instanceof Expr.Literal)) {
            Variable at = new Variable(param.hint() + "Row", TypeName.INT, Variable.Kind.LOCAL);
            before.add(new Stmt.Declare(at, index, call.ref()));
            index = read(at);
          }
          copy.bindRow(param, row.array(), index);
        } else {
          Variable local = new Variable(param.hint(), param.type(), Variable.Kind.LOCAL);
          copy.variables.put(param, local);
          Expr value = !p.differentiable() && p.type().equals(TypeName.DOUBLE)
              ? new Expr.StopGradient(arg, null) : arg;
          before.add(new Stmt.Declare(local, value, call.ref()));
        }
      }
      return copy;
    }

    /** Hoists the calls of one statement's expressions, in evaluation order. */
    private final class Hoist {
      final List<Stmt> before = new ArrayList<>();
      final List<Expr> rewritten = new ArrayList<>();
      final Set<String> active;
      final int depth;
      boolean failed;

      Hoist(Set<String> active, int depth) {
        this.active = active;
        this.depth = depth;
      }

      Expr of(Expr e, boolean unconditional) {
        if (failed) {
          return e;
        }
        if (e instanceof Expr.DiffCall call) {
          if (!unconditional || !call.callee().result().equals(TypeName.DOUBLE)) {
            // a double[] result is written in only as a declaration's whole value (arrayResult)
            failed = true;
            return e;
          }
          List<Expr> args = new ArrayList<>();
          for (Expr a : call.args()) {
            args.add(of(a, true));
          }
          Expr.DiffCall rewritten = new Expr.DiffCall(call.callee(), args, call.ref());
          if (failed || !inlinable(rewritten, active, depth)) {
            failed = true;
            return e;
          }
          return inline(rewritten, before, active, depth);
        }
        if (e instanceof Expr.Conditional c) {
          Expr condition = of(c.condition(), unconditional);
          return new Expr.Conditional(condition, of(c.whenTrue(), false),
              of(c.whenFalse(), false), c.type(), c.ref());
        }
        if (e instanceof Expr.Binary b) {
          boolean shortCircuit = b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR;
          Expr left = of(b.left(), unconditional);
          return new Expr.Binary(b.op(), left, of(b.right(), unconditional && !shortCircuit),
              b.type(), b.ref());
        }
        if (e instanceof Expr.Unary u) {
          return new Expr.Unary(u.op(), of(u.operand(), unconditional), u.type(), u.ref());
        }
        if (e instanceof Expr.Cast c) {
          return new Expr.Cast(c.type(), of(c.operand(), unconditional), c.ref());
        }
        if (e instanceof Expr.MathCall m) {
          List<Expr> args = new ArrayList<>();
          for (Expr a : m.args()) {
            args.add(of(a, unconditional));
          }
          return new Expr.MathCall(m.function(), m.owner(), args, m.ref());
        }
        if (e instanceof Expr.StopGradient g) {
          return new Expr.StopGradient(of(g.arg(), unconditional), g.ref());
        }
        if (e instanceof Expr.ArrayRead a) {
          List<Expr> indices = new ArrayList<>();
          for (Expr i : a.indices()) {
            indices.add(of(i, unconditional));
          }
          return new Expr.ArrayRead(a.array(), indices, a.ref());
        }
        boolean[] call = {false};
        IrWalker.forEachExpr(e, x -> call[0] |= x instanceof Expr.DiffCall);
        if (call[0]) {
          failed = true; // a call inside a node this does not rebuild: left as it is
        }
        return e;
      }
    }
  }
}

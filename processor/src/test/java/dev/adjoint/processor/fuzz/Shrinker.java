package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.Program.Assign;
import dev.adjoint.processor.fuzz.Program.Binary;
import dev.adjoint.processor.fuzz.Program.Callee;
import dev.adjoint.processor.fuzz.Program.Declare;
import dev.adjoint.processor.fuzz.Program.Expr;
import dev.adjoint.processor.fuzz.Program.If;
import dev.adjoint.processor.fuzz.Program.Invoke;
import dev.adjoint.processor.fuzz.Program.Loop;
import dev.adjoint.processor.fuzz.Program.MathCall;
import dev.adjoint.processor.fuzz.Program.Neg;
import dev.adjoint.processor.fuzz.Program.Return;
import dev.adjoint.processor.fuzz.Program.Stmt;
import dev.adjoint.processor.fuzz.Program.Stop;
import dev.adjoint.processor.fuzz.Program.Ternary;
import dev.adjoint.processor.fuzz.Program.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing program to a small one that still fails: removes statements (discrete writes
 * and enhanced fors too), unwraps ifs into their branches, shrinks loop and enhanced-for bodies,
 * drops unused helpers, and replaces expressions by their operands, one edit at a time, keeping
 * each edit after which the program still fails the same way. What it
 * prints is a program a person can read and turn into a closed-form test.
 */
final class Shrinker {
  private final Predicate<Unit> fails;
  /** The edit to apply in the current rebuild, counted down as edit sites are passed. */
  private int target;
  private boolean applied;
  /** The helpers rebuilt so far, by name: calls are pointed at them, so both sides agree. */
  private final java.util.Map<String, Callee> rebuilt = new java.util.HashMap<>();

  private Shrinker(Predicate<Unit> fails) {
    this.fails = fails;
  }

  /** The smallest variant of {@code unit} found that {@code fails} still accepts. */
  static Unit shrink(Unit unit, Predicate<Unit> fails, int budget) {
    Shrinker s = new Shrinker(fails);
    Unit current = unit;
    int tries = 0;
    boolean progress = true;
    while (progress && tries < budget) {
      progress = false;
      for (int edit = 0; tries < budget; edit++) {
        Unit candidate = s.edit(current, edit);
        if (candidate == null) {
          break; // no edit site left
        }
        tries++;
        if (fails.test(candidate)) {
          current = candidate;
          progress = true;
          edit--; // the same index now names the next site
        }
      }
    }
    return current;
  }

  /** {@code unit} with its edit site number {@code edit} applied, or null past the last site. */
  private Unit edit(Unit unit, int edit) {
    target = edit;
    applied = false;
    rebuilt.clear();
    List<Callee> helpers = new ArrayList<>();
    for (Callee h : unit.helpers()) {
      if (site()) {
        continue; // drop the helper
      }
      Callee copy = h.withBody(stmts(h.body()));
      rebuilt.put(h.name(), copy);
      helpers.add(copy);
    }
    Callee f = unit.f();
    Callee newF = f.withBody(stmts(f.body()));
    return applied ? unit.withMethods(helpers, newF) : null;
  }

  /** True exactly once, at the edit site being applied. */
  private boolean site() {
    if (applied) {
      return false;
    }
    if (target-- == 0) {
      applied = true;
      return true;
    }
    return false;
  }

  private List<Stmt> stmts(List<Stmt> in) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : in) {
      if (site()) {
        continue; // remove the statement
      }
      if (s instanceof If i) {
        if (site()) {
          out.addAll(i.then());
          continue;
        }
        if (site()) {
          out.addAll(i.otherwise());
          continue;
        }
        out.add(new If(cond(i.condition()), stmts(i.then()), stmts(i.otherwise())));
      } else if (s instanceof Loop l) {
        out.add(new Loop(l.kind(), l.index(), l.bound(), cond(l.stop()), stmts(l.body())));
      } else if (s instanceof Program.ForEach fe) {
        // its body shrunk in place (unwrapped, the loop variable would be undeclared)
        out.add(new Program.ForEach(fe.kind(), fe.var(), fe.array(), fe.row(), stmts(fe.body())));
      } else if (s instanceof Declare d) {
        out.add(new Declare(d.name(), expr(d.init())));
      } else if (s instanceof Assign a) {
        out.add(new Assign(a.name(), a.op(), expr(a.value())));
      } else if (s instanceof Return r) {
        out.add(new Return(expr(r.value())));
      } else if (s instanceof Program.ElementAssign a) {
        out.add(new Program.ElementAssign(a.target(), a.op(), expr(a.value())));
      } else if (s instanceof Program.ReturnCall r) {
        out.add(new Program.ReturnCall(invoke(r.call())));
      } else if (s instanceof Program.MatrixCall c) {
        out.add(new Program.MatrixCall(c.name(), invoke(c.call())));
      } else if (s instanceof Program.OutCall c) {
        out.add(new Program.OutCall(c.target(), c.op(), invoke(c.call())));
      } else if (s instanceof Program.Box b) {
        out.add(new Program.Box(b.type(), b.name(), expr(b.init())));
      } else if (s instanceof Program.MaskAssign m) {
        out.add(new Program.MaskAssign(m.target(), cond(m.value())));
      } else if (s instanceof Program.ArrayCall c) {
        out.add(new Program.ArrayCall(c.name(),
            c.call() instanceof Invoke i ? invoke(i) : c.call()));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private Expr expr(Expr e) {
    List<Expr> operands = operands(e);
    for (Expr operand : operands) {
      if (site()) {
        return operand;
      }
    }
    if (e instanceof Binary b) {
      return new Binary(b.op(), expr(b.left()), expr(b.right()));
    } else if (e instanceof MathCall m) {
      List<Expr> args = new ArrayList<>();
      for (Expr a : m.args()) {
        args.add(expr(a));
      }
      return new MathCall(m.function(), args);
    } else if (e instanceof Neg n) {
      return new Neg(expr(n.operand()));
    } else if (e instanceof Ternary t) {
      return new Ternary(cond(t.condition()), expr(t.whenTrue()), expr(t.whenFalse()));
    } else if (e instanceof Stop s) {
      return new Stop(expr(s.operand()));
    } else if (e instanceof Invoke i) {
      return invoke(i);
    } else if (e instanceof Program.Recurse r) {
      List<Object> args = new ArrayList<>();
      for (Object a : r.args()) {
        args.add(a instanceof Expr x ? expr(x) : a);
      }
      return new Program.Recurse(r.name(), args, r.viaThis());
    }
    return e;
  }

  /**
   * A condition with its operands shrunk and its calls pointed at the rebuilt helpers (a call left
   * pointing at the helper before the edit made the reference run a body other than the one
   * printed: stop 29's shrunk program failed on effects its source did not have).
   */
  private Program.Cond cond(Program.Cond c) {
    if (c instanceof Program.Compare k) {
      return new Program.Compare(k.op(), expr(k.left()), expr(k.right()));
    } else if (c instanceof Program.Logic l) {
      return new Program.Logic(l.op(), cond(l.left()), cond(l.right()));
    } else if (c instanceof Program.Not n) {
      return new Program.Not(cond(n.operand()));
    } else if (c instanceof Program.BoxCompare b) {
      return new Program.BoxCompare(b.op(), b.box(), expr(b.right()));
    }
    return c;
  }

  /** A call with its arguments shrunk, pointed at the rebuilt helper. */
  private Invoke invoke(Invoke i) {
    List<Object> args = new ArrayList<>();
    for (Object a : i.args()) {
      args.add(a instanceof Expr x ? expr(x)
          : a instanceof Program.NestedArg n ? new Program.NestedArg(invoke(n.call())) : a);
    }
    Callee callee = i.callee().isRule()
        ? i.callee() : rebuilt.getOrDefault(i.callee().name(), i.callee());
    return new Invoke(callee, args, i.target());
  }

  /** The double-valued operands an expression may be replaced by. */
  private static List<Expr> operands(Expr e) {
    List<Expr> out = new ArrayList<>();
    if (e instanceof Binary b) {
      out.add(b.left());
      out.add(b.right());
    } else if (e instanceof MathCall m) {
      out.addAll(m.args());
    } else if (e instanceof Neg n) {
      out.add(n.operand());
    } else if (e instanceof Ternary t) {
      out.add(t.whenTrue());
      out.add(t.whenFalse());
    } else if (e instanceof Stop s) {
      out.add(s.operand());
    } else if (e instanceof Invoke i) {
      for (Object a : i.args()) {
        if (a instanceof Expr x) {
          out.add(x);
        }
      }
    } else if (e instanceof Program.Recurse r) {
      for (Object a : r.args()) {
        if (a instanceof Expr x) {
          out.add(x);
        }
      }
    }
    return out;
  }
}

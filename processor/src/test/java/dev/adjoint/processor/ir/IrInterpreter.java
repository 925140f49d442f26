package dev.adjoint.processor.ir;

import com.palantir.javapoet.TypeName;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs IR of the primal subset directly, for tests of transforms on hand-built IR: numbers
 * ({@code double}, {@code int}, {@code boolean}), {@code double[]} and {@code double[][]}, the
 * {@link MathFunction}s (through {@code java.lang.Math}), branches, every loop form, {@code
 * break}/{@code continue}/{@code return}, and a tape ({@code Push}, and {@code Pop} reading back
 * last first). Calls of other methods and the Vjp nodes are not interpreted: a test that needs
 * them is not a test of pure IR.
 */
public final class IrInterpreter {
  private final Map<Variable, Object> env = new HashMap<>();
  private final Deque<Object> tape = new ArrayDeque<>();
  private Object returned;

  private enum Signal { NORMAL, BREAK, CONTINUE, RETURN }

  /** An interpreter with {@code values} bound, to run statements in one after another. */
  public IrInterpreter(Map<Variable, ?> values) {
    env.putAll(values);
  }

  private IrInterpreter() {}

  /** Runs {@code block} here; returns what it returns (null: nothing). */
  public Object execute(Stmt.Block block) {
    returned = null;
    exec(block);
    return returned;
  }

  /**
   * Binds every variable {@code block} declares in a branch or loop to its type's zero, as the
   * renderer hoists those declarations to the top of the method (the forward sweep may save a
   * loop local's old value before the first trip declares it).
   */
  public void hoist(Stmt.Block block) {
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.If || s instanceof Stmt.Loop) {
        IrWalker.forEachStmt(s, st -> {
          if (st instanceof Stmt.Declare d) {
            env.put(d.variable(), zero(d.variable().type()));
          }
        });
      }
    }
  }

  /** The value bound to {@code v}. */
  public Object get(Variable v) {
    return env.get(v);
  }

  /** Binds {@code v}. */
  public void set(Variable v, Object value) {
    env.put(v, value);
  }

  /** How many values the tape holds. */
  public int tapeSize() {
    return tape.size();
  }

  /** Runs {@code body} with {@code values} bound and returns what it returns (null: nothing). */
  public static Object run(Stmt.Block body, Map<Variable, Object> values) {
    IrInterpreter in = new IrInterpreter();
    in.env.putAll(values);
    in.exec(body);
    return in.returned;
  }

  /** The value of a pure expression with {@code values} bound. */
  public static Object eval(Expr e, Map<Variable, Object> values) {
    IrInterpreter in = new IrInterpreter();
    in.env.putAll(values);
    return in.value(e);
  }

  /** {@link #eval} of a {@code double} expression. */
  public static double evalDouble(Expr e, Map<Variable, Object> values) {
    return ((Number) eval(e, values)).doubleValue();
  }

  private Signal exec(Stmt s) {
    if (s instanceof Stmt.Declare d) {
      env.put(d.variable(), d.init() == null ? zero(d.variable().type()) : value(d.init()));
    } else if (s instanceof Stmt.Assign a) {
      env.put(a.variable(), convert(value(a.value()), a.variable().type()));
    } else if (s instanceof Stmt.ArrayAssign a) {
      Object array = env.get(a.array());
      int last = a.indices().size() - 1;
      for (int k = 0; k < last; k++) {
        array = ((Object[]) array)[index(a.indices().get(k))];
      }
      ((double[]) array)[index(a.indices().get(last))] = number(value(a.value()));
    } else if (s instanceof Stmt.If i) {
      return exec(bool(value(i.condition())) ? i.then() : i.otherwise());
    } else if (s instanceof Stmt.Return r) {
      returned = r.value() == null ? null : value(r.value());
      return Signal.RETURN;
    } else if (s instanceof Stmt.Loop l) {
      return loop(l);
    } else if (s instanceof Stmt.Jump j) {
      return j.isBreak() ? Signal.BREAK : Signal.CONTINUE;
    } else if (s instanceof Stmt.Push p) {
      tape.push(value(p.value()));
    } else if (s instanceof Stmt.Eval e) {
      value(e.expr());
    } else if (s instanceof Stmt.Block b) {
      for (Stmt c : b.stmts()) {
        Signal signal = exec(c);
        if (signal != Signal.NORMAL) {
          return signal;
        }
      }
    } else {
      throw new UnsupportedOperationException("the interpreter has no rule for " + s);
    }
    return Signal.NORMAL;
  }

  private Signal loop(Stmt.Loop l) {
    int trips = 0;
    if (l.testFirst() && !bool(value(l.condition()))) {
      return Signal.NORMAL;
    }
    do {
      if (++trips > 1_000_000) {
        throw new IllegalStateException("runaway loop");
      }
      Signal signal = exec(l.body());
      if (signal == Signal.BREAK) {
        return Signal.NORMAL;
      }
      if (signal == Signal.RETURN) {
        return signal;
      }
      exec(l.update());
    } while (bool(value(l.condition())));
    return Signal.NORMAL;
  }

  private Object value(Expr e) {
    if (e instanceof Expr.Literal l) {
      return l.value();
    }
    if (e instanceof Expr.Read r) {
      if (!env.containsKey(r.variable())) {
        throw new IllegalStateException("unbound " + r.variable());
      }
      return env.get(r.variable());
    }
    if (e instanceof Expr.Unary u) {
      Object v = value(u.operand());
      switch (u.op()) {
        case NEG:
          return u.type().equals(TypeName.INT) ? (Object) (-(Integer) v) : (Object) (-number(v));
        case PLUS:
          return v;
        case NOT:
          return !bool(v);
        default:
          return ~(Integer) v;
      }
    }
    if (e instanceof Expr.Binary b) {
      return binary(b);
    }
    if (e instanceof Expr.Conditional c) {
      return bool(value(c.condition())) ? value(c.whenTrue()) : value(c.whenFalse());
    }
    if (e instanceof Expr.Cast c) {
      return convert(value(c.operand()), c.type());
    }
    if (e instanceof Expr.MathCall m) {
      return math(m.function(), m.args().stream().mapToDouble(a -> number(value(a))).toArray());
    }
    if (e instanceof Expr.StopGradient g) {
      return value(g.arg());
    }
    if (e instanceof Expr.FieldRead f && f.receiver() == null
        && f.owner().toString().equals("java.lang.Math")) {
      return f.name().equals("PI") ? Math.PI : Math.E;
    }
    if (e instanceof Expr.ArrayRead a) {
      Object array = env.get(a.array());
      for (Expr i : a.indices().subList(0, a.indices().size() - 1)) {
        array = ((Object[]) array)[index(i)];
      }
      return ((double[]) array)[index(a.indices().get(a.indices().size() - 1))];
    }
    if (e instanceof Expr.ArrayLength a) {
      Object array = env.get(a.array());
      for (Expr i : a.indices()) {
        array = ((Object[]) array)[index(i)];
      }
      return array instanceof double[] d ? d.length : ((Object[]) array).length;
    }
    if (e instanceof Expr.NewArray n) {
      int rows = index(n.lengths().get(0));
      if (n.lengths().size() == 1) {
        return new double[rows];
      }
      return new double[rows][index(n.lengths().get(1))];
    }
    if (e instanceof Expr.Pop) {
      return tape.pop();
    }
    if (e instanceof Expr.OpaqueCall c && c.receiver() == null
        && c.owner().toString().equals("dev.adjoint.runtime.Buffers")) {
      return buffers(c);
    }
    throw new UnsupportedOperationException("the interpreter has no rule for " + e);
  }

  /** The runtime's helpers that vector forward mode calls, run for real. */
  private Object buffers(Expr.OpaqueCall c) {
    List<Object> args = new java.util.ArrayList<>();
    for (Expr a : c.args()) {
      args.add(value(a));
    }
    switch (c.name()) {
      case "size":
        return dev.adjoint.runtime.Buffers.size((double[]) args.get(0));
      case "seed":
        return dev.adjoint.runtime.Buffers.seed(index(c.args().get(0)), index(c.args().get(1)));
      case "seeds":
        return dev.adjoint.runtime.Buffers.seeds(
            (double[]) args.get(0), index(c.args().get(1)), index(c.args().get(2)));
      case "zerosJacobian":
        return dev.adjoint.runtime.Buffers.zerosJacobian(
            (double[]) args.get(0), index(c.args().get(1)));
      default:
        throw new UnsupportedOperationException("the interpreter has no rule for " + c);
    }
  }

  private Object binary(Expr.Binary b) {
    Object l = value(b.left());
    if (b.op() == Expr.BinaryOp.AND) {
      return bool(l) && bool(value(b.right()));
    }
    if (b.op() == Expr.BinaryOp.OR) {
      return bool(l) || bool(value(b.right()));
    }
    Object r = value(b.right());
    if (l instanceof Boolean x && r instanceof Boolean y) {
      switch (b.op()) {
        case EQ:
          return x.equals(y);
        case NE:
          return !x.equals(y);
        default:
          throw new UnsupportedOperationException(b.op() + " on booleans");
      }
    }
    boolean integral = l instanceof Integer && r instanceof Integer;
    if (b.type().equals(TypeName.BOOLEAN)) {
      double x = number(l);
      double y = number(r);
      switch (b.op()) {
        case LT:
          return x < y;
        case LE:
          return x <= y;
        case GT:
          return x > y;
        case GE:
          return x >= y;
        case EQ:
          return x == y;
        case NE:
          return x != y;
        default:
          throw new UnsupportedOperationException(b.op().symbol);
      }
    }
    if (integral && b.type().equals(TypeName.INT)) {
      int x = (Integer) l;
      int y = (Integer) r;
      switch (b.op()) {
        case ADD:
          return x + y;
        case SUB:
          return x - y;
        case MUL:
          return x * y;
        case DIV:
          return x / y;
        case REM:
          return x % y;
        default:
          throw new UnsupportedOperationException(b.op().symbol);
      }
    }
    double x = number(l);
    double y = number(r);
    switch (b.op()) {
      case ADD:
        return x + y;
      case SUB:
        return x - y;
      case MUL:
        return x * y;
      case DIV:
        return x / y;
      case REM:
        return x % y;
      default:
        throw new UnsupportedOperationException(b.op().symbol);
    }
  }

  /** {@code f(args)} through {@code java.lang.Math}. */
  public static double math(MathFunction f, double... args) {
    try {
      Class<?>[] types = new Class<?>[args.length];
      Object[] boxed = new Object[args.length];
      for (int i = 0; i < args.length; i++) {
        types[i] = double.class;
        boxed[i] = args[i];
      }
      Method m = Math.class.getMethod(f.javaName(), types);
      return ((Number) m.invoke(null, boxed)).doubleValue();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private int index(Expr e) {
    return (Integer) value(e);
  }

  private static double number(Object v) {
    return ((Number) v).doubleValue();
  }

  private static boolean bool(Object v) {
    return (Boolean) v;
  }

  private static Object convert(Object v, TypeName type) {
    if (type.equals(TypeName.DOUBLE)) {
      return number(v);
    }
    if (type.equals(TypeName.INT)) {
      return ((Number) v).intValue();
    }
    if (type.equals(TypeName.LONG)) {
      return ((Number) v).longValue();
    }
    if (type.equals(TypeName.FLOAT)) {
      return ((Number) v).floatValue();
    }
    return v;
  }

  private static Object zero(TypeName type) {
    if (type.equals(TypeName.DOUBLE)) {
      return 0.0;
    }
    if (type.equals(TypeName.INT)) {
      return 0;
    }
    if (type.equals(TypeName.BOOLEAN)) {
      return false;
    }
    return null;
  }
}

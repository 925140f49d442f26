package dev.adjoint.processor.transform.second;

import dev.adjoint.processor.ir.BodyCopier;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a Hessian-vector product's body so that it reads no object's state: every field read
 * whose object is a parameter the body never assigns (the receiver, an object parameter) or a
 * class (a static field), and every accessor chain that a hidden local of an array component is
 * declared from ({@code double[] p_w = p.w();}), becomes a read of a new parameter, a {@link
 * HvpSweep.Capture}. The same read written twice is one capture. Variables are kept (this is a
 * rewrite in place, not a copy), and returns stay returns.
 */
final class Captures extends BodyCopier {
  private final List<Variable> params;
  private final Set<Variable> assigned = new HashSet<>();
  private final Map<String, HvpSweep.Capture> byKey = new LinkedHashMap<>();
  /** Inside the initialiser of a hidden local ({@link Variable.Kind#PARAM}), where accessors are. */
  private boolean hidden;

  private Captures(List<Variable> params) {
    this.params = params;
  }

  /** The rewritten body and its captures. */
  record Rewritten(List<Stmt> body, List<HvpSweep.Capture> captures) {}

  /**
   * @param body the body
   * @param params the method's parameters, which capture values may read
   */
  static Rewritten of(List<Stmt> body, List<Variable> params) {
    Captures c = new Captures(params);
    for (Stmt st : body) {
      IrWalker.forEachStmt(st, s -> {
        if (s instanceof Stmt.Assign a) {
          c.assigned.add(a.variable());
        }
      });
    }
    List<Stmt> out = new ArrayList<>();
    for (Stmt st : body) {
      out.add(st.accept(c));
    }
    return new Rewritten(out, List.copyOf(c.byKey.values()));
  }

  @Override
  public Variable v(Variable old) {
    return old;
  }

  @Override
  public Stmt visitReturn(Stmt.Return s) {
    return new Stmt.Return(e(s.value()), s.ref());
  }

  @Override
  public Stmt visitDeclare(Stmt.Declare s) {
    boolean outer = hidden;
    hidden = s.variable().kind() == Variable.Kind.PARAM;
    try {
      return super.visitDeclare(s);
    } finally {
      hidden = outer;
    }
  }

  @Override
  public Expr visitFieldRead(Expr.FieldRead e) {
    String key = key(e);
    return key == null ? super.visitFieldRead(e) : capture(key, e);
  }

  @Override
  public Expr visitOpaqueCall(Expr.OpaqueCall e) {
    String key = hidden ? key(e) : null;
    return key == null ? super.visitOpaqueCall(e) : capture(key, e);
  }

  private Expr capture(String key, Expr value) {
    HvpSweep.Capture c = byKey.computeIfAbsent(key, k -> new HvpSweep.Capture(
        new Variable(hint(value), value.type(), Variable.Kind.PARAM), value));
    return new Expr.Read(c.variable(), value.ref());
  }

  private static String hint(Expr value) {
    return value instanceof Expr.FieldRead f ? f.name() : ((Expr.OpaqueCall) value).name();
  }

  /**
   * What identifies a capturable read (the same for every place it is written), or null where
   * {@code e} is not one.
   */
  private String key(Expr e) {
    if (e instanceof Expr.Read r) {
      int at = params.indexOf(r.variable());
      return at < 0 || assigned.contains(r.variable()) ? null : "#" + at;
    }
    if (e instanceof Expr.FieldRead f) {
      if (f.receiver() == null) {
        return f.owner() + "." + f.name();
      }
      String receiver = key(f.receiver());
      return receiver == null ? null : receiver + "." + f.name();
    }
    if (hidden && e instanceof Expr.OpaqueCall c && !c.isNew() && c.receiver() != null
        && c.args().isEmpty()) {
      String receiver = key(c.receiver());
      return receiver == null ? null : receiver + "." + c.name() + "()";
    }
    return null;
  }
}

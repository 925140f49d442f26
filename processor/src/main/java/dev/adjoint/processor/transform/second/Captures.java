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
final class Captures extends BodyCopier.InPlace {
  private final List<Variable> params;
  private final Set<Variable> assigned = new HashSet<>();
  private final Map<String, HvpSweep.Capture> byKey = new LinkedHashMap<>();
  /**
   * Locals declared once from a capturable read and never assigned ({@code P1Cfg cfg = this.cfg},
   * the temporaries forward mode makes where a statement has calls), with that read: a field read
   * through one is captured as the read through the field, not as the object it holds.
   */
  private final Map<Variable, Expr> aliases = new java.util.IdentityHashMap<>();
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
  public Stmt visitDeclare(Stmt.Declare s) {
    boolean outer = hidden;
    hidden = s.variable().kind() == Variable.Kind.PARAM;
    try {
      if (!hidden && s.init() != null && !assigned.contains(s.variable())
          && !(s.init() instanceof Expr.Read) && key(s.init()) != null) {
        aliases.put(s.variable(), resolve(s.init()));
      }
      return super.visitDeclare(s);
    } finally {
      hidden = outer;
    }
  }

  /** {@code e} with every alias read replaced by the read it holds: over the parameters only. */
  private Expr resolve(Expr e) {
    if (e instanceof Expr.Read r && aliases.containsKey(r.variable())) {
      return aliases.get(r.variable());
    }
    if (e instanceof Expr.FieldRead f && f.receiver() != null) {
      return f.withReceiver(resolve(f.receiver()));
    }
    if (e instanceof Expr.OpaqueCall c && c.receiver() != null) {
      return new Expr.OpaqueCall(resolve(c.receiver()), c.owner(), c.name(), c.args(), c.type(),
          c.ref());
    }
    return e;
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
        new Variable(hint(value), value.type(), Variable.Kind.PARAM), resolve(value)));
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
    if (e instanceof Expr.Read r && aliases.containsKey(r.variable())) {
      return key(aliases.get(r.variable()));
    }
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

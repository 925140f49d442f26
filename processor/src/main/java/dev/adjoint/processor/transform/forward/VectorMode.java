package dev.adjoint.processor.transform.forward;

import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Vector forward mode, JAX's {@code jacfwd} as {@code vmap(jvp)}: a forward derivative rewritten
 * to carry one tangent per differentiable input at once, so that the Jacobian of a method with a
 * {@code double[]} result is one sweep whose partial derivatives ({@code exp}, {@code cos}, ...)
 * are computed once and shared by all the directions. Each scalar tangent {@code aDot} becomes a
 * {@code double[K]} (entry k: along input k), each array tangent {@code rDot} a {@code
 * double[len][K]}, so the result's tangent is the Jacobian itself, row per output. Each tangent
 * statement becomes a loop over k whose body is the scalar tangent expression read at k; the parts
 * of it that read no tangent are computed once before the loop (where the scalar sweep always
 * computes them; inside a branch of a {@code ?:}, only what cannot throw). Entry k of every tangent
 * is the scalar sweep's tangent along the k-th unit direction, bit for bit.
 *
 * <p>It takes forward derivatives of {@code double}, {@code double[]} parameters and locals only,
 * whose tangents are touched by nothing but the statements forward mode makes for them (no calls:
 * the caller uses it only for methods that call nothing); anything else gives no vector
 * derivative, and the Jacobian goes by one sweep per input.
 */
public final class VectorMode {
  private static final ClassName BUFFERS = ClassName.get("dev.adjoint.runtime", "Buffers");

  /**
   * A vector forward derivative.
   *
   * @param signature the method
   * @param params the primal's parameters, in order
   * @param body the statements: the directions' count and seeds first, then the sweep; each
   *     {@code return} returns the primal's value, and {@code jacobians} the Jacobian with it
   * @param jacobians the Jacobian (a {@code double[m][K]}) of each {@code return}, by identity
   */
  public record VectorDerivative(
      Signature signature,
      List<Variable> params,
      Stmt.Block body,
      Map<Stmt.Return, Expr> jacobians) {}

  /** Thrown inside the rewrite where the derivative has a shape vector mode does not take. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported() {
      super(null, null, false, false);
    }
  }

  private final ForwardDerivative forward;
  private final Map<Stmt.Return, Expr> jacobians = new IdentityHashMap<>();
  private final Map<Variable, Variable> vectors = new LinkedHashMap<>();
  private final Variable count = new Variable("directions", TypeName.INT, Variable.Kind.COUNTER);
  private final Variable k = new Variable("k", TypeName.INT, Variable.Kind.COUNTER);

  private VectorMode(ForwardDerivative forward) {
    this.forward = forward;
  }

  /** The vector form of {@code d}, or empty where it has a shape this does not take. */
  public static Optional<VectorDerivative> of(ForwardDerivative d) {
    VectorMode v = new VectorMode(d);
    try {
      return Optional.of(v.derive(d));
    } catch (Unsupported e) {
      return Optional.empty();
    }
  }

  private VectorDerivative derive(ForwardDerivative d) {
    Signature s = d.signature();
    // Tangents: the parameters' and the locals' (and no matrices anywhere).
    for (Variable t : d.tangents()) {
      vector(t);
    }
    IrWalker.forEachStmt(d.body(), st -> {
      if (st instanceof Stmt.Declare decl) {
        Variable v = decl.variable();
        if (Expr.rank(v.type()) >= 2) {
          throw new Unsupported();
        }
        if (v.kind() == Variable.Kind.TANGENT) {
          vector(v);
        }
      }
    });
    for (Variable p : d.params()) {
      if (Expr.rank(p.type()) >= 2) {
        throw new Unsupported();
      }
    }
    List<Stmt> out = new ArrayList<>();
    // The number of directions, the inputs flattened in declaration order, and the seeds: the
    // tangent of input number `at` is the unit vector e_at.
    Expr total = intLit(0);
    List<Expr> offsets = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      if (!s.params().get(i).differentiable()) {
        continue;
      }
      offsets.add(total);
      Variable param = d.params().get(i);
      total = plus(total, param.type().equals(TypeName.DOUBLE)
          ? intLit(1) : buffers("size", TypeName.INT, read(param)));
    }
    out.add(new Stmt.Declare(count, total, null));
    for (int i = 0, at = 0; i < s.params().size(); i++) {
      if (!s.params().get(i).differentiable()) {
        continue;
      }
      Variable param = d.params().get(i);
      Variable seed = vectors.get(d.tangents().get(at));
      out.add(new Stmt.Declare(seed, param.type().equals(TypeName.DOUBLE)
          ? buffers("seed", Expr.DOUBLE_ARRAY, read(count), offsets.get(at))
          : buffers("seeds", Expr.DOUBLE_MATRIX, read(param), read(count), offsets.get(at)),
          null));
      at++;
    }
    // Scalar tangents are arrays made once, at the top: the sweep fills them where it assigns.
    for (Map.Entry<Variable, Variable> e : vectors.entrySet()) {
      if (e.getKey().kind() == Variable.Kind.TANGENT && e.getKey().type().equals(TypeName.DOUBLE)) {
        out.add(new Stmt.Declare(e.getValue(), new Expr.NewArray(List.of(read(count)), null),
            null));
      }
    }
    out.add(new Stmt.Declare(k, intLit(0), null));
    out.addAll(block(d.body().stmts()));
    return new VectorDerivative(s, d.params(), Stmt.Block.of(out), jacobians);
  }

  private Variable vector(Variable t) {
    return vectors.computeIfAbsent(t, x -> new Variable(x.hint(),
        x.type().equals(TypeName.DOUBLE) ? Expr.DOUBLE_ARRAY : Expr.DOUBLE_MATRIX,
        x.kind() == Variable.Kind.PARAM ? Variable.Kind.LOCAL : x.kind()));
  }

  private boolean isTangent(Variable v) {
    return vectors.containsKey(v);
  }

  private List<Stmt> block(List<Stmt> stmts) {
    List<Stmt> out = new ArrayList<>();
    Statements visitor = new Statements(out);
    for (Stmt st : stmts) {
      st.accept(visitor);
    }
    return out;
  }

  private Stmt.Block block(Stmt.Block b) {
    return new Stmt.Block(block(b.stmts()), b.ref());
  }

  /** Writes the vector form of each statement it visits into {@code out}. */
  private final class Statements implements Stmt.Visitor<Void> {
    private final List<Stmt> out;

    Statements(List<Stmt> out) {
      this.out = out;
    }

    /** A primal statement: it must not touch a tangent. */
    private Void primal(Stmt st) {
      for (Expr e : IrWalker.ownExprs(st)) {
        requireNoTangent(e);
      }
      out.add(st);
      return null;
    }

    @Override
    public Void visitDeclare(Stmt.Declare decl) {
      if (!isTangent(decl.variable())) {
        return primal(decl);
      }
      tangentWrite(decl.variable(), List.of(), decl.init(), true, decl.ref(), out);
      return null;
    }

    @Override
    public Void visitAssign(Stmt.Assign a) {
      if (!isTangent(a.variable())) {
        return primal(a);
      }
      if (forward.tangents().contains(a.variable()) && a.value() instanceof Expr.OpaqueCall c
          && c.owner().equals(BUFFERS) && c.name().equals("tangent")) {
        return null; // pDot = Buffers.tangent(pDot, p), null as zeros: the seeds are never null
      }
      tangentWrite(a.variable(), List.of(), a.value(), false, a.ref(), out);
      return null;
    }

    @Override
    public Void visitArrayAssign(Stmt.ArrayAssign a) {
      if (!isTangent(a.array())) {
        return primal(a);
      }
      if (a.indices().size() != 1) {
        throw new Unsupported();
      }
      requireNoTangent(a.indices().get(0));
      tangentWrite(a.array(), a.indices(), a.value(), false, a.ref(), out);
      return null;
    }

    @Override
    public Void visitIf(Stmt.If i) {
      requireNoTangent(i.condition());
      out.add(new Stmt.If(i.condition(), block(i.then()), block(i.otherwise()), i.ref()));
      return null;
    }

    @Override
    public Void visitLoop(Stmt.Loop l) {
      requireNoTangent(l.condition());
      out.add(new Stmt.Loop(l.condition(), block(l.body()), block(l.update()), l.testFirst(),
          l.ref()));
      return null;
    }

    @Override
    public Void visitBlock(Stmt.Block b) {
      out.add(block(b));
      return null;
    }

    @Override
    public Void visitReturn(Stmt.Return r) {
      requireNoTangent(r.value());
      Expr tangent = forward.returnTangents().get(r);
      Expr jacobian;
      if (tangent != null && tangent.type().equals(TypeName.DOUBLE)) {
        // A scalar result: its tangent along every direction is the gradient, a double[K].
        Variable gradient = new Variable("gradient", Expr.DOUBLE_ARRAY, Variable.Kind.TANGENT);
        out.add(new Stmt.Declare(gradient, new Expr.NewArray(List.of(read(count)), null), null));
        vectors.put(gradient, gradient);
        tangentWriteInto(gradient, List.of(), tangent, r.ref(), out);
        jacobian = read(gradient);
      } else {
        jacobian = jacobian(tangent);
      }
      Stmt.Return ret = new Stmt.Return(r.value(), r.ref());
      jacobians.put(ret, jacobian);
      out.add(ret);
      return null;
    }

    @Override
    public Void visitEval(Stmt.Eval e) {
      return primal(e);
    }

    @Override
    public Void visitJump(Stmt.Jump j) {
      return primal(j); // lowered before forward mode; kept as it is if not
    }

    @Override
    public Void visitPush(Stmt.Push p) {
      throw new Unsupported(); // reverse mode's
    }
  }

  /**
   * The vector form of {@code t[indices] = value} for a tangent {@code t}: for an array tangent's
   * declaration or assignment (a new array, or another tangent: aliasing as its array does), the
   * same with the vector types; for a scalar or an element, a loop over the directions.
   */
  private void tangentWrite(Variable t, List<Expr> indices, Expr value, boolean declare,
      dev.adjoint.processor.ir.SourceRef ref, List<Stmt> out) {
    Variable vec = vectors.get(t);
    if (Expr.isArray(t.type()) && indices.isEmpty()) {
      Expr init;
      if (value == null) {
        init = null;
      } else if (value instanceof Expr.NewArray n && n.lengths().size() == 1) {
        requireNoTangent(n.lengths().get(0));
        init = new Expr.NewArray(List.of(n.lengths().get(0), read(count)), n.ref());
      } else if (value instanceof Expr.Read r && isTangent(r.variable())) {
        init = read(vectors.get(r.variable()));
      } else if (value instanceof Expr.OpaqueCall c && c.owner().equals(BUFFERS)
          && c.name().equals("zerosLike") && c.args().size() == 1
          && c.args().get(0).type().equals(Expr.DOUBLE_ARRAY)) {
        requireNoTangent(c.args().get(0));
        init = buffers("zerosJacobian", Expr.DOUBLE_MATRIX, c.args().get(0), read(count));
      } else {
        throw new Unsupported();
      }
      out.add(declare ? new Stmt.Declare(vec, init, ref) : new Stmt.Assign(vec, init, ref));
      return;
    }
    if (value == null) {
      // A scalar tangent declared without a value: Java needs one before any read anyway.
      return;
    }
    tangentWriteInto(vec, indices, value, ref, out);
  }

  /** {@code for (k = 0; k < directions; k++) vec[indices][k] = value at k}. */
  private void tangentWriteInto(Variable vec, List<Expr> indices, Expr value,
      dev.adjoint.processor.ir.SourceRef ref, List<Stmt> out) {
    List<Stmt> before = new ArrayList<>();
    Expr atK = atK(value, before, true);
    List<Expr> target = new ArrayList<>(indices);
    target.add(read(k));
    out.addAll(before);
    out.add(new Stmt.Assign(k, intLit(0), null));
    out.add(new Stmt.Loop(
        new Expr.Binary(Expr.BinaryOp.LT, read(k), read(count), TypeName.BOOLEAN, null),
        Stmt.Block.of(List.of(new Stmt.ArrayAssign(vec, target, atK, ref))),
        Stmt.Block.of(List.of(new Stmt.Assign(k, intOp(Expr.BinaryOp.ADD, read(k), intLit(1)),
            null))),
        true, ref));
  }

  /** The Jacobian that goes with a {@code return}: the result's tangent, made a matrix. */
  private Expr jacobian(Expr tangent) {
    if (tangent instanceof Expr.OpaqueCall c && c.owner().equals(BUFFERS)
        && c.name().equals("copyOf") && c.args().size() == 1) {
      tangent = c.args().get(0); // the Jacobian is the sweep's own: no copy
    }
    if (tangent instanceof Expr.Read r && isTangent(r.variable())) {
      return read(vectors.get(r.variable()));
    }
    if (tangent instanceof Expr.NewArray n && n.lengths().size() == 1) {
      requireNoTangent(n.lengths().get(0));
      return new Expr.NewArray(List.of(n.lengths().get(0), read(count)), n.ref());
    }
    if (tangent instanceof Expr.OpaqueCall c && c.owner().equals(BUFFERS)
        && c.name().equals("zerosLike") && c.args().size() == 1) {
      requireNoTangent(c.args().get(0));
      return buffers("zerosJacobian", Expr.DOUBLE_MATRIX, c.args().get(0), read(count));
    }
    throw new Unsupported();
  }

  /**
   * {@code e} read along direction {@code k}: tangent reads indexed by k, the parts that read no
   * tangent computed once into temporaries in {@code before}. {@code hoistAny}: whether every such
   * part may be (the scalar sweep computes it unconditionally); inside a branch of a {@code ?:}
   * only parts that cannot throw are.
   */
  private Expr atK(Expr e, List<Stmt> before, boolean hoistAny) {
    if (!readsTangent(e)) {
      if (isAtom(e) || !(hoistAny || cannotThrow(e))) {
        return e;
      }
      Variable temp = new Variable(hint(e), e.type(), Variable.Kind.TEMP);
      before.add(new Stmt.Declare(temp, e, null));
      return read(temp);
    }
    return e.accept(new AtK(before, hoistAny));
  }

  /** The tangent-reading expressions at direction k; a node that cannot read one is refused. */
  private final class AtK implements Expr.Visitor<Expr> {
    private final List<Stmt> before;
    private final boolean hoistAny;

    AtK(List<Stmt> before, boolean hoistAny) {
      this.before = before;
      this.hoistAny = hoistAny;
    }

    @Override
    public Expr visitRead(Expr.Read r) {
      return new Expr.ArrayRead(vectors.get(r.variable()), List.of(read(k)), r.ref());
    }

    @Override
    public Expr visitArrayRead(Expr.ArrayRead a) {
      if (a.indices().size() != 1) {
        throw new Unsupported();
      }
      requireNoTangent(a.indices().get(0));
      return new Expr.ArrayRead(vectors.get(a.array()),
          List.of(atK(a.indices().get(0), before, hoistAny), read(k)), a.ref());
    }

    @Override
    public Expr visitUnary(Expr.Unary u) {
      return new Expr.Unary(u.op(), atK(u.operand(), before, hoistAny), u.type(), u.ref());
    }

    @Override
    public Expr visitBinary(Expr.Binary b) {
      return new Expr.Binary(b.op(), atK(b.left(), before, hoistAny),
          atK(b.right(), before, hoistAny && !isShortCircuit(b.op())), b.type(), b.ref());
    }

    @Override
    public Expr visitConditional(Expr.Conditional c) {
      return new Expr.Conditional(atK(c.condition(), before, hoistAny),
          atK(c.whenTrue(), before, false), atK(c.whenFalse(), before, false), c.type(),
          c.ref());
    }

    @Override
    public Expr visitCast(Expr.Cast c) {
      return new Expr.Cast(c.type(), atK(c.operand(), before, hoistAny), c.ref());
    }

    // A tangent anywhere else (a call, a length, a value that is not a double) is not what
    // forward mode makes for a method that calls nothing.

    private Expr refuse() {
      throw new Unsupported();
    }

    @Override
    public Expr visitLiteral(Expr.Literal e) {
      return refuse();
    }

    @Override
    public Expr visitMathCall(Expr.MathCall e) {
      return refuse();
    }

    @Override
    public Expr visitStopGradient(Expr.StopGradient e) {
      return refuse();
    }

    @Override
    public Expr visitDiffCall(Expr.DiffCall e) {
      return refuse();
    }

    @Override
    public Expr visitOpaqueCall(Expr.OpaqueCall e) {
      return refuse();
    }

    @Override
    public Expr visitFieldRead(Expr.FieldRead e) {
      return refuse();
    }

    @Override
    public Expr visitVjpOf(Expr.VjpOf e) {
      return refuse();
    }

    @Override
    public Expr visitVjpValue(Expr.VjpValue e) {
      return refuse();
    }

    @Override
    public Expr visitPullback(Expr.Pullback e) {
      return refuse();
    }

    @Override
    public Expr visitComponent(Expr.Component e) {
      return refuse();
    }

    @Override
    public Expr visitPop(Expr.Pop e) {
      return refuse();
    }

    @Override
    public Expr visitArrayLength(Expr.ArrayLength e) {
      return refuse();
    }

    @Override
    public Expr visitNewArray(Expr.NewArray e) {
      return refuse();
    }
  }

  /** {@code a + b} for ints, a literal where both are. */
  private static Expr plus(Expr a, Expr b) {
    if (a instanceof Expr.Literal x && x.value() instanceof Integer i
        && b instanceof Expr.Literal y && y.value() instanceof Integer j) {
      return intLit(i + j);
    }
    if (a instanceof Expr.Literal x && Integer.valueOf(0).equals(x.value())) {
      return b;
    }
    return intOp(Expr.BinaryOp.ADD, a, b);
  }

  private static boolean isShortCircuit(Expr.BinaryOp op) {
    return op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR;
  }

  private static boolean isAtom(Expr e) {
    return e instanceof Expr.Literal || e instanceof Expr.Read
        || (e instanceof Expr.ArrayRead a && a.indices().stream().allMatch(VectorMode::isAtom));
  }

  /** Arithmetic on values and {@code Math} calls: nothing that can throw. */
  private static boolean cannotThrow(Expr e) {
    boolean[] ok = {true};
    IrWalker.forEachExpr(e, x -> {
      boolean integerDivision = x instanceof Expr.Binary b
          && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
          && !(b.type().equals(TypeName.DOUBLE) || b.type().equals(TypeName.FLOAT));
      ok[0] &= !integerDivision && (x instanceof Expr.Literal || x instanceof Expr.Read
          || x instanceof Expr.Unary || x instanceof Expr.Binary || x instanceof Expr.Conditional
          || x instanceof Expr.Cast || x instanceof Expr.MathCall);
    });
    return ok[0];
  }

  private static String hint(Expr e) {
    return e instanceof Expr.MathCall m ? m.function().name().toLowerCase(java.util.Locale.ROOT)
        : "partial";
  }

  private boolean readsTangent(Expr e) {
    boolean[] reads = {false};
    IrWalker.forEachExpr(e, x -> {
      if (x instanceof Expr.Read r && isTangent(r.variable())
          || x instanceof Expr.ArrayRead a && isTangent(a.array())
          || x instanceof Expr.ArrayLength l && isTangent(l.array())) {
        reads[0] = true;
      }
    });
    return reads[0];
  }

  private void requireNoTangent(Expr e) {
    if (e != null && readsTangent(e)) {
      throw new Unsupported();
    }
  }

  private static Expr buffers(String method, TypeName type, Expr... args) {
    return new Expr.OpaqueCall(null, BUFFERS, method, List.of(args), type, null);
  }
}

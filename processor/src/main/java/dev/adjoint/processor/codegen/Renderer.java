package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Renders IR to JavaPoet code: expressions with the fewest parentheses Java needs, statements with
 * a comment naming the source line each came from, and every variable under a unique name, none
 * of them a name that generated code writes at the start of a qualified name (see {@link
 * #Renderer(Set, PrivateFields)}).
 */
final class Renderer {
  private static final ClassName DOUBLE_BOX = ClassName.get("java.lang", "Double");

  private static final ClassName BUFFERS = ClassName.get("dev.adjoint.runtime", "Buffers");

  private final NameAllocator names = new NameAllocator();
  /** Where private fields are read from (the class's handles). */
  private final PrivateFields privateFields;
  /** Arrays kept in fields of a workspace and reused: declared from {@code this.name}. */
  private Set<Variable> pooled = Set.of();
  private final Map<Variable, String> allocated = new HashMap<>();
  /** How many names each hint gave (see {@link #fresh}). */
  private final Map<String, Integer> uses = new HashMap<>();
  private int lastLine = -1;
  /**
   * In the constructor of a Vjp that a user may get, the name of its flag {@code owned}: calls that
   * pass a parameter array then make their callee's Vjp by {@code mVjp} (a snapshot) when it is
   * set, else by the sharing factory; null elsewhere (the pullback runs before the caller returns).
   */
  private String owned;

  /**
   * A renderer whose variables never take a name in {@code reserved}: the packages and classes
   * that generated code names in expressions ({@code java.lang.Math.sin}, {@code Buffers.addTo}):
   * a user's variable of such a name would obscure them, so it is renamed ({@code java_}).
   */
  Renderer(Set<String> reserved, PrivateFields privateFields) {
    this.privateFields = privateFields;
    for (String name : reserved) {
      names.newName(name, new Object());
    }
  }

  /** The Java name of a variable, allocated on first use from its hint. */
  String name(Variable v) {
    return allocated.computeIfAbsent(v, k -> fresh(k.hint(), k));
  }

  /**
   * A new name from {@code hint}: the hint itself the first time, then the hint numbered in
   * order of use ({@code product}, {@code product2}, {@code product3}), each with an underscore
   * added only where a name is already taken (a reserved name, or a user's {@code product2}).
   * Numbering also keeps allocation linear: the allocator's own way, an underscore more per use,
   * made a 1 000-step method's names hundreds of characters long, each found in a loop.
   */
  private String fresh(String hint, Object tag) {
    int n = uses.merge(hint, 1, Integer::sum);
    return names.newName(n == 1 ? hint : hint + n, tag);
  }

  private Set<Variable> sometimes = Set.of();
  private Map<Stmt.Return, Expr> returnTangents = Map.of();
  private CodeBlock returnMaker;
  private Function<List<Stmt>, CodeBlock> splitter;

  /**
   * Renders each {@code return v} of a forward derivative as {@code return new Record(v, t)}, its
   * tangent {@code t} from {@code tangents} (by identity).
   */
  void returnsWithTangents(TypeName record, Map<Stmt.Return, Expr> tangents) {
    this.returnMaker = CodeBlock.of("new $T", record);
    this.returnTangents = tangents;
  }

  /**
   * Renders each {@code return v} of a forward derivative as {@code return method(v, t)}, its
   * tangent {@code t} from {@code tangents} (by identity): a workspace's, which keeps {@code t}.
   */
  void returnsThrough(String method, Map<Stmt.Return, Expr> tangents) {
    this.returnMaker = CodeBlock.of("$N", method);
    this.returnTangents = tangents;
  }

  /** Renders the arrays in {@code pooled} as reused workspace fields of the same names. */
  void pool(Set<Variable> pooled) {
    this.pooled = pooled;
  }

  /** Starts a new method body: its first statement gets its line comment again. */
  void resetLine() {
    lastLine = -1;
  }

  /** Reserves a name not tied to a variable (a parameter of a generated method). */
  String reserve(String hint) {
    return fresh(hint, new Object());
  }

  /** Renders the calls of a Vjp's constructor, whose flag {@code owned} is named {@code flag}. */
  void owned(String flag) {
    this.owned = flag;
  }

  // ------------------------------------------------------------------ statements

  /**
   * The variables that {@code block} declares inside branches and loops: their declarations are
   * hoisted to the top, since the reverse sweep reads them outside those blocks.
   */
  Set<Variable> nestedDeclarations(Stmt.Block block) {
    Set<Variable> out = new LinkedHashSet<>();
    for (Stmt s : block.stmts()) {
      if (s instanceof Stmt.If || s instanceof Stmt.Loop) {
        collectDeclared(s, out);
      }
    }
    return out;
  }

  private static void collectDeclared(Stmt s, Set<Variable> out) {
    IrWalker.forEachStmt(s, st -> {
      if (st instanceof Stmt.Declare d) {
        out.add(d.variable());
      }
    });
  }

  /**
   * {@code T name = zero;}, or {@code double[] aBar = new double[a.length];} ({@code a == null ?
   * null : ...} where {@code a} is created on some paths only: none of its adjoint runs on the
   * others; and where {@code a} is a parameter, which may be null where the call never reads it:
   * its cotangent is null too).
   */
  CodeBlock declareZero(Variable v) {
    boolean matrix = Expr.rank(v.type()) >= 2; // a matrix or a 3-D array: shaped like another
    CodeBlock made;
    if (v.shapeOf() != null && pooled.contains(v) && v.shapeOf().kind() == Variable.Kind.PARAM) {
      // The buffer a workspace's accessor returns: null for a null argument, never a stale one.
      return CodeBlock.of("$T $N = this.$N = $N == null ? null : $L;\n", v.type(), name(v),
          name(v), name(v.shapeOf()), matrix
              ? CodeBlock.of("$T.zeroedLike(this.$N, $N)", BUFFERS, name(v), name(v.shapeOf()))
              : CodeBlock.of("$T.zeroed(this.$N, $N.length)", BUFFERS, name(v),
                  name(v.shapeOf())));
    } else if (v.shapeOf() != null && pooled.contains(v)) {
      made = matrix
          ? CodeBlock.of("this.$N = $T.zeroedLike(this.$N, $N)", name(v), BUFFERS, name(v),
              name(v.shapeOf()))
          : CodeBlock.of("this.$N = $T.zeroed(this.$N, $N.length)", name(v), BUFFERS, name(v),
              name(v.shapeOf()));
    } else {
      return CodeBlock.of("$T $N = $L;\n", v.type(), name(v), zeroValue(v));
    }
    if (sometimes.contains(v.shapeOf()) || v.shapeOf().kind() == Variable.Kind.PARAM) {
      return CodeBlock.of("$T $N = $N == null ? null : ($L);\n", v.type(), name(v),
          name(v.shapeOf()), made);
    }
    return CodeBlock.of("$T $N = $L;\n", v.type(), name(v), made);
  }

  /**
   * The zero a variable starts from, unpooled: {@code 0.0}, or for a cotangent array {@code new
   * double[a.length]} ({@code a == null ? null : ...} where {@code a} is created on some paths
   * only).
   */
  CodeBlock zeroValue(Variable v) {
    if (v.shapeOf() == null) {
      return zero(v.type());
    }
    CodeBlock made = Expr.rank(v.type()) >= 2
        ? CodeBlock.of("$T.zerosLike($N)", BUFFERS, name(v.shapeOf()))
        : CodeBlock.of("new double[$N.length]", name(v.shapeOf()));
    return sometimes.contains(v.shapeOf()) || v.shapeOf().kind() == Variable.Kind.PARAM
        ? CodeBlock.of("$N == null ? null : $L", name(v.shapeOf()), made)
        : made;
  }

  /**
   * Renders each list of statements that {@code splitter} takes (it returns null for those it
   * leaves) as what it returns: calls of methods it made of them (see {@link SplitSweeps}).
   */
  void split(Function<List<Stmt>, CodeBlock> splitter) {
    this.splitter = splitter;
  }

  /** Local arrays that only some paths create: their cotangent arrays are made where they are. */
  void sometimes(Set<Variable> arrays) {
    this.sometimes = arrays;
  }

  /**
   * Renders statements. Declarations of variables in {@code hoisted} become assignments (their
   * declaration is at the top of the method).
   */
  CodeBlock statements(List<Stmt> stmts, Set<Variable> hoisted) {
    CodeBlock split = splitter == null ? null : splitter.apply(stmts);
    if (split != null) {
      return split;
    }
    CodeBlock.Builder out = CodeBlock.builder();
    for (Stmt s : stmts) {
      statement(s, hoisted, out);
    }
    return out.build();
  }

  private void statement(Stmt s, Set<Variable> hoisted, CodeBlock.Builder out) {
    if (s.ref() != null && s.ref().line() > 0 && s.ref().line() != lastLine
        && !(s instanceof Stmt.Block)) {
      lastLine = s.ref().line();
      out.add("// line $L\n", lastLine);
    }
    s.accept(new StmtRenderer(hoisted, out));
  }

  /** Renders one statement into {@code out}, one method per kind of statement. */
  private final class StmtRenderer implements Stmt.Visitor<Void> {
    private final Set<Variable> hoisted;
    private final CodeBlock.Builder out;

    StmtRenderer(Set<Variable> hoisted, CodeBlock.Builder out) {
      this.hoisted = hoisted;
      this.out = out;
    }

    @Override
    public Void visitDeclare(Stmt.Declare d) {
      Variable v = d.variable();
      if (pooled.contains(v) && d.init() instanceof Expr.NewArray n) {
        out.addStatement("$T $N = this.$N = $T.zeroed(this.$N, $L)", v.type(), name(v), name(v),
            BUFFERS, name(v), args(n.lengths()));
      } else if (hoisted.contains(v)) {
        if (d.init() != null) {
          out.addStatement("$N = $L", name(v), expr(d.init()));
        }
      } else {
        out.addStatement(
            "$T $N = $L", v.type(), name(v), d.init() == null ? zero(v.type()) : expr(d.init()));
      }
      return null;
    }

    @Override
    public Void visitAssign(Stmt.Assign a) {
      Variable v = a.variable();
      assignment(out, CodeBlock.of("$N", name(v)), v, a.value(),
          left -> left instanceof Expr.Read r && r.variable() == v);
      return null;
    }

    @Override
    public Void visitIf(Stmt.If i) {
      boolean thenEmpty = i.then().stmts().isEmpty();
      boolean elseEmpty = i.otherwise().stmts().isEmpty();
      if (thenEmpty && elseEmpty) {
        return null;
      }
      if (thenEmpty) {
        out.beginControlFlow("if (!$L)", expr(i.condition(), 13));
        lastLine = -1;
        out.add(statements(i.otherwise().stmts(), hoisted));
        out.endControlFlow();
        return null;
      }
      out.beginControlFlow("if ($L)", expr(i.condition()));
      out.add(statements(i.then().stmts(), hoisted));
      Stmt.If current = i;
      // else if: an else whose only statement is an if with a then
      while (current.otherwise().stmts().size() == 1
          && current.otherwise().stmts().get(0) instanceof Stmt.If next
          && !next.then().stmts().isEmpty()) {
        out.nextControlFlow("else if ($L)", expr(next.condition()));
        lastLine = -1;
        out.add(statements(next.then().stmts(), hoisted));
        current = next;
      }
      if (!current.otherwise().stmts().isEmpty()) {
        out.nextControlFlow("else");
        lastLine = -1;
        out.add(statements(current.otherwise().stmts(), hoisted));
      }
      out.endControlFlow();
      lastLine = -1;
      return null;
    }

    @Override
    public Void visitEval(Stmt.Eval e) {
      out.addStatement("$L", expr(e.expr()));
      return null;
    }

    @Override
    public Void visitBlock(Stmt.Block b) {
      out.add(statements(b.stmts(), hoisted));
      return null;
    }

    @Override
    public Void visitReturn(Stmt.Return r) {
      Expr tangent = returnTangents.get(r);
      if (tangent != null) {
        out.addStatement("return $L($L, $L)", returnMaker, expr(r.value()), expr(tangent));
        return null;
      }
      out.addStatement("return $L", expr(r.value()));
      return null;
    }

    @Override
    public Void visitArrayAssign(Stmt.ArrayAssign a) {
      Variable v = a.array();
      assignment(out, CodeBlock.of("$N$L", name(v), subscripts(a.indices())), v, a.value(),
          left -> left instanceof Expr.ArrayRead r && r.array() == v
              && r.indices().equals(a.indices()));
      return null;
    }

    @Override
    public Void visitPush(Stmt.Push p) {
      TypeName t = p.value().type();
      String method = t.equals(TypeName.DOUBLE) ? "pushDouble"
          : t.equals(TypeName.INT) ? "pushInt"
          : t.equals(TypeName.BOOLEAN) ? "pushBoolean"
          : "pushObject";
      out.addStatement("$N.$L($L)", name(p.tape()), method, expr(p.value()));
      return null;
    }

    @Override
    public Void visitLoop(Stmt.Loop l) {
      List<Stmt> body = new ArrayList<>(l.body().stmts());
      body.addAll(l.update().stmts());
      if (l.testFirst()) {
        out.beginControlFlow("while ($L)", expr(l.condition()));
        out.add(statements(body, hoisted));
        out.endControlFlow();
      } else {
        out.beginControlFlow("do");
        out.add(statements(body, hoisted));
        out.endControlFlow("while ($L)", expr(l.condition()));
      }
      lastLine = -1;
      return null;
    }

    @Override
    public Void visitJump(Stmt.Jump j) {
      out.addStatement(j.isBreak() ? "break" : "continue");
      return null;
    }
  }

  /**
   * {@code target = value}, or {@code target += right} (or {@code -=}) where an adjoint gathers a
   * contribution, {@code value} being {@code target + right} with {@code isTarget} its left side.
   */
  private void assignment(
      CodeBlock.Builder out, CodeBlock target, Variable v, Expr value, Predicate<Expr> isTarget) {
    if (v.kind() == Variable.Kind.ADJOINT
        && value instanceof Expr.Binary b
        && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
        && isTarget.test(b.left())) {
      if (b.right() instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
        // x += -y is x -= y, bit for bit
        out.addStatement("$L $L= $L", target, b.op() == Expr.BinaryOp.ADD ? "-" : "+",
            expr(u.operand()));
      } else {
        out.addStatement("$L $L= $L", target, b.op().symbol, expr(b.right()));
      }
    } else {
      out.addStatement("$L = $L", target, expr(value));
    }
  }

  static CodeBlock zero(TypeName type) {
    if (type.equals(TypeName.DOUBLE)) {
      return CodeBlock.of("0.0");
    } else if (type.equals(TypeName.FLOAT)) {
      return CodeBlock.of("0.0f");
    } else if (type.equals(TypeName.LONG)) {
      return CodeBlock.of("0L");
    } else if (type.equals(TypeName.BOOLEAN)) {
      return CodeBlock.of("false");
    } else if (type.equals(TypeName.CHAR)) {
      return CodeBlock.of("'\\0'");
    } else if (type.equals(TypeName.INT)) {
      return CodeBlock.of("0");
    } else if (type.equals(TypeName.SHORT) || type.equals(TypeName.BYTE)) {
      return CodeBlock.of("($T) 0", type);
    }
    return CodeBlock.of("null");
  }

  // ------------------------------------------------------------------ expressions

  private static final int TERNARY = 1;
  private static final int UNARY = 13;
  private static final int PRIMARY = 14;

  CodeBlock expr(Expr e) {
    return expr(e, 0);
  }

  /** Renders {@code e}, in parentheses unless it binds at least as tightly as {@code needed}. */
  CodeBlock expr(Expr e, int needed) {
    CodeBlock code = e.accept(new ExprRenderer());
    return precedence(e) < needed ? CodeBlock.of("($L)", code) : code;
  }

  private int precedence(Expr e) {
    return e.accept(precedence);
  }

  /** How tightly each kind of expression binds as rendered: one arm per kind, none by default. */
  private final Expr.Visitor<Integer> precedence = new Expr.Visitor<>() {
    @Override
    public Integer visitLiteral(Expr.Literal e) {
      return e.value() instanceof Number n && isNegative(n) ? UNARY : PRIMARY;
    }

    @Override
    public Integer visitRead(Expr.Read e) {
      return PRIMARY;
    }

    @Override
    public Integer visitUnary(Expr.Unary e) {
      return UNARY;
    }

    @Override
    public Integer visitBinary(Expr.Binary e) {
      return binaryPrecedence(e.op());
    }

    @Override
    public Integer visitConditional(Expr.Conditional e) {
      return TERNARY;
    }

    @Override
    public Integer visitCast(Expr.Cast e) {
      return UNARY;
    }

    @Override
    public Integer visitMathCall(Expr.MathCall e) {
      return PRIMARY;
    }

    @Override
    public Integer visitStopGradient(Expr.StopGradient e) {
      return PRIMARY; // rendered as its argument, in parentheses unless primary
    }

    @Override
    public Integer visitDiffCall(Expr.DiffCall e) {
      return PRIMARY;
    }

    @Override
    public Integer visitOpaqueCall(Expr.OpaqueCall e) {
      return PRIMARY;
    }

    @Override
    public Integer visitFieldRead(Expr.FieldRead e) {
      return e.privateType() == null ? PRIMARY : UNARY; // (double) Handles.X.get(o): a cast
    }

    @Override
    public Integer visitVjpOf(Expr.VjpOf e) {
      return snapshotChoice(e) ? TERNARY : PRIMARY;
    }

    @Override
    public Integer visitVjpValue(Expr.VjpValue e) {
      return PRIMARY;
    }

    @Override
    public Integer visitPullback(Expr.Pullback e) {
      return PRIMARY;
    }

    @Override
    public Integer visitComponent(Expr.Component e) {
      return PRIMARY;
    }

    @Override
    public Integer visitPop(Expr.Pop e) {
      return PRIMARY;
    }

    @Override
    public Integer visitArrayRead(Expr.ArrayRead e) {
      return PRIMARY;
    }

    @Override
    public Integer visitArrayLength(Expr.ArrayLength e) {
      return PRIMARY;
    }

    @Override
    public Integer visitNewArray(Expr.NewArray e) {
      return PRIMARY;
    }
  };

  private static boolean isNegative(Number n) {
    return n.doubleValue() < 0 || (n instanceof Double d && d.equals(-0.0))
        || (n instanceof Float f && f.equals(-0.0f));
  }

  private static int binaryPrecedence(Expr.BinaryOp op) {
    switch (op) {
      case OR:
        return 3;
      case AND:
        return 4;
      case BIT_OR:
        return 5;
      case XOR:
        return 6;
      case BIT_AND:
        return 7;
      case EQ:
      case NE:
        return 8;
      case LT:
      case LE:
      case GT:
      case GE:
        return 9;
      case SHL:
      case SHR:
      case USHR:
        return 10;
      case ADD:
      case SUB:
        return 11;
      default:
        return 12;
    }
  }

  /**
   * Whether a call renders as {@code owned ? mVjp(...) : sharing(...)}: in a Vjp's constructor, when
   * it passes a parameter array, or calls an instance method (whose array fields it may read),
   * which the user may change after getting the Vjp; the callee's {@code mVjp} then keeps a copy
   * of what its pullback reads. Local arrays need none: the caller's own pullback puts them back
   * as they were at the call before it runs the callee's.
   */
  private boolean snapshotChoice(Expr.VjpOf call) {
    return owned != null && AdjointNames.hasSharing(call.callee())
        && (call.callee().instance() || call.args().stream().anyMatch(a -> a instanceof Expr.Read r
            && r.variable().kind() == Variable.Kind.PARAM
            && r.variable().type() instanceof ArrayTypeName
            || a instanceof Expr.ArrayRead row && row.type() instanceof ArrayTypeName
                && row.array().kind() == Variable.Kind.PARAM));
  }

  /** {@code Callee.GVjp.sharing(args)}, or {@code CalleeAdjoint.gVjp(args)} where there is none. */
  private CodeBlock sharedVjp(Signature callee, CodeBlock args) {
    if (AdjointNames.hasSharing(callee)) {
      return CodeBlock.of("$T.$N($L)",
          callee.adjointClass().nestedClass(AdjointNames.vjpClass(callee)), AdjointNames.SHARING,
          args);
    }
    return CodeBlock.of("$T.$N($L)", callee.adjointClass(), AdjointNames.vjpMethod(callee), args);
  }

  /** {@code [i]} or {@code [i][j]}. */
  private CodeBlock subscripts(List<Expr> indices) {
    CodeBlock.Builder out = CodeBlock.builder();
    for (Expr i : indices) {
      out.add("[$L]", expr(i));
    }
    return out.build();
  }

  private CodeBlock args(List<Expr> args) {
    List<CodeBlock> out = new ArrayList<>();
    for (Expr a : args) {
      out.add(expr(a));
    }
    return CodeBlock.join(out, ", ");
  }

  static CodeBlock literal(Object value, TypeName type) {
    if (value == null) {
      return CodeBlock.of("null");
    }
    if (value instanceof Double d) {
      if (d.isNaN()) {
        return CodeBlock.of("$T.NaN", DOUBLE_BOX);
      }
      if (d.isInfinite()) {
        return CodeBlock.of("$T.$L", DOUBLE_BOX, d > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY");
      }
      return CodeBlock.of("$L", d.toString());
    }
    if (value instanceof Float f) {
      ClassName box = ClassName.get("java.lang", "Float");
      if (f.isNaN()) {
        return CodeBlock.of("$T.NaN", box);
      }
      if (f.isInfinite()) {
        return CodeBlock.of("$T.$L", box, f > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY");
      }
      return CodeBlock.of("$Lf", f.toString());
    }
    if (value instanceof Long l) {
      return CodeBlock.of("$LL", l.toString());
    }
    if (value instanceof Integer i) {
      return CodeBlock.of("$L", i.toString());
    }
    if (value instanceof Short || value instanceof Byte) {
      return CodeBlock.of("($T) $L", type.isBoxedPrimitive() ? type.unbox() : type, value);
    }
    if (value instanceof Character c) {
      return CodeBlock.of("'$L'", escapeChar(c));
    }
    if (value instanceof String s) {
      return CodeBlock.of("$S", s);
    }
    return CodeBlock.of("$L", value); // Boolean
  }

  private static String escapeChar(char c) {
    switch (c) {
      case '\'':
        return "\\'";
      case '\\':
        return "\\\\";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\b':
        return "\\b";
      case '\f':
        return "\\f";
      default:
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
  }

  /** The expression renderer proper. */
  private final class ExprRenderer implements Expr.Visitor<CodeBlock> {
    @Override
    public CodeBlock visitLiteral(Expr.Literal e) {
      return literal(e.value(), e.type());
    }

    @Override
    public CodeBlock visitRead(Expr.Read e) {
      return CodeBlock.of("$N", name(e.variable()));
    }

    @Override
    public CodeBlock visitUnary(Expr.Unary e) {
      CodeBlock operand = expr(e.operand(), UNARY);
      // Keep "- -x" and "+ +x" from reading as a decrement or increment.
      if ((e.op() == Expr.UnaryOp.NEG || e.op() == Expr.UnaryOp.PLUS)
          && operand.toString().startsWith(e.op().symbol)) {
        operand = CodeBlock.of("($L)", operand);
      }
      return CodeBlock.of("$L$L", e.op().symbol, operand);
    }

    @Override
    public CodeBlock visitBinary(Expr.Binary e) {
      int p = binaryPrecedence(e.op());
      return CodeBlock.of(
          "$L $L $L", expr(e.left(), p), e.op().symbol, expr(e.right(), p + 1));
    }

    @Override
    public CodeBlock visitConditional(Expr.Conditional e) {
      return CodeBlock.of(
          "$L ? $L : $L",
          expr(e.condition(), TERNARY + 1),
          expr(e.whenTrue(), TERNARY + 1),
          expr(e.whenFalse(), TERNARY));
    }

    @Override
    public CodeBlock visitCast(Expr.Cast e) {
      return CodeBlock.of("($T) $L", e.type(), expr(e.operand(), UNARY));
    }

    @Override
    public CodeBlock visitMathCall(Expr.MathCall e) {
      return CodeBlock.of("$T.$N($L)", e.owner(), e.function().javaName(), args(e.args()));
    }

    @Override
    public CodeBlock visitStopGradient(Expr.StopGradient e) {
      return expr(e.arg(), PRIMARY);
    }

    @Override
    public CodeBlock visitDiffCall(Expr.DiffCall e) {
      // Not differentiated here, but its value is still its @Fwd's output for a custom rule.
      return CodeBlock.of("$L.value()", sharedVjp(e.callee(), args(e.args())));
    }

    @Override
    public CodeBlock visitOpaqueCall(Expr.OpaqueCall e) {
      if (e.isNew()) {
        return CodeBlock.of("new $T($L)", e.type(), args(e.args()));
      }
      if (e.receiver() == null) {
        return CodeBlock.of("$T.$N($L)", e.owner(), e.name(), args(e.args()));
      }
      return CodeBlock.of("$L.$N($L)", expr(e.receiver(), PRIMARY), e.name(), args(e.args()));
    }

    @Override
    public CodeBlock visitFieldRead(Expr.FieldRead e) {
      return privateFields.read(e,
          e.receiver() == null ? null : expr(e.receiver(), PRIMARY));
    }

    @Override
    public CodeBlock visitVjpOf(Expr.VjpOf e) {
      CodeBlock args = args(e.args());
      if (snapshotChoice(e)) {
        return CodeBlock.of("$N ? $T.$N($L) : $L", owned, e.callee().adjointClass(),
            AdjointNames.vjpMethod(e.callee()), args, sharedVjp(e.callee(), args));
      }
      return sharedVjp(e.callee(), args);
    }

    @Override
    public CodeBlock visitVjpValue(Expr.VjpValue e) {
      return CodeBlock.of("$N.value()", name(e.call()));
    }

    @Override
    public CodeBlock visitPullback(Expr.Pullback e) {
      return CodeBlock.of("$N.pullback($L)", name(e.call()), expr(e.cotangent()));
    }

    @Override
    public CodeBlock visitComponent(Expr.Component e) {
      return CodeBlock.of("$N.$N()", name(e.record()), AdjointNames.component(e.accessor()));
    }

    @Override
    public CodeBlock visitArrayRead(Expr.ArrayRead e) {
      return CodeBlock.of("$N$L", name(e.array()), subscripts(e.indices()));
    }

    @Override
    public CodeBlock visitArrayLength(Expr.ArrayLength e) {
      return CodeBlock.of("$N$L.length", name(e.array()), subscripts(e.indices()));
    }

    @Override
    public CodeBlock visitNewArray(Expr.NewArray e) {
      return CodeBlock.of("new $T$L", e.element(), subscripts(e.lengths()));
    }

    @Override
    public CodeBlock visitPop(Expr.Pop e) {
      TypeName t = e.type();
      if (t.equals(TypeName.DOUBLE)) {
        return CodeBlock.of("$N.popDouble()", name(e.reader()));
      } else if (t.equals(TypeName.INT)) {
        return CodeBlock.of("$N.popInt()", name(e.reader()));
      } else if (t.equals(TypeName.BOOLEAN)) {
        return CodeBlock.of("$N.popBoolean()", name(e.reader()));
      }
      return CodeBlock.of("($T) $N.popObject()", t, name(e.reader()));
    }
  }
}

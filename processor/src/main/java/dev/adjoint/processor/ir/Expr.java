package dev.adjoint.processor.ir;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.model.Signature;
import java.util.List;

/**
 * An expression of the IR. The source layer makes most kinds from the user's code; the transformer
 * adds five ({@link VjpOf}, {@link VjpValue}, {@link Pullback}, {@link Component}, {@link Pop}), for
 * calls to other annotated methods and the tape. Walk it with a {@link
 * Visitor}.
 */
public sealed interface Expr {

  TypeName type();

  /** Where it came from; null for nodes the transformer made. */
  SourceRef ref();

  <R> R accept(Visitor<R> visitor);

  /** Unary operators, with their Java spelling. */
  enum UnaryOp {
    NEG("-"), PLUS("+"), NOT("!"), COMPLEMENT("~");

    public final String symbol;

    UnaryOp(String symbol) {
      this.symbol = symbol;
    }
  }

  /** Binary operators, with their Java spelling. */
  enum BinaryOp {
    ADD("+"), SUB("-"), MUL("*"), DIV("/"), REM("%"),
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!="),
    AND("&&"), OR("||"), BIT_AND("&"), BIT_OR("|"), XOR("^"),
    SHL("<<"), SHR(">>"), USHR(">>>");

    public final String symbol;

    BinaryOp(String symbol) {
      this.symbol = symbol;
    }
  }

  /** A literal; {@code value} is a boxed primitive, a String, or null. */
  record Literal(Object value, TypeName type, SourceRef ref) implements Expr {
    public <R> R accept(Visitor<R> v) {
      return v.visitLiteral(this);
    }
  }

  /** A read of a parameter or local. */
  record Read(Variable variable, SourceRef ref) implements Expr {
    public TypeName type() {
      return variable.type();
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitRead(this);
    }
  }

  record Unary(UnaryOp op, Expr operand, TypeName type, SourceRef ref) implements Expr {
    public <R> R accept(Visitor<R> v) {
      return v.visitUnary(this);
    }
  }

  record Binary(BinaryOp op, Expr left, Expr right, TypeName type, SourceRef ref) implements Expr {
    public <R> R accept(Visitor<R> v) {
      return v.visitBinary(this);
    }
  }

  /** {@code condition ? whenTrue : whenFalse}. */
  record Conditional(Expr condition, Expr whenTrue, Expr whenFalse, TypeName type, SourceRef ref)
      implements Expr {
    public <R> R accept(Visitor<R> v) {
      return v.visitConditional(this);
    }
  }

  record Cast(TypeName type, Expr operand, SourceRef ref) implements Expr {
    public <R> R accept(Visitor<R> v) {
      return v.visitCast(this);
    }
  }

  /** A call of a {@link MathFunction} on {@code Math} or {@code StrictMath} ({@code owner}). */
  record MathCall(MathFunction function, ClassName owner, List<Expr> args, SourceRef ref)
      implements Expr {
    public MathCall {
      args = List.copyOf(args);
    }

    public TypeName type() {
      return TypeName.DOUBLE;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitMathCall(this);
    }
  }

  /** {@code Ad.stopGradient(arg)}: the value of {@code arg}, derivative zero. */
  record StopGradient(Expr arg, SourceRef ref) implements Expr {
    public TypeName type() {
      return TypeName.DOUBLE;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitStopGradient(this);
    }
  }

  /** A call of another {@code @Differentiable} or {@code @CustomVjp} method. */
  record DiffCall(Signature callee, List<Expr> args, SourceRef ref) implements Expr {
    public DiffCall {
      args = List.copyOf(args);
    }

    public TypeName type() {
      return callee.result();
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitDiffCall(this);
    }
  }

  /**
   * A call of any other method: static on {@code owner} when {@code receiver} is null, else on
   * {@code receiver}. Allowed only where no argument depends on a differentiable input, or where
   * its result has no tangent.
   */
  record OpaqueCall(
      Expr receiver, TypeName owner, String name, List<Expr> args, TypeName type, SourceRef ref)
      implements Expr {
    /**
     * The {@link #name} of a constructor call, {@code new type(args)} (no method has this name):
     * an object with no floating-point state, created where the primal creates it.
     */
    public static final String NEW = "new";

    public OpaqueCall {
      args = List.copyOf(args);
    }

    /** A constructor call: {@code new type(args)}, with no receiver. */
    public static OpaqueCall ofNew(TypeName owner, List<Expr> args, TypeName type, SourceRef ref) {
      return new OpaqueCall(null, owner, NEW, args, type, ref);
    }

    /**
     * Whether this calls one of {@code Math}'s or {@code StrictMath}'s static methods that the
     * source layer leaves opaque (those of {@code int}s and {@code long}s, {@code floorMod},
     * {@code abs}, ...): its value depends on its arguments only and it has no effect, but {@code
     * random}'s.
     */
    public boolean isMathFunction() {
      String o = owner.toString();
      return receiver == null && !isNew() && !name.equals("random")
          && (o.equals("java.lang.Math") || o.equals("java.lang.StrictMath"));
    }

    /**
     * Whether this makes a callee's Hessian-vector products at a point ({@code
     * GAdjoint.gHvpAt(args)}, which a second-order sweep calls for a callee it goes through):
     * it copies the arrays it is given and writes none.
     */
    public boolean makesProductsAtPoint() {
      // the whole shape of the generated API, so that no user class named alike passes: a static
      // gHvpAt of GAdjoint returning its nested GHvpAt
      return receiver == null && isProductsAtPoint(type)
          && ((ClassName) type).enclosingClassName().equals(owner)
          && name.equals(Character.toLowerCase(((ClassName) type).simpleName().charAt(0))
              + ((ClassName) type).simpleName().substring(1));
    }

    /**
     * Whether {@code t} is a generated {@code GAdjoint.GHvpAt}: a class nested in an {@code
     * ...Adjoint} class, named {@code ...HvpAt}.
     */
    public static boolean isProductsAtPoint(TypeName t) {
      return t instanceof ClassName c
          && c.simpleNames().size() == 2 && c.simpleNames().get(0).endsWith("Adjoint")
          && c.simpleNames().get(1).endsWith("HvpAt");
    }

    /** Whether this creates an object ({@code new type(args)}) rather than calls a method. */
    public boolean isNew() {
      return name.equals(NEW);
    }

    /** How messages name it: {@code new java.util.Random} or {@code java.util.Random.nextGaussian}. */
    public String describe() {
      return isNew() ? "new " + owner : owner + "." + name;
    }

    /** A name for a local that holds its value: the method's, or the created class's. */
    public String hint() {
      if (!isNew()) {
        return name;
      }
      String simple = owner instanceof ClassName c ? c.simpleName() : "object";
      return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitOpaqueCall(this);
    }
  }

  /**
   * A field read: static on {@code owner} when {@code receiver} is null, else on {@code receiver}.
   * {@code privateType} is the field's erased declared type where the generated class reads it
   * through a {@code VarHandle} (a private field, of which it is not a nestmate; {@code super.k};
   * a protected field of another package's base), else null.
   */
  record FieldRead(Expr receiver, TypeName owner, String name, TypeName type,
      TypeName privateType, SourceRef ref) implements Expr {
    /** The same read through another receiver. */
    public FieldRead withReceiver(Expr other) {
      return new FieldRead(other, owner, name, type, privateType, ref);
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitFieldRead(this);
    }
  }

  /**
   * {@code array[i]} of a {@code double[]} variable, or {@code array[i][j]} of a {@code
   * double[][]} one: one int index per dimension. Also an element of a {@link #isDiscreteArray
   * discrete} array ({@code int[]}, {@code long[]}, {@code boolean[]}), which has no tangent.
   */
  record ArrayRead(Variable array, List<Expr> indices, SourceRef ref) implements Expr {
    public ArrayRead {
      indices = List.copyOf(indices);
    }

    /** The element's type: {@code double} for a double array indexed down to an element. */
    public TypeName type() {
      TypeName t = array.type();
      for (int i = 0; i < indices.size() && t instanceof ArrayTypeName a; i++) {
        t = a.componentType();
      }
      return t;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitArrayRead(this);
    }
  }

  /** {@code array.length}, or with {@code indices} (a row), {@code array[i].length}. */
  record ArrayLength(Variable array, List<Expr> indices, SourceRef ref) implements Expr {
    public ArrayLength {
      indices = List.copyOf(indices);
    }

    public TypeName type() {
      return TypeName.INT;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitArrayLength(this);
    }
  }

  /**
   * {@code new double[n]}, or {@code new double[n][m]}; with another {@code element} type, a new
   * {@link #isDiscreteArray discrete} array ({@code new int[n]}).
   */
  record NewArray(TypeName element, List<Expr> lengths, SourceRef ref) implements Expr {
    public NewArray {
      lengths = List.copyOf(lengths);
    }

    /** A new {@code double} array. */
    public NewArray(List<Expr> lengths, SourceRef ref) {
      this(TypeName.DOUBLE, lengths, ref);
    }

    public TypeName type() {
      TypeName t = element;
      for (int i = 0; i < lengths.size(); i++) {
        t = ArrayTypeName.of(t);
      }
      return t;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitNewArray(this);
    }
  }

  /** The type {@code double[]}. */
  TypeName DOUBLE_ARRAY = ArrayTypeName.of(TypeName.DOUBLE);

  /** The type {@code double[][]}. */
  TypeName DOUBLE_MATRIX = ArrayTypeName.of(DOUBLE_ARRAY);

  /** The type {@code double[][][]}. */
  TypeName DOUBLE_TENSOR3 = ArrayTypeName.of(DOUBLE_MATRIX);

  /** Whether {@code type} is {@code double[]}, {@code double[][]} or {@code double[][][]}. */
  static boolean isArray(TypeName type) {
    return type.equals(DOUBLE_ARRAY) || type.equals(DOUBLE_MATRIX) || type.equals(DOUBLE_TENSOR3);
  }

  /** The number of dimensions of an array type ({@code 2} for {@code double[][]}); 0 for others. */
  static int rank(TypeName type) {
    int dimensions = 0;
    for (TypeName t = type; t instanceof ArrayTypeName a; t = a.componentType()) {
      dimensions++;
    }
    return dimensions;
  }

  /**
   * Whether {@code type} is a discrete array: {@code int[]}, {@code long[]} or {@code boolean[]},
   * or one of their 2-D forms. Its elements are never differentiable (no tangent, no cotangent);
   * they may be read, and written where the array is a local the method created.
   */
  static boolean isDiscreteArray(TypeName type) {
    int dimensions = 0;
    TypeName t = type;
    while (t instanceof ArrayTypeName a) {
      t = a.componentType();
      dimensions++;
    }
    return dimensions >= 1 && dimensions <= 2
        && (t.equals(TypeName.INT) || t.equals(TypeName.LONG) || t.equals(TypeName.BOOLEAN));
  }

  // ---- made by the transformer ----

  /** {@code CalleeAdjoint.gVjp(args)}: the augmented forward of a call. */
  record VjpOf(Signature callee, List<Expr> args, TypeName type) implements Expr {
    public VjpOf {
      args = List.copyOf(args);
    }

    public SourceRef ref() {
      return null;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitVjpOf(this);
    }
  }

  /** {@code call.value()}: of the callee's result type. */
  record VjpValue(Variable call, TypeName type) implements Expr {
    public SourceRef ref() {
      return null;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitVjpValue(this);
    }
  }

  /** {@code call.pullback(cotangent)}: the callee's gradient record. */
  record Pullback(Variable call, Expr cotangent, TypeName type) implements Expr {
    public SourceRef ref() {
      return null;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitPullback(this);
    }
  }

  /** {@code record.accessor()}. */
  record Component(Variable record, String accessor, TypeName type) implements Expr {
    public SourceRef ref() {
      return null;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitComponent(this);
    }
  }

  /** The next value read back from the call's tape in the reverse sweep: what a Push recorded. */
  record Pop(Variable reader, TypeName type) implements Expr {
    public SourceRef ref() {
      return null;
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitPop(this);
    }
  }

  /** One method per kind of expression. */
  interface Visitor<R> {
    R visitLiteral(Literal e);

    R visitRead(Read e);

    R visitUnary(Unary e);

    R visitBinary(Binary e);

    R visitConditional(Conditional e);

    R visitCast(Cast e);

    R visitMathCall(MathCall e);

    R visitStopGradient(StopGradient e);

    R visitDiffCall(DiffCall e);

    R visitOpaqueCall(OpaqueCall e);

    R visitFieldRead(FieldRead e);

    R visitVjpOf(VjpOf e);

    R visitVjpValue(VjpValue e);

    R visitPullback(Pullback e);

    R visitComponent(Component e);

    R visitPop(Pop e);

    R visitArrayRead(ArrayRead e);

    R visitArrayLength(ArrayLength e);

    R visitNewArray(NewArray e);
  }
}

package dev.adjoint.processor.ir;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * The one home of IR builders the transforms use: literals, reads, arithmetic, math calls. Nodes
 * built here carry no source reference. {@link #mul} drops a factor that is the literal 1; every
 * other builder builds exactly the node its name says.
 */
public final class Ir {
  private Ir() {}

  /** A {@code double} literal. */
  public static Expr lit(double v) {
    return new Expr.Literal(v, TypeName.DOUBLE, null);
  }

  /** An {@code int} literal. */
  public static Expr intLit(int value) {
    return new Expr.Literal(value, TypeName.INT, null);
  }

  /** A {@code boolean} literal. */
  public static Expr boolLit(boolean value, SourceRef ref) {
    return new Expr.Literal(value, TypeName.BOOLEAN, ref);
  }

  /** A read of {@code v}. */
  public static Expr read(Variable v) {
    return new Expr.Read(v, null);
  }

  /** {@code f(args)} as a call on {@code owner} ({@code Math} or {@code StrictMath}). */
  public static Expr call(ClassName owner, MathFunction f, Expr... args) {
    return new Expr.MathCall(f, owner, List.of(args), null);
  }

  /** {@code -a}, a {@code double}. */
  public static Expr neg(Expr a) {
    return new Expr.Unary(Expr.UnaryOp.NEG, a, TypeName.DOUBLE, null);
  }

  /** {@code !e}. */
  public static Expr not(Expr e) {
    return new Expr.Unary(Expr.UnaryOp.NOT, e, TypeName.BOOLEAN, null);
  }

  public static Expr add(Expr a, Expr b) {
    return bin(Expr.BinaryOp.ADD, a, b);
  }

  public static Expr sub(Expr a, Expr b) {
    return bin(Expr.BinaryOp.SUB, a, b);
  }

  /** {@code a * b}, dropping a factor that is the literal 1. */
  public static Expr mul(Expr a, Expr b) {
    if (isOne(a)) {
      return b;
    }
    if (isOne(b)) {
      return a;
    }
    return bin(Expr.BinaryOp.MUL, a, b);
  }

  public static Expr div(Expr a, Expr b) {
    return bin(Expr.BinaryOp.DIV, a, b);
  }

  /** {@code a == b}, a {@code boolean}. */
  public static Expr eq(Expr a, Expr b) {
    return compare(Expr.BinaryOp.EQ, a, b);
  }

  /** {@code a op b} for a comparison {@code op}, a {@code boolean}. */
  public static Expr compare(Expr.BinaryOp op, Expr a, Expr b) {
    return new Expr.Binary(op, a, b, TypeName.BOOLEAN, null);
  }

  /** {@code a op b}, a {@code double}. */
  public static Expr bin(Expr.BinaryOp op, Expr a, Expr b) {
    return new Expr.Binary(op, a, b, TypeName.DOUBLE, null);
  }

  /** {@code a op b}, an {@code int}. */
  public static Expr intOp(Expr.BinaryOp op, Expr a, Expr b) {
    return new Expr.Binary(op, a, b, TypeName.INT, null);
  }

  private static boolean isOne(Expr e) {
    return e instanceof Expr.Literal l
        && l.value() instanceof Number n
        && n.doubleValue() == 1.0;
  }
}

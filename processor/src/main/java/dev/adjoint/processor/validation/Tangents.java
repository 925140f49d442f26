package dev.adjoint.processor.validation;

import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;

/** What kind of tangent a type has: the one place that decides what is differentiable. */
public final class Tangents {
  private Tangents() {}

  /** The tangent of a type. */
  public enum Kind {
    /** {@code double}: differentiated. */
    DOUBLE,
    /** {@code double[]}: differentiated element by element, with a cotangent array of its length. */
    ARRAY,
    /** {@code double[][]}: differentiated element by element, with a cotangent of its shape. */
    MATRIX,
    /** No floating-point data ({@code int}, {@code String}, an enum, a functional interface...). */
    NONE,
    /** Holds floating-point data that has no supported tangent yet; see {@link #unsupportedReason}. */
    UNSUPPORTED,
  }

  public static Kind of(TypeMirror type) {
    if (type.getKind() == TypeKind.DOUBLE) {
      return Kind.DOUBLE;
    }
    if (type instanceof javax.lang.model.type.ArrayType array
        && array.getComponentType().getKind() == TypeKind.DOUBLE) {
      return Kind.ARRAY;
    }
    if (type instanceof javax.lang.model.type.ArrayType outer
        && outer.getComponentType() instanceof javax.lang.model.type.ArrayType inner
        && inner.getComponentType().getKind() == TypeKind.DOUBLE) {
      return Kind.MATRIX;
    }
    return holdsFloatingPoint(type, 0) ? Kind.UNSUPPORTED : Kind.NONE;
  }

  /** A short clause saying why an {@link Kind#UNSUPPORTED} type is not differentiable yet. */
  public static String unsupportedReason(TypeMirror type) {
    switch (type.getKind()) {
      case FLOAT:
        return " (float support follows later; use double)";
      case ARRAY:
        return " (of the arrays only double[] and double[][] are supported yet)";
      case DECLARED:
        String name = type.toString();
        if (name.equals("java.lang.Double") || name.equals("java.lang.Float")) {
          return " (boxed; use double)";
        }
        return " (records and objects holding doubles are not supported yet)";
      default:
        return "";
    }
  }

  /**
   * True for a primitive or boxed {@code double}/{@code float}, arrays of them, or records holding
   * them (in a component, or in a type argument of a generic record).
   */
  private static boolean holdsFloatingPoint(TypeMirror type, int depth) {
    if (depth > 8) {
      return false;
    }
    switch (type.getKind()) {
      case DOUBLE:
      case FLOAT:
        return true;
      case ARRAY:
        return holdsFloatingPoint(((ArrayType) type).getComponentType(), depth + 1);
      case DECLARED:
        TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
        String name = element.getQualifiedName().toString();
        if (name.equals("java.lang.Double") || name.equals("java.lang.Float")) {
          return true;
        }
        if (element.getKind() == ElementKind.RECORD) {
          // A generic record holds what its type arguments say: Pair<Double, Double> holds
          // doubles though its components are declared A and B.
          for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
            if (holdsFloatingPoint(argument, depth + 1)) {
              return true;
            }
          }
          for (RecordComponentElement c :
              ElementFilter.recordComponentsIn(element.getEnclosedElements())) {
            if (holdsFloatingPoint(c.asType(), depth + 1)) {
              return true;
            }
          }
        }
        return false;
      case WILDCARD:
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound != null && holdsFloatingPoint(bound, depth + 1);
      default:
        return false;
    }
  }

  /**
   * A private class that {@code type} names (itself, an enclosing class, a type argument or an
   * array component), which a generated class in the same package could not name.
   */
  public static Optional<TypeElement> privateTypeIn(TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY) {
      return privateTypeIn(((ArrayType) type).getComponentType());
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    DeclaredType declared = (DeclaredType) type;
    for (javax.lang.model.element.Element e = declared.asElement();
        e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      if (t.getModifiers().contains(javax.lang.model.element.Modifier.PRIVATE)) {
        return Optional.of(t);
      }
    }
    for (TypeMirror arg : declared.getTypeArguments()) {
      Optional<TypeElement> p = privateTypeIn(arg);
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  /** True when the type, or a part of it, is an error type (not yet generated or missing). */
  public static boolean isErroneous(TypeMirror type) {
    return firstError(type).isPresent();
  }

  private static Optional<TypeMirror> firstError(TypeMirror type) {
    if (type.getKind() == TypeKind.ERROR) {
      return Optional.of(type);
    }
    if (type.getKind() == TypeKind.ARRAY) {
      return firstError(((ArrayType) type).getComponentType());
    }
    if (type.getKind() == TypeKind.DECLARED) {
      for (TypeMirror arg : ((DeclaredType) type).getTypeArguments()) {
        Optional<TypeMirror> e = firstError(arg);
        if (e.isPresent()) {
          return e;
        }
      }
    }
    return Optional.empty();
  }
}

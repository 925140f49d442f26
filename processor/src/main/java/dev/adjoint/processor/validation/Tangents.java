package dev.adjoint.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
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
    /**
     * {@code double[][][]}: differentiated element by element, with a cotangent of its shape; a
     * parameter or local only (not a result, not a custom rule's companion, not second order).
     */
    TENSOR3,
    /** No floating-point data ({@code int}, {@code String}, an enum, a functional interface...). */
    NONE,
    /** Holds floating-point data that has no supported tangent yet; see {@link #unsupportedReason}. */
    UNSUPPORTED,
  }

  public static Kind of(TypeMirror type) {
    int dimensions = 0;
    TypeMirror t = type;
    while (t instanceof ArrayType array) {
      t = array.getComponentType();
      dimensions++;
    }
    if (t.getKind() == TypeKind.DOUBLE && dimensions <= 3) {
      return List.of(Kind.DOUBLE, Kind.ARRAY, Kind.MATRIX, Kind.TENSOR3).get(dimensions);
    }
    return holdsFloatingPoint(type, 0) ? Kind.UNSUPPORTED : Kind.NONE;
  }

  /** A short clause saying why an {@link Kind#UNSUPPORTED} type is not differentiable yet. */
  public static String unsupportedReason(TypeMirror type) {
    switch (type.getKind()) {
      case FLOAT:
        return " (float support follows later; use double)";
      case ARRAY:
        return " (of the arrays only double[], double[][] and double[][][] are supported yet)";
      case DECLARED:
        String name = type.toString();
        if (name.equals("java.lang.Double") || name.equals("java.lang.Float")) {
          return " (boxed; use double)";
        }
        return floatingPointPath(type, new ArrayList<>(), 0)
            .map(path -> " (" + path + " holds floating-point data; objects, and records with"
                + " such components, are not differentiated yet)")
            .orElse("");
      default:
        return "";
    }
  }

  /**
   * Whether a type holds floating-point data, by the one definition DESIGN gives: it is {@code
   * float} or {@code double} or their boxes, an array of such a type, a record with a component of
   * such a type, a class with a non-private instance field of such a type (its own or inherited),
   * or a generic type with such a type argument ({@code List<Double>}). Private state does not
   * count ({@code java.util.Random}'s cached Gaussian), nor do enums, functional interfaces and
   * {@code Class<Double>}, whose instances are constants, code and types.
   */
  private static boolean holdsFloatingPoint(TypeMirror type, int depth) {
    return floatingPointPath(type, new ArrayList<>(), depth).isPresent();
  }

  /**
   * Where {@code type} holds floating-point data, as a path a user can follow ({@code "type
   * argument java.lang.Double"}, {@code "field w"}, {@code "component p.value"}); empty if it
   * holds none. {@code seen} breaks cycles through fields ({@code Node next}).
   */
  private static Optional<String> floatingPointPath(TypeMirror type, List<TypeElement> seen,
      int depth) {
    if (depth > 8) {
      // Deeper than this is not looked at: counted as floating-point data, so that a parameter
      // of such a type is an error unless @NoDiff, never silently a constant.
      return Optional.of("a type nested more than 8 deep");
    }
    switch (type.getKind()) {
      case DOUBLE:
      case FLOAT:
        return Optional.of(type.toString());
      case ARRAY:
        return floatingPointPath(((ArrayType) type).getComponentType(), seen, depth + 1)
            .map(inner -> "its elements");
      case WILDCARD:
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound == null ? Optional.empty() : floatingPointPath(bound, seen, depth + 1);
      case TYPEVAR:
        return floatingPointPath(((TypeVariable) type).getUpperBound(), seen, depth + 1);
      case DECLARED:
        break;
      default:
        return Optional.empty();
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    String name = element.getQualifiedName().toString();
    if (name.equals("java.lang.Double") || name.equals("java.lang.Float")) {
      return Optional.of(name);
    }
    if (element.getKind() == ElementKind.ENUM || isFunctionalInterface(element)
        || name.equals("java.lang.Class") || seen.contains(element)) {
      return Optional.empty();
    }
    // A generic type holds what its type arguments say: List<Double>, Pair<Double, Double>.
    for (TypeMirror argument : declared.getTypeArguments()) {
      if (floatingPointPath(argument, seen, depth + 1).isPresent()) {
        return Optional.of("its type argument " + argument);
      }
    }
    seen.add(element);
    try {
      if (element.getKind() == ElementKind.RECORD) {
        for (RecordComponentElement c :
            ElementFilter.recordComponentsIn(element.getEnclosedElements())) {
          if (floatingPointPath(c.asType(), seen, depth + 1).isPresent()) {
            return Optional.of("its component " + c.getSimpleName());
          }
        }
        return Optional.empty();
      }
      for (TypeElement t = element; t != null; t = superclassOf(t)) {
        for (VariableElement field : ElementFilter.fieldsIn(t.getEnclosedElements())) {
          if (field.getModifiers().contains(Modifier.PRIVATE)
              || field.getModifiers().contains(Modifier.STATIC)) {
            continue;
          }
          if (floatingPointPath(field.asType(), seen, depth + 1).isPresent()) {
            return Optional.of("its field " + field.getSimpleName());
          }
        }
      }
      return Optional.empty();
    } finally {
      seen.remove(element);
    }
  }

  /**
   * Where an object of {@code type} created in a differentiable body would keep floating-point
   * data, as a path a user can follow; empty if it keeps none. That is the data {@link #of} sees
   * ({@code List<Double>}, a non-private {@code double} field, a record component), and, for a
   * class outside the Java platform ({@code java.*}, {@code javax.*}, {@code jdk.*}), every
   * instance field of it and its superclasses, private ones too, transitively through the types
   * of those fields: a user's {@code Accumulator} with a private {@code double sum} is numeric
   * state that would silently have no derivative. The platform's private state ({@code Random}'s
   * cached Gaussian, {@code HashMap}'s load factor) is an implementation detail, as it is for
   * parameters; a value of the user's that such an object is given comes back only through its
   * methods, where the detour check follows it.
   */
  public static Optional<String> floatingState(TypeMirror type) {
    return statePath(type, new ArrayList<>(), 0);
  }

  private static Optional<String> statePath(TypeMirror type, List<TypeElement> seen, int depth) {
    Optional<String> visible = floatingPointPath(type, new ArrayList<>(), depth);
    if (visible.isPresent() || depth > 8) {
      return visible;
    }
    if (type.getKind() == TypeKind.ARRAY) {
      return statePath(((ArrayType) type).getComponentType(), seen, depth + 1)
          .map(inner -> "its elements");
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    if (isPlatform(element) || element.getKind() == ElementKind.ENUM || seen.contains(element)) {
      return Optional.empty();
    }
    seen.add(element);
    try {
      for (TypeElement t = element; t != null && !isPlatform(t); t = superclassOf(t)) {
        for (VariableElement field : ElementFilter.fieldsIn(t.getEnclosedElements())) {
          if (field.getModifiers().contains(Modifier.STATIC)) {
            continue;
          }
          Optional<String> inner = statePath(field.asType(), seen, depth + 1);
          if (inner.isPresent()) {
            return Optional.of("its field " + field.getSimpleName()
                + (t.equals(element) ? "" : " (of " + t.getSimpleName() + ")")
                + (inner.get().startsWith("its ") ? ", through " + inner.get() : ""));
          }
        }
      }
      return Optional.empty();
    } finally {
      seen.remove(element);
    }
  }

  /** A class of the Java platform, whose private state is its own implementation detail. */
  private static boolean isPlatform(TypeElement element) {
    String name = element.getQualifiedName().toString();
    return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.");
  }

  private static TypeElement superclassOf(TypeElement t) {
    TypeMirror s = t.getSuperclass();
    return s.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) s).asElement() : null;
  }

  /** An interface with {@code @FunctionalInterface}, or with exactly one abstract method. */
  private static boolean isFunctionalInterface(TypeElement element) {
    if (element.getKind() != ElementKind.INTERFACE) {
      return false;
    }
    if (element.getAnnotation(FunctionalInterface.class) != null) {
      return true;
    }
    long abstractMethods = ElementFilter.methodsIn(element.getEnclosedElements()).stream()
        .filter(m -> m.getModifiers().contains(Modifier.ABSTRACT))
        .count();
    return abstractMethods == 1 && element.getInterfaces().isEmpty();
  }

  /**
   * A private class that {@code type} names (itself, an enclosing class, a type argument or an
   * array component), which a generated class in the same package could not name.
   */
  public static Optional<TypeElement> privateTypeIn(TypeMirror type) {
    return typeIn(type, t -> t.getModifiers().contains(Modifier.PRIVATE));
  }

  /**
   * The first class that {@code type} names (itself, an enclosing class, a type argument or an
   * array component) for which {@code hidden} holds.
   */
  public static Optional<TypeElement> typeIn(TypeMirror type,
      java.util.function.Predicate<TypeElement> hidden) {
    if (type.getKind() == TypeKind.ARRAY) {
      return typeIn(((ArrayType) type).getComponentType(), hidden);
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    DeclaredType declared = (DeclaredType) type;
    for (javax.lang.model.element.Element e = declared.asElement();
        e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      if (hidden.test(t)) {
        return Optional.of(t);
      }
    }
    for (TypeMirror arg : declared.getTypeArguments()) {
      Optional<TypeElement> p = typeIn(arg, hidden);
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

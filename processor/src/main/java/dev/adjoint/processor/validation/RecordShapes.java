package dev.adjoint.processor.validation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.RecordShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Which records are differentiable parameters (our pytrees), and how a record parameter is
 * flattened into leaves: the one place both the signature reader and the body reader ask, so that
 * a method compiled now and a callee read from a jar flatten alike.
 */
public final class RecordShapes {
  private RecordShapes() {}

  /** The shape of a record type, or why it is not a differentiable record. */
  public record Result(Optional<RecordShape> shape, String problem) {}

  /** Whether {@code type} is a record type at all (differentiable or not). */
  public static boolean isRecord(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && ((DeclaredType) type).asElement().getKind() == ElementKind.RECORD;
  }

  /**
   * The shape of {@code type} if it is a record whose components are {@code double}, {@code
   * double[]}, {@code double[][]}, values with no floating-point data, or such records; else the
   * reason, naming the component that is the problem (empty shape and empty problem: not a
   * record).
   */
  public static Result of(TypeMirror type) {
    return of(type, 0, new ArrayList<>());
  }

  private static Result of(TypeMirror type, int depth, List<TypeElement> enclosing) {
    if (!isRecord(type)) {
      return new Result(Optional.empty(), "");
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    if (enclosing.contains(element)) {
      return new Result(Optional.empty(), " (the record " + element.getSimpleName()
          + " contains itself; a differentiable record is a tree of fixed shape)");
    }
    if (!element.getTypeParameters().isEmpty()) {
      return new Result(Optional.empty(), " (the record " + element.getSimpleName()
          + " is generic; differentiable records have components of fixed types)");
    }
    if (depth > 8) {
      return new Result(Optional.empty(), " (records nested more than 8 deep)");
    }
    List<RecordShape.Component> components = new ArrayList<>();
    for (RecordComponentElement c : element.getRecordComponents()) {
      TypeMirror t = c.asType();
      String name = c.getSimpleName().toString();
      switch (Tangents.of(t)) {
        case DOUBLE, ARRAY, MATRIX, TENSOR3 ->
            components.add(new RecordShape.Component(name, TypeName.get(t), Optional.empty(), true));
        case NONE ->
            components.add(
                new RecordShape.Component(name, TypeName.get(t), Optional.empty(), false));
        case UNSUPPORTED -> {
          Result inner = null;
          if (isRecord(t)) {
            enclosing.add(element);
            inner = of(t, depth + 1, enclosing);
            enclosing.remove(enclosing.size() - 1);
            if (inner.problem().contains(" contains itself;")) {
              return inner;
            }
          }
          if (inner != null && inner.shape().isPresent()) {
            components.add(
                new RecordShape.Component(name, TypeName.get(t), inner.shape(), false));
          } else {
            String why = inner != null ? inner.problem() : Tangents.unsupportedReason(t);
            return new Result(Optional.empty(), " (its component " + element.getSimpleName()
                + "." + name + " has type " + t + ", which has no supported tangent"
                + why.replaceFirst("^ \\((.*)\\)$", ": $1") + ")");
          }
        }
      }
    }
    return new Result(
        Optional.of(new RecordShape(ClassName.get(element), components)), "");
  }

  /**
   * A type the generated class cannot name: where it is ({@code "the type Mode of component
   * R.mode"}), and whether it is private (else it is not public, in another package).
   */
  public record Hidden(String where, boolean isPrivate) {}

  /**
   * A private type among the types of the components of the record {@code type} (nested records
   * included), which the generated members over its leaves would have to name, as {@code "the
   * type Mode of component R.mode"}; empty if there is none.
   */
  public static Optional<Hidden> privateComponentType(TypeMirror type, PackageElement from) {
    if (!isRecord(type)) {
      return Optional.empty();
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    for (RecordComponentElement c : element.getRecordComponents()) {
      Optional<TypeElement> hidden = hiddenFrom(c.asType(), from);
      if (hidden.isPresent()) {
        return Optional.of(new Hidden("the type " + hidden.get().getSimpleName()
            + " of component " + element.getSimpleName() + "." + c.getSimpleName(),
            hidden.get().getModifiers().contains(Modifier.PRIVATE)));
      }
      Optional<Hidden> inner = isRecord(c.asType()) && !c.asType().equals(type)
          ? privateComponentType(c.asType(), from) : Optional.empty();
      if (inner.isPresent()) {
        return inner;
      }
    }
    return Optional.empty();
  }

  /**
   * A type that {@code type} names (itself, a class enclosing it, a type argument, an array's
   * component) which code in the package {@code from} cannot name: private, or neither public
   * nor in that package.
   */
  private static Optional<TypeElement> hiddenFrom(TypeMirror type, PackageElement from) {
    if (type.getKind() == TypeKind.ARRAY) {
      return hiddenFrom(((javax.lang.model.type.ArrayType) type).getComponentType(), from);
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    DeclaredType declared = (DeclaredType) type;
    for (Element e = declared.asElement(); e instanceof TypeElement t; e = e.getEnclosingElement()) {
      boolean samePackage = packageOf(t).equals(from);
      if (t.getModifiers().contains(Modifier.PRIVATE)
          || (!samePackage && !t.getModifiers().contains(Modifier.PUBLIC))) {
        return Optional.of(t);
      }
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      Optional<TypeElement> hidden = hiddenFrom(argument, from);
      if (hidden.isPresent()) {
        return hidden;
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code type} is a record with an array component (its own, or a nested record's):
   * a record that stays an object, whose arrays the body reads as the method starts.
   */
  static boolean holdsArrays(TypeMirror type) {
    return holdsArrays(type, 0);
  }

  private static boolean holdsArrays(TypeMirror type, int depth) {
    if (depth > 8 || !isRecord(type)) {
      return false;
    }
    for (RecordComponentElement c
        : ((TypeElement) ((DeclaredType) type).asElement()).getRecordComponents()) {
      if (c.asType().getKind() == TypeKind.ARRAY || holdsArrays(c.asType(), depth + 1)) {
        return true;
      }
    }
    return false;
  }

  /** The package of {@code e}. */
  static PackageElement packageOf(Element e) {
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return (PackageElement) e;
  }

  /**
   * The flat parameters that the record parameter {@code name} of shape {@code shape} stands for,
   * in order: {@code name_component} ({@code name_inner_component} for a nested record), with
   * underscores added where a name is in {@code taken}, to which each new name is added.
   */
  public static List<Param> leaves(String name, RecordShape shape, Set<String> taken) {
    List<Param> out = new ArrayList<>();
    for (RecordShape.Component c : shape.components()) {
      String leaf = name + "_" + c.name();
      if (c.nested().isPresent()) {
        out.addAll(leaves(leaf, c.nested().get(), taken));
        continue;
      }
      while (taken.contains(leaf)) {
        leaf = leaf + "_";
      }
      taken.add(leaf);
      out.add(new Param(leaf, c.type(), c.differentiable()));
    }
    return out;
  }
}

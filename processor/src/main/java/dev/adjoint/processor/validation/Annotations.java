package dev.adjoint.processor.validation;

import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/** The names of our annotations, and look-ups of them on elements (by name: no class literals). */
public final class Annotations {
  private Annotations() {}

  public static final String DIFFERENTIABLE = "dev.adjoint.Differentiable";
  public static final String CUSTOM_VJP = "dev.adjoint.CustomVjp";
  public static final String FWD = "dev.adjoint.Fwd";
  public static final String BWD = "dev.adjoint.Bwd";
  public static final String CUSTOM_JVP = "dev.adjoint.CustomJvp";
  public static final String JVP = "dev.adjoint.Jvp";
  public static final String NO_DIFF = "dev.adjoint.NoDiff";

  public static Optional<AnnotationMirror> find(Element element, String qualifiedName) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) m.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  public static boolean has(Element element, String qualifiedName) {
    return find(element, qualifiedName).isPresent();
  }

  /** The {@code value()} element of an annotation mirror, if present. */
  public static Optional<AnnotationValue> value(AnnotationMirror mirror) {
    for (var e : mirror.getElementValues().entrySet()) {
      ExecutableElement key = e.getKey();
      if (key.getSimpleName().contentEquals("value")) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** {@code @Differentiable}, {@code @CustomVjp} or {@code @CustomJvp}, as messages name them. */
  public static String kindOf(Element method) {
    if (has(method, CUSTOM_VJP)) {
      return "@CustomVjp";
    }
    return has(method, CUSTOM_JVP) ? "@CustomJvp" : "@Differentiable";
  }

  /** Whether a method gets generated members: {@code @Differentiable} or a custom rule's primal. */
  public static boolean isAnnotated(Element method) {
    return has(method, DIFFERENTIABLE) || isCustom(method);
  }

  /** Whether a method's derivative is the user's rule: {@code @CustomVjp} or {@code @CustomJvp}. */
  public static boolean isCustom(Element method) {
    return has(method, CUSTOM_VJP) || has(method, CUSTOM_JVP);
  }

  /** Whether a method is a rule companion: {@code @Fwd}, {@code @Bwd} or {@code @Jvp}. */
  public static boolean isCompanion(Element method) {
    return has(method, FWD) || has(method, BWD) || has(method, JVP);
  }
}

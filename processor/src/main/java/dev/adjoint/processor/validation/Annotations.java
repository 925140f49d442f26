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

  /** {@code @Differentiable} or {@code @CustomVjp}, as messages name them. */
  public static String kindOf(Element method) {
    return has(method, CUSTOM_VJP) ? "@CustomVjp" : "@Differentiable";
  }
}

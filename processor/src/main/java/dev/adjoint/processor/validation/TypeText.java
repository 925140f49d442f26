package dev.adjoint.processor.validation;

import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/**
 * Types as messages show them: simple names, as the user wrote them in the class ({@code
 * FwdResult<Double, FRes>}, not {@code dev.adjoint.runtime.FwdResult<java.lang.Double,
 * test.Fns.FRes>}).
 */
final class TypeText {
  private TypeText() {}

  static String of(TypeMirror type) {
    switch (type.getKind()) {
      case DECLARED:
        DeclaredType declared = (DeclaredType) type;
        String name = ((TypeElement) declared.asElement()).getSimpleName().toString();
        List<? extends TypeMirror> args = declared.getTypeArguments();
        return args.isEmpty() ? name : name + "<" + list(args) + ">";
      case ARRAY:
        return of(((ArrayType) type).getComponentType()) + "[]";
      case WILDCARD:
        WildcardType wildcard = (WildcardType) type;
        if (wildcard.getExtendsBound() != null) {
          return "? extends " + of(wildcard.getExtendsBound());
        }
        if (wildcard.getSuperBound() != null) {
          return "? super " + of(wildcard.getSuperBound());
        }
        return "?";
      default:
        return type.toString();
    }
  }

  /** {@code double, FRes}. */
  static String list(List<? extends TypeMirror> types) {
    return types.stream().map(TypeText::of).collect(Collectors.joining(", "));
  }
}

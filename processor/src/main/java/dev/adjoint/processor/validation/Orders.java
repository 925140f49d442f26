package dev.adjoint.processor.validation;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/**
 * The {@code order} of an annotated method ({@code @Differentiable(order = 2)}): 1 by default, 2
 * for the second-order members. Checks its value, and what second order supports so far: a
 * method with a {@code double} result and differentiable parameters of type {@code double}, {@code double[]} or
 * {@code double[][]}. Each error points at the {@code order} value.
 */
public final class Orders {
  private Orders() {}

  /** The method's order (1 where it has errors), and the errors. */
  public record Result(int order, Report report) {}

  private static final List<String> KINDS =
      List.of(Annotations.DIFFERENTIABLE, Annotations.CUSTOM_VJP, Annotations.CUSTOM_JVP);

  private static final List<TypeName> SECOND_ORDER_PARAMS =
      List.of(TypeName.DOUBLE, Expr.DOUBLE_ARRAY, Expr.DOUBLE_MATRIX);

  /**
   * @param method an annotated method
   * @param signature its signature, once it has none of its own errors
   */
  public static Result check(ExecutableElement method, Signature signature) {
    Report.Builder report = Report.builder();
    String name = method.getSimpleName().toString();
    int order = 1;
    for (String kind : KINDS) {
      AnnotationMirror mirror = Annotations.find(method, kind).orElse(null);
      if (mirror == null) {
        continue;
      }
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
          : mirror.getElementValues().entrySet()) {
        if (!e.getKey().getSimpleName().contentEquals("order")
            || !(e.getValue().getValue() instanceof Integer value)) {
          continue;
        }
        AnnotationValue at = e.getValue();
        String shown = "@" + kind.substring(kind.lastIndexOf('.') + 1);
        if (value != 1 && value != 2) {
          report.add(Message.ORDER_VALUE, method, mirror, at, shown, name, value);
        } else if (value == 2) {
          String unsupported = unsupported(signature);
          if (unsupported != null) {
            report.add(Message.SECOND_ORDER_SIGNATURE, method, mirror, at, name, unsupported);
          } else {
            order = 2;
          }
        }
      }
    }
    Report built = report.build();
    return new Result(built.isClean() ? order : 1, built);
  }

  /** What of {@code s} second order does not support yet, or null. */
  public static String unsupported(Signature s) {
    if (!s.result().equals(TypeName.DOUBLE)) {
      return "its result type " + s.result();
    }
    if (s.hasRecords()) {
      return "its record parameter " + s.records().keySet().iterator().next();
    }
    for (Param p : s.diffParams()) {
      if (!SECOND_ORDER_PARAMS.contains(p.type())) {
        return "its parameter " + p.name() + " of type " + p.type();
      }
    }
    return null;
  }
}

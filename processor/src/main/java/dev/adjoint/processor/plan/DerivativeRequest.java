package dev.adjoint.processor.plan;

import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.model.Signature;

/**
 * One derivative to make: a method's lowered body, in one mode.
 *
 * @param method the annotated method, with its body
 * @param mode the mode
 * @param reference true for a custom rule's primal body: the derivative is only a reference to
 *     check the rule against ({@code FromBody}); callers always use the rule
 */
public record DerivativeRequest(ClassPlan.MethodPlan method, Mode mode, boolean reference) {
  public DerivativeRequest {
    if ((mode == Mode.TRANSPOSE ? method.ruleBody() : method.body()).isEmpty()) {
      throw new IllegalArgumentException("no body to differentiate: " + method.model());
    }
  }

  /** The body to differentiate: the method's, or for {@link Mode#TRANSPOSE} its rule's. */
  public MethodBody body() {
    return (mode == Mode.TRANSPOSE ? method.ruleBody() : method.body()).orElseThrow();
  }

  /** The signature of {@link #body}. */
  public Signature signature() {
    return mode == Mode.TRANSPOSE
        ? method.model().jvpRule().orElseThrow().tangentMap()
        : method.model().signature();
  }

  /** The method's name. */
  public String name() {
    return method.model().signature().name();
  }
}

package dev.adjoint.processor.plan;

/**
 * One derivative to make: a method's lowered body, in one mode.
 *
 * @param method the annotated method, with its body
 * @param mode the mode
 * @param reference true for a {@code @CustomVjp} method's own body: the derivative is only a
 *     reference to check the rule against ({@code FromBody}); callers always use the rule
 */
public record DerivativeRequest(ClassPlan.MethodPlan method, Mode mode, boolean reference) {
  public DerivativeRequest {
    if (method.body().isEmpty()) {
      throw new IllegalArgumentException("no body to differentiate: " + method.model());
    }
  }

  /** The method's name. */
  public String name() {
    return method.model().signature().name();
  }
}

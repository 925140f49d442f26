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
    if ((ofRule(method, mode) ? method.ruleBody() : method.body()).isEmpty()) {
      throw new IllegalArgumentException("no body to differentiate: " + method.model());
    }
  }

  /**
   * Whether the body differentiated is the rule's tangent map: a {@code @Jvp} rule's for {@link
   * Mode#TRANSPOSE}; for the {@link Mode#HVP} of a custom rule, a {@code @Jvp} rule's or a {@code
   * @CustomVjp} method's ({@code transform.second.VjpRuleTangent}).
   */
  private static boolean ofRule(ClassPlan.MethodPlan method, Mode mode) {
    return mode == Mode.TRANSPOSE || mode == Mode.HVP && method.model().isCustom();
  }

  /**
   * The body to differentiate: the method's, or for {@link Mode#TRANSPOSE} (and a custom rule's
   * {@link Mode#HVP}) its rule's tangent map.
   */
  public MethodBody body() {
    return (ofRule(method, mode) ? method.ruleBody() : method.body()).orElseThrow();
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

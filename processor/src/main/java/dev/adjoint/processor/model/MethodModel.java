package dev.adjoint.processor.model;

import java.util.Optional;

/**
 * One annotated method to generate an adjoint for.
 *
 * @param signature its signature
 * @param rule the custom rule of a {@code @CustomVjp} method; else empty
 * @param jvpRule the custom rule of a {@code @CustomJvp} method; else empty
 * @param order the annotation's {@code order}: 2 asks for the second-order members
 */
public record MethodModel(
    Signature signature, Optional<VjpRule> rule, Optional<JvpRule> jvpRule, int order) {

  /** A method of order 1 (the default). */
  public MethodModel(Signature signature, Optional<VjpRule> rule, Optional<JvpRule> jvpRule) {
    this(signature, rule, jvpRule, 1);
  }

  /** Whether the method asked for its second-order members ({@code order = 2}). */
  public boolean secondOrder() {
    return order == 2;
  }

  /** Whether the method's derivatives are the user's rule (of either kind), not its body's. */
  public boolean isCustom() {
    return rule.isPresent() || jvpRule.isPresent();
  }

  /** Whether the method is {@code @CustomVjp}. */
  public boolean hasVjpRule() {
    return rule.isPresent();
  }

  /** Whether the method is {@code @CustomJvp}. */
  public boolean hasJvpRule() {
    return jvpRule.isPresent();
  }
}

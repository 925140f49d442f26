package dev.adjoint.processor.model;

import java.util.Optional;

/**
 * One annotated method to generate an adjoint for.
 *
 * @param signature its signature
 * @param rule the custom rule of a {@code @CustomVjp} method; empty for {@code @Differentiable}
 */
public record MethodModel(Signature signature, Optional<VjpRule> rule) {

  public boolean isCustom() {
    return rule.isPresent();
  }
}

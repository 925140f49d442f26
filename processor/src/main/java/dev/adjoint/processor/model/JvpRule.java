package dev.adjoint.processor.model;

import java.util.List;

/**
 * A checked {@code @CustomJvp} rule: its {@code @Jvp} companion.
 *
 * @param name the {@code @Jvp} method, in the primal's class
 * @param tangentMap the rule as reverse mode transposes it: a function of the rule's own
 *     parameters, named as the rule names them, whose primal parameters are constants and whose
 *     tangent parameters (the last ones, one per differentiable parameter of the primal, in order)
 *     are differentiable, returning the rule's tangent (its name is the rule's)
 */
public record JvpRule(String name, Signature tangentMap) {

  /** The tangent parameters of the rule, in the order of the primal's differentiable ones. */
  public List<Param> tangents() {
    return tangentMap.diffParams();
  }
}

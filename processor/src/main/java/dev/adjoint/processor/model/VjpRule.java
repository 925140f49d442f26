package dev.adjoint.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * A checked custom rule: the companions of a {@code @CustomVjp} method.
 *
 * @param fwdName the {@code @Fwd} method, in the primal's class
 * @param bwdName the {@code @Bwd} method, in the primal's class
 * @param residualType the {@code R} of {@code FwdResult<O, R>}
 * @param cotangentAccessors how to read the bwd's result: empty when it returns the single
 *     cotangent directly, else one accessor per differentiable parameter, in order
 */
public record VjpRule(
    String fwdName, String bwdName, TypeName residualType, List<String> cotangentAccessors) {

  public VjpRule {
    cotangentAccessors = List.copyOf(cotangentAccessors);
  }

  /** True when {@code @Bwd} returns the cotangent itself rather than a record of them. */
  public boolean returnsCotangentDirectly() {
    return cotangentAccessors.isEmpty();
  }
}

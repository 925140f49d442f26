package dev.adjoint.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * A checked custom rule: the companions of a {@code @CustomVjp} method.
 *
 * @param fwdName the {@code @Fwd} method, in the primal's class
 * @param bwdName the {@code @Bwd} method, in the primal's class
 * @param residualType the {@code R} of {@code FwdResult<O, R>}
 * @param bwdReturn the type the {@code @Bwd} method returns
 * @param cotangents where each differentiable parameter's cotangent comes from in the bwd's
 *     result, one per differentiable parameter, in order
 */
public record VjpRule(
    String fwdName,
    String bwdName,
    TypeName residualType,
    TypeName bwdReturn,
    List<Cotangent> cotangents) {

  public VjpRule {
    cotangents = List.copyOf(cotangents);
  }

  /**
   * One cotangent in the bwd's result.
   *
   * @param accessor the record accessor that returns it, or empty when the bwd returns the
   *     cotangent itself
   * @param type its type ({@code double}, or {@code Double} where null means zero)
   */
  public record Cotangent(String accessor, TypeName type) {
    public boolean isDirect() {
      return accessor.isEmpty();
    }
  }
}

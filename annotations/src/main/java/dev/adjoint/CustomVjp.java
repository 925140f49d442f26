package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Use a user-written vector-Jacobian product rule for this method instead of deriving one from its
 * body, as {@code jax.custom_vjp} does. The body stays the primal; the rule is given by two
 * companions in the same class, {@link Fwd} and {@link Bwd}, which the processor checks at compile
 * time:
 *
 * <pre>{@code
 * @CustomVjp
 * static double softplus(double x) { return Math.log1p(Math.exp(x)); }
 *
 * @Fwd("softplus")
 * static FwdResult<Double, Double> softplusFwd(double x) {
 *   return FwdResult.of(Math.log1p(Math.exp(x)), x);
 * }
 *
 * @Bwd("softplus")
 * static double softplusBwd(Double x, double g) { return g / (1 + Math.exp(-x)); }
 * }</pre>
 *
 * <p>Generated code that calls the method runs {@code @Fwd} on the way forward (its output is the
 * value of the call) and {@code @Bwd} once on the way back.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CustomVjp {
  /**
   * The highest order of derivative to generate: 1 (the default) or 2. With 2, the second-order
   * members ({@code mHvp}, {@code mHvpAt}, {@code mHessian}) differentiate the rule's gradient,
   * {@code bwd(fwd(x).residuals, 1)}, a second time: the {@code @Fwd} and {@code @Bwd} companions
   * must then be in the supported subset, the {@code @Fwd} with one {@code return
   * FwdResult.of(value, residuals)} as its last statement and residuals that carry tangents (a
   * {@code double}, {@code double[]}, {@code double[][]} or a record of these); a compile error
   * at the method says otherwise. Any other value is a compile error.
   *
   * @return 1
   */
  int order() default 1;
}

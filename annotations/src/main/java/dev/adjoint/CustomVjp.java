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
   * The highest order of derivative to generate: 1 (the default) or 2. Second-order members
   * through a custom rule are not supported yet: {@code order = 2} here is a compile error that
   * says so (use it on {@code @Differentiable} methods). Any other value is a compile error too.
   *
   * @return 1
   */
  int order() default 1;
}

package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Use a user-written Jacobian-vector product rule for this method instead of deriving one from its
 * body, as {@code jax.custom_jvp} does. The body stays the primal; the rule is one companion in the
 * same class, {@link Jvp}, which takes the primal's parameters followed by one tangent per
 * differentiable parameter and returns the value with its tangent:
 *
 * <pre>{@code
 * @CustomJvp
 * static double softplus(double x) { return Math.log1p(Math.exp(x)); }
 *
 * @Jvp("softplus")
 * static JvpResult<Double, Double> softplusJvp(double x, double xDot) {
 *   return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));
 * }
 * }</pre>
 *
 * <p>Forward mode calls the rule. Reverse mode transposes it, as JAX does: the rule's tangent must
 * be linear in its tangent parameters, which the processor checks at compile time. A method is
 * either {@code @CustomJvp} or {@link CustomVjp}, not both.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CustomJvp {
  /**
   * The highest order of derivative to generate: 1 (the default) or 2. With 2, the second-order
   * members ({@code mHvp}, {@code mHvpAt}, {@code mHessian}) differentiate the {@code @Jvp}
   * rule's tangent a second time, which must then be in the supported subset as a function of
   * the primal's parameters (a compile error at the method says otherwise). Any other value is a
   * compile error.
   *
   * @return 1
   */
  int order() default 1;
}

package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Derive the adjoint (reverse-mode gradient) of this method from its body, at compile time.
 *
 * <p>The annotation processor reads the body and generates, in {@code <Class>Adjoint}, a
 * {@code <method>Grad}, {@code <method>ValueAndGrad} and {@code <method>Vjp} for it:
 *
 * <pre>{@code
 * final class Losses {
 *   @Differentiable
 *   static double loss(double x, double y) {
 *     double r = x * Math.sin(y);
 *     return r * r;
 *   }
 * }
 * // LossesAdjoint.lossGrad(2.0, Math.PI / 2) -> LossGrad[x=4.0, y=~0]
 * }</pre>
 *
 * <p>Parameters of type {@code double} are differentiated unless marked {@link NoDiff}; parameters
 * of types without a tangent ({@code int}, {@code long}, {@code boolean}, objects) are constants.
 * Code outside the supported subset is a compile error at the construct, saying what to do.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {
  /**
   * The highest order of derivative to generate: 1 (the default) or 2. With {@code order = 2}
   * the generated class also gets the second-order members of this method: {@code mHvp} (a
   * Hessian-vector product, with the value and gradient), {@code mHvpAt} (many of them at one
   * point) and {@code mHessian}. Any other value is a compile error at this value.
   *
   * @return 1 or 2
   */
  int order() default 1;
}

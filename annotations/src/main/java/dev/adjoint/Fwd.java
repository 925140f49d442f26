package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the forward half of the custom rule of the {@link CustomVjp} method named by {@link
 * #value()}, in the same class. It takes exactly the primal's parameters and returns {@code
 * dev.adjoint.runtime.FwdResult<O, R>}: the primal output {@code O} (boxed) and residuals {@code R}
 * of any type, which the {@link Bwd} companion receives.
 *
 * <pre>{@code
 * record FRes(double x, double sinY, double cosY) {}
 *
 * @Fwd("f")
 * static FwdResult<Double, FRes> fFwd(double x, double y) {
 *   double s = Math.sin(y);
 *   return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Fwd {
  /** The name of the {@link CustomVjp} method this is the forward rule of. */
  String value();
}

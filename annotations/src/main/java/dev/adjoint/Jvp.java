package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the forward rule of the {@link CustomJvp} method named by {@link #value()}, in the same
 * class. It takes the primal's parameters followed by one tangent per differentiable parameter
 * (same types, in order; {@code xDot} by convention) and returns {@code
 * dev.adjoint.runtime.JvpResult<O, T>}: the primal output and its tangent, both boxed. Generated
 * code never passes {@code null}: a zero tangent arrives as zeros.
 *
 * <pre>{@code
 * @Jvp("f")
 * static JvpResult<Double, Double> fJvp(double x, double y, double xDot, double yDot) {
 *   double s = Math.sin(y);
 *   return JvpResult.of(x * s, s * xDot + x * Math.cos(y) * yDot);
 * }
 * }</pre>
 *
 * <p>The tangent must be linear in the tangent parameters (reverse mode transposes it): tangents
 * may be added, subtracted, negated, multiplied or divided by values that do not depend on
 * tangents, stored in locals and arrays, and chosen between by conditions that do not depend on
 * tangents. The processor checks this at compile time and points at the first expression that
 * breaks it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Jvp {
  /** The name of the {@link CustomJvp} method this is the forward rule of. */
  String value();
}

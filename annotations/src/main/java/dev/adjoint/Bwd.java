package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the backward half of the custom rule of the {@link CustomVjp} method named by {@link
 * #value()}, in the same class. It takes {@code (R residuals, T cotangent)}, where {@code R} is the
 * residual type of the {@link Fwd} companion and {@code T} the tangent type of the primal's result,
 * and returns one cotangent per differentiable parameter: the cotangent itself when there is one,
 * or a record whose components are named, ordered and typed like those parameters.
 *
 * <pre>{@code
 * record FCot(double x, double y) {}
 *
 * @Bwd("f")
 * static FCot fBwd(FRes r, double g) {
 *   return new FCot(g * r.sinY(), g * r.x() * r.cosY());
 * }
 * }</pre>
 *
 * <p>The rule must be pure: generated code may call it once per recorded primal call.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Bwd {
  /** The name of the {@link CustomVjp} method this is the backward rule of. */
  String value();
}

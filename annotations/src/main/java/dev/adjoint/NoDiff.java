package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter of a {@link Differentiable} or {@link CustomVjp} method as a constant: it gets
 * no cotangent, and generated gradient records have no component for it.
 *
 * <pre>{@code
 * @Differentiable
 * static double scaled(double x, @NoDiff double scale) { return scale * x * x; }
 * }</pre>
 *
 * <p>Parameters of types without a tangent ({@code int}, {@code long}, {@code boolean}, {@code
 * String}, other objects) are never differentiated and need no annotation.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface NoDiff {}

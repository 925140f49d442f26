/**
 * Annotations of Adjoint, compile-time reverse-mode automatic differentiation: {@link
 * dev.adjoint.Differentiable} derives a gradient from a method body, {@link dev.adjoint.CustomVjp}
 * with {@link dev.adjoint.Fwd} and {@link dev.adjoint.Bwd} supplies a rule of one's own, and
 * {@link dev.adjoint.NoDiff} marks a constant parameter.
 */
package dev.adjoint;

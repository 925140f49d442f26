package dev.adjoint.runtime;

/**
 * What a {@link dev.adjoint.Jvp} rule returns: the primal output and its tangent, like the {@code
 * (primal_out, tangent_out)} pair of a {@code jax.custom_jvp} rule.
 *
 * <pre>{@code
 * return JvpResult.of(x * s, s * xDot + x * Math.cos(y) * yDot);
 * }</pre>
 *
 * @param value the primal output (for a {@code double} primal, the boxed value)
 * @param tangent its tangent: same type and shape as the value
 * @param <O> the primal's result type, boxed
 * @param <T> the tangent type, boxed
 */
public record JvpResult<O, T>(O value, T tangent) {

  /** The pair of a primal output and its tangent. */
  public static <O, T> JvpResult<O, T> of(O value, T tangent) {
    return new JvpResult<>(value, tangent);
  }
}

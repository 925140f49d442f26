package dev.adjoint.runtime;

/**
 * What a {@link dev.adjoint.Fwd} rule returns: the primal output and the residuals its {@link
 * dev.adjoint.Bwd} companion needs, like the {@code (primals_out, residuals)} pair of a {@code
 * jax.custom_vjp} forward rule.
 *
 * <pre>{@code
 * return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));
 * }</pre>
 *
 * @param out the primal output (for a {@code double} primal, the boxed value)
 * @param residuals whatever the backward rule needs; any type, a record is idiomatic
 * @param <O> the primal's result type, boxed
 * @param <R> the residual type
 */
public record FwdResult<O, R>(O out, R residuals) {

  /** The pair of a primal output and the residuals for the backward rule. */
  public static <O, R> FwdResult<O, R> of(O out, R residuals) {
    return new FwdResult<>(out, residuals);
  }
}

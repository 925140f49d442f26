package dev.adjoint.runtime;

/** Functions with a special meaning inside {@link dev.adjoint.Differentiable} code. */
public final class Ad {
  private Ad() {}

  /**
   * Returns {@code x}; inside differentiable code its derivative is zero, as with {@code
   * jax.lax.stop_gradient}: gradients do not flow back through this call.
   *
   * <pre>{@code
   * double baseline = Ad.stopGradient(mean);  // treated as a constant by the gradient
   * }</pre>
   */
  public static double stopGradient(double x) {
    return x;
  }
}

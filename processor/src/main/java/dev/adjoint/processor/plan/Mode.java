package dev.adjoint.processor.plan;

/**
 * A kind of derivative the processor makes of a method body. Each mode has its own transform
 * package ({@code transform/reverse}, {@code transform/forward}) and its own result record; the
 * compositions (second order) are built from these.
 */
public enum Mode {
  /** Vector-Jacobian products: gradients, {@code mVjp}, the workspace. */
  REVERSE,
  /** Jacobian-vector products: tangents, {@code mJvp}. */
  FORWARD,
  /**
   * Vector-Jacobian products of a {@code @CustomJvp} method: reverse mode on its {@code @Jvp}
   * rule's tangent map, which is linear in the tangents, so its pullback is the transpose.
   */
  TRANSPOSE,
  /**
   * Hessian-vector products of an {@code order = 2} method: reverse mode over its forward
   * derivative ({@code transform/second}), whose tangent output is differentiated with respect
   * to the primal parameters, the directions held constant.
   */
  HVP
}

package dev.adjoint.spark;

/**
 * A loss over a block of rows and its gradient with respect to the parameters: what each Spark
 * partition calls once per block. It is usually a few lines over the workspace that the annotation
 * processor generates for the user's {@code @Differentiable} block loss:
 *
 * <pre>{@code
 * BlockObjectiveFactory factory = () -> {
 *   LossesAdjoint.BlockLossWorkspace ws = LossesAdjoint.blockLossWorkspace();
 *   return (w, x, y, gradientOut) -> {
 *     double value = ws.valueAndGrad(w, x, y);
 *     System.arraycopy(ws.w(), 0, gradientOut, 0, gradientOut.length);
 *     return value;
 *   };
 * };
 * }</pre>
 *
 * <p>An instance is used by one thread only (one task), so it may keep buffers between calls, as a
 * generated workspace does. It must not write into {@code w}, {@code x} or {@code y}.
 */
@FunctionalInterface
public interface BlockObjective {

  /**
   * Writes the gradient of the block's loss with respect to {@code w} into {@code gradientOut}
   * (of {@code w}'s length, overwritten) and returns the loss. {@code x} holds the block's rows
   * (each of the data's width), {@code y} their labels.
   */
  double valueAndGradient(double[] w, double[][] x, double[] y, double[] gradientOut);
}

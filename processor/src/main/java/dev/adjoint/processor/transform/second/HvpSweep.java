package dev.adjoint.processor.transform.second;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.List;

/**
 * The reverse-over-forward sweep of an {@code order = 2} method ({@link ReverseOverForward}): a
 * reverse derivative whose parameters are the method's, then one direction per differentiable
 * parameter, then one per {@link Capture}, then, where {@code replays}, a {@code
 * dev.adjoint.runtime.Replay} through which it makes its calls that are free of the direction
 * ({@code Replays}): {@code mHvpAt} records them when it is made and replays them in each {@code
 * apply}; the other members pass {@code Replay.live()}.
 *
 * @param derivative the sweep
 * @param primal how many of its parameters are the method's
 * @param captures what the body reads of objects rather than of its arguments, in the order of
 *     the sweep's last parameters (before the replay)
 * @param replays whether the sweep's last parameter is a replay
 */
public record HvpSweep(
    ReverseDerivative derivative, int primal, List<Capture> captures, boolean replays) {
  public HvpSweep {
    captures = List.copyOf(captures);
  }

  /**
   * A read of an object's state that the sweep takes as a parameter: a field (of the receiver, of
   * an object parameter, or static) or an array component behind an accessor. Its {@code value}
   * reads only the method's parameters ({@link Expr.Read} of them), {@link Expr.FieldRead}s and
   * argument-free {@link Expr.OpaqueCall} accessors, so whoever calls the sweep can evaluate it:
   * {@code mHvp} when it is called, {@code mHvpAt} once, when it is made (an array copied), so
   * that a field changed afterwards changes none of its products, as it changes none of a Vjp's
   * pullbacks.
   *
   * @param variable the sweep's parameter
   * @param value what the caller passes, over the method's parameters
   */
  public record Capture(Variable variable, Expr value) {}
}

package dev.adjoint.spark;

import java.io.Serializable;

/**
 * Makes the {@link BlockObjective} that a task uses for its partition's blocks, on the executor.
 * This factory is what travels to the executors with each task, so it must be serialisable; a
 * lambda that captures nothing (or only numbers) and calls the generated class's static factory,
 * such as {@code () -> wrap(LossesAdjoint.blockLossWorkspace())}, is: its serialised form names the
 * lambda's method, and nothing of the generated class is serialised (the executor loads the
 * generated class from the application's jar, like any other class).
 */
@FunctionalInterface
public interface BlockObjectiveFactory extends Serializable {

  /** A new objective, for one task's blocks. */
  BlockObjective create();
}

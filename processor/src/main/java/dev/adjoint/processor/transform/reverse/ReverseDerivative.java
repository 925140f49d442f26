package dev.adjoint.processor.transform.reverse;

import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reverse-mode derivative of one method, as IR for codegen to render: a forward sweep that
 * computes the value and keeps what the reverse sweep needs, and the reverse sweep that turns an
 * output cotangent into one cotangent per differentiable parameter.
 *
 * @param signature the method
 * @param params one variable per parameter, in order
 * @param forward the forward sweep; it leaves the primal value in {@code result}
 * @param result the variable holding the value
 * @param seed the output cotangent, read by the reverse sweep
 * @param reverse the reverse sweep
 * @param adjoints every adjoint accumulator the reverse sweep uses, other than {@code seed}; each
 *     starts at zero
 * @param paramAdjoints the adjoint of each differentiable parameter, by name, in order
 * @param captured the forward variables the reverse sweep reads or restores: what a {@code Vjp}
 *     object must keep between its forward and its pullback
 * @param tape the tape the forward sweep records on, when loops need one
 * @param reader the reader the reverse sweep reads the tape back through, with {@code tape}
 * @param sometimesCreated the local arrays created on some paths only (after an early return):
 *     their cotangent arrays are made only where they exist
 * @param early the cotangents that this derivative's forward sweep already gathers into (a fused
 *     sweep, see {@code SweepFusion}): declared, with the seed at 1, before the forward sweep, and
 *     not again before the reverse sweep; empty for any other derivative
 * @param unitSeed this derivative for a seed of 1, what gradients and workspaces run: tidied
 *     ({@code Simplify}), and with its last loop's sweeps fused where that holds (a Vjp's seed
 *     comes after its forward sweep, so its sweeps stay apart)
 */
public record ReverseDerivative(
    Signature signature,
    List<Variable> params,
    Stmt.Block forward,
    Variable result,
    Variable seed,
    Stmt.Block reverse,
    List<Variable> adjoints,
    Map<String, Variable> paramAdjoints,
    List<Variable> captured,
    Optional<Variable> tape,
    Optional<Variable> reader,
    Set<Variable> sometimesCreated,
    List<Variable> early,
    Optional<ReverseDerivative> unitSeed) {

  /** A derivative with no fused form. */
  public ReverseDerivative(
      Signature signature,
      List<Variable> params,
      Stmt.Block forward,
      Variable result,
      Variable seed,
      Stmt.Block reverse,
      List<Variable> adjoints,
      Map<String, Variable> paramAdjoints,
      List<Variable> captured,
      Optional<Variable> tape,
      Optional<Variable> reader,
      Set<Variable> sometimesCreated) {
    this(signature, params, forward, result, seed, reverse, adjoints, paramAdjoints, captured,
        tape, reader, sometimesCreated, List.of(), Optional.empty());
  }
}

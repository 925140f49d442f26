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
    Set<Variable> sometimesCreated) {}

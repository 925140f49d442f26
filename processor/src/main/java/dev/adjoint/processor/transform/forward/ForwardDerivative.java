package dev.adjoint.processor.transform.forward;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.Signature;
import java.util.List;
import java.util.Map;

/**
 * A method's forward-mode derivative: one body, in the primal subset (no tape, no reverse sweep),
 * that computes the value and its tangent together.
 *
 * @param signature the method
 * @param params the primal's parameters, in order
 * @param tangents one tangent parameter per differentiable parameter, in order (the same type as
 *     it); on entry an array tangent may be null, which the body's first statements replace by
 *     zeros of the argument's shape
 * @param body the statements; each {@code return} in it returns the primal's value, and {@code
 *     returnTangents} gives the tangent that goes with it
 * @param returnTangents the tangent of each {@code return} of {@code body}, by identity
 */
public record ForwardDerivative(
    Signature signature,
    List<Variable> params,
    List<Variable> tangents,
    Stmt.Block body,
    Map<Stmt.Return, Expr> returnTangents) {}

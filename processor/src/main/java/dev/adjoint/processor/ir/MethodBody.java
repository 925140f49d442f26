package dev.adjoint.processor.ir;

import java.util.List;

/**
 * A lowered method body.
 *
 * @param params one variable per parameter of the method, in order
 * @param body the statements
 */
public record MethodBody(List<Variable> params, Stmt.Block body) {
  public MethodBody {
    params = List.copyOf(params);
  }
}

package dev.adjoint.processor.ir;

import java.util.List;
import java.util.Set;

/**
 * A lowered method body.
 *
 * @param params one variable per parameter of the method, in order
 * @param body the statements
 * @param writableThroughFields the array parameters that a call in the body may write without
 *     being passed them: the body calls a method (compiled here) that writes an element of an array
 *     a field holds, and a caller may have passed that very array (source.FieldArrayWrites); the
 *     reverse sweep must not read their elements again
 */
public record MethodBody(List<Variable> params, Stmt.Block body,
    Set<Variable> writableThroughFields) {
  public MethodBody {
    params = List.copyOf(params);
    writableThroughFields = Set.copyOf(writableThroughFields);
  }

  public MethodBody(List<Variable> params, Stmt.Block body) {
    this(params, body, Set.of());
  }

  /** This body with other statements, the same parameters. */
  public MethodBody with(Stmt.Block other) {
    return new MethodBody(params, other, writableThroughFields);
  }
}

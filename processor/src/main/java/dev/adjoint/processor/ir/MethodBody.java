package dev.adjoint.processor.ir;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A lowered method body.
 *
 * @param params one variable per parameter of the method, in order
 * @param body the statements
 * @param aliasedArrays the array parameters that a call in the body may write under another name:
 *     the body calls a method (compiled here) that writes an element of an array a field holds,
 *     and a caller may have passed that very array (source.FieldArrayWrites); or the body gives a
 *     parameter of the same type to a call that is not differentiated, and a caller may have
 *     passed one array for both. The reverse sweep must not read their elements again
 */
public record MethodBody(List<Variable> params, Stmt.Block body,
    Set<Variable> aliasedArrays) {
  public MethodBody {
    params = List.copyOf(params);
    aliasedArrays = Collections.unmodifiableSet(new LinkedHashSet<>(aliasedArrays)); // in order
  }

  public MethodBody(List<Variable> params, Stmt.Block body) {
    this(params, body, Set.of());
  }

  /** This body with other statements, the same parameters. */
  public MethodBody with(Stmt.Block other) {
    return new MethodBody(params, other, aliasedArrays);
  }
}

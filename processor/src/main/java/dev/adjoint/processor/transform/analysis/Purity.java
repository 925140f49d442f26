package dev.adjoint.processor.transform.analysis;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a method may be evaluated again with the same result and no other effect: what a
 * Jacobian built by one forward sweep per column needs (a method with effects is evaluated once
 * per Jacobian, through pullbacks).
 */
public final class Purity {
  private Purity() {}

  /**
   * True when {@code body} calls no method but {@code Math}'s, reads no field (which a call
   * between two evaluations could change), evaluates no expression statement, and writes into
   * no array it was given or that may alias one (a parameter, or a local ever assigned anything
   * but a new array).
   */
  public static boolean repeatable(MethodBody body) {
    boolean[] pure = {true};
    IrWalker.forEachExpr(body.body(), e -> {
      if (e instanceof Expr.OpaqueCall || e instanceof Expr.DiffCall
          || e instanceof Expr.FieldRead) {
        pure[0] = false;
      }
    });
    Set<Variable> shared = new HashSet<>(body.params());
    IrWalker.forEachStmt(body.body(), st -> {
      if (st instanceof Stmt.Declare d && d.init() != null) {
        shareUnlessNew(d.variable(), d.init(), shared);
      } else if (st instanceof Stmt.Assign a) {
        shareUnlessNew(a.variable(), a.value(), shared);
      }
    });
    IrWalker.forEachStmt(body.body(), st -> {
      if (st instanceof Stmt.ArrayAssign a && shared.contains(a.array())
          || st instanceof Stmt.Eval) {
        pure[0] = false;
      }
    });
    return pure[0];
  }

  private static void shareUnlessNew(Variable target, Expr value, Set<Variable> shared) {
    if (Expr.isArray(target.type()) && !(value instanceof Expr.NewArray)) {
      shared.add(target);
    }
  }
}

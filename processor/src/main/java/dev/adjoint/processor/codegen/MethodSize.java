package dev.adjoint.processor.codegen;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.List;

/**
 * An upper estimate of the bytecode that a derivative's longest generated method (the fused
 * {@code mValueAndGrad}: forward sweep, zeroed cotangents, reverse sweep) compiles to, so that
 * codegen can split a derivative that would pass the JVM's limit of 65 535 bytes per method
 * ("code too large") before javac finds out. Counted from the IR, a few bytes per node: a local's
 * load or store is 2 to 4 bytes (4 past 255 locals), a {@code double} literal 3, an operator 1,
 * a call 3 plus its arguments. Calibrated against javap on straight-line, loop and array
 * methods; it errs high.
 */
public final class MethodSize {
  private MethodSize() {}

  /** Beyond this estimate a derivative's sweeps are split into methods of their own. */
  public static final int SPLIT_ABOVE = 60_000;

  /** The estimated bytecode size of the fused value-and-gradient method of {@code d}. */
  public static int estimate(ReverseDerivative d) {
    return 8 * d.adjoints().size() + 64 + estimate(d.forward()) + estimate(d.reverse());
  }

  /** The estimated bytecode size of the forward-mode method of {@code d}. */
  public static int estimate(ForwardDerivative d) {
    int bytes = 64 + estimate(d.body());
    for (Expr tangent : d.returnTangents().values()) {
      bytes += 16 + estimate(Stmt.Block.of(List.of(new Stmt.Eval(tangent, null))));
    }
    return bytes;
  }

  /** The estimated bytecode size of {@code block}'s statements. */
  public static int estimate(Stmt.Block block) {
    int[] bytes = {0};
    IrWalker.forEachStmt(block, s -> bytes[0] += statementBytes(s));
    IrWalker.forEachExpr(block, e -> bytes[0] += expressionBytes(e));
    return bytes[0];
  }

  private static int statementBytes(Stmt s) {
    if (s instanceof Stmt.Block) {
      return 0;
    }
    if (s instanceof Stmt.If || s instanceof Stmt.Loop) {
      return 8;
    }
    if (s instanceof Stmt.ArrayAssign) {
      return 6;
    }
    if (s instanceof Stmt.Push) {
      return 8;
    }
    return 4;
  }

  private static int expressionBytes(Expr e) {
    if (e instanceof Expr.Literal) {
      return 3;
    }
    if (e instanceof Expr.Read || e instanceof Expr.Unary || e instanceof Expr.Cast) {
      return 4;
    }
    if (e instanceof Expr.Binary) {
      return 2;
    }
    if (e instanceof Expr.ArrayRead || e instanceof Expr.ArrayLength) {
      return 6;
    }
    if (e instanceof Expr.Conditional) {
      return 8;
    }
    return 6; // calls, pullbacks, components, pops, new arrays: an invoke and its setup
  }
}

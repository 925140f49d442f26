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
    return s.accept(STATEMENT_BYTES);
  }

  private static int expressionBytes(Expr e) {
    return e.accept(EXPRESSION_BYTES);
  }

  /** A statement's own bytes, not its children's; one arm per kind, so none is guessed. */
  private static final Stmt.Visitor<Integer> STATEMENT_BYTES = new Stmt.Visitor<>() {
    @Override
    public Integer visitDeclare(Stmt.Declare s) {
      return 4;
    }

    @Override
    public Integer visitAssign(Stmt.Assign s) {
      return 4;
    }

    @Override
    public Integer visitIf(Stmt.If s) {
      return 8;
    }

    @Override
    public Integer visitReturn(Stmt.Return s) {
      return 4;
    }

    @Override
    public Integer visitEval(Stmt.Eval s) {
      return 4;
    }

    @Override
    public Integer visitBlock(Stmt.Block s) {
      return 0;
    }

    @Override
    public Integer visitLoop(Stmt.Loop s) {
      return 8;
    }

    @Override
    public Integer visitJump(Stmt.Jump s) {
      return 4;
    }

    @Override
    public Integer visitPush(Stmt.Push s) {
      return 8;
    }

    @Override
    public Integer visitArrayAssign(Stmt.ArrayAssign s) {
      return 6;
    }
  };

  /**
   * An expression node's own bytes, not its children's: an invoke and its setup for calls,
   * pullbacks, components, pops and new arrays.
   */
  private static final Expr.Visitor<Integer> EXPRESSION_BYTES = new Expr.Visitor<>() {
    @Override
    public Integer visitLiteral(Expr.Literal e) {
      return 3;
    }

    @Override
    public Integer visitRead(Expr.Read e) {
      return 4;
    }

    @Override
    public Integer visitUnary(Expr.Unary e) {
      return 4;
    }

    @Override
    public Integer visitBinary(Expr.Binary e) {
      return 2;
    }

    @Override
    public Integer visitConditional(Expr.Conditional e) {
      return 8;
    }

    @Override
    public Integer visitCast(Expr.Cast e) {
      return 4;
    }

    @Override
    public Integer visitMathCall(Expr.MathCall e) {
      return 6;
    }

    @Override
    public Integer visitStopGradient(Expr.StopGradient e) {
      return 6;
    }

    @Override
    public Integer visitDiffCall(Expr.DiffCall e) {
      return 6;
    }

    @Override
    public Integer visitOpaqueCall(Expr.OpaqueCall e) {
      return 6;
    }

    @Override
    public Integer visitFieldRead(Expr.FieldRead e) {
      return 6;
    }

    @Override
    public Integer visitVjpOf(Expr.VjpOf e) {
      return 6;
    }

    @Override
    public Integer visitVjpValue(Expr.VjpValue e) {
      return 6;
    }

    @Override
    public Integer visitPullback(Expr.Pullback e) {
      return 6;
    }

    @Override
    public Integer visitComponent(Expr.Component e) {
      return 6;
    }

    @Override
    public Integer visitPop(Expr.Pop e) {
      return 6;
    }

    @Override
    public Integer visitArrayRead(Expr.ArrayRead e) {
      return 6;
    }

    @Override
    public Integer visitArrayLength(Expr.ArrayLength e) {
      return 6;
    }

    @Override
    public Integer visitNewArray(Expr.NewArray e) {
      return 6;
    }
  };
}

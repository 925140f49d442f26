package dev.adjoint.processor.ir;

import java.util.List;

/** A statement of the IR. Walk it with a {@link Visitor}. */
public sealed interface Stmt {

  /** Where it came from; null for statements the transformer made without a source line. */
  SourceRef ref();

  <R> R accept(Visitor<R> visitor);

  /** Declares {@code variable}, initialised to {@code init} (null: to its type's zero). */
  record Declare(Variable variable, Expr init, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitDeclare(this);
    }
  }

  /**
   * {@code array[i] = value} (or {@code array[i][j] = value}); compound forms are lowered to this.
   */
  record ArrayAssign(Variable array, List<Expr> indices, Expr value, SourceRef ref)
      implements Stmt {
    public ArrayAssign {
      indices = List.copyOf(indices);
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitArrayAssign(this);
    }
  }

  /** {@code variable = value}; compound assignments are lowered to this. */
  record Assign(Variable variable, Expr value, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitAssign(this);
    }
  }

  record If(Expr condition, Block then, Block otherwise, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitIf(this);
    }
  }

  record Return(Expr value, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitReturn(this);
    }
  }

  /**
   * A loop: {@code while (condition) { body; update; }} when {@code testFirst}, else {@code do {
   * body; update; } while (condition)}. A {@code for} loop is its initialisers followed by a loop
   * whose update is the for's update.
   */
  record Loop(Expr condition, Block body, Block update, boolean testFirst, SourceRef ref)
      implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitLoop(this);
    }
  }

  /** {@code break} or {@code continue} inside a loop; lowered away before differentiation. */
  record Jump(boolean isBreak, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitJump(this);
    }
  }

  /** Made by the transformer: records a value on the call's tape in the forward sweep. */
  record Push(Variable tape, Expr value, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitPush(this);
    }
  }

  /** An expression evaluated for its effect (a call). */
  record Eval(Expr expr, SourceRef ref) implements Stmt {
    public <R> R accept(Visitor<R> v) {
      return v.visitEval(this);
    }
  }

  record Block(List<Stmt> stmts, SourceRef ref) implements Stmt {
    public Block {
      stmts = List.copyOf(stmts);
    }

    public static Block of(List<Stmt> stmts) {
      return new Block(stmts, null);
    }

    public <R> R accept(Visitor<R> v) {
      return v.visitBlock(this);
    }
  }

  /** One method per kind of statement. */
  interface Visitor<R> {
    R visitDeclare(Declare s);

    R visitAssign(Assign s);

    R visitIf(If s);

    R visitReturn(Return s);

    R visitEval(Eval s);

    R visitBlock(Block s);

    R visitLoop(Loop s);

    R visitJump(Jump s);

    R visitPush(Push s);

    R visitArrayAssign(ArrayAssign s);
  }
}

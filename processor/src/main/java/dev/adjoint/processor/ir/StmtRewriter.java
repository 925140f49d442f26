package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one statement rewriter: rebuilds a statement list with each leaf statement replaced by what
 * a function gives for it (none, one or several statements), recursing into the blocks of ifs,
 * loops and blocks so that no transform writes its own If/Loop/Block recursion.
 */
public final class StmtRewriter {
  private StmtRewriter() {}

  /**
   * {@code stmts} with every statement, at any depth, that {@code drop} holds left out. {@code
   * drop} should be an identity set ({@code Collections.newSetFromMap(new IdentityHashMap<>())}):
   * statements are records, and two equal statements at different places are different
   * statements.
   */
  public static List<Stmt> without(List<Stmt> stmts, Set<Stmt> drop) {
    return rewrite(stmts, s -> drop.contains(s) ? List.of() : List.of(s), drop::contains);
  }

  /**
   * {@code stmts} with each statement that is not an if, loop or block replaced by {@code
   * leaf}'s statements; ifs, loops and blocks are rebuilt around their rewritten contents, unless
   * {@code dropWhole} holds for them (then they go, contents and all).
   */
  public static List<Stmt> rewrite(
      List<Stmt> stmts, Function<Stmt, List<Stmt>> leaf, Predicate<Stmt> dropWhole) {
    Stmt.Visitor<List<Stmt>> rewriter = new Stmt.Visitor<>() {
      private Stmt.Block block(Stmt.Block b) {
        return new Stmt.Block(rewrite(b.stmts(), leaf, dropWhole), b.ref());
      }

      @Override
      public List<Stmt> visitIf(Stmt.If s) {
        return List.of(new Stmt.If(s.condition(), block(s.then()), block(s.otherwise()), s.ref()));
      }

      @Override
      public List<Stmt> visitLoop(Stmt.Loop s) {
        return List.of(new Stmt.Loop(
            s.condition(), block(s.body()), block(s.update()), s.testFirst(), s.ref()));
      }

      @Override
      public List<Stmt> visitBlock(Stmt.Block s) {
        return List.of(block(s));
      }

      @Override
      public List<Stmt> visitDeclare(Stmt.Declare s) {
        return leaf.apply(s);
      }

      @Override
      public List<Stmt> visitAssign(Stmt.Assign s) {
        return leaf.apply(s);
      }

      @Override
      public List<Stmt> visitArrayAssign(Stmt.ArrayAssign s) {
        return leaf.apply(s);
      }

      @Override
      public List<Stmt> visitReturn(Stmt.Return s) {
        return leaf.apply(s);
      }

      @Override
      public List<Stmt> visitEval(Stmt.Eval s) {
        return leaf.apply(s);
      }

      @Override
      public List<Stmt> visitJump(Stmt.Jump s) {
        return leaf.apply(s);
      }

      @Override
      public List<Stmt> visitPush(Stmt.Push s) {
        return leaf.apply(s);
      }
    };
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : stmts) {
      if (!dropWhole.test(s)) {
        out.addAll(s.accept(rewriter));
      }
    }
    return out;
  }
}

package dev.adjoint.processor.transform.normalize;

import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves early returns to the ends of paths: the statements after an {@code if} that may return
 * are moved into the branches that may go on, so that each path through the body ends in exactly
 * one {@code return}. The reverse sweep then starts where the path ended.
 */
public final class Returns {
  private Returns() {}

  public static Stmt.Block normalize(Stmt.Block body) {
    return new Stmt.Block(withTail(body.stmts(), List.of()), body.ref());
  }

  /** Statements that run {@code stmts} and then, where they complete normally, {@code tail}. */
  private static List<Stmt> withTail(List<Stmt> stmts, List<Stmt> tail) {
    List<Stmt> out = new ArrayList<>();
    for (int i = 0; i < stmts.size(); i++) {
      Stmt s = stmts.get(i);
      if (s instanceof Stmt.Return) {
        out.add(s);
        return out;
      }
      if (s instanceof Stmt.If branch && containsReturn(branch)) {
        List<Stmt> rest = withTail(stmts.subList(i + 1, stmts.size()), tail);
        out.add(
            new Stmt.If(
                branch.condition(),
                new Stmt.Block(withTail(branch.then().stmts(), rest), branch.then().ref()),
                new Stmt.Block(
                    withTail(branch.otherwise().stmts(), rest), branch.otherwise().ref()),
                branch.ref()));
        return out;
      }
      if (s instanceof Stmt.Block block) {
        List<Stmt> flat = new ArrayList<>(block.stmts());
        flat.addAll(stmts.subList(i + 1, stmts.size()));
        out.addAll(withTail(flat, tail));
        return out;
      }
      if (containsReturn(s)) {
        // A kind of statement that may return and that this does not know how to enter.
        throw new IllegalStateException("cannot move the statements after " + s + " into it");
      }
      out.add(s);
    }
    out.addAll(tail);
    return out;
  }

  /**
   * Whether {@code s} holds a return outside loops (a return inside a loop was lowered to a flag
   * by {@link Jumps} before this runs).
   */
  public static boolean containsReturn(Stmt s) {
    if (s instanceof Stmt.Return) {
      return true;
    }
    return !(s instanceof Stmt.Loop)
        && IrWalker.nested(s).stream().anyMatch(Returns::containsReturn);
  }
}

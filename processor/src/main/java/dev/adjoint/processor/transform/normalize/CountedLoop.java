package dev.adjoint.processor.transform.normalize;

import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.intOp;
import static dev.adjoint.processor.ir.Uses.referenced;
import static dev.adjoint.processor.ir.Uses.writes;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A counted loop, {@code for (i = start; ...; i++)} with {@code i} an int that only the update
 * writes and {@code start} a pure expression of variables the loop does not write: in trip k the
 * index is {@code start + k}, so the reverse sweep need not record it, and where the bound stays
 * put too, neither the number of trips.
 */
public record CountedLoop(Variable index, Expr start) {
  /**
   * The counted loop {@code loop} is, with {@code init} the statement just before it.
   *
   * @param pure whether an expression may be evaluated again in the reverse sweep (not an
   *     element of an array a call may change)
   */
  public static Optional<CountedLoop> of(Stmt init, Stmt.Loop loop, Predicate<Expr> pure) {
    Variable v;
    Expr start;
    if (init instanceof Stmt.Declare d && d.init() != null) {
      v = d.variable();
      start = d.init();
    } else if (init instanceof Stmt.Assign a) {
      v = a.variable();
      start = a.value();
    } else {
      return Optional.empty();
    }
    if (!v.type().equals(TypeName.INT) || !start.type().equals(TypeName.INT) || !pure.test(start)
        || loop.update().stmts().size() != 1
        || !(loop.update().stmts().get(0) instanceof Stmt.Assign step)
        || step.variable() != v
        || !(step.value() instanceof Expr.Binary b) || b.op() != Expr.BinaryOp.ADD
        || !(b.left() instanceof Expr.Read r && r.variable() == v)
        || !(b.right() instanceof Expr.Literal one && Integer.valueOf(1).equals(one.value()))) {
      return Optional.empty();
    }
    Set<Variable> written = writtenIn(loop);
    Set<Variable> read = new HashSet<>();
    referenced(new Stmt.Eval(start, null), read);
    if (written.contains(v) || read.stream().anyMatch(written::contains)
        || read.contains(v)) {
      return Optional.empty();
    }
    return Optional.of(new CountedLoop(v, start));
  }

  /**
   * What the body of {@code loop} may write: variables, arrays, and arrays passed to calls that
   * are not differentiated, which may write into them ({@code for (j = 0; j < (int) d[0]; j++)
   * { ...; shrink(d); }} has no trip count the reverse sweep could compute).
   */
  private static Set<Variable> writtenIn(Stmt.Loop loop) {
    Set<Variable> written = new HashSet<>();
    IrWalker.forEachStmt(loop.body(), st -> writes(st, written::add));
    return written;
  }

  /**
   * The number of trips of {@code loop}, when its condition is {@code index < bound} or {@code
   * index <= bound} with {@code bound} a pure expression of variables the loop does not write:
   * {@code bound > start ? bound - start : 0}, for {@code <}. (A counted loop has no break: its
   * update would be guarded.)
   *
   * @param pure whether an expression may be evaluated again in the reverse sweep
   */
  public Optional<Expr> tripCount(Stmt.Loop loop, Predicate<Expr> pure) {
    if (!(loop.condition() instanceof Expr.Binary c)
        || (c.op() != Expr.BinaryOp.LT && c.op() != Expr.BinaryOp.LE)
        || !(c.left() instanceof Expr.Read r && r.variable() == index)
        || !c.right().type().equals(TypeName.INT) || !pure.test(c.right())) {
      return Optional.empty();
    }
    Set<Variable> written = writtenIn(loop);
    Set<Variable> read = new HashSet<>();
    referenced(new Stmt.Eval(c.right(), null), read);
    if (read.stream().anyMatch(written::contains) || read.contains(index)) {
      return Optional.empty();
    }
    // index < bound runs bound - start trips; index <= bound, one more.
    Expr end = c.op() == Expr.BinaryOp.LT ? c.right()
        : intOp(Expr.BinaryOp.ADD, c.right(), intLit(1));
    boolean zero = start instanceof Expr.Literal z && Integer.valueOf(0).equals(z.value());
    Expr trips = zero ? end : intOp(Expr.BinaryOp.SUB, end, start);
    return Optional.of(new Expr.Conditional(
        new Expr.Binary(Expr.BinaryOp.GT, end, start, TypeName.BOOLEAN, null),
        trips, intLit(0), TypeName.INT, null));
  }
}

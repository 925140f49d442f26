package dev.adjoint.processor.ir;

/**
 * A visitor of primal expressions, those the body reader makes: the nodes that transforms make
 * (a Vjp and what is read from it, a tape's pop) are not its input, and visiting one is a bug.
 * The transforms that take a primal body (forward mode, second order's inlining) extend it.
 *
 * @param <R> what a visit returns
 */
public abstract class PrimalVisitor<R> implements Expr.Visitor<R> {
  @Override
  public R visitVjpOf(Expr.VjpOf e) {
    throw notPrimal(e);
  }

  @Override
  public R visitVjpValue(Expr.VjpValue e) {
    throw notPrimal(e);
  }

  @Override
  public R visitPullback(Expr.Pullback e) {
    throw notPrimal(e);
  }

  @Override
  public R visitComponent(Expr.Component e) {
    throw notPrimal(e);
  }

  @Override
  public R visitPop(Expr.Pop e) {
    throw notPrimal(e);
  }

  private static IllegalArgumentException notPrimal(Expr e) {
    return new IllegalArgumentException("not a primal expression: " + e);
  }
}

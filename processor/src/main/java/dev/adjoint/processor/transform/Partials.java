package dev.adjoint.processor.transform;

import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.call;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.div;
import static dev.adjoint.processor.ir.Ir.eq;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.neg;
import static dev.adjoint.processor.ir.Ir.sub;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MathFunction;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The partial derivative of each {@link MathFunction} with respect to each argument, as IR over
 * the arguments (and the result where the formula is cheaper with it). Each formula is the stable
 * form of the function's own derivative; the user's expression around it is differentiated as
 * written. Conventions at kinks: {@code abs'(0) = 0}; {@code min}/{@code max} ties split the
 * derivative evenly (JAX's convention; {@link #selection}); {@code hypot(0, 0)} has gradient
 * 0; {@code pow(x, 0)} has x-derivative 0 and {@code pow(0, y)} has y-derivative 0.
 */
public final class Partials {
  private Partials() {}

  /**
   * Functions whose derivative is infinite (or undefined) where their value is finite ({@code
   * sqrt(0)}, {@code cbrt(0)}, {@code asin(1)}, {@code pow(0, 0.5)}, {@code log(0)}'s neighbour
   * {@code log1p(-1)}, {@code atan2(0, 0)}): a tangent or cotangent that is zero there at run time
   * must contribute 0, not {@code 0 * Infinity}, in both modes (see {@link #times}).
   */
  public static final Set<MathFunction> SINGULAR = EnumSet.of(
      MathFunction.SQRT, MathFunction.CBRT, MathFunction.ASIN, MathFunction.ACOS,
      MathFunction.POW, MathFunction.LOG, MathFunction.LOG10, MathFunction.LOG1P,
      MathFunction.ATAN2);

  /**
   * {@code factor * partial} for the partial of {@code f}: where {@code f} is {@link #SINGULAR},
   * {@code factor == 0 ? 0 : factor * partial}. A zero direction or seed then contributes exactly
   * 0, so a Jacobian's entries are the same by rows and by columns.
   */
  public static Expr times(MathFunction f, Expr factor, Expr partial) {
    if (!SINGULAR.contains(f)) {
      return mul(factor, partial);
    }
    // The factor is pure (a tangent or cotangent over variables): evaluating it twice is safe.
    return new Expr.Conditional(eq(factor, lit(0)), lit(0), mul(factor, partial),
        TypeName.DOUBLE, null);
  }

  /**
   * {@code factor == 0 ? 0 : product}, for a product of {@code factor} (a tangent or cotangent)
   * with a quotient's partial derivative, which is infinite where {@code divisor} is 0 (a
   * nonzero literal divisor needs no guard): a zero
   * direction or seed then contributes exactly 0 there too, as for the {@link #SINGULAR}
   * functions. (Where a value has itself overflowed to infinity, {@code 0 * Infinity} is still
   * NaN, as in every AD system: that is not a finite point.)
   */
  public static Expr zeroWhereZero(Expr factor, Expr divisor, Expr product) {
    if (divisor instanceof Expr.Literal l && l.value() instanceof Number n
        && n.doubleValue() != 0) {
      return product; // a divisor that is never 0: finite partials
    }
    // The factor is pure (a tangent or cotangent over variables): evaluating it twice is safe.
    return new Expr.Conditional(eq(factor, lit(0)), lit(0), product, TypeName.DOUBLE, null);
  }

  private static final double LN_10 = Math.log(10);

  /**
   * The derivative of {@code min(a, b)} or {@code max(a, b)}, which selects rather than
   * multiplies: where {@code aWins}, all of it is {@code a}'s; where {@code bWins}, {@code b}'s;
   * where they {@code tie}, each gets {@link #TIE_WEIGHT} of it (JAX's convention); otherwise (a
   * NaN argument, and a NaN value) each gets {@link #NAN_WEIGHT} times it. Forward mode selects
   * the winner's tangent, reverse mode sends the cotangent to the winner: one convention.
   */
  public record Selection(Expr aWins, Expr bWins, Expr tie) {}

  /** The share of the derivative each argument of a tied {@code min}/{@code max} gets. */
  public static final double TIE_WEIGHT = 0.5;

  /** The factor for both arguments where neither wins nor ties (a NaN argument). */
  public static final double NAN_WEIGHT = Double.NaN;

  /** The {@link Selection} of {@code f}, {@link MathFunction#MIN} or {@link MathFunction#MAX}. */
  public static Selection selection(MathFunction f, Expr a, Expr b) {
    if (f != MathFunction.MIN && f != MathFunction.MAX) {
      throw new IllegalArgumentException(f + " does not select");
    }
    Expr.BinaryOp wins = f == MathFunction.MAX ? Expr.BinaryOp.GT : Expr.BinaryOp.LT;
    return new Selection(
        new Expr.Binary(wins, a, b, TypeName.BOOLEAN, null),
        new Expr.Binary(wins, b, a, TypeName.BOOLEAN, null),
        new Expr.Binary(Expr.BinaryOp.EQ, a, b, TypeName.BOOLEAN, null));
  }

  /**
   * @param args the call's arguments (atoms)
   * @param result the call's value if a variable holds it, else null (then it is recomputed)
   */
  public static Expr partial(
      MathFunction f, ClassName owner, int arg, List<Expr> args, Expr result) {
    Expr a = args.get(0);
    Expr r = result != null ? result : new Expr.MathCall(f, owner, args, null);
    switch (f) {
      case SIN:
        return call(owner, MathFunction.COS, a);
      case COS:
        return neg(call(owner, MathFunction.SIN, a));
      case TAN:
        return add(lit(1), mul(r, r));
      case ASIN:
        return div(lit(1), call(owner, MathFunction.SQRT, sub(lit(1), mul(a, a))));
      case ACOS:
        return neg(div(lit(1), call(owner, MathFunction.SQRT, sub(lit(1), mul(a, a)))));
      case ATAN:
        return div(lit(1), add(lit(1), mul(a, a)));
      case ATAN2:
        {
          Expr y = args.get(0);
          Expr x = args.get(1);
          // x / (x^2 + y^2) as (x / h) / h with h = hypot(x, y): no overflow or underflow.
          Expr h = call(owner, MathFunction.HYPOT, y, x);
          return arg == 0 ? div(div(x, h), h) : neg(div(div(y, h), h));
        }
      case SINH:
        return call(owner, MathFunction.COSH, a);
      case COSH:
        return call(owner, MathFunction.SINH, a);
      case TANH:
        // cosh(x)^-2, not 1 - r*r: r = tanh(x) is rounded near +-1, so anything computed from it
        // loses relative accuracy as tanh saturates (a relative error of 1e-4 at |x| = 15).
        return call(owner, MathFunction.POW, call(owner, MathFunction.COSH, a), lit(-2));
      case EXP:
        return r;
      case EXPM1:
        // exp(x), not expm1(x) + 1, which is 0 once expm1(x) rounds to -1 (x below about -37).
        return call(owner, MathFunction.EXP, a);
      case LOG:
        return div(lit(1), a);
      case LOG1P:
        return div(lit(1), add(lit(1), a));
      case LOG10:
        return div(lit(1), mul(a, lit(LN_10)));
      case SQRT:
        return div(lit(0.5), r);
      case CBRT:
        return div(lit(1), mul(lit(3), mul(r, r)));
      case POW:
        {
          Expr x = args.get(0);
          Expr y = args.get(1);
          if (arg == 0 && y instanceof Expr.Literal l && l.value() instanceof Number n) {
            double k = n.doubleValue(); // a constant exponent, folded: 2 * x for x^2
            return k == 0 ? lit(0) : k == 1 ? lit(1) : k == 2 ? mul(lit(2), x)
                : mul(lit(k), call(owner, MathFunction.POW, x, lit(k - 1)));
          }
          if (arg == 0) {
            // y * x^(y-1), and 0 where y == 0 and x is 0 or NaN (x^0 is constant in x; there
            // x^(y-1) is infinite or NaN). Elsewhere at y == 0 the formula itself gives 0, and
            // its derivative in y, x^(y-1), is right: second order differentiates this partial
            // again (the red team found pow(2, y)'s mixed partial lost at y = 0 with the wider
            // guard y == 0).
            Expr zeroOrNaN = new Expr.Unary(Expr.UnaryOp.NOT, new Expr.Binary(Expr.BinaryOp.OR,
                compare(Expr.BinaryOp.LT, x, lit(0)), compare(Expr.BinaryOp.GT, x, lit(0)),
                TypeName.BOOLEAN, null), TypeName.BOOLEAN, null);
            return new Expr.Conditional(
                new Expr.Binary(Expr.BinaryOp.AND, eq(y, lit(0)), zeroOrNaN, TypeName.BOOLEAN,
                    null),
                lit(0),
                mul(y, call(owner, MathFunction.POW, x, sub(y, lit(1)))),
                TypeName.DOUBLE,
                null);
          }
          // x^y * log(x), and 0 where x == 0.
          return new Expr.Conditional(
              eq(x, lit(0)), lit(0), mul(r, call(owner, MathFunction.LOG, x)), TypeName.DOUBLE, null);
        }
      case HYPOT:
        return new Expr.Conditional(
            eq(r, lit(0)), lit(0), div(args.get(arg), r), TypeName.DOUBLE, null);
      case ABS:
        return call(owner, MathFunction.SIGNUM, a);
      case TO_RADIANS:
        return lit(Math.PI / 180);
      case TO_DEGREES:
        return lit(180 / Math.PI);
      default:
        throw new IllegalArgumentException("no partial for " + f);
    }
  }
}

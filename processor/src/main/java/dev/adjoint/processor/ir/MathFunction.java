package dev.adjoint.processor.ir;

import java.util.Optional;

/**
 * The {@code java.lang.Math} and {@code StrictMath} functions on doubles that differentiable code
 * may call. The derivative formulas live in the transformer; {@link #isPiecewiseConstant()} marks
 * those whose derivative is zero wherever it exists.
 */
public enum MathFunction {
  SIN("sin", 1), COS("cos", 1), TAN("tan", 1),
  ASIN("asin", 1), ACOS("acos", 1), ATAN("atan", 1), ATAN2("atan2", 2),
  SINH("sinh", 1), COSH("cosh", 1), TANH("tanh", 1),
  EXP("exp", 1), EXPM1("expm1", 1), LOG("log", 1), LOG1P("log1p", 1), LOG10("log10", 1),
  SQRT("sqrt", 1), CBRT("cbrt", 1), POW("pow", 2), HYPOT("hypot", 2),
  ABS("abs", 1), MIN("min", 2), MAX("max", 2),
  TO_RADIANS("toRadians", 1), TO_DEGREES("toDegrees", 1),
  SIGNUM("signum", 1), FLOOR("floor", 1), CEIL("ceil", 1), RINT("rint", 1);

  private final String javaName;
  private final int arity;

  MathFunction(String javaName, int arity) {
    this.javaName = javaName;
    this.arity = arity;
  }

  public String javaName() {
    return javaName;
  }

  public int arity() {
    return arity;
  }

  public boolean isPiecewiseConstant() {
    return this == SIGNUM || this == FLOOR || this == CEIL || this == RINT;
  }

  /** The function called {@code name} with {@code arity} double parameters, if supported. */
  public static Optional<MathFunction> find(String name, int arity) {
    for (MathFunction f : values()) {
      if (f.javaName.equals(name) && f.arity == arity) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}

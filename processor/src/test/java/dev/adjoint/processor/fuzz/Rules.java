package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.Program.Kind;
import dev.adjoint.processor.fuzz.Program.Param;
import java.util.List;

/**
 * The custom rules fuzzed programs may call, each twice: as Java source (compiled with every
 * batch as class {@code fuzz.Rules}) and as the reference's own value and pullback. The rules are
 * correct by construction; the fuzzer tests how generated code wires them in.
 */
final class Rules {
  private Rules() {}

  static final String PACKAGE = "fuzz";
  static final String CLASS = "Rules";

  /**
   * A rule: its name and parameters, its value, and its pullback. Arguments come flattened (an
   * array param takes {@link Program#LENGTH} slots); the pullback gives one entry per
   * differentiable slot, in order.
   */
  interface Rule {
    String name();

    List<Param> params();

    double value(double[] args);

    double[] pullback(double[] args, double cotangent);

    /** Whether the pullback is the derivative of the value (false for clipping). */
    boolean exact();

    /** Whether it returns {@code double[]} (of {@link Program#LENGTH}): then see below. */
    default boolean returnsArray() {
      return false;
    }

    /** The value of a rule that returns an array, bit for bit as its Java source computes it. */
    default double[] values(double[] args) {
      throw new UnsupportedOperationException(name());
    }

    /** The pullback of a rule that returns an array, of a cotangent array. */
    default double[] pullback(double[] args, double[] cotangent) {
      throw new UnsupportedOperationException(name());
    }

    /**
     * For a rule that returns an array: per differentiable slot, the sum of the magnitudes of the
     * terms its pullback of {@code cotangent} (non-negative) adds up, so that cancellation inside
     * the pullback is judged against the terms, not against their sum.
     */
    default double[] pullbackMagnitudes(double[] args, double[] cotangent) {
      throw new UnsupportedOperationException(name());
    }

    /**
     * Forward mode: the tangent of the value given {@code argTangents}, one per differentiable
     * slot. For a {@code @CustomVjp} rule what forward mode through it computes, its pullback of
     * 1 dotted with them (a zero tangent contributes exactly 0); a {@code @CustomJvp} twin gives
     * its {@code @Jvp}'s tangent instead.
     */
    default double tangent(double[] args, double[] argTangents) {
      double[] row = pullback(args, 1.0);
      double t = 0;
      for (int j = 0; j < row.length; j++) {
        if (argTangents[j] != 0) {
          t += row[j] * argTangents[j];
        }
      }
      return t;
    }

    /** The sum of the magnitudes of the terms of {@link #tangent}, given theirs ({@code m}). */
    default double tangentMagnitude(double[] args, double[] m) {
      double[] row = pullback(args, 1.0);
      double sum = 0;
      for (int j = 0; j < row.length; j++) {
        if (m[j] != 0 && row[j] != 0) { // (a zero partial drops an overflowed magnitude)
          sum += Math.abs(row[j]) * m[j];
        }
      }
      return sum;
    }

    /**
     * {@link #tangent} of a rule that returns an array, per element of its value: its pullback
     * of that element's unit cotangent dotted with {@code argTangents} (one pullback per output,
     * as forward mode through a {@code @CustomVjp} rule computes it).
     */
    default double[] tangents(double[] args, double[] argTangents) {
      double[] out = new double[Program.LENGTH];
      for (int k = 0; k < out.length; k++) {
        double[] unit = new double[Program.LENGTH];
        unit[k] = 1.0;
        double[] row = pullback(args, unit);
        for (int j = 0; j < row.length; j++) {
          if (argTangents[j] != 0) {
            out[k] += row[j] * argTangents[j];
          }
        }
      }
      return out;
    }

    /** The magnitudes of the terms of {@link #tangents}, given theirs ({@code m}). */
    default double[] tangentMagnitudes(double[] args, double[] m) {
      double[] out = new double[Program.LENGTH];
      for (int k = 0; k < out.length; k++) {
        double[] unit = new double[Program.LENGTH];
        unit[k] = 1.0;
        double[] row = pullbackMagnitudes(args, unit);
        for (int j = 0; j < row.length; j++) {
          if (m[j] != 0 && row[j] != 0) {
            out[k] += row[j] * m[j];
          }
        }
      }
      return out;
    }
  }

  private static final Rule SOFTPLUS = new Rule() {
    @Override public String name() {
      return "softplus";
    }

    @Override public List<Param> params() {
      return List.of(new Param("x", Kind.DOUBLE));
    }

    @Override public double value(double[] a) {
      return Math.log1p(Math.exp(a[0]));
    }

    @Override public double[] pullback(double[] a, double g) {
      return new double[] {g / (1 + Math.exp(-a[0]))};
    }

    @Override public boolean exact() {
      return true;
    }
  };

  private static final Rule CLIP = new Rule() {
    @Override public String name() {
      return "clip";
    }

    @Override public List<Param> params() {
      return List.of(new Param("x", Kind.DOUBLE));
    }

    @Override public double value(double[] a) {
      return a[0];
    }

    @Override public double[] pullback(double[] a, double g) {
      return new double[] {Math.max(-1.0, Math.min(1.0, g))};
    }

    @Override public boolean exact() {
      return false;
    }
  };

  private static final Rule PRODUCT = new Rule() {
    @Override public String name() {
      return "product";
    }

    @Override public List<Param> params() {
      return List.of(new Param("x", Kind.DOUBLE), new Param("y", Kind.DOUBLE));
    }

    @Override public double value(double[] a) {
      return a[0] * a[1];
    }

    @Override public double[] pullback(double[] a, double g) {
      return new double[] {g * a[1], g * a[0]};
    }

    @Override public boolean exact() {
      return true;
    }
  };

  private static final Rule SCALED_SIN = new Rule() {
    @Override public String name() {
      return "scaledSin";
    }

    @Override public List<Param> params() {
      return List.of(new Param("x", Kind.DOUBLE), new Param("k", Kind.NODIFF),
          new Param("m", Kind.INT));
    }

    @Override public double value(double[] a) {
      return a[1] * Math.sin(a[0]) + a[2];
    }

    @Override public double[] pullback(double[] a, double g) {
      return new double[] {g * (a[1] * Math.cos(a[0]))};
    }

    @Override public boolean exact() {
      return true;
    }
  };

  /** sum of squares of an array, times a @NoDiff weight; its bwd gives 2 w g x. */
  private static final Rule SQUARES = new Rule() {
    @Override public String name() {
      return "squares";
    }

    @Override public List<Param> params() {
      return List.of(new Param("x", Kind.ARRAY), new Param("w", Kind.NODIFF));
    }

    @Override public double value(double[] a) {
      double s = 0;
      for (int i = 0; i < Program.LENGTH; i++) {
        s += a[i] * a[i];
      }
      return s * a[Program.LENGTH];
    }

    @Override public double[] pullback(double[] a, double g) {
      double[] out = new double[Program.LENGTH];
      for (int i = 0; i < out.length; i++) {
        out[i] = 2 * a[Program.LENGTH] * g * a[i];
      }
      return out;
    }

    @Override public boolean exact() {
      return true;
    }
  };

  /**
   * softmax(t x), an array of {@link Program#LENGTH}: a rule that returns an array, whose @Fwd
   * keeps the very array it returns as a residual (so a caller writing into the value would
   * corrupt the residual, unless the reverse sweep restores it first), and whose @Bwd returns a
   * record with an array and a scalar cotangent.
   */
  private static final Rule SOFTMAX = new Rule() {
    @Override public String name() {
      return "softmax";
    }

    @Override public List<Param> params() {
      return List.of(new Param("x", Kind.ARRAY), new Param("t", Kind.DOUBLE));
    }

    @Override public double value(double[] a) {
      throw new UnsupportedOperationException("softmax returns an array");
    }

    @Override public double[] pullback(double[] a, double g) {
      throw new UnsupportedOperationException("softmax returns an array");
    }

    @Override public boolean returnsArray() {
      return true;
    }

    @Override public double[] values(double[] a) {
      int n = Program.LENGTH;
      double t = a[n];
      double m = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        m = Math.max(m, t * a[i]);
      }
      double[] y = new double[n];
      double z = 0;
      for (int i = 0; i < n; i++) {
        y[i] = Math.exp(t * a[i] - m);
        z += y[i];
      }
      for (int i = 0; i < n; i++) {
        y[i] = y[i] / z;
      }
      return y;
    }

    @Override public double[] pullback(double[] a, double[] g) {
      int n = Program.LENGTH;
      double t = a[n];
      double[] y = values(a);
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += y[i] * g[i];
      }
      double[] out = new double[n + 1];
      for (int i = 0; i < n; i++) {
        double gs = y[i] * (g[i] - dot);
        out[i] = t * gs;
        out[n] += a[i] * gs;
      }
      return out;
    }

    @Override public double[] pullbackMagnitudes(double[] a, double[] g) {
      int n = Program.LENGTH;
      double[] y = values(a);
      double dot = 0;
      for (int i = 0; i < n; i++) {
        dot += y[i] * Math.abs(g[i]);
      }
      double[] out = new double[n + 1];
      for (int i = 0; i < n; i++) {
        double gs = y[i] * (Math.abs(g[i]) + dot);
        out[i] = Math.abs(a[n]) * gs;
        out[n] += Math.abs(a[i]) * gs;
      }
      return out;
    }

    @Override public boolean exact() {
      return true;
    }
  };

  static final List<Rule> ALL = List.of(SOFTPLUS, CLIP, PRODUCT, SCALED_SIN, SQUARES, SOFTMAX);

  /**
   * The same functions as {@code @CustomJvp} rules ({@code softplusJ}, ...): forward mode calls
   * their {@code @Jvp}; reverse mode transposes it. Their values and pullbacks are the VJP twins'.
   * Kept apart from {@link #ALL} so that adding them left the programs of recorded seeds as they
   * were (the generator draws them from a stream of their own).
   */
  static final List<Rule> JVP_RULES = List.of(
      // Each with its @Jvp's tangent, as the Java source below computes it: args holds every
      // argument (flattened), t one tangent per differentiable slot.
      twin(SOFTPLUS, (a, t) -> t[0] / (1 + Math.exp(-a[0]))),
      twin(PRODUCT, (a, t) -> a[1] * t[0] + a[0] * t[1]),
      twin(SCALED_SIN, (a, t) -> a[1] != 0 ? a[1] * Math.cos(a[0]) * t[0] : 0.0),
      twin(SQUARES, (a, t) -> {
        double s = 0.0;
        for (int i = 0; i < Program.LENGTH; i++) {
          s += 2 * a[i] * t[i];
        }
        return a[Program.LENGTH] * s;
      }));

  /**
   * {@code @CustomJvp} twins with {@code double[]} parameters and results: {@code softmaxJ}.
   * Drawn from a stream of their own again (see {@code Generator}), after {@link #JVP_RULES},
   * so that programs which draw none stay what they were.
   */
  static final List<Rule> ARRAY_JVP_RULES = List.of(arrayTwin(SOFTMAX, (a, t) -> {
    // softmaxJJvp below: with s = t xDot + tDot x, yDot = y (s - <y, s>)
    int n = Program.LENGTH;
    double[] y = SOFTMAX.values(a);
    double dot = 0.0;
    for (int i = 0; i < n; i++) {
      dot += y[i] * (a[n] * t[i] + t[n] * a[i]);
    }
    double[] yDot = new double[n];
    for (int i = 0; i < n; i++) {
      yDot[i] = y[i] * (a[n] * t[i] + t[n] * a[i] - dot);
    }
    return yDot;
  }));

  /** A {@code @Jvp} rule's tangent: of the arguments and their tangents. */
  private interface JvpMath {
    double tangent(double[] args, double[] argTangents);
  }

  /** A {@code @Jvp} rule's tangent of a {@code double[]} result, per element. */
  private interface ArrayJvpMath {
    double[] tangents(double[] args, double[] argTangents);
  }

  /**
   * {@code rule}, which returns an array, under the name {@code rule.name() + "J"}, whose tangents
   * are {@code jvp}'s; its values and pullbacks are {@code rule}'s.
   */
  private static Rule arrayTwin(Rule rule, ArrayJvpMath jvp) {
    return new Rule() {
      @Override public String name() {
        return rule.name() + "J";
      }

      @Override public List<Param> params() {
        return rule.params();
      }

      @Override public double value(double[] args) {
        return rule.value(args);
      }

      @Override public double[] pullback(double[] args, double cotangent) {
        return rule.pullback(args, cotangent);
      }

      @Override public boolean exact() {
        return rule.exact();
      }

      @Override public boolean returnsArray() {
        return true;
      }

      @Override public double[] values(double[] args) {
        return rule.values(args);
      }

      @Override public double[] pullback(double[] args, double[] cotangent) {
        return rule.pullback(args, cotangent);
      }

      @Override public double[] pullbackMagnitudes(double[] args, double[] cotangent) {
        return rule.pullbackMagnitudes(args, cotangent);
      }

      @Override public double[] tangents(double[] args, double[] argTangents) {
        return jvp.tangents(args, argTangents);
      }
    };
  }

  /**
   * {@code rule} under the name {@code rule.name() + "J"}, whose tangent is {@code jvp}'s (the
   * {@code @Jvp} rule's math, not its twin's pullback).
   */
  private static Rule twin(Rule rule, JvpMath jvp) {
    return new Rule() {
      @Override public String name() {
        return rule.name() + "J";
      }

      @Override public List<Param> params() {
        return rule.params();
      }

      @Override public double value(double[] args) {
        return rule.value(args);
      }

      @Override public double[] pullback(double[] args, double cotangent) {
        return rule.pullback(args, cotangent);
      }

      @Override public boolean exact() {
        return rule.exact();
      }

      @Override public double tangent(double[] args, double[] argTangents) {
        return jvp.tangent(args, argTangents);
      }
    };
  }

  /** {@code Rules.next(n)} returns {@code (calls * NEXT_STEP + NEXT_START) % n}. */
  static final int NEXT_STEP = 5;

  static final int NEXT_START = 2;

  /** The source of {@code fuzz.Rules}: the rules above, written as a user would. */
  static String source() {
    return source(true);
  }

  /**
   * The {@code @CustomVjp} rules that second-order compilations declare {@code order = 2}: those
   * whose {@code @Fwd} and {@code @Bwd} companions the processor can differentiate again (each
   * tried in a twin that calls it, its {@code fHvp} against differences of the gradient). Not
   * {@code clip} (its {@code @Bwd} clips the cotangent, which is not linear in it, so its
   * gradient is not bwd(residuals, 1) times the cotangent: rejected as {@code
   * [AdjointSecondOrderUnsupported]}; a {@code Void} residual itself is fine since stop 29) nor
   * {@code softmax} (second order needs
   * a {@code double} result), so twins that call those two are still rejected.
   */
  static final List<String> ORDER_TWO_VJP_RULES =
      List.of("softplus", "product", "scaledSin", "squares");

  /**
   * The source of {@code fuzz.Rules} for {@link SecondOrderCheck}'s compilations of {@code order
   * = 2} twins: {@link #source(boolean) source(true)} with {@code @CustomVjp(order = 2)} on the
   * {@link #ORDER_TWO_VJP_RULES}, so that twins which call them go through the rules' second
   * derivatives (the derivative of {@code bwd(fwd(x).residuals, 1)}) by the rules' own
   * declaration, not only because an {@code order = 2} caller implies it (which it does since the
   * processor's f464862: the callers' generated code is the same either way; the explicit order
   * also gives the rules that a twin does not call their public second-order members). Every
   * other compilation keeps {@link #source(boolean)}, so first-order programs are compiled with
   * the rules they always were.
   */
  static String secondOrderSource() {
    String source = source(true);
    for (String rule : ORDER_TWO_VJP_RULES) {
      String plain = "  @CustomVjp static double " + rule + "(";
      if (!source.contains(plain)) {
        throw new AssertionError("no @CustomVjp rule " + rule + " returning double");
      }
      source = source.replace(plain, "  @CustomVjp(order = 2) static double " + rule + "(");
    }
    return source;
  }

  /**
   * {@link #source()}, with {@code order = 2} on the {@code @CustomJvp} twins of a {@code double}
   * result only if {@code secondOrder}: a compilation that splits every method ({@code
   * -Aadjoint.splitAbove=0}) would reject their Hessian-vector products (long second-order
   * methods are not split).
   */
  static String source(boolean secondOrder) {
    String source = String.join("\n",
        "package " + PACKAGE + ";",
        "",
        "import dev.adjoint.Bwd;",
        "import dev.adjoint.CustomJvp;",
        "import dev.adjoint.CustomVjp;",
        "import dev.adjoint.Fwd;",
        "import dev.adjoint.Jvp;",
        "import dev.adjoint.NoDiff;",
        "import dev.adjoint.runtime.FwdResult;",
        "import dev.adjoint.runtime.JvpResult;",
        "",
        "final class " + CLASS + " {",
        "  // Unannotated methods with effects: FuzzTest resets and reads calls and trace",
        "  // around every call of a generated form, and compares them with the Reference's.",
        "  static int calls;",
        "  static final StringBuilder trace = new StringBuilder();",
        "  static int next(int n) {",
        "    trace.append('i');",
        "    int v = (calls * " + NEXT_STEP + " + " + NEXT_START + ") % n;",
        "    calls++;",
        "    return v;",
        "  }",
        "  static double level() {",
        "    trace.append('f');",
        "    calls++;",
        "    return 1.0 + 0.5 * (calls % 3);",
        "  }",
        "  static void log(String s) {",
        "    trace.append('[').append(s).append(']');",
        "  }",
        "  static void flip(double[] d) {",
        "    trace.append('s');",
        "    for (int i = 0; i < d.length; i++) {",
        "      d[i] = 1 - d[i];",
        "    }",
        "  }",
        "",
        "  @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }",
        "  @Fwd(\"softplus\") static FwdResult<Double, Double> softplusFwd(double x) {",
        "    return FwdResult.of(Math.log1p(Math.exp(x)), x);",
        "  }",
        "  @Bwd(\"softplus\") static double softplusBwd(Double x, double g) {",
        "    return g / (1 + Math.exp(-x));",
        "  }",
        "",
        "  @CustomVjp static double clip(double x) { return x; }",
        "  @Fwd(\"clip\") static FwdResult<Double, Void> clipFwd(double x) {",
        "    return FwdResult.of(x, null);",
        "  }",
        "  @Bwd(\"clip\") static double clipBwd(Void r, double g) {",
        "    return Math.max(-1.0, Math.min(1.0, g));",
        "  }",
        "",
        "  record ProductRes(double x, double y) {}",
        "  record ProductCot(double x, double y) {}",
        "  @CustomVjp static double product(double x, double y) { return x * y; }",
        "  @Fwd(\"product\") static FwdResult<Double, ProductRes> productFwd(double x, double y) {",
        "    return FwdResult.of(x * y, new ProductRes(x, y));",
        "  }",
        "  @Bwd(\"product\") static ProductCot productBwd(ProductRes r, double g) {",
        "    return new ProductCot(g * r.y(), g * r.x());",
        "  }",
        "",
        "  @CustomVjp static double scaledSin(double x, @NoDiff double k, int m) {",
        "    return k * Math.sin(x) + m;",
        "  }",
        "  @Fwd(\"scaledSin\")",
        "  static FwdResult<Double, Double> scaledSinFwd(double x, double k, int m) {",
        "    return FwdResult.of(k * Math.sin(x) + m, k * Math.cos(x));",
        "  }",
        "  @Bwd(\"scaledSin\") static double scaledSinBwd(Double d, double g) {",
        "    return g * d;",
        "  }",
        "",
        "  @CustomVjp static double squares(double[] x, @NoDiff double w) {",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += x[i] * x[i];",
        "    }",
        "    return s * w;",
        "  }",
        "  record SquaresRes(double[] x, double w) {}",
        "  @Fwd(\"squares\")",
        "  static FwdResult<Double, SquaresRes> squaresFwd(double[] x, double w) {",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += x[i] * x[i];",
        "    }",
        "    return FwdResult.of(s * w, new SquaresRes(x, w));",
        "  }",
        "  @Bwd(\"squares\") static double[] squaresBwd(SquaresRes r, double g) {",
        "    double[] out = new double[r.x().length];",
        "    for (int i = 0; i < out.length; i++) {",
        "      out[i] = 2 * r.w() * g * r.x()[i];",
        "    }",
        "    return out;",
        "  }",
        "",
        "  @CustomVjp static double[] softmax(double[] x, double t) {",
        "    double m = Double.NEGATIVE_INFINITY;",
        "    for (int i = 0; i < x.length; i++) {",
        "      m = Math.max(m, t * x[i]);",
        "    }",
        "    double[] y = new double[x.length];",
        "    double z = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      y[i] = Math.exp(t * x[i] - m);",
        "      z += y[i];",
        "    }",
        "    for (int i = 0; i < x.length; i++) {",
        "      y[i] = y[i] / z;",
        "    }",
        "    return y;",
        "  }",
        "  record SoftmaxRes(double[] y, double[] x, double t) {}",
        "  record SoftmaxCot(double[] x, double t) {}",
        "  @Fwd(\"softmax\")",
        "  static FwdResult<double[], SoftmaxRes> softmaxFwd(double[] x, double t) {",
        "    double[] y = softmax(x, t);",
        "    return FwdResult.of(y, new SoftmaxRes(y, x, t)); // the value is also a residual",
        "  }",
        "  @Bwd(\"softmax\") static SoftmaxCot softmaxBwd(SoftmaxRes r, double[] g) {",
        "    double dot = 0;",
        "    for (int i = 0; i < g.length; i++) {",
        "      dot += r.y()[i] * g[i];",
        "    }",
        "    double[] gx = new double[g.length];",
        "    double gt = 0;",
        "    for (int i = 0; i < g.length; i++) {",
        "      double gs = r.y()[i] * (g[i] - dot);",
        "      gx[i] = r.t() * gs;",
        "      gt += r.x()[i] * gs;",
        "    }",
        "    return new SoftmaxCot(gx, gt);",
        "  }",
        "",
        "  // The @CustomJvp twins: the same values, with their rules written forwards; order = 2",
        "  // (since stop 25), so order = 2 twins go through their rules' second derivatives.",
        "  @CustomJvp(order = 2) static double softplusJ(double x) { return Math.log1p(Math.exp(x)); }",
        "  @Jvp(\"softplusJ\") static JvpResult<Double, Double> softplusJJvp(double x, double xDot) {",
        "    return JvpResult.of(Math.log1p(Math.exp(x)), xDot / (1 + Math.exp(-x)));",
        "  }",
        "",
        "  @CustomJvp(order = 2) static double productJ(double x, double y) { return x * y; }",
        "  @Jvp(\"productJ\") static JvpResult<Double, Double> productJJvp(",
        "      double x, double y, double xDot, double yDot) {",
        "    return JvpResult.of(x * y, y * xDot + x * yDot);",
        "  }",
        "",
        "  @CustomJvp(order = 2) static double scaledSinJ(double x, @NoDiff double k, int m) {",
        "    return k * Math.sin(x) + m;",
        "  }",
        "  @Jvp(\"scaledSinJ\")",
        "  static JvpResult<Double, Double> scaledSinJJvp(double x, double k, int m, double xDot) {",
        "    double t = 0.0;",
        "    if (k != 0) {",
        "      t = k * Math.cos(x) * xDot;",
        "    }",
        "    return JvpResult.of(k * Math.sin(x) + m, t);",
        "  }",
        "",
        "  @CustomJvp(order = 2) static double squaresJ(double[] x, @NoDiff double w) {",
        "    double s = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += x[i] * x[i];",
        "    }",
        "    return s * w;",
        "  }",
        "  @Jvp(\"squaresJ\")",
        "  static JvpResult<Double, Double> squaresJJvp(double[] x, double w, double[] xDot) {",
        "    double s = 0;",
        "    double t = 0.0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      s += x[i] * x[i];",
        "      t += 2 * x[i] * xDot[i];",
        "    }",
        "    return JvpResult.of(s * w, w * t);",
        "  }",
        "",
        "  // softmax again: a double[] parameter and result; its @Jvp takes the value from it.",
        "  @CustomJvp static double[] softmaxJ(double[] x, double t) {",
        "    double m = Double.NEGATIVE_INFINITY;",
        "    for (int i = 0; i < x.length; i++) {",
        "      m = Math.max(m, t * x[i]);",
        "    }",
        "    double[] y = new double[x.length];",
        "    double z = 0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      y[i] = Math.exp(t * x[i] - m);",
        "      z += y[i];",
        "    }",
        "    for (int i = 0; i < x.length; i++) {",
        "      y[i] = y[i] / z;",
        "    }",
        "    return y;",
        "  }",
        "  @Jvp(\"softmaxJ\") static JvpResult<double[], double[]> softmaxJJvp(",
        "      double[] x, double t, double[] xDot, double tDot) {",
        "    double[] y = softmaxJ(x, t);",
        "    double dot = 0.0;",
        "    for (int i = 0; i < x.length; i++) {",
        "      dot += y[i] * (t * xDot[i] + tDot * x[i]);",
        "    }",
        "    double[] yDot = new double[x.length];",
        "    for (int i = 0; i < x.length; i++) {",
        "      yDot[i] = y[i] * (t * xDot[i] + tDot * x[i] - dot);",
        "    }",
        "    return JvpResult.of(y, yDot);",
        "  }",
        "}",
        "");
    return secondOrder ? source : source.replace("@CustomJvp(order = 2)", "@CustomJvp");
  }
}

package dev.adjoint.tests;

import static java.util.Objects.requireNonNull;

import dev.adjoint.runtime.DifferentiableFunction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One {@code @Differentiable} method under test, seen through a point p of its differentiable
 * inputs (nondifferentiable arguments are bound by the lambdas): the user's primal, everything the
 * processor generated for it, where to sample, the gradient derived by hand and the branches the
 * samples must reach.
 *
 * <p>The generated records and pullback objects have a type per method; they are read here by their
 * contract names ({@code value()}, {@code grad()}, {@code pullback(double)}, record components) so
 * one table of subjects drives every generic test.
 */
final class Subject {
  private final String name;
  private final List<String> parameters;
  private final ToDoubleFunction<double[]> primal;
  private final Function<double[], ? extends Record> grad;
  private final Function<double[], ? extends Record> valueAndGrad;
  private final Function<double[], ?> vjp;
  private final DifferentiableFunction function;
  private final Domain domain;
  private final Function<double[], double[]> closedForm;
  private final Function<double[], String> branch;
  private final List<String> branches;
  private final Function<double[], ToDoubleFunction<double[]>> frozenModel;

  private Subject(Builder b) {
    this.name = b.name;
    this.parameters = List.copyOf(b.parameters);
    this.primal = requireNonNull(b.primal, "primal");
    this.grad = requireNonNull(b.grad, "grad");
    this.valueAndGrad = requireNonNull(b.valueAndGrad, "valueAndGrad");
    this.vjp = requireNonNull(b.vjp, "vjp");
    this.function = requireNonNull(b.function, "function");
    this.domain = requireNonNull(b.domain, "domain");
    this.closedForm = requireNonNull(b.closedForm, "closedForm");
    this.branch = b.branch;
    this.branches = List.copyOf(b.branches);
    this.frozenModel = b.frozenModel;
  }

  /** Starts a subject whose gradient record has the components {@code parameters}, in order. */
  static Builder named(String name, String... parameters) {
    return new Builder(name, parameters);
  }

  String name() {
    return name;
  }

  /** The expected names of the gradient record's components. */
  List<String> parameters() {
    return parameters;
  }

  int dimension() {
    return parameters.size();
  }

  double[] sample(Random random) {
    return domain.sample(random);
  }

  /** The user's own method. */
  double primal(double[] p) {
    return primal.applyAsDouble(p.clone());
  }

  /** The gradient derived by hand in the test. */
  double[] closedForm(double[] p) {
    return closedForm.apply(p.clone());
  }

  /** {@code mGrad(...)}. */
  Record grad(double[] p) {
    return grad.apply(p.clone());
  }

  /** {@code mValueAndGrad(...)}: a record with {@code value()} and {@code grad()}. */
  Record valueAndGrad(double[] p) {
    return valueAndGrad.apply(p.clone());
  }

  /** {@code mVjp(...)}: an object with {@code value()} and {@code pullback(double)}. */
  Object vjp(double[] p) {
    return vjp.apply(p.clone());
  }

  /** {@code mFunction(...)}. */
  DifferentiableFunction function() {
    return function;
  }

  /**
   * The function GradCheck compares the generated gradient with at {@code at}: the generated {@code
   * mFunction} itself, or, for a method whose gradient deliberately differs from its derivative
   * ({@code stopGradient}, an active argument to a {@code @NoDiff} parameter), a function whose
   * value is the user's expression with the stopped quantities frozen at {@code at} (so its true
   * gradient at {@code at} is what the contract promises), paired with the generated gradient.
   */
  DifferentiableFunction gradCheckTarget(double[] at) {
    if (frozenModel == null) {
      return function;
    }
    ToDoubleFunction<double[]> model = frozenModel.apply(at.clone());
    return new DifferentiableFunction() {
      @Override
      public int dimension() {
        return function.dimension();
      }

      @Override
      public double value(double[] point) {
        return model.applyAsDouble(point.clone());
      }

      @Override
      public double valueAndGradient(double[] point, double[] gradientOut) {
        return function.valueAndGradient(point, gradientOut);
      }
    };
  }

  boolean hasBranches() {
    return branch != null;
  }

  /** The label of the branch (or combination of branches) taken at p. */
  String branch(double[] p) {
    return branch.apply(p.clone());
  }

  /** Every label {@link #branch} must produce on the domain. */
  List<String> branches() {
    return branches;
  }

  @Override
  public String toString() {
    return name;
  }

  // ------------------------------------------------------------ reading generated objects

  /** The components of a gradient record, in declaration order. */
  static double[] components(Record gradient) {
    RecordComponent[] rc = gradient.getClass().getRecordComponents();
    double[] out = new double[rc.length];
    for (int i = 0; i < rc.length; i++) {
      out[i] = (double) invoke(rc[i].getAccessor(), gradient);
    }
    return out;
  }

  /** The component names of a gradient record, in declaration order. */
  static List<String> componentNames(Record gradient) {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : gradient.getClass().getRecordComponents()) {
      out.add(c.getName());
    }
    return out;
  }

  /** {@code value()} of an {@code MValueAndGrad} record or an {@code MVjp}. */
  static double value(Object generated) {
    return (double) invoke(method(generated, "value"), generated);
  }

  /** {@code grad()} of an {@code MValueAndGrad} record. */
  static Record gradOf(Record valueAndGrad) {
    return (Record) invoke(method(valueAndGrad, "grad"), valueAndGrad);
  }

  /** {@code pullback(cotangent)} of an {@code MVjp}. */
  static Record pullback(Object vjp, double cotangent) {
    return (Record) invoke(method(vjp, "pullback", double.class), vjp, cotangent);
  }

  private static Method method(Object target, String name, Class<?>... parameterTypes) {
    try {
      return target.getClass().getMethod(name, parameterTypes);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(
          target.getClass().getName() + " has no public " + name + Arrays.toString(parameterTypes),
          e);
    }
  }

  private static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (IllegalAccessException e) {
      throw new AssertionError("cannot call " + m, e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new AssertionError(cause);
    }
  }

  /** Fills a {@link Subject}; every part but the branches and the frozen model is required. */
  static final class Builder {
    private final String name;
    private final List<String> parameters;
    private ToDoubleFunction<double[]> primal;
    private Function<double[], ? extends Record> grad;
    private Function<double[], ? extends Record> valueAndGrad;
    private Function<double[], ?> vjp;
    private DifferentiableFunction function;
    private Domain domain;
    private Function<double[], double[]> closedForm;
    private Function<double[], String> branch;
    private List<String> branches = List.of();
    private Function<double[], ToDoubleFunction<double[]>> frozenModel;

    private Builder(String name, String... parameters) {
      this.name = name;
      this.parameters = List.of(parameters);
    }

    /** The user's method, called directly. */
    Builder primal(ToDoubleFunction<double[]> primal) {
      this.primal = primal;
      return this;
    }

    /** {@code mGrad}, {@code mValueAndGrad}, {@code mVjp} and {@code mFunction}. */
    Builder generated(
        Function<double[], ? extends Record> grad,
        Function<double[], ? extends Record> valueAndGrad,
        Function<double[], ?> vjp,
        DifferentiableFunction function) {
      this.grad = grad;
      this.valueAndGrad = valueAndGrad;
      this.vjp = vjp;
      this.function = function;
      return this;
    }

    Builder on(Domain domain) {
      this.domain = domain;
      return this;
    }

    /** The gradient derived by hand, one entry per differentiable parameter. */
    Builder closedForm(Function<double[], double[]> closedForm) {
      this.closedForm = closedForm;
      return this;
    }

    /** Classifies sample points by branch; every label listed must be reached. */
    Builder branches(Function<double[], String> branch, String... labels) {
      this.branch = branch;
      this.branches = List.of(labels);
      return this;
    }

    /** See {@link Subject#gradCheckTarget}. */
    Builder frozenModel(Function<double[], ToDoubleFunction<double[]>> frozenModel) {
      this.frozenModel = frozenModel;
      return this;
    }

    Subject build() {
      return new Subject(this);
    }
  }
}

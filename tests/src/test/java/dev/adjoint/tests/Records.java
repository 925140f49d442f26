package dev.adjoint.tests;

import dev.adjoint.Differentiable;
import dev.adjoint.NoDiff;

/**
 * Records as differentiable parameters (our pytrees, issue 11): a network's parameters in one
 * record passed to per-sample helpers, nested records with components that carry no
 * floating-point data, scalar records, data records read by their array components, records of
 * instance methods, and a record parameter beside a parameter named like one of its leaves.
 */
final class Records {
  private Records() {}

  /** The parameters of a two-layer network, as a user writes them. */
  record Params(double[][] w1, double[] b1, double[][] w2, double[] b2) {}

  /** tanh(W1 x + b1), one per sample. */
  @Differentiable
  static double[] hidden(Params p, double[] x) {
    double[] h = new double[p.b1().length];
    for (int j = 0; j < h.length; j++) {
      double a = p.b1()[j];
      for (int i = 0; i < x.length; i++) {
        a += p.w1()[j][i] * x[i];
      }
      h[j] = Math.tanh(a);
    }
    return h;
  }

  /** W2 h + b2. */
  @Differentiable
  static double[] logits(Params p, double[] h) {
    double[] z = new double[p.b2().length];
    for (int k = 0; k < z.length; k++) {
      double a = p.b2()[k];
      double[] row = p.w2()[k];
      for (int j = 0; j < h.length; j++) {
        a += row[j] * h[j];
      }
      z[k] = a;
    }
    return z;
  }

  /** -log softmax(z)[label], with an enhanced for. */
  @Differentiable
  static double crossEntropy(double[] z, int label) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    return Math.log(sum) + max - z[label];
  }

  /** The program (a): the mean cross-entropy over samples with int[] labels. */
  @Differentiable
  static double loss(Params p, @NoDiff double[][] xs, int[] labels) {
    double total = 0;
    for (int s = 0; s < xs.length; s++) {
      double[] h = hidden(p, xs[s]);
      double[] z = logits(p, h);
      total += crossEntropy(z, labels[s]);
    }
    return total / xs.length;
  }

  /** A layer. */
  record Layer(double[][] w, double[] b) {}

  /** Nested records, and components that carry no floating-point data. */
  record Model(Layer first, double scale, String name, int[] order, Layer second) {}

  /**
   * scale * sum_i order-weighted (first.w[0][i] + first.b[i]) + second.w[0][0] * second.b[0]^2.
   */
  @Differentiable
  static double nested(Model m, double x) {
    double s = 0;
    for (int i = 0; i < m.order().length; i++) {
      int k = m.order()[i];
      s += m.first().w()[0][k] * x + m.first().b()[k];
    }
    return m.scale() * s + m.second().w()[0][0] * m.second().b()[0] * m.second().b()[0];
  }

  /** A scalar record. */
  record Point(double x, double y) {}

  /** |a - b|^2 + a.x * k. */
  @Differentiable
  static double distance2(Point a, Point b, double k) {
    double dx = a.x() - b.x();
    double dy = a.y() - b.y();
    return dx * dx + dy * dy + a.x() * k;
  }

  /** A call between methods that take records: distance2 twice. */
  @Differentiable
  static double twice(Point a, Point b) {
    return distance2(a, b, 1.0) + distance2(b, a, 2.0);
  }

  /** Record locals: one made of values, one sharing a parameter, passed on whole. */
  @Differentiable
  static double midpoint(Point a, Point b) {
    Point mid = new Point(0.5 * (a.x() + b.x()), 0.5 * (a.y() + b.y()));
    Point same = (a);
    return distance2(mid, same, 0.0) + mid.x() * same.y();
  }

  /** A record local holding a parameter's matrix and a local array. */
  @Differentiable
  static double rebuilt(Params p, double[] x) {
    double[] h = hidden(p, x);
    Layer top = new Layer(p.w2(), h);
    double s = 0;
    for (int k = 0; k < top.w().length; k++) {
      for (int j = 0; j < top.b().length; j++) {
        s += top.w()[k][j] * top.b()[j] * top.b()[j];
      }
    }
    return s;
  }

  /** A @NoDiff record passed to a differentiable record parameter: its leaves are constants. */
  @Differentiable
  static double constantRecord(double a, @NoDiff Point c) {
    return distance2(c, c, a) + a;
  }

  /** A differentiable record passed to a @NoDiff record parameter: no gradient flows there. */
  @Differentiable
  static double intoNoDiff(Point p, double a) {
    return scaledX(a, p) + p.y() * a;
  }

  /** a * q.x, with q constant. */
  @Differentiable
  static double scaledX(double a, @NoDiff Point q) {
    return a * q.x();
  }

  /** A type-use annotation on a record parameter ({@code @Marked Point}). */
  @Differentiable
  static double annotated(@Marked Point p) {
    return p.x() * p.y();
  }

  /** Calls the method whose record parameter carries a type-use annotation. */
  @Differentiable
  static double callsAnnotated(Point p) {
    return annotated(p) * 2;
  }

  /** A type-use annotation. */
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)
  @interface Marked {}

  /** Data nested in a data record, indexed through two accessors. */
  record Nested(Data data, int[] order) {}

  /** sum over the order of a * data.xs[k]. */
  @Differentiable
  static double nestedData(double a, @NoDiff Nested n) {
    double s = 0;
    for (int i = 0; i < n.order().length; i++) {
      s += a * n.data().xs()[n.order()[i]];
    }
    return s;
  }

  /** A data record: @NoDiff, read by its array components. */
  record Data(double[] xs, double[] ys) {}

  /** A record with no floating-point data: never differentiated, read by its components. */
  record Order(int n, int[] idx) {}

  /** sum over the order of (a xs[k] - ys[k])^2. */
  @Differentiable
  static double fit(double a, @NoDiff Data d, Order o) {
    double s = 0;
    for (int i = 0; i < o.n(); i++) {
      int k = o.idx()[i];
      double r = a * d.xs()[k] - d.ys()[k];
      s += r * r;
    }
    for (double y : d.ys()) {
      s += 0.0 * y;
    }
    return s;
  }

  /** W x + b: a record parameter with an array result. */
  @Differentiable
  static double[] affine(Layer l, double[] x) {
    double[] y = new double[l.b().length];
    for (int j = 0; j < y.length; j++) {
      double a = l.b()[j];
      for (int i = 0; i < x.length; i++) {
        a += l.w()[j][i] * x[i];
      }
      y[j] = a;
    }
    return y;
  }

  /** A parameter named like a leaf of the record beside it ({@code p_x}). */
  @Differentiable
  static double leafNames(Point p, double p_x) {
    return p.x() * p_x + p.y();
  }

  /** An instance method that takes a record, and reads a record field's array. */
  static final class Spring {
    final double k;
    final Data rest = new Data(new double[] {0.5}, new double[] {-0.25});

    Spring(double k) {
      this.k = k;
    }

    /** k/2 |p - rest|^2. */
    @Differentiable
    double stretched(Point p) {
      double dx = p.x() - rest.xs()[0];
      double dy = p.y() - rest.ys()[0];
      return 0.5 * k * (dx * dx + dy * dy);
    }

    /** k/2 |p|^2. */
    @Differentiable
    double energy(Point p) {
      return 0.5 * k * (p.x() * p.x() + p.y() * p.y());
    }
  }
}

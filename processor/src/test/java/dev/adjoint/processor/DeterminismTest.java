package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Reproducible output: the same sources compiled again, and in other orders, give the same
 * generated files, character for character. Each compilation makes new elements, IR nodes and
 * variables with new identity hash codes, so iterating a {@code HashMap} or {@code HashSet} keyed
 * by them, or depending on the order javac hands out root elements, shows up here as a
 * difference. The sources span several classes and packages, custom rules, calls between classes
 * (a chain of them), nested classes, every kind of statement supported, and a class deferred to a
 * later round.
 */
class DeterminismTest {

  private static final int CHAIN = 8;

  static List<JavaFileObject> sources() {
    List<JavaFileObject> files = new ArrayList<>();
    files.add(
        source(
            "Rules",
            "final class Rules {",
            "  @CustomVjp static double f(double x, double y) { return x * Math.sin(y); }",
            "  record FRes(double x, double sinY, double cosY) {}",
            "  record FCot(double x, double y) {}",
            "  @Fwd(\"f\") static FwdResult<Double, FRes> fFwd(double x, double y) {",
            "    double s = Math.sin(y);",
            "    return FwdResult.of(x * s, new FRes(x, s, Math.cos(y)));",
            "  }",
            "  @Bwd(\"f\") static FCot fBwd(FRes r, double g) {",
            "    return new FCot(g * r.sinY(), g * r.x() * r.cosY());",
            "  }",
            "  @CustomVjp static double softplus(double x) { return Math.log1p(Math.exp(x)); }",
            "  @Fwd(\"softplus\") static FwdResult<Double, Double> softplusFwd(double x) {",
            "    return FwdResult.of(Math.log1p(Math.exp(x)), x);",
            "  }",
            "  @Bwd(\"softplus\") static double softplusBwd(Double x, double g) {",
            "    return g / (1 + Math.exp(-x));",
            "  }",
            "  @Differentiable static double loss(double x, double y) {",
            "    double r = f(x, y);",
            "    return r * r + softplus(x - y);",
            "  }",
            "}"));
    files.add(
        source(
            "Model",
            "import test.lib.Kernels;",
            "final class Model {",
            "  static final double GAIN = 1.5;",
            "  @Differentiable static double energy(double x, double y, @NoDiff double k, int n) {",
            "    double a = Rules.loss(x, y) * Kernels.gauss(x, 1 + y * y);",
            "    double b = Math.max(x, y) - Math.min(x * y, 1.0) + Math.abs(x - y);",
            "    double c = Math.pow(Math.hypot(x, y), 1.5) + Math.atan2(y, x + 2);",
            "    if (a > b) {",
            "      a = a * k + n;",
            "    } else if (x < 0) {",
            "      return b * dev.adjoint.runtime.Ad.stopGradient(c) - x;",
            "    } else {",
            "      b += Math.exp(-a) * GAIN;",
            "    }",
            "    double t = x > y ? Math.sqrt(1 + x * x) : Math.cbrt(y - x);",
            "    t *= a;",
            "    t -= b / (1 + c * c);",
            "    return t + Rules.f(t, x) + (double) n * Math.tanh(y);",
            "  }",
            "  @Differentiable static double unused(double x, double y) {",
            "    double u = Rules.softplus(x);",
            "    return 2 * y;",
            "  }",
            "}"));
    files.add(
        JavaFileObjects.forSourceString(
            "test.lib.Kernels",
            String.join(
                "\n",
                "package test.lib;",
                "",
                "import dev.adjoint.Differentiable;",
                "",
                "public final class Kernels {",
                "  private Kernels() {}",
                "  @Differentiable public static double gauss(double x, double width) {",
                "    return Math.exp(-(x * x) / (2 * width * width));",
                "  }",
                "  @Differentiable public static double cube(double x) { return x * x * x; }",
                "}",
                "")));
    files.add(
        source(
            "Outer",
            "final class Outer {",
            "  static final class Inner {",
            "    @Differentiable static double g(double x) {",
            "      return test.lib.Kernels.cube(x) + Math.sinh(x);",
            "    }",
            "  }",
            "  @Differentiable static double h(double x, double y) {",
            "    return Inner.g(x * y) - Inner.g(y);",
            "  }",
            "}"));
    // Deferred: its signature needs Config, which another processor writes in the first round.
    files.add(
        source(
            "Fns",
            "final class Fns {",
            "  @Differentiable static double f(double x, Config config) {",
            "    return x * Scales.of(config.n()) + Model.energy(x, x, 2.0, config.n());",
            "  }",
            "}"));
    // A chain of classes, each calling the one before: C0 <- C1 <- ... <- C7.
    for (int k = 0; k < CHAIN; k++) {
      String before = "C" + (k - 1);
      String call = k == 0 ? "Math.sin(x)" : before + ".c(x * y, y) + " + before + ".c(y, x)";
      files.add(
          source(
              "C" + k,
              "final class C" + k + " {",
              "  @Differentiable static double c(double x, double y) {",
              "    double s = " + call + ";",
              "    return s * y + (x > 0 ? s : -s);",
              "  }",
              "}"));
    }
    return files;
  }

  /** The generated sources of one compilation of {@code files}, by file name. */
  static Map<String, String> generated(List<JavaFileObject> files) {
    Compilation c =
        javac()
            .withProcessors(new AdjointProcessor(), new RoundsTest.GeneratesConfig())
            .withOptions("-Xlint:all,-processing")
            .compile(files);
    assertThat(c).succeededWithoutWarnings();
    Map<String, String> out = new TreeMap<>();
    for (JavaFileObject f : c.generatedSourceFiles()) {
      try {
        out.put(f.getName(), f.getCharContent(true).toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  @Test
  void generatedSourcesDoNotDependOnTheRunOrTheOrderOfFiles() {
    List<JavaFileObject> files = sources();
    Map<String, String> first = generated(files);
    assertWithMessage("generated files")
        .that(first.keySet().stream().filter(n -> n.endsWith("Adjoint.java")).count())
        .isEqualTo(6 + CHAIN); // Rules, Model, Kernels, Outer, Outer_Inner, Fns, C0..C7

    List<List<JavaFileObject>> orders = new ArrayList<>();
    orders.add(files);
    List<JavaFileObject> reversed = new ArrayList<>(files);
    Collections.reverse(reversed);
    orders.add(reversed);
    List<JavaFileObject> shuffled = new ArrayList<>(files);
    Collections.shuffle(shuffled, new Random(4));
    orders.add(shuffled);
    for (List<JavaFileObject> order : orders) {
      Map<String, String> again = generated(order);
      String names = order.stream().map(JavaFileObject::getName).toList().toString();
      assertWithMessage("generated files, sources in the order %s", names)
          .that(again.keySet())
          .containsExactlyElementsIn(first.keySet())
          .inOrder();
      for (Map.Entry<String, String> e : first.entrySet()) {
        assertWithMessage("%s, sources in the order %s", e.getKey(), names)
            .that(again.get(e.getKey()))
            .isEqualTo(e.getValue());
      }
    }
  }
}

package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loops against hand-derived gradients and GradCheck: zero, one and many trips, a trip count that
 * depends on x, nested loops, a do loop through a call, a custom rule and a branch in a loop.
 */
final class LoopsTest extends GeneratedGradientTest {

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }

  /** How many times halve divides x by 2. */
  private static int halvings(double x) {
    int k = 0;
    while (x > 1) {
      x /= 2;
      k++;
    }
    return k;
  }

  @Override
  List<Subject> subjects() {
    List<Subject> subjects = new ArrayList<>();
    for (int n : new int[] {0, 1, 5}) {
      subjects.add(
          Subject.named("power" + n, "x")
              .primal(p -> Loops.power(p[0], n))
              .generated(
                  p -> LoopsAdjoint.powerGrad(p[0], n),
                  p -> LoopsAdjoint.powerValueAndGrad(p[0], n),
                  p -> LoopsAdjoint.powerVjp(p[0], n),
                  LoopsAdjoint.powerFunction(n))
              .on(Domain.box(-2, 2))
              .closedForm(p -> new double[] {n == 0 ? 0 : n * Math.pow(p[0], n - 1)})
              .build());
    }
    subjects.add(
        Subject.named("expSeries", "x")
            .primal(p -> Loops.expSeries(p[0], 6))
            .generated(
                p -> LoopsAdjoint.expSeriesGrad(p[0], 6),
                p -> LoopsAdjoint.expSeriesValueAndGrad(p[0], 6),
                p -> LoopsAdjoint.expSeriesVjp(p[0], 6),
                LoopsAdjoint.expSeriesFunction(6))
            .on(Domain.box(-3, 3))
            .closedForm(p -> {
              double sum = 0;
              double term = 1;
              for (int k = 0; k < 5; k++) { // d/dx of the first 6 terms: the first 5
                sum += term;
                term *= p[0] / (k + 1);
              }
              return new double[] {sum};
            })
            .build());
    subjects.add(
        Subject.named("halve", "x")
            .primal(p -> Loops.halve(p[0]))
            .generated(
                p -> LoopsAdjoint.halveGrad(p[0]),
                p -> LoopsAdjoint.halveValueAndGrad(p[0]),
                p -> LoopsAdjoint.halveVjp(p[0]),
                LoopsAdjoint.halveFunction())
            .on(Domain.box(0.1, 20).where(p -> Domain.apart(p[0], 1) && Domain.apart(p[0], 2)
                && Domain.apart(p[0], 4) && Domain.apart(p[0], 8) && Domain.apart(p[0], 16)))
            .closedForm(p -> {
              double scale = Math.pow(2, -halvings(p[0]));
              return new double[] {2 * p[0] * scale * scale};
            })
            .branches(p -> halvings(p[0]) == 0 ? "no trip" : halvings(p[0]) == 1 ? "one trip"
                : "several trips", "no trip", "one trip", "several trips")
            .build());
    subjects.add(
        Subject.named("triangle", "x", "y")
            .primal(p -> Loops.triangle(p[0], p[1], 4))
            .generated(
                p -> LoopsAdjoint.triangleGrad(p[0], p[1], 4),
                p -> LoopsAdjoint.triangleValueAndGrad(p[0], p[1], 4),
                p -> LoopsAdjoint.triangleVjp(p[0], p[1], 4),
                LoopsAdjoint.triangleFunction(4))
            .on(Domain.box(-2, 2, -2, 2))
            .closedForm(p -> {
              double dx = 0;
              double dy = 0;
              for (int i = 0; i < 4; i++) {
                for (int j = 0; j <= i; j++) {
                  double c = Math.cos(p[0] * i + p[1] * j);
                  dx += i * c;
                  dy += j * c;
                }
              }
              return new double[] {dx, dy};
            })
            .build());
    for (int n : new int[] {0, 1, 4}) {
      subjects.add(
          Subject.named("countedNest" + n, "x")
              .primal(p -> Loops.countedNest(p[0], n, 3))
              .generated(
                  p -> LoopsAdjoint.countedNestGrad(p[0], n, 3),
                  p -> LoopsAdjoint.countedNestValueAndGrad(p[0], n, 3),
                  p -> LoopsAdjoint.countedNestVjp(p[0], n, 3),
                  LoopsAdjoint.countedNestFunction(n, 3))
              .on(Domain.box(-2, 2))
              .closedForm(p -> {
                double d = 0;
                for (int i = 1; i <= n; i++) {
                  for (int j = i; j <= 2 * i; j++) {
                    d += j * Math.cos(p[0] * j) / i;
                  }
                  for (int j = i + 1; j < 3; j++) {
                    d += j;
                  }
                }
                return new double[] {d};
              })
              .build());
    }
    for (int n : new int[] {1, 3}) {
      subjects.add(
          Subject.named("iterate" + n, "x")
              .primal(p -> Loops.iterate(p[0], n))
              .generated(
                  p -> LoopsAdjoint.iterateGrad(p[0], n),
                  p -> LoopsAdjoint.iterateValueAndGrad(p[0], n),
                  p -> LoopsAdjoint.iterateVjp(p[0], n),
                  LoopsAdjoint.iterateFunction(n))
              .on(Domain.box(-1.5, 1.5))
              .closedForm(p -> {
                // Forward mode by hand: t' = t t' - sin(t) t', once per trip.
                double t = p[0];
                double dt = 1;
                int k = 0;
                do {
                  double next = t * t * 0.5 + Math.cos(t);
                  dt = t * dt - Math.sin(t) * dt;
                  t = next;
                  k++;
                } while (k < n);
                return new double[] {dt};
              })
              .build());
    }
    subjects.add(
        Subject.named("ruleInLoop", "x", "y")
            .primal(p -> Loops.ruleInLoop(p[0], p[1]))
            .generated(
                p -> LoopsAdjoint.ruleInLoopGrad(p[0], p[1]),
                p -> LoopsAdjoint.ruleInLoopValueAndGrad(p[0], p[1]),
                p -> LoopsAdjoint.ruleInLoopVjp(p[0], p[1]),
                LoopsAdjoint.ruleInLoopFunction())
            .on(Domain.box(-2, 2, -2, 2).where(p -> Domain.apart(p[0], p[1])
                && Domain.apart(2 * p[0], p[1]) && Domain.apart(3 * p[0], p[1])
                && Domain.apart(0, p[1])))
            .closedForm(p -> {
              double dx = 0;
              double dy = 0;
              for (int k = 0; k < 4; k++) {
                if (p[0] * k < p[1]) {
                  dx += k * sigmoid(p[0] * k);
                } else {
                  dx -= p[1];
                  dy -= p[0];
                }
              }
              return new double[] {dx, dy};
            })
            .build());
    subjects.add(
        Subject.named("growUntil", "x")
            .primal(p -> Loops.growUntil(p[0]))
            .generated(
                p -> LoopsAdjoint.growUntilGrad(p[0]),
                p -> LoopsAdjoint.growUntilValueAndGrad(p[0]),
                p -> LoopsAdjoint.growUntilVjp(p[0]),
                LoopsAdjoint.growUntilFunction())
            .on(Domain.box(-3, 4.9).where(p -> growTrips(p[0] - 1e-4) == growTrips(p[0] + 1e-4)))
            .closedForm(p -> new double[] {Math.pow(1.5, growTrips(p[0]))})
            .branches(p -> growTrips(p[0]) == 10 ? "ran out" : "broke", "ran out", "broke")
            .build());
    subjects.add(
        Subject.named("evenTerms", "x")
            .primal(p -> Loops.evenTerms(p[0], 7))
            .generated(
                p -> LoopsAdjoint.evenTermsGrad(p[0], 7),
                p -> LoopsAdjoint.evenTermsValueAndGrad(p[0], 7),
                p -> LoopsAdjoint.evenTermsVjp(p[0], 7),
                LoopsAdjoint.evenTermsFunction(7))
            .on(Domain.box(-2, 2))
            .closedForm(p -> {
              double d = 0;
              for (int i = 0; i < 7; i += 2) {
                d -= i * Math.sin(p[0] * i);
              }
              return new double[] {d};
            })
            .build());
    subjects.add(
        Subject.named("firstAbove", "x", "y")
            .primal(p -> Loops.firstAbove(p[0], p[1]))
            .generated(
                p -> LoopsAdjoint.firstAboveGrad(p[0], p[1]),
                p -> LoopsAdjoint.firstAboveValueAndGrad(p[0], p[1]),
                p -> LoopsAdjoint.firstAboveVjp(p[0], p[1]),
                LoopsAdjoint.firstAboveFunction())
            .on(Domain.box(0.05, 0.8, 0.05, 0.8).where(p -> awayFromTwo(p[0], p[1])))
            .closedForm(p -> {
              for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                  double v = p[0] * i + p[1] * j;
                  if (v > 2) {
                    return new double[] {2 * v * i, 2 * v * j};
                  }
                }
              }
              return new double[] {1, 1};
            })
            .branches(p -> Loops.firstAbove(p[0], p[1]) == p[0] + p[1] ? "no return" : "returned",
                "no return", "returned")
            .build());
    return subjects;
  }

  /** Trips growUntil runs from x. */
  private static int growTrips(double x) {
    double t = x;
    for (int i = 0; i < 10; i++) {
      t = t * 1.5 + 0.25;
      if (t > 5) {
        return i + 1;
      }
    }
    return 10;
  }

  /** No x i + y j within 1e-3 of 2, where the returned square would jump. */
  private static boolean awayFromTwo(double x, double y) {
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if (Math.abs(x * i + y * j - 2) < 1e-3) {
          return false;
        }
      }
    }
    return true;
  }

  /** The tape is read, not consumed: a pullback gives the same gradient every time. */
  @Test
  void aPullbackThroughLoopsRunsAnyNumberOfTimes() {
    var vjp = LoopsAdjoint.triangleVjp(0.7, -0.4, 5);
    var first = vjp.pullback(1.0);
    var again = vjp.pullback(1.0);
    var scaled = vjp.pullback(-2.0);
    assertThat(again.x()).isEqualTo(first.x());
    assertThat(again.y()).isEqualTo(first.y());
    assertThat(scaled.x()).isEqualTo(-2.0 * first.x());
    assertThat(scaled.y()).isEqualTo(-2.0 * first.y());
  }
}

package dev.adjoint.tests;

import dev.adjoint.Differentiable;

/** An order = 2 method of another class calling a rule on matrix rows, in a loop. */
final class SecondOrderVjpRuleRedTeamCaller {
  private SecondOrderVjpRuleRedTeamCaller() {}

  @Differentiable(order = 2)
  static double rows(double[][] m, double[] w) {
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      double[] row = m[i];
      s += w[i] * SecondOrderVjpRuleRedTeam.lse(row);
      s += SecondOrderVjpRuleRedTeam.mix(w[i], m[i][0]);
    }
    return s;
  }
}

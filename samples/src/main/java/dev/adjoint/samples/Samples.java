package dev.adjoint.samples;

/** Runs every sample and prints each as a small titled table. */
public final class Samples {
  private Samples() {}

  public static void main(String[] args) {
    ReferenceTutorial.print(System.out);
    StableSoftplus.print(System.out);
    StableSoftplusJvp.print(System.out);
    GradientClipping.print(System.out);
    RuleCheck.print(System.out);
    ImplicitSqrt.print(System.out);
    Rosenbrock.print(System.out);
    NewtonCg.print(System.out);
    LogisticRegression.print(System.out);
    CurveFit.print(System.out);
    TwoSpirals.print(System.out);
  }
}

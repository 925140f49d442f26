package dev.adjoint.samples;

/** Runs every sample. */
public final class Samples {
  private Samples() {}

  public static void main(String[] args) {
    System.out.println("samples");
  }
}

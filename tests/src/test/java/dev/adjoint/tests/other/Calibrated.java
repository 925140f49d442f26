package dev.adjoint.tests.other;

/** A base class of another package whose protected fields a subclass's body reads. */
public class Calibrated {
  protected double scale = 1.5;
  protected static double shift = 0.25;

  protected Calibrated() {}
}

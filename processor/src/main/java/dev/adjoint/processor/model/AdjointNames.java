package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;

/** The names of generated classes and members, in one place. */
public final class AdjointNames {
  private AdjointNames() {}

  /** {@code C} → {@code CAdjoint}; nested {@code Outer.Inner} → {@code Outer_InnerAdjoint}. */
  public static ClassName adjointClass(ClassName owner) {
    return ClassName.get(owner.packageName(), String.join("_", owner.simpleNames()) + "Adjoint");
  }

  public static String gradRecord(Signature s) {
    return s.capitalized() + "Grad";
  }

  public static String valueAndGradRecord(Signature s) {
    return s.capitalized() + "ValueAndGrad";
  }

  public static String vjpClass(Signature s) {
    return s.capitalized() + "Vjp";
  }

  public static String gradMethod(Signature s) {
    return s.name() + "Grad";
  }

  public static String valueAndGradMethod(Signature s) {
    return s.name() + "ValueAndGrad";
  }

  public static String vjpMethod(Signature s) {
    return s.name() + "Vjp";
  }

  public static String functionMethod(Signature s) {
    return s.name() + "Function";
  }

  public static String workspaceClass(Signature s) {
    return s.capitalized() + "Workspace";
  }

  public static String workspaceMethod(Signature s) {
    return s.name() + "Workspace";
  }

  /** The nested class of {@code CAdjoint} with gradients derived from {@code @CustomVjp} bodies. */
  public static final String FROM_BODY = "FromBody";
}

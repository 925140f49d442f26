package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.ArrayList;
import java.util.List;

/** The names of generated classes and members, in one place. */
public final class AdjointNames {
  private AdjointNames() {}

  /** {@code C} → {@code CAdjoint}; nested {@code Outer.Inner} → {@code Outer_InnerAdjoint}. */
  public static ClassName adjointClass(ClassName owner) {
    return ClassName.get(owner.packageName(), String.join("_", owner.simpleNames()) + "Adjoint");
  }

  /**
   * The canonical names of every class whose generated class is {@code adjoint}: {@code
   * A_B_CAdjoint} is made for {@code A_B_C}, {@code A.B_C}, {@code A_B.C} and {@code A.B.C}
   * (each underscore may be a nesting). Capped at 12 underscores (4 096 names).
   */
  public static List<String> ownersOf(ClassName adjoint) {
    String simple = adjoint.simpleName();
    String stem = simple.substring(0, simple.length() - "Adjoint".length());
    List<Integer> underscores = new ArrayList<>();
    for (int i = 1; i < stem.length() - 1; i++) {
      if (stem.charAt(i) == '_' && stem.charAt(i - 1) != '_' && stem.charAt(i + 1) != '_') {
        underscores.add(i);
      }
    }
    int k = Math.min(underscores.size(), 12);
    String prefix = adjoint.packageName().isEmpty() ? "" : adjoint.packageName() + ".";
    List<String> out = new ArrayList<>();
    for (int mask = 0; mask < (1 << k); mask++) {
      char[] name = stem.toCharArray();
      for (int b = 0; b < k; b++) {
        if ((mask & (1 << b)) != 0) {
          name[underscores.get(b)] = '.';
        }
      }
      out.add(prefix + new String(name));
    }
    return out;
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

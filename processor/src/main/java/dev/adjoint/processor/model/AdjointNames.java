package dev.adjoint.processor.model;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
    return s.stem() + "Grad";
  }

  public static String valueAndGradMethod(Signature s) {
    return s.stem() + "ValueAndGrad";
  }

  public static String vjpMethod(Signature s) {
    return s.stem() + "Vjp";
  }

  /** The record of a forward-mode result: {@code MJvp(value, tangent)}. */
  public static String jvpRecord(Signature s) {
    return s.capitalized() + "Jvp";
  }

  /**
   * Whether {@code s} gets a JVP ({@link #jvpMethod}) that generated callers can call: every
   * annotated method whose result is a {@code double}, a {@code double[]} or a {@code
   * double[][]}.
   */
  public static boolean hasJvp(Signature s) {
    return s.result().equals(TypeName.DOUBLE)
        || s.result().equals(ArrayTypeName.of(TypeName.DOUBLE))
        || s.result().equals(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)));
  }

  /** The forward-mode method: {@code mJvp(params..., tangents...)}. */
  public static String jvpMethod(Signature s) {
    return s.stem() + "Jvp";
  }

  /** {@code mJacobian(params...)}, of a method with a {@code double[]} result. */
  public static String jacobianMethod(Signature s) {
    return s.stem() + "Jacobian";
  }

  /** {@code mValueAndJacobian(params...)}. */
  public static String valueAndJacobianMethod(Signature s) {
    return s.stem() + "ValueAndJacobian";
  }

  /** The record {@code MValueAndJacobian(value, jacobian)}. */
  public static String valueAndJacobianRecord(Signature s) {
    return s.capitalized() + "ValueAndJacobian";
  }

  public static String functionMethod(Signature s) {
    return s.stem() + "Function";
  }

  /** {@code mVectorFunction(...)}, of a method with a {@code double[]} result. */
  public static String vectorFunctionMethod(Signature s) {
    return s.stem() + "VectorFunction";
  }

  /** {@code mFlatten(params...)}: the differentiable parameters as one point. */
  public static String flattenMethod(Signature s) {
    return s.stem() + "Flatten";
  }

  /** {@code mUnflatten(point, examples...)}: a point as the differentiable parameters. */
  public static String unflattenMethod(Signature s) {
    return s.stem() + "Unflatten";
  }

  /** {@code mJvpWorkspace()}: forward mode without allocation. */
  public static String jvpWorkspaceMethod(Signature s) {
    return s.stem() + "JvpWorkspace";
  }

  /**
   * The object a forward derivative too long for one JVM method runs on: {@code MTangentSweep}
   * (singular: no other generated name ends in {@code Sweep}, so no method's names meet it).
   */
  public static String tangentSweepClass(Signature s) {
    return s.capitalized() + "TangentSweep";
  }

  /** The class {@code MJvpWorkspace} that {@link #jvpWorkspaceMethod} makes. */
  public static String jvpWorkspaceClass(Signature s) {
    return s.capitalized() + "JvpWorkspace";
  }

  /** The record {@code MHvp(value, grad, hvp)} of an {@code order = 2} method. */
  public static String hvpRecord(Signature s) {
    return s.capitalized() + "Hvp";
  }

  /** {@code mHvp(params..., directions...)}: a Hessian-vector product with value and gradient. */
  public static String hvpMethod(Signature s) {
    return s.stem() + "Hvp";
  }

  /** The class {@code MHvpAt}: Hessian-vector products at one point. */
  public static String hvpAtClass(Signature s) {
    return s.capitalized() + "HvpAt";
  }

  /** {@code mHvpAt(params...)}, which makes an {@link #hvpAtClass}. */
  public static String hvpAtMethod(Signature s) {
    return s.stem() + "HvpAt";
  }

  /** {@code mHessian(params...)}: the full Hessian, symmetric. */
  public static String hessianMethod(Signature s) {
    return s.stem() + "Hessian";
  }

  public static String workspaceClass(Signature s) {
    return s.capitalized() + "Workspace";
  }

  public static String workspaceMethod(Signature s) {
    return s.stem() + "Workspace";
  }

  /** The nested class of {@code CAdjoint} with gradients derived from {@code @CustomVjp} bodies. */
  public static final String FROM_BODY = "FromBody";

  /**
   * The static factory of a Vjp class that other generated code calls: a Vjp that shares the
   * caller's arrays instead of copying them (see {@link #hasSharing}).
   */
  public static final String SHARING = "sharing";

  /**
   * Whether the Vjp class of {@code s} has a {@link #SHARING} factory besides {@code mVjp}: when
   * an argument or the value is an array, which {@code mVjp} copies (the Vjp a user gets is a
   * snapshot) and generated callers, which run the pullback before they change them, share;
   * and for every instance method, whose body may read array fields of its receiver, or one
   * whose record parameters have array components ({@link Signature#dataArrays}), which {@code
   * mVjp} copies likewise.
   */
  public static boolean hasSharing(Signature s) {
    return s.instance() || s.dataArrays() || s.result() instanceof ArrayTypeName
        || s.params().stream().anyMatch(p -> p.type() instanceof ArrayTypeName);
  }

  /** The methods of {@code Object} whose names a record component or an accessor cannot take. */
  private static final Set<String> OBJECT_METHODS = Set.of(
      "clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

  /**
   * The component of a gradient record (and the accessor of a workspace) for parameter {@code
   * name}: the name itself, or {@code name_} for a name that a record component cannot have
   * ({@code hashCode}, {@code toString}, ... : the names of {@code Object}'s methods). So that no
   * two parameters get one component, such a name followed by underscores gets one more too
   * ({@code hashCode_} is {@code hashCode__}).
   */
  public static String component(String name) {
    String stem = name;
    while (stem.endsWith("_")) {
      stem = stem.substring(0, stem.length() - 1);
    }
    return OBJECT_METHODS.contains(stem) ? name + "_" : name;
  }
}

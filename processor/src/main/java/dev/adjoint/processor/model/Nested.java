package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A use of the generated first-order API of an {@code order = 2} method {@code g} of another
 * class inside differentiated code (issue 12, gradients inside differentiated code): {@code
 * GAdjoint.gGrad(args).c()} (also {@code gValueAndGrad(args).grad().c()}), or {@code
 * GAdjoint.gJvp(args, directions).tangent()}. The source layer lowers it to a call of {@link
 * #function}, a function of the caller's class that exists only in its generated class, whose
 * Vjp and JVP {@code codegen}'s {@code NestedWriter} writes from {@code g}'s Hessian-vector
 * product (exact: reverse mode over {@code g}'s forward-mode body). So every transform
 * differentiates through it as through any call of an annotated method.
 *
 * <p>Also a linear call inside a {@code @Jvp} rule's tangent map ({@link #linear}): {@code
 * hJvp(a, aDot).tangent()} of another rule's companion, or {@code GAdjoint.gJvp(a, aDot)
 * .tangent()} of a method {@code g} of another class (any order), with {@code a} constant; its
 * pullback, the transpose, is the target's Vjp at {@code a}.
 *
 * @param kind which value of the API
 * @param target {@code g}'s signature
 * @param component for {@link Kind#GRAD}, the index of the gradient's component among {@code
 *     g}'s differentiable parameters; else -1
 * @param function the function the call is lowered to: its owner is the caller's class, its name
 *     unique among the names of the caller's generated members
 * @param rule for {@link Kind#RULE_TANGENT}, the name of the {@code @Jvp} companion called; else
 *     null
 */
public record Nested(
    Kind kind, Signature target, int component, Signature function, String rule) {

  /** Which value of {@code g}'s generated API. */
  public enum Kind {
    /** {@code gGrad(args).c()}: component {@code c} of the gradient (derivative: a row of H). */
    GRAD,
    /** {@code gJvp(args, v).tangent()} = ∇g·v: its derivative is H v in the args, ∇g in v. */
    JVP_TANGENT,
    /**
     * Inside a {@code @Jvp} rule, {@code hJvp(a, aDot).tangent()} of another rule's {@code @Jvp}
     * companion {@code hJvp}, a linear call: {@code a} is free of tangents (the linearity check
     * makes sure), so the function is linear in {@code aDot}, and its pullback of {@code w} is
     * {@code h}'s Vjp at {@code a} pulled back on {@code w} (first order only).
     */
    RULE_TANGENT,
    /**
     * Inside a {@code @Jvp} rule, {@code GAdjoint.gJvp(a, aDot).tangent()}, a linear call like
     * {@link #RULE_TANGENT}: {@code g}'s Vjp at {@code a} is its transpose.
     */
    LINEAR_JVP_TANGENT,
    /**
     * Inside a Hessian-vector sweep, {@code gJvp(x, v).tangent()} of a callee the sweep goes
     * through, given {@code g}'s products at {@code x} made beforehand ({@code GHvpAt at =
     * GAdjoint.gHvpAt(x)}, which the sweep replays): {@code (at, x, v) ↦ ∇g·v}, whose pullback of
     * {@code w} is {@code w · at.apply(v)} for {@code x} and {@code w ∇g} for {@code v}. Reverse
     * mode only.
     */
    AT_TANGENT,
    /**
     * Inside a Hessian-vector sweep, {@code g(x)} of a callee the sweep goes through, given
     * {@code at} as {@link #AT_TANGENT} is: {@code (at, x) ↦ at.value()}, whose pullback of {@code
     * w} is {@code w ∇g} for {@code x}. Reverse mode only.
     */
    AT_VALUE
  }

  /**
   * Whether this is one of a Hessian-vector sweep's calls given the callee's products made
   * beforehand ({@link Kind#AT_TANGENT}, {@link Kind#AT_VALUE}): its first parameter is them.
   */
  public boolean at() {
    return kind == Kind.AT_TANGENT || kind == Kind.AT_VALUE;
  }

  /**
   * Whether this is a linear call in a {@code @Jvp} rule: then the target's parameters are
   * constants of the function (not differentiable), and only the tangents after them are.
   */
  public boolean linear() {
    return kind == Kind.RULE_TANGENT || kind == Kind.LINEAR_JVP_TANGENT;
  }

  /** The differentiable parameter of {@code g} whose gradient component {@link Kind#GRAD} reads. */
  public Param componentParam() {
    return target.diffParams().get(component);
  }

  /**
   * The function of a use of {@code target}'s API in the class {@code caller}, named {@code
   * stem}: for {@link Kind#GRAD}, {@code g}'s parameters to the component's type; else {@code
   * g}'s parameters (constants of a {@link #linear} one) then one direction per differentiable
   * one (named {@code xDot}, as {@code gJvp} names them), to {@code double}; {@code rule} is the
   * {@code @Jvp} companion a {@link Kind#RULE_TANGENT} calls, else null.
   */
  public static Nested of(Kind kind, Signature target, int component, ClassName caller,
      String stem, String rule) {
    boolean linear = kind == Kind.RULE_TANGENT || kind == Kind.LINEAR_JVP_TANGENT;
    List<Param> params = new ArrayList<>();
    if (kind == Kind.AT_TANGENT || kind == Kind.AT_VALUE) {
      Set<String> names = new HashSet<>();
      target.params().forEach(p -> names.add(p.name()));
      String at = "at";
      while (names.contains(at)) {
        at = at + "_";
      }
      params.add(new Param(at, target.adjointClass().nestedClass(
          AdjointNames.hvpAtClass(target)), false));
    }
    for (Param p : target.params()) {
      params.add(linear ? new Param(p.name(), p.type(), false) : p);
    }
    TypeName result = TypeName.DOUBLE;
    if (kind == Kind.GRAD) {
      result = target.diffParams().get(component).type();
    } else if (kind != Kind.AT_VALUE) {
      Set<String> taken = new HashSet<>();
      target.params().forEach(p -> taken.add(p.name()));
      params.forEach(p -> taken.add(p.name()));
      for (Param p : target.diffParams()) {
        String name = p.name() + "Dot";
        while (!taken.add(name)) {
          name = name + "_";
        }
        params.add(new Param(name, p.type(), true));
      }
    }
    Signature function = new Signature(caller, stem, params, result, false, false);
    return new Nested(kind, target, component, function, rule);
  }

  /**
   * {@link #of} with a fresh name: {@code gGradX}, {@code gJvpTangent}, {@code hJvpTangent} (a
   * rule's companion {@code hJvp} and {@code Tangent}) or {@code gJvpLinear}, else the target's
   * class's name first, else a number last, so that it meets no name in {@code taken} (the
   * caller's annotated methods and its other nested functions, whose generated members would
   * share a stem), compared without case.
   */
  public static Nested named(Kind kind, Signature target, int component, ClassName caller,
      Set<String> taken, String rule) {
    Set<String> lower = new HashSet<>();
    taken.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
    String tail = switch (kind) {
      case GRAD -> "Grad" + capitalize(target.diffParams().get(component).name());
      case JVP_TANGENT -> "JvpTangent";
      case RULE_TANGENT -> "Tangent";
      case LINEAR_JVP_TANGENT -> "JvpLinear";
      case AT_TANGENT -> "JvpTangentAt";
      case AT_VALUE -> "ValueAt";
    };
    String head = kind == Kind.RULE_TANGENT ? rule : target.name();
    String stem = head + tail;
    if (lower.contains(stem.toLowerCase(Locale.ROOT))) {
      stem = Character.toLowerCase(target.owner().simpleName().charAt(0))
          + target.owner().simpleName().substring(1) + capitalize(head) + tail;
    }
    String base = stem;
    for (int i = 2; lower.contains(stem.toLowerCase(Locale.ROOT)); i++) {
      stem = base + i;
    }
    return of(kind, target, component, caller, stem, rule);
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** How messages and Javadoc show the use: {@code GAdjoint.gGrad(...).x()}. */
  public String describe() {
    String adjoint = target.adjointClass().simpleName();
    if (kind == Kind.RULE_TANGENT) {
      return target.owner().simpleName() + "." + rule + "(...).tangent()";
    }
    if (kind == Kind.AT_VALUE) {
      return adjoint + "." + AdjointNames.hvpAtMethod(target) + "(...).value()";
    }
    return kind == Kind.GRAD
        ? adjoint + "." + AdjointNames.gradMethod(target) + "(...)."
            + AdjointNames.component(componentParam().name()) + "()"
        : adjoint + "." + AdjointNames.jvpMethod(target) + "(...).tangent()";
  }
}

package dev.adjoint.processor.source;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Nested;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.validation.MethodValidator;
import dev.adjoint.processor.validation.SignatureReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Finds what a call of a generated class's member is (issue 12, gradients inside differentiated
 * code): the generated class {@code GAdjoint} of another class {@code G}, the annotated method
 * {@code g} whose member it is, and whether {@code g} has its second-order members; and names
 * the {@link Nested} functions of each caller's class, one per distinct use, so that their names
 * meet neither each other nor the generated names of the caller's own methods. The tree side is
 * {@link BodyReader}'s.
 */
final class NestedApis {
  private final Elements elements;
  /** Per caller's generated class, its nested functions by the use they stand for. */
  private final Map<ClassName, Map<String, Nested>> byCaller = new HashMap<>();

  NestedApis(Elements elements) {
    this.elements = elements;
  }

  /** The generated class that {@code member} belongs to (itself or a nested type's), or null. */
  static TypeElement generatedClassOf(ExecutableElement member) {
    for (Element e = member.getEnclosingElement(); e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      if (t.getEnclosingElement() instanceof TypeElement) {
        continue;
      }
      return MethodValidator.isGeneratedByUs(t) ? t : null;
    }
    return null;
  }

  /** The annotated method of {@code api}'s class whose generated member is {@code name}. */
  record Target(TypeElement owner, ExecutableElement method, Signature signature) {}

  /**
   * The annotated methods of the class whose generated class is {@code adjoint}, with their
   * signatures as read (a jar's parameter names are the caller's to fix).
   */
  List<Target> targets(TypeElement adjoint) {
    List<Target> out = new ArrayList<>();
    for (String name : AdjointNames.ownersOf(ClassName.get(adjoint))) {
      TypeElement owner = elements.getTypeElement(name);
      if (owner == null || !MethodValidator.adjointOf(owner).equals(ClassName.get(adjoint))) {
        continue;
      }
      for (ExecutableElement m : MethodValidator.annotatedMethods(owner)) {
        Optional<Signature> s = SignatureReader.read(m).signature();
        if (s.isPresent()) {
          out.add(new Target(owner, m, s.get()));
        }
      }
    }
    return out;
  }

  /** Whether the generated class {@code adjoint} has {@code target}'s {@code gHvp}. */
  static boolean hasSecondOrder(TypeElement adjoint, Signature target) {
    String hvp = AdjointNames.hvpMethod(target);
    return ElementFilter.methodsIn(adjoint.getEnclosedElements()).stream()
        .anyMatch(m -> m.getSimpleName().contentEquals(hvp));
  }

  /**
   * The function of a use in the class {@code caller} (whose generated class is {@code adjoint}):
   * the same one for the same use, a fresh name for a new one ({@code gGradX}, {@code
   * gJvpTangent}), else the target's class's name first, else a number last.
   */
  Nested function(TypeElement caller, ClassName adjoint, Nested.Kind kind, Signature target,
      int component) {
    return function(caller, adjoint, kind, target, component, null);
  }

  /**
   * The function of a use, as above; {@code rule} is the {@code @Jvp} companion that a {@link
   * Nested.Kind#RULE_TANGENT} calls ({@code hJvpTangent}), else null.
   */
  Nested function(TypeElement caller, ClassName adjoint, Nested.Kind kind, Signature target,
      int component, String rule) {
    Map<String, Nested> uses = byCaller.computeIfAbsent(adjoint, a -> new LinkedHashMap<>());
    String key = kind + " " + target.owner().canonicalName() + "." + target.name() + " "
        + component;
    Nested known = uses.get(key);
    if (known != null) {
      return known;
    }
    Set<String> taken = MethodValidator.annotatedMethods(caller).stream()
        .map(m -> m.getSimpleName().toString())
        .collect(Collectors.toSet());
    uses.values().forEach(n -> taken.add(n.function().name()));
    Nested made = Nested.named(kind, target, component, ClassName.get(caller), taken, rule);
    uses.put(key, made);
    return made;
  }

  /** Whether every differentiable parameter of {@code s} is a double or a double[]. */
  static boolean supportedParams(Signature s) {
    return s.diffParams().stream().map(Param::type)
        .allMatch(t -> t.equals(TypeName.DOUBLE) || t.equals(Expr.DOUBLE_ARRAY));
  }

}

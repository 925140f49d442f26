package dev.adjoint.processor.plan;

import com.palantir.javapoet.ClassName;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.model.MethodModel;
import dev.adjoint.processor.model.Nested;
import java.util.List;
import java.util.Optional;

/**
 * One class to generate an adjoint class for: its checked methods and their lowered bodies.
 *
 * @param owner the user's class
 * @param isPublic whether the generated class is public (the user's class and all around it are
 *     public or protected)
 * @param methods its annotated methods, in source order
 * @param nested the functions that its bodies' uses of other classes' generated API are lowered
 *     to ({@link Nested}), each once, in order of first use; the generated class holds them
 */
public record ClassPlan(
    ClassName owner, boolean isPublic, List<MethodPlan> methods, List<Nested> nested) {

  public ClassPlan {
    methods = List.copyOf(methods);
    nested = List.copyOf(nested);
  }

  /**
   * One annotated method.
   *
   * @param model its signature and rule
   * @param body the lowered body: always present for {@code @Differentiable}; for a custom rule's
   *     primal, present when the body is in the supported subset (then {@code FromBody} gets
   *     derivatives to compare the rule with)
   * @param ruleBody for a {@code @CustomJvp} method, its {@code @Jvp} rule's body lowered as its
   *     tangent map ({@link dev.adjoint.processor.model.JvpRule#tangentMap}), which reverse mode
   *     transposes; for a {@code @CustomVjp} method whose companions second order can
   *     differentiate, the tangent map {@code ⟨bwd(fwd(x).residuals, 1), v⟩} ({@code
   *     transform.second.VjpRuleTangent}), which only its second-order
   *     members use; else empty
   */
  public record MethodPlan(
      MethodModel model, Optional<MethodBody> body, Optional<MethodBody> ruleBody) {}
}

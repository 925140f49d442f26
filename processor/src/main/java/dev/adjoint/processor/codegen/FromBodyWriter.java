package dev.adjoint.processor.codegen;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import javax.lang.model.element.Modifier;

/**
 * Writes the nested class {@code FromBody}: for each {@code @CustomVjp} method whose body is in the
 * supported subset, the gradient derived from the body instead of the rule ({@code mValueAndGrad},
 * {@code mGrad} and, where supported, {@code mFunction}), and its forward sweep ({@code mJvp}),
 * to check the rule against. It touches
 * only the {@code FromBody} type it builds, which exists once a method is added.
 */
final class FromBodyWriter {
  private final GeneratedClass g;
  private final ValueAndGradWriter valueAndGrad;
  private final FunctionWriter functions;
  private TypeSpec.Builder type;

  FromBodyWriter(GeneratedClass g, ValueAndGradWriter valueAndGrad, FunctionWriter functions) {
    this.g = g;
    this.valueAndGrad = valueAndGrad;
    this.functions = functions;
  }

  /** Adds the gradient of the {@code @CustomVjp} method that {@code d} derives from its body. */
  void add(ReverseDerivative d, Modifier[] vis) {
    Signature s = d.signature();
    TypeSpec.Builder type = type();
    type.addMethod(valueAndGrad.fusedValueAndGrad(d, vis, "derived from the body of"));
    type.addMethod(valueAndGrad.gradFromValueAndGrad(s, vis));
    type.addMethods(functions.functions(s, vis, true, false));
  }

  private TypeSpec.Builder type() {
    if (type == null) {
      type =
          TypeSpec.classBuilder(AdjointNames.FROM_BODY)
              .addModifiers(Members.visibility(g.plan().isPublic()))
              .addModifiers(Modifier.STATIC, Modifier.FINAL)
              .addJavadoc(
                  "Gradients of {@code @CustomVjp} methods derived from their bodies instead"
                      + " of their rules,\nto check a rule against (the primal's own"
                      + " derivative).\n")
              .addMethod(Members.privateConstructor());
    }
    return type;
  }

  /** Adds the JVP of a {@code @CustomVjp} method's body, {@code FromBody.mJvp}. */
  void addJvp(MethodSpec jvp) {
    type().addMethod(jvp);
  }

  /** Adds {@code FromBody} to {@code adjoint}, if any method was added to it. */
  void addTo(TypeSpec.Builder adjoint) {
    if (type != null) {
      adjoint.addType(type.build());
    }
  }
}

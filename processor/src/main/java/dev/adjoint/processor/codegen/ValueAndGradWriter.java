package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.Members.arguments;
import static dev.adjoint.processor.codegen.Members.link;
import static dev.adjoint.processor.codegen.Members.staticMethod;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the static methods {@code mValueAndGrad}, which runs a derivative's forward and reverse
 * sweeps in one method body and keeps no object, and {@code mGrad}, which calls it. It touches
 * only the methods it returns; the sweeps come from {@link Sweeps}.
 */
final class ValueAndGradWriter {
  private final GeneratedClass g;

  ValueAndGradWriter(GeneratedClass g) {
    this.g = g;
  }

  /** The forward and reverse sweeps in one method: value and gradient, with no object kept. */
  MethodSpec fusedValueAndGrad(ReverseDerivative d, Modifier[] vis, String phrase) {
    Signature s = d.signature();
    Renderer r = g.renderer(d);
    ClassName valueAndGrad = g.valueAndGradType(s);
    CodeBlock.Builder body = CodeBlock.builder();
    body.add(Sweeps.gradient(d, r, false));
    body.addStatement(
        "return new $T($N, $L)", valueAndGrad, r.name(d.result()), Sweeps.newGrad(g, d, r));
    return staticMethod(AdjointNames.valueAndGradMethod(s), s, g.paramNames(d, r), vis,
            valueAndGrad, CodeBlock.of("The value and gradient $L $L.\n", phrase, link(s)),
            "the value, and the gradient, whose arrays the caller owns")
        .addCode(body.build())
        .build();
  }

  /** {@code mGrad}: the gradient part of {@code mValueAndGrad}. */
  MethodSpec gradFromValueAndGrad(Signature s, Modifier[] vis) {
    List<String> names = g.paramNames(s);
    return staticMethod(AdjointNames.gradMethod(s), s, names, vis, g.gradType(s),
            CodeBlock.of("The gradient of $L.\n", link(s)),
            "the gradient, whose arrays the caller owns")
        .addStatement("return $N($L).grad()", AdjointNames.valueAndGradMethod(s), arguments(names))
        .build();
  }
}

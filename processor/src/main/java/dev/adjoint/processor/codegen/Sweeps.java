package dev.adjoint.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A derivative's forward and reverse sweeps as the statements of one method body, and the
 * gradient record they end in. The writers of the fused value-and-gradient method, the Vjp class
 * and the workspace put these into their members; it writes no member itself.
 */
final class Sweeps {
  private Sweeps() {}

  static CodeBlock forward(ReverseDerivative d, Renderer r) {
    return forward(d, r, false);
  }

  /** The forward sweep; {@code reused}: on the workspace's tape, cleared, not a new one. */
  static CodeBlock forward(ReverseDerivative d, Renderer r, boolean reused) {
    r.resetLine();
    CodeBlock.Builder out = CodeBlock.builder();
    out.add("// forward sweep\n");
    d.tape().ifPresent(t -> {
      if (reused) {
        out.addStatement("$T $N = this.$N", t.type(), r.name(t), r.name(t));
        out.addStatement("$N.clear()", r.name(t));
      } else {
        out.addStatement("$T $N = new $T()", t.type(), r.name(t), t.type());
      }
    });
    Set<Variable> hoisted = r.nestedDeclarations(d.forward());
    for (Variable v : hoisted) {
      out.add(r.declareZero(v));
    }
    out.add(r.statements(d.forward().stmts(), hoisted));
    return out.build();
  }

  static CodeBlock reverse(ReverseDerivative d, Renderer r) {
    return reverse(d, r, false);
  }

  /** The reverse sweep; {@code reused}: through the workspace's reader, rewound. */
  static CodeBlock reverse(ReverseDerivative d, Renderer r, boolean reused) {
    r.resetLine();
    CodeBlock.Builder out = CodeBlock.builder();
    d.reader().ifPresent(reader -> out.addStatement(reused ? "$T $N = this.$N.rewind()"
            : "$T $N = $N.reader()", reader.type(), r.name(reader),
        reused ? r.name(reader) : r.name(d.tape().orElseThrow())));
    for (Variable a : d.adjoints()) {
      out.add(r.declareZero(a));
    }
    out.add(r.statements(d.reverse().stmts(), Set.of()));
    return out.build();
  }

  /** {@code new MGrad(xBar, ...)} of the parameters' cotangents after the reverse sweep. */
  static CodeBlock newGrad(GeneratedClass g, ReverseDerivative d, Renderer r) {
    List<CodeBlock> args = new ArrayList<>();
    for (Variable a : d.paramAdjoints().values()) {
      args.add(CodeBlock.of("$N", r.name(a)));
    }
    return CodeBlock.of("new $T($L)", g.gradType(d.signature()), CodeBlock.join(args, ", "));
  }
}

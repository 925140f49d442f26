package dev.adjoint.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
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

  /**
   * Both sweeps of a gradient, for a seed of 1: the derivative's own form for that seed ({@link
   * ReverseDerivative#unitSeed}: tidied, and with its last loop's sweeps fused where that holds;
   * then its seed and the cotangents its forward sweep gathers into are declared first).
   */
  static CodeBlock gradient(ReverseDerivative d, Renderer r, boolean reused) {
    CodeBlock.Builder out = CodeBlock.builder();
    ReverseDerivative unit = d.unitSeed().orElse(d);
    if (unit.early().isEmpty()) {
      out.add(forward(unit, r, reused));
      out.add("\n// reverse sweep\n");
      out.addStatement("$T $N = 1.0", TypeName.DOUBLE, r.name(unit.seed()));
      out.add(reverse(unit, r, reused));
      return out.build();
    }
    out.add("// the forward sweep runs the reverse sweep of its last loop too\n");
    out.addStatement("$T $N = 1.0", TypeName.DOUBLE, r.name(unit.seed()));
    for (Variable a : unit.early()) {
      out.add(r.declareZero(a));
    }
    out.add(forward(unit, r, reused));
    CodeBlock rest = reverse(unit, r, reused);
    if (!rest.isEmpty()) {
      out.add("\n// reverse sweep\n");
      out.add(rest);
    }
    return out.build();
  }

  /** The reverse sweep; {@code reused}: through the workspace's reader, rewound. */
  static CodeBlock reverse(ReverseDerivative d, Renderer r, boolean reused) {
    r.resetLine();
    CodeBlock.Builder out = CodeBlock.builder();
    d.reader().ifPresent(reader -> out.addStatement(reused ? "$T $N = this.$N.rewind()"
            : "$T $N = $N.reader()", reader.type(), r.name(reader),
        reused ? r.name(reader) : r.name(d.tape().orElseThrow())));
    for (Variable a : d.adjoints()) {
      if (!d.early().contains(a)) {
        out.add(r.declareZero(a));
      }
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

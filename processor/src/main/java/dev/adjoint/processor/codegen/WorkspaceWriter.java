package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.BUFFERS;
import static dev.adjoint.processor.codegen.Members.link;
import static dev.adjoint.processor.codegen.Members.paramDocs;
import static dev.adjoint.processor.codegen.Members.parameters;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the workspace of a derived method: the class {@code MWorkspace}, whose {@code
 * valueAndGrad} runs both sweeps on a tape and arrays it keeps from call to call, and the static
 * method {@code mWorkspace} that makes one (for custom rules too). It touches only what it
 * returns; which arrays it reuses it asks of {@link ReverseFacts}.
 */
final class WorkspaceWriter {
  private final GeneratedClass g;

  WorkspaceWriter(GeneratedClass g) {
    this.g = g;
  }

  /** {@code mWorkspace()}: a new workspace. */
  MethodSpec workspaceMethod(Signature s, Modifier[] vis) {
    ClassName workspace = g.workspaceType(s);
    return MethodSpec.methodBuilder(AdjointNames.workspaceMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(workspace)
        .addJavadoc("A new workspace for repeated gradients of $L on one thread.\n\n"
            + "@return the workspace\n", link(s))
        .addStatement("return new $T()", workspace)
        .build();
  }

  /**
   * The workspace class: {@code valueAndGrad} runs the fused forward and reverse sweeps on a tape,
   * arrays and gradient buffers kept from call to call, so repeated calls with the same lengths
   * allocate nothing (calls of other annotated methods still make their pullback objects).
   *
   * <p>An argument may be one of the gradient buffers the accessors returned (a point copied into
   * it), which the reverse sweep would zero while it still reads the argument. With {@code double[]}
   * arguments only, such an argument is copied first (found by identity: cheap). With a matrix
   * argument, which may share rows with a buffer, the reverse sweep works on buffers the accessors
   * never return, and the gradient is copied into theirs at the end, when no argument is read any
   * more.
   */
  TypeSpec workspaceClass(ReverseDerivative derived, Modifier[] vis) {
    // The sweeps of a seed of 1 (Sweeps.gradient): their tape, if they keep one, and arrays.
    ReverseDerivative d = derived.unitSeed().orElse(derived);
    Signature s = d.signature();
    Renderer r = g.renderer(d);
    List<String> names = g.paramNames(d, r);
    Set<Variable> pooled = new ReverseFacts(d).pooled();
    r.pool(pooled);
    // A matrix or 3-D array argument may share rows with a buffer.
    boolean copyOut = s.params().stream().anyMatch(p -> p.type().equals(Expr.DOUBLE_MATRIX)
        || p.type().equals(Expr.DOUBLE_TENSOR3));
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.workspaceClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(
            "A reusable workspace for gradients of $L: {@link #valueAndGrad} writes the gradient"
                + " into\nbuffers this object owns and reuses its tape and arrays, so repeated"
                + " calls with the same\narray lengths allocate nothing. The accessors return"
                + " the last call's gradient, valid until\nthe next call, which may take one of"
                + " them as its argument. Not thread-safe: use one\nworkspace per thread.\n",
            link(s))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
            .addJavadoc("An empty workspace.\n").build());
    d.tape().ifPresent(t -> type.addField(FieldSpec.builder(t.type(), r.name(t),
        Modifier.PRIVATE, Modifier.FINAL).initializer("new $T()", t.type())
        .addJavadoc("The tape, cleared on each call.\n").build()));
    d.reader().ifPresent(reader -> type.addField(FieldSpec.builder(reader.type(),
        r.name(reader), Modifier.PRIVATE, Modifier.FINAL)
        .initializer("$N.reader()", r.name(d.tape().orElseThrow()))
        .addJavadoc("Reads the tape back, rewound on each call.\n").build()));
    for (Variable v : pooled) {
      type.addField(FieldSpec.builder(v.type(), r.name(v), Modifier.PRIVATE)
          .addJavadoc("Reused from call to call.\n").build());
    }
    CodeBlock.Builder body = CodeBlock.builder();
    if (!copyOut) {
      body.add(unaliased(d, r, pooled));
    }
    body.add(Sweeps.gradient(d, r, true));
    for (Map.Entry<String, Variable> p : d.paramAdjoints().entrySet()) {
      Variable bar = p.getValue();
      String field = r.name(bar);
      boolean array = pooled.contains(bar);
      if (array && copyOut) {
        field = r.reserve(r.name(bar) + "Out");
        type.addField(FieldSpec.builder(bar.type(), field, Modifier.PRIVATE)
            .addJavadoc("The buffer the accessor returns.\n").build());
        body.addStatement("this.$N = $T.copied($N, this.$N)", field, BUFFERS, r.name(bar), field);
      } else if (!array) {
        type.addField(FieldSpec.builder(bar.type(), field, Modifier.PRIVATE)
            .addJavadoc("The last call's cotangent.\n").build());
        body.addStatement("this.$N = $N", field, field);
      }
      type.addMethod(MethodSpec.methodBuilder(AdjointNames.component(p.getKey()))
          .addModifiers(Modifier.PUBLIC)
          .returns(bar.type())
          .addJavadoc("The cotangent of {@code $L} from the last call to {@link #valueAndGrad}$L.\n"
                  + "\n@return the cotangent\n",
              p.getKey(), array ? " (owned by this workspace)" : "")
          .addStatement("return $N", field)
          .build());
    }
    body.addStatement("return $N", r.name(d.result()));
    type.addMethod(MethodSpec.methodBuilder("valueAndGrad")
        .addModifiers(Modifier.PUBLIC)
        .addParameters(parameters(s, names))
        .returns(TypeName.DOUBLE)
        .addJavadoc("The value of $L; its gradient is left in this workspace's accessors.\n\n",
            link(s))
        .addJavadoc(paramDocs(s, names))
        .addJavadoc("@return the value\n")
        .addCode(body.build())
        .build());
    return type.build();
  }

  /**
   * {@code if (x != null && (x == this.xBar || ...)) x = x.clone();} for each {@code double[]}
   * argument: a gradient buffer the accessors returned, given back as the next point, would be
   * zeroed under the sweep that reads it.
   */
  private static CodeBlock unaliased(ReverseDerivative d, Renderer r, Set<Variable> pooled) {
    List<Variable> buffers = d.paramAdjoints().values().stream()
        .filter(pooled::contains).toList();
    CodeBlock.Builder out = CodeBlock.builder();
    if (buffers.isEmpty()) {
      return out.build();
    }
    for (Variable p : d.params()) {
      if (!p.type().equals(Expr.DOUBLE_ARRAY)) {
        continue;
      }
      List<CodeBlock> same = new ArrayList<>();
      for (Variable b : buffers) {
        same.add(CodeBlock.of("$N == this.$N", r.name(p), r.name(b)));
      }
      if (out.isEmpty()) {
        out.add("// A gradient buffer given back as an argument: the reverse sweep would zero it.\n");
      }
      out.beginControlFlow("if ($N != null && $L)", r.name(p), same.size() == 1 ? same.get(0)
              : CodeBlock.of("($L)", CodeBlock.join(same, " || ")))
          .addStatement("$N = $N.clone()", r.name(p), r.name(p))
          .endControlFlow();
    }
    return out.build();
  }
}

package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.Members.link;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the records of a method's gradient, for derived methods and custom rules alike: {@code
 * MGrad}, its cotangents, and {@code MValueAndGrad}, its value and gradient. It touches nothing
 * but the records it returns, and reads only the method's signature.
 */
final class GradRecordWriter {
  private GradRecordWriter() {}

  /**
   * {@code MGrad}: one cotangent per differentiable parameter, named after it; a record with an
   * array component prints its elements.
   */
  static TypeSpec gradRecord(Signature s, Modifier[] vis) {
    List<Param> diff = s.diffParams();
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
    CodeBlock.Builder doc = CodeBlock.builder();
    for (Param p : diff) {
      // double, or double[] of the parameter's length
      ctor.addParameter(p.type(), AdjointNames.component(p.name()));
      doc.add("@param $L the cotangent of {@code $L}$L\n", AdjointNames.component(p.name()),
          p.name(), p.type().equals(TypeName.DOUBLE) ? "" : " (null where the argument was null)");
    }
    TypeSpec.Builder record = TypeSpec.recordBuilder(AdjointNames.gradRecord(s))
        .addModifiers(vis)
        .recordConstructor(ctor.build())
        .addJavadoc(
            "The gradient of $L: one cotangent per differentiable parameter, named after it$L.\n",
            link(s),
            diff.stream().anyMatch(p -> !p.type().equals(TypeName.DOUBLE))
                ? " (an array's\ncotangent is an array of its length, owned by the caller)" : "")
        .addJavadoc("\n")
        .addJavadoc(doc.build());
    if (diff.stream().anyMatch(p -> Expr.isArray(p.type()))) {
      // A record prints an array component as [D@1b6d3586: print its elements instead. No class
      // is named in an expression here (a component called java or Arrays would obscure it).
      List<CodeBlock> parts = new ArrayList<>();
      for (Param p : diff) {
        String c = AdjointNames.component(p.name());
        // A record cotangent prints itself.
        parts.add(Expr.isArray(p.type())
            ? CodeBlock.of("$S + elements($N)", c + "=", c) : CodeBlock.of("$S + $N", c + "=", c));
      }
      record.addMethod(MethodSpec.methodBuilder("toString")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .returns(String.class)
          .addJavadoc("The cotangents, arrays element by element.\n\n@return the text\n")
          .addStatement("return $S + $L + $S", AdjointNames.gradRecord(s) + "[",
              CodeBlock.join(parts, " + \", \" + "), "]")
          .build());
      record.addMethod(MethodSpec.methodBuilder("elements")
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .addParameter(Expr.DOUBLE_ARRAY, "a")
          .returns(String.class)
          .addJavadoc("{@code a}'s elements, as {@code Arrays.toString} gives them.\n\n"
              + "@param a the array\n@return the text\n")
          .beginControlFlow("if (a == null)")
          .addStatement("return $S", "null")
          .endControlFlow()
          .addStatement("$T b = new $T($S)", StringBuilder.class, StringBuilder.class, "[")
          .beginControlFlow("for (int i = 0; i < a.length; i++)")
          .addStatement("b.append(i == 0 ? $S : $S).append(a[i])", "", ", ")
          .endControlFlow()
          .addStatement("return b.append(']').toString()")
          .build());
      int rank = diff.stream().mapToInt(p -> Expr.rank(p.type())).max().orElse(0);
      for (TypeName type = Expr.DOUBLE_MATRIX; Expr.rank(type) <= rank;
          type = ArrayTypeName.of(type)) {
        // A matrix prints its rows, a 3-D array its matrices, each by the overload one rank down.
        record.addMethod(MethodSpec.methodBuilder("elements")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addParameter(type, "m")
            .returns(String.class)
            .addJavadoc(Expr.rank(type) == 2
                ? "{@code m}'s rows, as {@code Arrays.deepToString} gives them.\n\n"
                    + "@param m the matrix\n@return the text\n"
                : "{@code m}'s matrices, as {@code Arrays.deepToString} gives them.\n\n"
                    + "@param m the 3-D array\n@return the text\n")
            .beginControlFlow("if (m == null)")
            .addStatement("return $S", "null")
            .endControlFlow()
            .addStatement("$T b = new $T($S)", StringBuilder.class, StringBuilder.class, "[")
            .beginControlFlow("for (int i = 0; i < m.length; i++)")
            .addStatement("b.append(i == 0 ? $S : $S).append(elements(m[i]))", "", ", ")
            .endControlFlow()
            .addStatement("return b.append(']').toString()")
            .build());
      }
    }
    return record.build();
  }

  /** {@code MValueAndGrad}: the value and the gradient. */
  static TypeSpec valueAndGradRecord(Signature s, Modifier[] vis) {
    ClassName grad = ClassName.get("", AdjointNames.gradRecord(s));
    return TypeSpec.recordBuilder(AdjointNames.valueAndGradRecord(s))
        .addModifiers(vis)
        .recordConstructor(
            MethodSpec.constructorBuilder()
                .addParameter(TypeName.DOUBLE, "value")
                .addParameter(grad, "grad")
                .build())
        .addJavadoc("The value of $L and its gradient.\n\n", link(s))
        .addJavadoc("@param value the method's value\n@param grad its gradient\n")
        .build();
  }
}

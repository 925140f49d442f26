package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.DIFFERENTIABLE_FUNCTION;
import static dev.adjoint.processor.codegen.Members.isArray;
import static dev.adjoint.processor.codegen.Members.link;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes the function object of a method with a scalar result: the static {@code
 * mFunction(nondiff...)}, an anonymous {@code DifferentiableFunction} over the method's
 * {@code mValueAndGrad} and {@code mVjp} (or, in {@code FromBody}, over the gradient derived from
 * the body), whose {@code jvp} is the method's {@code mJvp}. It touches only the method it returns and reads only the method's signature.
 */
final class FunctionWriter {
  private final GeneratedClass g;

  FunctionWriter(GeneratedClass g) {
    this.g = g;
  }

  /**
   * Whether {@code mFunction} is generated: for scalar parameters, or for exactly one array
   * parameter (then its length is the function's dimension, bound when the function is made).
   * Mixed scalar and array parameters would need a flattening convention; none is chosen yet.
   */
  static boolean functionSupported(Signature s) {
    return s.diffParams().stream().allMatch(p -> p.type().equals(TypeName.DOUBLE))
        || (s.diffParams().size() == 1 && isArray(s.diffParams().get(0)));
  }

  /**
   * {@code mFunction(nondiff...)}: the method as a {@code DifferentiableFunction} of its
   * differentiable parameters, flattened in declaration order, with the others bound.
   */
  MethodSpec function(Signature s, Modifier[] vis, boolean fromBody) {
    // The anonymous class's own names must not shadow the bound parameters.
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String point = names.newName("point");
    String gradientOut = names.newName("gradientOut");
    String result = names.newName("result");
    String direction = names.newName("direction");
    boolean array = isArray(s.diffParams().get(0));
    String dimensionName = array ? names.newName("dimension") : null;
    List<ParameterSpec> bound = new ArrayList<>();
    CodeBlock.Builder boundDocs = CodeBlock.builder();
    if (array) {
      bound.add(ParameterSpec.builder(TypeName.INT, dimensionName, Modifier.FINAL).build());
      boundDocs.add("@param $L the length of {@code $L}\n", dimensionName,
          s.diffParams().get(0).name());
    }
    List<CodeBlock> args = new ArrayList<>();
    int index = 0;
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      if (p.differentiable()) {
        args.add(array ? CodeBlock.of("$N", point) : CodeBlock.of("$N[$L]", point, index++));
      } else {
        bound.add(ParameterSpec.builder(p.type(), params.get(i), Modifier.FINAL).build());
        boundDocs.add("@param $L the method's {@code $L}, bound\n", params.get(i), p.name());
        args.add(CodeBlock.of("$N", params.get(i)));
      }
    }
    Object dimension = array ? dimensionName : index;
    // The JVP's arguments: the point's, then the direction's in the same places.
    List<CodeBlock> jvpArgs = new ArrayList<>(args);
    for (int i = 0, at = 0; i < s.params().size(); i++) {
      if (s.params().get(i).differentiable()) {
        jvpArgs.add(array ? CodeBlock.of("$N", direction)
            : CodeBlock.of("$N[$L]", direction, at++));
      }
    }
    CodeBlock call = CodeBlock.join(args, ", ");
    ClassName valueAndGrad = g.valueAndGradType(s);
    CodeBlock.Builder gradient = CodeBlock.builder();
    gradient.addStatement("check($N, $N)", point, gradientOut);
    gradient.addStatement(
        "$T $N = $L$N($L)",
        valueAndGrad,
        result,
        fromBody ? CodeBlock.of("$T.$N.", g.adjoint(), AdjointNames.FROM_BODY) : CodeBlock.of(""),
        AdjointNames.valueAndGradMethod(s),
        call);
    int i = 0;
    for (Param p : s.diffParams()) {
      String accessor = AdjointNames.component(p.name());
      if (array) {
        gradient.addStatement("$T.arraycopy($N.grad().$N(), 0, $N, 0, $N)", System.class, result,
            accessor, gradientOut, dimensionName);
      } else {
        gradient.addStatement("$N[$L] = $N.grad().$N()", gradientOut, i++, result, accessor);
      }
    }
    gradient.addStatement("return $N.value()", result);
    CodeBlock value =
        fromBody
            ? CodeBlock.of("return $T.$N($L)", s.owner(), s.name(), call)
            : AdjointNames.hasSharing(s)
                ? CodeBlock.of("return $T.$N($L).value()", g.vjpType(s), AdjointNames.SHARING, call)
                : CodeBlock.of("return $N($L).value()", AdjointNames.vjpMethod(s), call);
    TypeSpec.Builder anonymous =
        TypeSpec.anonymousClassBuilder("")
            .addSuperinterface(DIFFERENTIABLE_FUNCTION)
            .addMethod(
                MethodSpec.methodBuilder("dimension")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(TypeName.INT)
                    .addStatement("return $L", dimension)
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("value")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .addParameter(double[].class, point)
                    .returns(TypeName.DOUBLE)
                    .addStatement("check($N, null)", point)
                    .addStatement(value)
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("valueAndGradient")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .addParameter(double[].class, point)
                    .addParameter(double[].class, gradientOut)
                    .returns(TypeName.DOUBLE)
                    .addCode(gradient.build())
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("check")
                    .addModifiers(Modifier.PRIVATE)
                    .addParameter(double[].class, point)
                    .addParameter(double[].class, gradientOut)
                    .beginControlFlow(
                        "if ($N.length != $L || ($N != null && $N.length != $L))",
                        point, dimension, gradientOut, gradientOut, dimension)
                    .addStatement(
                        "throw new $T($L + $N.length + $S + ($N == null ? $S : $N.length))",
                        IllegalArgumentException.class,
                        array
                            ? CodeBlock.of("$S + $N + $S", s.name() + ": expected a point of length ",
                                dimensionName,
                                " (and a gradient buffer as long), but the point has length ")
                            : CodeBlock.of("$S", s.name() + ": expected a point of length "
                                + dimension
                                + " (and a gradient buffer as long), but the point has length "),
                        point,
                        " and the gradient buffer ",
                        gradientOut,
                        "none",
                        gradientOut)
                    .endControlFlow()
                    .build());
    if (!fromBody) {
      anonymous.addMethod(
          MethodSpec.methodBuilder("jvp")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .addParameter(double[].class, point)
              .addParameter(double[].class, direction)
              .returns(TypeName.DOUBLE)
              .addStatement("check($N, null)", point)
              .addStatement("check($N, null)", direction)
              .addStatement("return $N($L).tangent()", AdjointNames.jvpMethod(s),
                  CodeBlock.join(jvpArgs, ", "))
              .build());
    }
    String bindings = bound.isEmpty() ? "" : " with " + bound.stream().map(ParameterSpec::name)
        .collect(Collectors.joining(", ")) + " bound";
    return MethodSpec.methodBuilder(AdjointNames.functionMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(bound)
        .returns(DIFFERENTIABLE_FUNCTION)
        .addJavadoc(
            "$L as a function of its differentiable parameters ($L$L)$L$L, for"
                + " optimisers and\n{@code GradCheck}.\n\n",
            link(s),
            s.diffParams().stream().map(Param::name).collect(Collectors.joining(", ")),
            array ? ", of length {@code " + dimensionName + "}" : ", in this order",
            bindings,
            fromBody ? ", its gradient derived from its body" : "")
        .addJavadoc(boundDocs.build())
        .addJavadoc("@return the function\n")
        .addStatement("return $L", anonymous.build())
        .build();
  }
}

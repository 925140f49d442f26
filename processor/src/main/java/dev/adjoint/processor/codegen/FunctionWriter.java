package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.DIFFERENTIABLE_FUNCTION;
import static dev.adjoint.processor.codegen.GeneratedClass.VECTOR_FUNCTION;
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
 * Writes the function objects of a method: for a scalar result the static {@code
 * mFunction(nondiff...)}, an anonymous {@code DifferentiableFunction} over the method's
 * {@code mValueAndGrad} and {@code mVjp} (or, in {@code FromBody}, over the gradient derived from
 * the body), whose {@code jvp} is the method's {@code mJvp}; for a {@code double[]} result {@code
 * mVectorFunction(outputDimension, nondiff...)}, an anonymous {@code VectorFunction} over {@code
 * mVjp}, {@code mJvp} and {@code mValueAndJacobian}. It touches only the method it returns and
 * reads only the method's signature.
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
    bind(s, params, bound, boundDocs);
    List<CodeBlock> args = argumentsAt(s, params, CodeBlock.of("$N", point), array);
    Object dimension = array ? dimensionName : s.diffParams().size();
    // The JVP's arguments: the point's, then the direction's in the same places.
    List<CodeBlock> jvpArgs = new ArrayList<>(args);
    jvpArgs.addAll(along(s, CodeBlock.of("$N", direction), array));
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
    // The primal itself, as JAX evaluates a function outside a transformation: no forward sweep
    // that records (a line search calls value many times per gradient), and through callees'
    // custom rules their primal bodies, not their @Fwd.
    CodeBlock value = CodeBlock.of("return $L", Members.primalCall(s, args));
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
                + " optimisers and\n{@code GradCheck}. Its {@code value} calls the method itself"
                + " (no forward sweep).\n\n",
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

  /**
   * {@code mVectorFunction([dimension,] outputDimension, nondiff...)}: a method with a {@code
   * double[]} result as a {@code VectorFunction} of its differentiable parameters (flattened as in
   * {@link #function}), the others bound. Its {@code jvp} is {@code mJvp} and its {@code
   * valueAndJacobian} is {@code mValueAndJacobian}; every value, tangent and Jacobian is checked to
   * have {@code outputDimension} entries, since the signature cannot say how long the result is.
   *
   * @param custom whether the value is a rule's ({@code mVjp}'s) rather than the method's own
   */
  MethodSpec vectorFunction(Signature s, Modifier[] vis, boolean custom) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String point = names.newName("point");
    String direction = names.newName("direction");
    String cotangent = names.newName("cotangent");
    String array = names.newName("array");
    String what = names.newName("what");
    String grad = names.newName("grad");
    String call = names.newName("call");
    String vj = names.newName("valueAndJacobian");
    String outputDimension = names.newName("outputDimension");
    boolean single = isArray(s.diffParams().get(0));
    String dimensionName = single ? names.newName("dimension") : null;
    List<ParameterSpec> bound = new ArrayList<>();
    CodeBlock.Builder boundDocs = CodeBlock.builder();
    if (single) {
      bound.add(ParameterSpec.builder(TypeName.INT, dimensionName, Modifier.FINAL).build());
      boundDocs.add("@param $L the length of {@code $L}\n", dimensionName,
          s.diffParams().get(0).name());
    }
    bound.add(ParameterSpec.builder(TypeName.INT, outputDimension, Modifier.FINAL).build());
    boundDocs.add("@param $L the length of the method's result\n", outputDimension);
    bind(s, params, bound, boundDocs);
    // The arguments at a point, as they are (a derived method writes into no parameter array, and
    // mVjp copies its arguments) or copied for mJvp (which may run a rule, the user's code), then
    // the tangents, in the same places, from a copy of the direction.
    List<CodeBlock> sharedArgs = argumentsAt(s, params, CodeBlock.of("$N", point), single);
    List<CodeBlock> jvpArgs = argumentsAt(s, params,
        single ? CodeBlock.of("$N.clone()", point) : CodeBlock.of("$N", point), single);
    jvpArgs.addAll(along(s,
        single ? CodeBlock.of("$N.clone()", direction) : CodeBlock.of("$N", direction), single));
    Object dimension = single ? dimensionName : s.diffParams().size();
    CodeBlock value = custom
        // mVjp copies its arguments and its value.
        ? CodeBlock.of("$N($L).value()", AdjointNames.vjpMethod(s), CodeBlock.join(sharedArgs, ", "))
        // The method may return an array it keeps or was given: the caller gets its own.
        : CodeBlock.of("$T.copyOf($L)", GeneratedClass.BUFFERS, Members.primalCall(s, sharedArgs));
    CodeBlock.Builder pullback = CodeBlock.builder()
        .addStatement("check($N, $L, $S)", point, dimension, "point")
        .addStatement("check($N, $N, $S)", cotangent, outputDimension, "cotangent")
        // mVjp copies its arguments, and its pullback takes the cotangent as read-only.
        .addStatement("$T $N = $N($L)", g.vjpType(s), call, AdjointNames.vjpMethod(s),
            CodeBlock.join(sharedArgs, ", "))
        .addStatement("output($N.value(), $S)", call, "value")
        .addStatement("$T $N = $N.pullback($N)", g.gradType(s), grad, call, cotangent);
    if (single) {
      pullback.addStatement("return $T.copyOf($N.$N())", GeneratedClass.BUFFERS, grad,
          AdjointNames.component(s.diffParams().get(0).name()));
    } else {
      List<CodeBlock> entries = new ArrayList<>();
      for (Param p : s.diffParams()) {
        entries.add(CodeBlock.of("$N.$N()", grad, AdjointNames.component(p.name())));
      }
      pullback.addStatement("return new double[] {$L}", CodeBlock.join(entries, ", "));
    }
    ClassName pair = VECTOR_FUNCTION.nestedClass("ValueAndJacobian");
    String ownText = s.name() + ": the function was made with outputDimension ";
    TypeSpec anonymous = TypeSpec.anonymousClassBuilder("")
        .addSuperinterface(VECTOR_FUNCTION)
        .addMethod(MethodSpec.methodBuilder("inputDimension")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addStatement("return $L", dimension)
            .build())
        .addMethod(MethodSpec.methodBuilder("outputDimension")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addStatement("return $N", outputDimension)
            .build())
        .addMethod(MethodSpec.methodBuilder("value")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .returns(double[].class)
            .addStatement("check($N, $L, $S)", point, dimension, "point")
            .addStatement("return output($L, $S)", value, "value")
            .build())
        .addMethod(MethodSpec.methodBuilder("pullback")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .addParameter(double[].class, cotangent)
            .returns(double[].class)
            .addCode(pullback.build())
            .build())
        .addMethod(MethodSpec.methodBuilder("jvp")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .addParameter(double[].class, direction)
            .returns(double[].class)
            .addStatement("check($N, $L, $S)", point, dimension, "point")
            .addStatement("check($N, $L, $S)", direction, dimension, "direction")
            .addStatement("return output($N($L).tangent(), $S)", AdjointNames.jvpMethod(s),
                CodeBlock.join(jvpArgs, ", "), "tangent")
            .build())
        .addMethod(MethodSpec.methodBuilder("valueAndJacobian")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .returns(pair)
            .addStatement("check($N, $L, $S)", point, dimension, "point")
            // By pullbacks it goes through mVjp, which copies; by columns the method is pure.
            .addStatement("$T $N = $N($L)", g.adjoint().nestedClass(
                AdjointNames.valueAndJacobianRecord(s)), vj,
                AdjointNames.valueAndJacobianMethod(s), CodeBlock.join(sharedArgs, ", "))
            .addStatement("return new $T(output($N.value(), $S), $N.jacobian())", pair, vj,
                "value", vj)
            .build())
        .addMethod(MethodSpec.methodBuilder("check")
            .addModifiers(Modifier.PRIVATE)
            .addParameter(double[].class, array)
            .addParameter(TypeName.INT, "length")
            .addParameter(String.class, what)
            .beginControlFlow("if ($N.length != length)", array)
            .addStatement("throw new $T($S + $N + $S + length + $S + $N.length)",
                IllegalArgumentException.class, s.name() + ": expected a ", what,
                " of length ", ", but it has length ", array)
            .endControlFlow()
            .build())
        .addMethod(MethodSpec.methodBuilder("output")
            .addModifiers(Modifier.PRIVATE)
            .addParameter(double[].class, array)
            .addParameter(String.class, what)
            .returns(double[].class)
            .beginControlFlow("if ($N.length != $N)", array, outputDimension)
            .addStatement("throw new $T($S + $N + $S + $N + $S + $N.length)",
                IllegalStateException.class, ownText, outputDimension, ", but its ", what,
                " has length ", array)
            .endControlFlow()
            .addStatement("return $N", array)
            .build())
        .build();
    String bindings = bound.size() <= (single ? 2 : 1) ? "" : ", with " + bound.stream()
        .skip(single ? 2 : 1).map(ParameterSpec::name).collect(Collectors.joining(", "))
        + " bound";
    return MethodSpec.methodBuilder(AdjointNames.vectorFunctionMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(bound)
        .returns(VECTOR_FUNCTION)
        .addJavadoc("$L as a vector function of its differentiable parameters ($L$L)$L, for"
                + " least-squares\noptimisers and {@code GradCheck}: {@code jvp} is {@link"
                + " #$L}, {@code valueAndJacobian} is\n{@link #$L}. Each call checks that the"
                + " result has {@code $L} entries.\n\n",
            link(s),
            s.diffParams().stream().map(Param::name).collect(Collectors.joining(", ")),
            single ? ", of length {@code " + dimensionName + "}" : ", in this order",
            bindings, AdjointNames.jvpMethod(s), AdjointNames.valueAndJacobianMethod(s),
            outputDimension)
        .addJavadoc(boundDocs.build())
        .addJavadoc("@return the function\n")
        .addStatement("return $L", anonymous)
        .build();
  }

  /** Adds each non-differentiable parameter, bound when the function is made, with its doc. */
  private static void bind(Signature s, List<String> params, List<ParameterSpec> bound,
      CodeBlock.Builder docs) {
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      if (!p.differentiable()) {
        bound.add(ParameterSpec.builder(p.type(), params.get(i), Modifier.FINAL).build());
        docs.add("@param $L the method's {@code $L}, bound\n", params.get(i), p.name());
      }
    }
  }

  /**
   * The method's arguments at {@code point}: the differentiable ones from it (the whole array
   * where there is a {@code single} array parameter, else one entry each, in order), the others
   * the bound parameters.
   */
  private static List<CodeBlock> argumentsAt(
      Signature s, List<String> params, CodeBlock point, boolean single) {
    List<CodeBlock> args = new ArrayList<>();
    int index = 0;
    for (int i = 0; i < s.params().size(); i++) {
      if (s.params().get(i).differentiable()) {
        args.add(single ? point : CodeBlock.of("$L[$L]", point, index++));
      } else {
        args.add(CodeBlock.of("$N", params.get(i)));
      }
    }
    return args;
  }

  /** The tangent arguments along {@code direction}, flattened as {@link #argumentsAt} does. */
  private static List<CodeBlock> along(Signature s, CodeBlock direction, boolean single) {
    List<CodeBlock> tangents = new ArrayList<>();
    for (int i = 0; i < s.diffParams().size(); i++) {
      tangents.add(single ? direction : CodeBlock.of("$L[$L]", direction, i));
    }
    return tangents;
  }
}

package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.DIFFERENTIABLE_FUNCTION;
import static dev.adjoint.processor.codegen.GeneratedClass.TWICE_DIFFERENTIABLE_FUNCTION;
import static dev.adjoint.processor.codegen.GeneratedClass.VECTOR_FUNCTION;
import static dev.adjoint.processor.codegen.Members.isArray;
import static dev.adjoint.processor.codegen.Members.isMatrix;
import static dev.adjoint.processor.codegen.Members.link;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes the function objects of a method: for a scalar result the static {@code
 * mFunction(nondiff...)}, an anonymous {@code DifferentiableFunction} over the method's
 * {@code mValueAndGrad} and {@code mVjp} (or, in {@code FromBody}, over the gradient derived from
 * the body), whose {@code jvp} is the method's {@code mJvp}; for a {@code double[]} result {@code
 * mVectorFunction(outputDimension, nondiff...)}, an anonymous {@code VectorFunction} over {@code
 * mVjp}, {@code mJvp} and {@code mValueAndJacobian}. Where the differentiable parameters mix
 * scalars, arrays and matrices, the same functions take an example of each array and matrix for
 * the shape of the point ({@link #functions}, {@link #vectorFunctions}), and {@code mFlatten} and
 * {@code mUnflatten} convert between points and parameters ({@link #flattening}). For an {@code
 * order = 2} method {@code mFunction} returns a {@code TwiceDifferentiableFunction}, whose {@code
 * hessianVectorProduct} calls the reverse-over-forward sweep that {@link HvpWriter} writes. It
 * touches only the methods it returns and reads only the method's signature.
 */
final class FunctionWriter {
  private final GeneratedClass g;

  FunctionWriter(GeneratedClass g) {
    this.g = g;
  }

  /**
   * Whether the first form of {@code mFunction} is generated ({@link #function}): for scalar
   * parameters, or for exactly one array parameter (then its length is the function's dimension,
   * bound when the function is made). Other shapes get only the form that takes examples.
   */
  static boolean functionSupported(Signature s) {
    return s.diffParams().stream().allMatch(p -> p.type().equals(TypeName.DOUBLE))
        || (s.diffParams().size() == 1 && isArray(s.diffParams().get(0)));
  }

  /**
   * {@code mFunction(nondiff...)}: the method as a {@code DifferentiableFunction} of its
   * differentiable parameters, flattened in declaration order, with the others bound.
   */
  MethodSpec function(Signature s, Modifier[] vis, boolean fromBody, boolean secondOrder) {
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
            .addSuperinterface(functionType(secondOrder))
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
            .addMethods(pointCheck(s, point, gradientOut, dimension));
    if (!fromBody) {
      anonymous.addMethod(
          MethodSpec.methodBuilder("jvp")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .addParameter(double[].class, point)
              .addParameter(double[].class, direction)
              .returns(TypeName.DOUBLE)
              .addStatement("check($N, null)", point)
              .addStatement("check($N, null, $S, $S)", direction, "direction", "")
              .addStatement("return $N($L).tangent()", AdjointNames.jvpMethod(s),
                  CodeBlock.join(jvpArgs, ", "))
              .build());
    }
    if (secondOrder) {
      String productOut = names.newName("productOut");
      String product = names.newName("product");
      CodeBlock before = CodeBlock.builder()
          .addStatement("check($N, $N, $S, $S)", point, productOut, "point", "product buffer")
          .addStatement("check($N, null, $S, $S)", direction, "direction", "")
          .build();
      anonymous.addMethod(hessianVectorProduct(s, point, direction, productOut, product, before,
          jvpArgs, name -> {
            CodeBlock.Builder write = CodeBlock.builder();
            int k = 0;
            for (Param p : s.diffParams()) {
              String accessor = AdjointNames.component(p.name());
              if (array) {
                write.addStatement("$T.arraycopy($N.$N(), 0, $N, 0, $N)", System.class, name,
                    accessor, productOut, dimensionName);
              } else {
                write.addStatement("$N[$L] = $N.$N()", productOut, k++, name, accessor);
              }
            }
            return write.build();
          }, CodeBlock.of("")));
    }
    String bindings = bound.isEmpty() ? "" : " with " + bound.stream().map(ParameterSpec::name)
        .collect(Collectors.joining(", ")) + " bound";
    return MethodSpec.methodBuilder(AdjointNames.functionMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(bound)
        .returns(functionType(secondOrder))
        .addJavadoc(
            "$L as a function of its differentiable parameters ($L$L)$L$L, for"
                + " optimisers and\n{@code GradCheck}. Its {@code value} calls the method itself"
                + " (no forward sweep)$L.\n\n",
            link(s),
            s.diffParams().stream().map(Param::name).collect(Collectors.joining(", ")),
            array ? ", of length {@code " + dimensionName + "}" : ", in this order",
            bindings,
            fromBody ? ", its gradient derived from its body" : "",
            secondOrder ? ";\nits {@code hessianVectorProduct} is {@code "
                + AdjointNames.hvpAtClass(s) + "}'s {@code apply}" : "")
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
        .addMethod(lengthCheck(s, array, what))
        .addMethod(outputCheck(s, array, what, outputDimension))
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

  /**
   * The {@code check(point, gradientOut)} of a {@code DifferentiableFunction}: the point is of
   * length {@code dimension} (a number, or the name of a local), and so is the
   * gradient buffer where there is one; and {@code check(array, out, what, outWhat)}, which it
   * calls, for a direction and a product buffer too.
   */
  private static List<MethodSpec> pointCheck(
      Signature s, String point, String gradientOut, Object dimension) {
    String what = "what";
    String outWhat = "outWhat";
    MethodSpec general = MethodSpec.methodBuilder("check")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(double[].class, point)
        .addParameter(double[].class, gradientOut)
        .addParameter(String.class, what)
        .addParameter(String.class, outWhat)
        .beginControlFlow(
            "if ($N.length != $L || ($N != null && $N.length != $L))",
            point, dimension, gradientOut, gradientOut, dimension)
        .addStatement(
            "throw new $T($S + $N + $S + $L + ($N == null ? $S : $S + $N + $S) + $S + $N + $S"
                + " + $N.length + ($N == null ? $S : $S + $N + $S + $N.length))",
            IllegalArgumentException.class, s.name() + ": expected a ", what, " of length ",
            dimension, gradientOut, "", " (and a ", outWhat, " as long)", ", but the ", what,
            " has length ", point, gradientOut, "", " and the ", outWhat, " ", gradientOut)
        .endControlFlow()
        .build();
    MethodSpec gradient = MethodSpec.methodBuilder("check")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(double[].class, point)
        .addParameter(double[].class, gradientOut)
        .addStatement("check($N, $N, $S, $S)", point, gradientOut, "point", "gradient buffer")
        .build();
    return List.of(gradient, general);
  }

  /** The {@code check(array, length, what)} of a {@code VectorFunction}'s arguments. */
  private static MethodSpec lengthCheck(Signature s, String array, String what) {
    return MethodSpec.methodBuilder("check")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(double[].class, array)
        .addParameter(TypeName.INT, "length")
        .addParameter(String.class, what)
        .beginControlFlow("if ($N.length != length)", array)
        .addStatement("throw new $T($S + $N + $S + length + $S + $N.length)",
            IllegalArgumentException.class, s.name() + ": expected a ", what,
            " of length ", ", but it has length ", array)
        .endControlFlow()
        .build();
  }

  /** The {@code output(array, what)} of a {@code VectorFunction}: its results' lengths. */
  private static MethodSpec outputCheck(
      Signature s, String array, String what, String outputDimension) {
    return MethodSpec.methodBuilder("output")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(double[].class, array)
        .addParameter(String.class, what)
        .returns(double[].class)
        .beginControlFlow("if ($N.length != $N)", array, outputDimension)
        .addStatement("throw new $T($S + $N + $S + $N + $S + $N.length)",
            IllegalStateException.class,
            s.name() + ": the function was made with outputDimension ", outputDimension,
            ", but its ", what, " has length ", array)
        .endControlFlow()
        .addStatement("return $N", array)
        .build();
  }

  // ------------------------------------------------------------------ any shape, by example

  /**
   * Whether every differentiable parameter is a {@code double}, {@code double[]} or {@code
   * double[][]}: then a point holds them flattened in declaration order (a scalar one coordinate,
   * an array its elements, a matrix its rows one after another), the method gets {@code mFlatten}
   * and {@code mUnflatten} ({@link #flattening}), and its function forms take examples of its
   * arrays for their shapes ({@link #functions}, {@link #vectorFunctions}).
   */
  static boolean flattens(Signature s) {
    return s.diffParams().stream()
        .allMatch(p -> p.type().equals(TypeName.DOUBLE) || Expr.isArray(p.type()));
  }

  /** Whether a differentiable parameter of {@code s} is an array or a matrix. */
  static boolean hasArrays(Signature s) {
    return s.diffParams().stream().anyMatch(p -> !p.type().equals(TypeName.DOUBLE));
  }

  /**
   * The {@code mFunction} forms of a method with a {@code double} result: {@link #function} where
   * its differentiable parameters are scalars or one array, and, where they are any mix of
   * scalars, arrays and matrices with at least one array or matrix, the form that takes an
   * example of each array and matrix ({@code mFunction(examples..., nondiff...)}: with scalars
   * only it would be the first form again; with one array it is the first form with the
   * example's length).
   */
  List<MethodSpec> functions(Signature s, Modifier[] vis, boolean fromBody, boolean secondOrder) {
    List<MethodSpec> out = new ArrayList<>();
    if (functionSupported(s)) {
      out.add(function(s, vis, fromBody, secondOrder));
    }
    if (flattens(s) && hasArrays(s)) {
      out.add(functionSupported(s)
          ? ofExampleLength(s, vis, fromBody, false, secondOrder)
          : functionByExample(s, vis, fromBody, secondOrder));
    }
    return out;
  }

  /** The interface a scalar function factory returns: with Hessian-vector products at order 2. */
  private static ClassName functionType(boolean secondOrder) {
    return secondOrder ? TWICE_DIFFERENTIABLE_FUNCTION : DIFFERENTIABLE_FUNCTION;
  }

  /**
   * {@code hessianVectorProduct(point, direction, productOut)} of an {@code order = 2} method's
   * function: the reverse-over-forward sweep that {@code MHvpAt} holds ({@link HvpWriter}), its
   * product written into {@code productOut} as {@code write} says.
   *
   * @param before statements that run first (the checks, the unflattening)
   * @param args the sweep's arguments: the method's, then the direction's
   * @param write writes the product record (its name given) into {@code productOut}
   * @param after statements that run last (spare arrays put back)
   */
  private MethodSpec hessianVectorProduct(Signature s, String point, String direction,
      String productOut, String product, CodeBlock before, List<CodeBlock> args,
      java.util.function.Function<String, CodeBlock> write, CodeBlock after) {
    return MethodSpec.methodBuilder("hessianVectorProduct")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(double[].class, point)
        .addParameter(double[].class, direction)
        .addParameter(double[].class, productOut)
        .addCode(before)
        .addStatement("$T $N = $T.$N($L)", g.gradType(s), product,
            g.adjoint().nestedClass(AdjointNames.hvpAtClass(s)), HvpWriter.SWEEP,
            CodeBlock.join(args, ",$W"))
        .addCode(after)
        .addCode(write.apply(product))
        .build();
  }

  /** The {@code mVectorFunction} forms of a method with a {@code double[]} result, likewise. */
  List<MethodSpec> vectorFunctions(Signature s, Modifier[] vis, boolean custom) {
    List<MethodSpec> out = new ArrayList<>();
    if (s.diffParams().isEmpty()) {
      return out;
    }
    if (functionSupported(s)) {
      out.add(vectorFunction(s, vis, custom));
    }
    if (flattens(s) && hasArrays(s)) {
      out.add(functionSupported(s)
          ? ofExampleLength(s, vis, false, true, false)
          : vectorFunctionByExample(s, vis, custom));
    }
    return out;
  }

  /**
   * {@code mFlatten} and {@code mUnflatten}, for a method with a {@code double} or {@code
   * double[]} result (the results that have function forms) whose parameters {@link #flattens}.
   */
  List<MethodSpec> flattening(Signature s, Modifier[] vis) {
    boolean hasFunctions = s.result().equals(TypeName.DOUBLE)
        || s.result().equals(ArrayTypeName.of(TypeName.DOUBLE));
    if (!hasFunctions || !flattens(s) || s.diffParams().isEmpty()) {
      return List.of();
    }
    return List.of(flatten(s, vis), unflatten(s, vis));
  }

  /**
   * Where each differentiable parameter's coordinates start in a flat point, and its length.
   *
   * @param offsets one per differentiable parameter: a number while only scalars come before it,
   *     else the name of a local that {@code declarations} declares
   * @param dimension the point's length: a number, an expression, or the name of a local
   * @param declarations the locals, in order
   */
  private record Layout(List<CodeBlock> offsets, CodeBlock dimension, CodeBlock declarations) {}

  /**
   * The layout of the differentiable parameters of {@code s}, of the sizes of {@code diffNames}
   * (their values or examples, as named in the method being written).
   *
   * @param dimension a name for a local holding the point's length, or null for an expression
   */
  private static Layout layout(
      Signature s, List<String> diffNames, NameAllocator names, String dimension) {
    List<Param> diff = s.diffParams();
    CodeBlock.Builder declarations = CodeBlock.builder();
    List<CodeBlock> offsets = new ArrayList<>();
    int constant = 0; // the next offset, while only scalars came before it
    CodeBlock next = null; // else the next offset's expression
    for (int i = 0; i < diff.size(); i++) {
      CodeBlock offset;
      if (next == null) {
        offset = CodeBlock.of("$L", constant);
      } else {
        String local = names.newName(diffNames.get(i) + "At");
        declarations.addStatement("int $N = $L", local, next);
        offset = CodeBlock.of("$N", local);
      }
      offsets.add(offset);
      boolean scalar = diff.get(i).type().equals(TypeName.DOUBLE);
      if (scalar && next == null) {
        constant++;
      } else if (scalar) {
        next = CodeBlock.of("$L + 1", offset);
      } else {
        CodeBlock size = CodeBlock.of("$T.size($N)", GeneratedClass.BUFFERS, diffNames.get(i));
        next = next == null && constant == 0 ? size : CodeBlock.of("$L + $L", offset, size);
      }
    }
    CodeBlock length = next == null ? CodeBlock.of("$L", constant) : next;
    if (dimension != null) {
      declarations.addStatement("int $N = $L", dimension, length);
      length = CodeBlock.of("$N", dimension);
    }
    return new Layout(offsets, length, declarations.build());
  }

  /** The names in {@code params} of the differentiable parameters of {@code s}. */
  private static List<String> diffNames(Signature s, List<String> params) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      if (s.params().get(i).differentiable()) {
        out.add(params.get(i));
      }
    }
    return out;
  }

  /** {@code @param} for an example of differentiable parameter {@code p}, named {@code name}. */
  private static CodeBlock exampleDoc(Param p, String name) {
    return isArray(p)
        ? CodeBlock.of("@param $L an example of {@code $L}: only its length is read (null: {@code"
            + " $L} is null)\n", name, p.name(), p.name())
        : isMatrix(p)
            ? CodeBlock.of("@param $L an example of {@code $L}: only its row lengths are read (a"
                + " null row or matrix\n    stays null)\n", name, p.name())
            : CodeBlock.of("@param $L an example of {@code $L}: only its shape is read (a null"
                + " part stays null)\n", name, p.name());
  }

  /**
   * {@code mFlatten(params...)}: the differentiable parameters of {@code s} as one point, as the
   * function forms take it.
   */
  private MethodSpec flatten(Signature s, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> diffNames = diffNames(s, g.paramNames(s, names));
    String point = names.newName("point");
    List<Param> diff = s.diffParams();
    MethodSpec.Builder m = MethodSpec.methodBuilder(AdjointNames.flattenMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(double[].class)
        .addJavadoc("The differentiable parameters of\n$L\nas one point, as the method's"
                + " function forms take it and {@link #$L} reads it:\n$L.\n\n", link(s),
            AdjointNames.unflattenMethod(s), diff.stream()
                .map(p -> p.type().equals(TypeName.DOUBLE) ? "{@code " + p.name() + "}"
                    : "{@code " + p.name() + "}'s " + (isArray(p) ? "elements"
                        : isMatrix(p) ? "rows one after another" : "elements, row-major"))
                .collect(Collectors.joining(", then ")));
    for (int i = 0; i < diff.size(); i++) {
      m.addParameter(diff.get(i).type(), diffNames.get(i));
      m.addJavadoc("@param $L the method's {@code $L}\n", diffNames.get(i), diff.get(i).name());
    }
    m.addJavadoc("@return a new array\n");
    if (!hasArrays(s)) {
      return m.addStatement("return new double[] {$L}", String.join(", ", diffNames)).build();
    }
    Layout layout = layout(s, diffNames, names, null);
    m.addCode(layout.declarations());
    m.addStatement("double[] $N = new double[$L]", point, layout.dimension());
    for (int i = 0; i < diff.size(); i++) {
      if (diff.get(i).type().equals(TypeName.DOUBLE)) {
        m.addStatement("$N[$L] = $N", point, layout.offsets().get(i), diffNames.get(i));
      } else {
        m.addStatement("$T.flatten($N, $N, $L)", GeneratedClass.BUFFERS, diffNames.get(i), point,
            layout.offsets().get(i));
      }
    }
    return m.addStatement("return $N", point).build();
  }

  /**
   * {@code mUnflatten(point, examples...)}: the differentiable parameters at {@code point}, in the
   * method's gradient record (which has a component of the right name and type for each).
   */
  private MethodSpec unflatten(Signature s, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> diffNames = diffNames(s, g.paramNames(s, names));
    String point = names.newName("point");
    List<Param> diff = s.diffParams();
    MethodSpec.Builder m = MethodSpec.methodBuilder(AdjointNames.unflattenMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(g.gradType(s))
        .addParameter(double[].class, point)
        .addJavadoc("The differentiable parameters of\n$L\nat {@code $L} (as {@link #$L} makes"
                + " it), in the method's record of\nthem, {@code $L} (components $L)$L.\n\n",
            link(s), point, AdjointNames.flattenMethod(s), AdjointNames.gradRecord(s),
            diff.stream().map(Param::name).collect(Collectors.joining(", ")),
            hasArrays(s) ? "; its arrays are new, of the examples' shapes" : "")
        .addJavadoc("@param $L the point\n", point);
    List<CodeBlock> components = new ArrayList<>();
    for (int i = 0; i < diff.size(); i++) {
      if (!diff.get(i).type().equals(TypeName.DOUBLE)) {
        m.addParameter(diff.get(i).type(), diffNames.get(i));
        m.addJavadoc(exampleDoc(diff.get(i), diffNames.get(i)));
      }
    }
    m.addJavadoc("@return the parameters\n")
        .addJavadoc("@throws IllegalArgumentException if the point's length is not the number of"
            + " coordinates\n    of the parameters\n");
    String dimension = hasArrays(s) ? names.newName("dimension") : null;
    Layout layout = layout(s, diffNames, names, dimension);
    m.addCode(layout.declarations());
    for (int i = 0; i < diff.size(); i++) {
      CodeBlock at = layout.offsets().get(i);
      components.add(diff.get(i).type().equals(TypeName.DOUBLE)
          ? CodeBlock.of("$N[$L]", point, at)
          : CodeBlock.of("$T.unflatten($N, $L, $T.zerosLike($N))", GeneratedClass.BUFFERS, point,
              at, GeneratedClass.BUFFERS, diffNames.get(i)));
    }
    String text = s.name() + ": expected a point of length ";
    String after = " (the coordinates of "
        + diff.stream().map(Param::name).collect(Collectors.joining(", "))
        + "), but it has length ";
    m.beginControlFlow("if ($N.length != $L)", point, layout.dimension());
    if (dimension == null) {
      m.addStatement("throw new $T($S + $N.length)", IllegalArgumentException.class,
          text + layout.dimension() + after, point);
    } else {
      m.addStatement("throw new $T($S + $N + $S + $N.length)", IllegalArgumentException.class,
          text, dimension, after, point);
    }
    m.endControlFlow();
    return m.addStatement("return new $T($L)", g.gradType(s), CodeBlock.join(components, ",$W"))
        .build();
  }

  /**
   * The form of a function factory ({@code mFunction}, or {@code mVectorFunction} where {@code
   * vector}) that takes an example of the one array parameter: the form that takes its length.
   */
  private MethodSpec ofExampleLength(Signature s, Modifier[] vis, boolean fromBody,
      boolean vector, boolean secondOrder) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String outputDimension = vector ? names.newName("outputDimension") : null;
    List<ParameterSpec> bound = new ArrayList<>();
    CodeBlock.Builder boundDocs = CodeBlock.builder();
    bind(s, params, bound, boundDocs);
    Param array = s.diffParams().get(0);
    String example = diffNames(s, params).get(0);
    List<ParameterSpec> all = new ArrayList<>();
    List<CodeBlock> args = new ArrayList<>();
    args.add(CodeBlock.of("$T.size($N)", GeneratedClass.BUFFERS, example));
    CodeBlock.Builder docs = CodeBlock.builder();
    if (vector) {
      all.add(ParameterSpec.builder(TypeName.INT, outputDimension, Modifier.FINAL).build());
      docs.add("@param $L the length of the method's result\n", outputDimension);
      args.add(CodeBlock.of("$N", outputDimension));
    }
    all.add(ParameterSpec.builder(array.type(), example, Modifier.FINAL).build());
    docs.add(exampleDoc(array, example));
    all.addAll(bound);
    docs.add(boundDocs.build());
    bound.forEach(p -> args.add(CodeBlock.of("$N", p.name())));
    String name = vector ? AdjointNames.vectorFunctionMethod(s) : AdjointNames.functionMethod(s);
    return MethodSpec.methodBuilder(name)
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(all)
        .returns(vector ? VECTOR_FUNCTION : functionType(secondOrder))
        .addJavadoc("$L\nas a$L function of {@code $L}, of the length of the example {@code $L}:"
                + " the function\n{@code $L($L, ...)} gives for that length, in the form that"
                + " every shape has.\n\n",
            link(s), vector ? " vector" : "", array.name(), example, name,
            vector ? "int, int" : "int")
        .addJavadoc(docs.build())
        .addJavadoc("@return the function\n")
        .addStatement("return $N($L)", name, CodeBlock.join(args, ", "))
        .build();
  }

  /**
   * What a function factory that takes examples writes before its function: the point's layout
   * and the shapes of the arrays to unflatten it into.
   *
   * @param shapes receives the expression that makes new arrays of the examples' shapes, one per
   *     differentiable parameter ({@code 0.0} for a scalar), for the gradient record's constructor
   */
  private static Layout exampleLayout(Signature s, List<String> diffNames, NameAllocator names,
      String dimension, CodeBlock.Builder code, List<CodeBlock> shapes) {
    Layout layout = layout(s, diffNames, names, dimension);
    code.add(layout.declarations());
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      Param p = diff.get(i);
      if (p.type().equals(TypeName.DOUBLE)) {
        shapes.add(CodeBlock.of("0.0"));
      } else if (p.type().equals(Expr.DOUBLE_TENSOR3)) {
        // A 3-D array's shape is kept as a zero array of it, copied for each gradient.
        String shape = names.newName(diffNames.get(i) + "Zeros");
        code.addStatement("$T $N = $T.zerosLike($N)", p.type(), shape, GeneratedClass.BUFFERS,
            diffNames.get(i));
        shapes.add(CodeBlock.of("$T.zerosLike($N)", GeneratedClass.BUFFERS, shape));
      } else {
        String shape = names.newName(diffNames.get(i) + (isArray(p) ? "Length" : "Rows"));
        code.addStatement(isArray(p) ? "int $N = $T.length($N)" : "int[] $N = $T.rowLengths($N)",
            shape, GeneratedClass.BUFFERS, diffNames.get(i));
        shapes.add(CodeBlock.of("$T.zeros($N)", GeneratedClass.BUFFERS, shape));
      }
    }
    return layout;
  }

  /**
   * The method's arguments at a point: a scalar from {@code point} at its offset, an array the
   * component of {@code arrays} (the point's arrays, unflattened), the others the bound
   * parameters.
   */
  private static List<CodeBlock> argumentsFrom(Signature s, List<String> params, Layout layout,
      String point, String arrays) {
    List<CodeBlock> args = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      if (!p.differentiable()) {
        args.add(CodeBlock.of("$N", params.get(i)));
      } else if (p.type().equals(TypeName.DOUBLE)) {
        args.add(CodeBlock.of("$N[$L]", point, layout.offsets().get(k++)));
      } else {
        args.add(CodeBlock.of("$N.$N()", arrays, AdjointNames.component(p.name())));
        k++;
      }
    }
    return args;
  }

  /** The tangents along a direction, in the places {@link #argumentsFrom} gives the point. */
  private static List<CodeBlock> tangentsFrom(Signature s, Layout layout, String direction,
      String along) {
    List<CodeBlock> args = new ArrayList<>();
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      args.add(diff.get(i).type().equals(TypeName.DOUBLE)
          ? CodeBlock.of("$N[$L]", direction, layout.offsets().get(i))
          : CodeBlock.of("$N.$N()", along, AdjointNames.component(diff.get(i).name())));
    }
    return args;
  }

  /** Statements that write {@code grad}'s components into {@code out} at their offsets. */
  private static CodeBlock flattenInto(Signature s, Layout layout, CodeBlock grad, String out) {
    CodeBlock.Builder code = CodeBlock.builder();
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      String component = AdjointNames.component(diff.get(i).name());
      if (diff.get(i).type().equals(TypeName.DOUBLE)) {
        code.addStatement("$N[$L] = $L.$N()", out, layout.offsets().get(i), grad, component);
      } else {
        code.addStatement("$T.flatten($L.$N(), $N, $L)", GeneratedClass.BUFFERS, grad, component,
            out, layout.offsets().get(i));
      }
    }
    return code.build();
  }

  /**
   * The field {@code spare} of a function that takes examples: the arrays a point is unflattened
   * into, in a gradient record, taken by one call at a time ({@link #take}) and put back when it
   * is done, so that calls on one thread allocate none after the first, and calls at once on
   * several threads (or from inside the method) get arrays of their own.
   */
  private FieldSpec spare(Signature s, String spare) {
    return FieldSpec.builder(
            ParameterizedTypeName.get(ClassName.get(AtomicReference.class), g.gradType(s)), spare,
            Modifier.PRIVATE, Modifier.FINAL)
        .initializer("new $T<>()", AtomicReference.class)
        .build();
  }

  /** The method {@code take(point)} that goes with {@link #spare}. */
  private MethodSpec take(Signature s, Layout layout, List<CodeBlock> shapes, String spare,
      String point, String arrays) {
    TypeName record = g.gradType(s);
    MethodSpec.Builder take = MethodSpec.methodBuilder("take")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(double[].class, point)
        .returns(record)
        .addStatement("$T $N = $N.getAndSet(null)", record, arrays, spare)
        .beginControlFlow("if ($N == null)", arrays)
        .addStatement("$N = new $T($L)", arrays, record, CodeBlock.join(shapes, ",$W"))
        .endControlFlow();
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      if (!diff.get(i).type().equals(TypeName.DOUBLE)) {
        take.addStatement("$T.unflatten($N, $L, $N.$N())", GeneratedClass.BUFFERS, point,
            layout.offsets().get(i), arrays, AdjointNames.component(diff.get(i).name()));
      }
    }
    return take.addStatement("return $N", arrays).build();
  }

  /** The parameters of a factory that takes examples: the examples, then the bound parameters. */
  private static List<ParameterSpec> examplesThenBound(Signature s, List<String> params,
      List<ParameterSpec> before, CodeBlock.Builder docs) {
    List<ParameterSpec> out = new ArrayList<>(before);
    List<Param> diff = s.diffParams();
    List<String> diffNames = diffNames(s, params);
    for (int i = 0; i < diff.size(); i++) {
      if (!diff.get(i).type().equals(TypeName.DOUBLE)) {
        out.add(ParameterSpec.builder(diff.get(i).type(), diffNames.get(i), Modifier.FINAL)
            .build());
        docs.add(exampleDoc(diff.get(i), diffNames.get(i)));
      }
    }
    List<ParameterSpec> bound = new ArrayList<>();
    bind(s, params, bound, docs);
    out.addAll(bound);
    return out;
  }

  /**
   * {@code mFunction(examples..., nondiff...)}: the method as a {@code DifferentiableFunction} of
   * its differentiable parameters flattened as {@link #flatten} does, of the shapes of the
   * examples, the others bound. Like {@link #function}, its {@code value} calls the method itself
   * and its gradient is {@code mValueAndGrad}'s.
   */
  private MethodSpec functionByExample(Signature s, Modifier[] vis, boolean fromBody,
      boolean secondOrder) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> diffNames = diffNames(s, params);
    String point = names.newName("point");
    String gradientOut = names.newName("gradientOut");
    String direction = names.newName("direction");
    String result = names.newName("result");
    String value = names.newName("value");
    String tangent = names.newName("tangent");
    String arrays = names.newName("arrays");
    String along = names.newName("along");
    String spare = names.newName("spare");
    String dimension = names.newName("dimension");
    CodeBlock.Builder docs = CodeBlock.builder();
    List<ParameterSpec> all = examplesThenBound(s, params, List.of(), docs);
    CodeBlock.Builder body = CodeBlock.builder();
    List<CodeBlock> shapes = new ArrayList<>();
    Layout layout = exampleLayout(s, diffNames, names, dimension, body, shapes);
    List<CodeBlock> args = argumentsFrom(s, params, layout, point, arrays);
    TypeName record = g.gradType(s);
    TypeSpec.Builder anonymous = TypeSpec.anonymousClassBuilder("")
        .addSuperinterface(functionType(secondOrder));
    anonymous
        .addField(spare(s, spare))
        .addMethod(MethodSpec.methodBuilder("dimension")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addStatement("return $N", dimension)
            .build())
        .addMethod(MethodSpec.methodBuilder("value")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .returns(TypeName.DOUBLE)
            .addStatement("check($N, null)", point)
            .addStatement("$T $N = take($N)", record, arrays, point)
            // The primal itself, as in function(...).
            .addStatement("double $N = $L", value, Members.primalCall(s, args))
            .addStatement("$N.set($N)", spare, arrays)
            .addStatement("return $N", value)
            .build())
        .addMethod(MethodSpec.methodBuilder("valueAndGradient")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .addParameter(double[].class, gradientOut)
            .returns(TypeName.DOUBLE)
            .addStatement("check($N, $N)", point, gradientOut)
            .addStatement("$T $N = take($N)", record, arrays, point)
            .addStatement("$T $N = $L$N($L)", g.valueAndGradType(s), result,
                fromBody ? CodeBlock.of("$T.$N.", g.adjoint(), AdjointNames.FROM_BODY)
                    : CodeBlock.of(""),
                AdjointNames.valueAndGradMethod(s), CodeBlock.join(args, ", "))
            .addStatement("$N.set($N)", spare, arrays)
            .addCode(flattenInto(s, layout, CodeBlock.of("$N.grad()", result), gradientOut))
            .addStatement("return $N.value()", result)
            .build());
    if (!fromBody) {
      List<CodeBlock> jvpArgs = new ArrayList<>(args);
      jvpArgs.addAll(tangentsFrom(s, layout, direction, along));
      anonymous.addMethod(MethodSpec.methodBuilder("jvp")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .addParameter(double[].class, point)
          .addParameter(double[].class, direction)
          .returns(TypeName.DOUBLE)
          .addStatement("check($N, null)", point)
          .addStatement("check($N, null, $S, $S)", direction, "direction", "")
          .addStatement("$T $N = take($N)", record, arrays, point)
          // The direction's arrays are this call's own: only one set goes back.
          .addStatement("$T $N = take($N)", record, along, direction)
          .addStatement("double $N = $N($L).tangent()", tangent, AdjointNames.jvpMethod(s),
              CodeBlock.join(jvpArgs, ",$W"))
          .addStatement("$N.set($N)", spare, arrays)
          .addStatement("return $N", tangent)
          .build());
    }
    if (secondOrder) {
      String productOut = names.newName("productOut");
      String product = names.newName("product");
      List<CodeBlock> sweepArgs = new ArrayList<>(args);
      sweepArgs.addAll(tangentsFrom(s, layout, direction, along));
      CodeBlock before = CodeBlock.builder()
          .addStatement("check($N, $N, $S, $S)", point, productOut, "point", "product buffer")
          .addStatement("check($N, null, $S, $S)", direction, "direction", "")
          .addStatement("$T $N = take($N)", record, arrays, point)
          // The direction's arrays are this call's own: only one set goes back.
          .addStatement("$T $N = take($N)", record, along, direction)
          .build();
      anonymous.addMethod(hessianVectorProduct(s, point, direction, productOut, product, before,
          sweepArgs, name -> flattenInto(s, layout, CodeBlock.of("$N", name), productOut),
          CodeBlock.of("$N.set($N);\n", spare, arrays)));
    }
    anonymous.addMethod(take(s, layout, shapes, spare, point, arrays))
        .addMethods(pointCheck(s, point, gradientOut, dimension));
    return MethodSpec.methodBuilder(AdjointNames.functionMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(all)
        .returns(functionType(secondOrder))
        .addJavadoc("$L\nas a function of its differentiable parameters ($L), flattened into one"
                + " point as\n{@link $T#$N} does, in the shapes of the\nexamples given$L$L, for"
                + " optimisers and {@code GradCheck}. Its {@code value} calls the\nmethod itself"
                + " (no forward sweep). Calls may run at once on several threads; on one, they\n"
                + "reuse the arrays they unflatten a point into.\n\n",
            link(s),
            s.diffParams().stream().map(Param::name).collect(Collectors.joining(", ")),
            g.adjoint(), AdjointNames.flattenMethod(s), bindings(s, params),
            fromBody ? ", its gradient derived from its body" : "")
        .addJavadoc(docs.build())
        .addJavadoc("@return the function\n")
        .addCode(body.build())
        .addStatement("return $L", anonymous.build())
        .build();
  }

  /**
   * {@code mVectorFunction(outputDimension, examples..., nondiff...)}: {@link #vectorFunction}
   * for any mix of differentiable parameters, flattened as {@link #flatten} does, of the shapes
   * of the examples.
   */
  private MethodSpec vectorFunctionByExample(Signature s, Modifier[] vis, boolean custom) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> diffNames = diffNames(s, params);
    String point = names.newName("point");
    String direction = names.newName("direction");
    String cotangent = names.newName("cotangent");
    String array = names.newName("array");
    String what = names.newName("what");
    String grad = names.newName("grad");
    String call = names.newName("call");
    String vj = names.newName("valueAndJacobian");
    String value = names.newName("value");
    String tangent = names.newName("tangent");
    String flat = names.newName("flat");
    String arrays = names.newName("arrays");
    String along = names.newName("along");
    String spare = names.newName("spare");
    String outputDimension = names.newName("outputDimension");
    String dimension = names.newName("dimension");
    CodeBlock.Builder docs = CodeBlock.builder();
    docs.add("@param $L the length of the method's result\n", outputDimension);
    List<ParameterSpec> all = examplesThenBound(s, params,
        List.of(ParameterSpec.builder(TypeName.INT, outputDimension, Modifier.FINAL).build()),
        docs);
    CodeBlock.Builder body = CodeBlock.builder();
    List<CodeBlock> shapes = new ArrayList<>();
    Layout layout = exampleLayout(s, diffNames, names, dimension, body, shapes);
    // The point's arrays are this function's own: no copies for mJvp (which may run a rule, the
    // user's code, that writes into them), unlike the user's point in vectorFunction(...).
    List<CodeBlock> args = argumentsFrom(s, params, layout, point, arrays);
    List<CodeBlock> jvpArgs = new ArrayList<>(args);
    jvpArgs.addAll(tangentsFrom(s, layout, direction, along));
    TypeName record = g.gradType(s);
    CodeBlock primal = custom
        // mVjp copies its arguments and its value.
        ? CodeBlock.of("$N($L).value()", AdjointNames.vjpMethod(s), CodeBlock.join(args, ", "))
        // The method may return an array it keeps or was given: the caller gets its own.
        : CodeBlock.of("$T.copyOf($L)", GeneratedClass.BUFFERS, Members.primalCall(s, args));
    ClassName pair = VECTOR_FUNCTION.nestedClass("ValueAndJacobian");
    TypeSpec.Builder anonymous = TypeSpec.anonymousClassBuilder("")
        .addSuperinterface(VECTOR_FUNCTION);
    anonymous
        .addField(spare(s, spare))
        .addMethod(MethodSpec.methodBuilder("inputDimension")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(TypeName.INT)
            .addStatement("return $N", dimension)
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
            .addStatement("check($N, $N, $S)", point, dimension, "point")
            .addStatement("$T $N = take($N)", record, arrays, point)
            .addStatement("double[] $N = $L", value, primal)
            .addStatement("$N.set($N)", spare, arrays)
            .addStatement("return output($N, $S)", value, "value")
            .build())
        .addMethod(MethodSpec.methodBuilder("pullback")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .addParameter(double[].class, cotangent)
            .returns(double[].class)
            .addStatement("check($N, $N, $S)", point, dimension, "point")
            .addStatement("check($N, $N, $S)", cotangent, outputDimension, "cotangent")
            .addStatement("$T $N = take($N)", record, arrays, point)
            // mVjp copies its arguments, and its pullback takes the cotangent as read-only.
            .addStatement("$T $N = $N($L)", g.vjpType(s), call, AdjointNames.vjpMethod(s),
                CodeBlock.join(args, ", "))
            .addStatement("$N.set($N)", spare, arrays)
            .addStatement("output($N.value(), $S)", call, "value")
            .addStatement("$T $N = $N.pullback($N)", record, grad, call, cotangent)
            .addStatement("double[] $N = new double[$N]", flat, dimension)
            .addCode(flattenInto(s, layout, CodeBlock.of("$N", grad), flat))
            .addStatement("return $N", flat)
            .build())
        .addMethod(MethodSpec.methodBuilder("jvp")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .addParameter(double[].class, direction)
            .returns(double[].class)
            .addStatement("check($N, $N, $S)", point, dimension, "point")
            .addStatement("check($N, $N, $S)", direction, dimension, "direction")
            .addStatement("$T $N = take($N)", record, arrays, point)
            // The direction's arrays are this call's own: only one set goes back.
            .addStatement("$T $N = take($N)", record, along, direction)
            .addStatement("double[] $N = $N($L).tangent()", tangent, AdjointNames.jvpMethod(s),
                CodeBlock.join(jvpArgs, ",$W"))
            .addStatement("$N.set($N)", spare, arrays)
            .addStatement("return output($N, $S)", tangent, "tangent")
            .build())
        .addMethod(MethodSpec.methodBuilder("valueAndJacobian")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(double[].class, point)
            .returns(pair)
            .addStatement("check($N, $N, $S)", point, dimension, "point")
            .addStatement("$T $N = take($N)", record, arrays, point)
            // Its value and Jacobian are the caller's own, sharing nothing with the arguments.
            .addStatement("$T $N = $N($L)", g.adjoint().nestedClass(
                AdjointNames.valueAndJacobianRecord(s)), vj,
                AdjointNames.valueAndJacobianMethod(s), CodeBlock.join(args, ", "))
            .addStatement("$N.set($N)", spare, arrays)
            .addStatement("return new $T(output($N.value(), $S), $N.jacobian())", pair, vj,
                "value", vj)
            .build())
        .addMethod(take(s, layout, shapes, spare, point, arrays))
        .addMethod(lengthCheck(s, array, what))
        .addMethod(outputCheck(s, array, what, outputDimension));
    return MethodSpec.methodBuilder(AdjointNames.vectorFunctionMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(all)
        .returns(VECTOR_FUNCTION)
        .addJavadoc("$L\nas a vector function of its differentiable parameters ($L), flattened"
                + " into one point\nas {@link $T#$N} does, in the shapes of the\nexamples"
                + " given$L, for least-squares optimisers and {@code GradCheck}: {@code jvp} is\n"
                + "{@link #$L}, {@code valueAndJacobian} is {@link #$L}.\nEach call checks that"
                + " the result has {@code $L} entries. Calls may run at once on several\nthreads;"
                + " on one, they reuse the arrays they unflatten a point into.\n\n",
            link(s),
            s.diffParams().stream().map(Param::name).collect(Collectors.joining(", ")),
            g.adjoint(), AdjointNames.flattenMethod(s), bindings(s, params),
            AdjointNames.jvpMethod(s), AdjointNames.valueAndJacobianMethod(s), outputDimension)
        .addJavadoc(docs.build())
        .addJavadoc("@return the function\n")
        .addCode(body.build())
        .addStatement("return $L", anonymous.build())
        .build();
  }

  /** {@code ", with x, y bound"}, naming the bound parameters, or nothing where there are none. */
  private static String bindings(Signature s, List<String> params) {
    List<String> bound = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      if (!s.params().get(i).differentiable()) {
        bound.add(params.get(i));
      }
    }
    return bound.isEmpty() ? "" : ", with " + String.join(", ", bound) + " bound";
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

package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.Members.link;
import static dev.adjoint.processor.codegen.Members.staticMethod;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.RecordShape;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the members of a method with differentiable record parameters (our pytrees) that take
 * the records as the method declares them: {@code MGrad} (one cotangent per differentiable
 * parameter, a record of its type for a record), {@code MValueAndGrad}, {@code mGrad}, {@code
 * mValueAndGrad}, {@code MVjp}/{@code mVjp}, {@code MWorkspace}/{@code mWorkspace}, {@code
 * MJvp}/{@code mJvp}, {@code MJvpWorkspace}/{@code mJvpWorkspace} and, for a {@code double[]}
 * result, {@code MValueAndJacobian}/{@code mValueAndJacobian}/{@code mJacobian}. Each delegates
 * to the member of its kind over the record's leaves ({@code mFlatGrad}, ... named after {@link
 * Signature#stem()}), which the other writers write from the flat signature and generated callers
 * call. A cotangent record holds the cotangents of the floating-point components and the primal's
 * values of the others. It reads only the signature.
 */
final class RecordFacadeWriter {
  private final GeneratedClass g;
  private final JvpWriter jvps;
  private final WorkspaceWriter workspaces;

  RecordFacadeWriter(GeneratedClass g, JvpWriter jvps, WorkspaceWriter workspaces) {
    this.g = g;
    this.jvps = jvps;
    this.workspaces = workspaces;
  }

  /** Adds the record members of {@code s} (a signature with records) to {@code type}. */
  void write(Signature s, Modifier[] vis, TypeSpec.Builder type) {
    Signature d = s.declaredForm();
    boolean scalar = s.result().equals(TypeName.DOUBLE);
    type.addType(GradRecordWriter.gradRecord(d, vis));
    if (scalar) {
      type.addType(GradRecordWriter.valueAndGradRecord(d, vis));
      type.addMethod(valueAndGrad(s, d, vis));
      type.addMethod(grad(s, d, vis));
      type.addType(workspaceClass(s, d, vis));
      type.addMethod(workspaces.workspaceMethod(d, vis));
    }
    type.addType(vjpClass(s, d, vis));
    type.addMethod(vjpMethod(s, d, vis));
    functions(s, d, vis, type);
    if (AdjointNames.hasJvp(s)) {
      type.addType(jvps.jvpRecord(d, vis));
      type.addMethod(jvp(s, d, vis));
      type.addType(jvpWorkspaceClass(s, d, vis));
      type.addMethod(jvps.jvpWorkspaceMethod(d, vis));
      if (s.result().equals(ArrayTypeName.of(TypeName.DOUBLE))) { // not of a double[][] result
        type.addType(jvps.valueAndJacobianRecord(d, vis, null));
        type.addMethod(valueAndJacobian(s, d, vis));
        type.addMethod(jvps.jacobianMethod(d, vis));
      }
    }
  }

  // ------------------------------------------------------------------ static members

  private MethodSpec valueAndGrad(Signature s, Signature d, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    String result = names.newName("result");
    String grad = names.newName("grad");
    return staticMethod(AdjointNames.valueAndGradMethod(d), d, params, vis,
            g.valueAndGradType(d),
            CodeBlock.of("The value of $L and its gradient: {@link #$N}'s, over the records'"
                + " leaves.\n", link(d), AdjointNames.valueAndGradMethod(s)),
            "the value and the gradient, owned by the caller")
        .addStatement("$T $N = $N($L)", g.valueAndGradType(s), result,
            AdjointNames.valueAndGradMethod(s), leafArgs(s, params))
        .addStatement("$T $N = $N.grad()", g.gradType(s), grad, result)
        .addStatement("return new $T($N.value(), $L)", g.valueAndGradType(d), result,
            gradOf(s, CodeBlock.of("$N", grad), params))
        .build();
  }

  private MethodSpec grad(Signature s, Signature d, Modifier[] vis) {
    List<String> params = g.paramNames(d);
    return staticMethod(AdjointNames.gradMethod(d), d, params, vis, g.gradType(d),
            CodeBlock.of("The gradient of $L.\n", link(d)), "the gradient, owned by the caller")
        .addStatement("return $N($L).grad()", AdjointNames.valueAndGradMethod(d),
            String.join(", ", params))
        .build();
  }

  private MethodSpec vjpMethod(Signature s, Signature d, Modifier[] vis) {
    List<String> params = g.paramNames(d);
    List<CodeBlock> kept = new ArrayList<>();
    kept.add(CodeBlock.of("$N($L)", AdjointNames.vjpMethod(s), leafArgs(s, params)));
    // The records themselves, for their components with no floating-point data.
    for (int i = 0; i < d.params().size(); i++) {
      if (s.records().containsKey(d.params().get(i).name())) {
        kept.add(CodeBlock.of("$N", params.get(i)));
      }
    }
    return staticMethod(AdjointNames.vjpMethod(d), d, params, vis, g.vjpType(d),
            CodeBlock.of("Runs $L forward and returns its value with a pullback, for any output"
                + " cotangent\n({@link #$N} over the records' leaves, which keeps a copy of each"
                + " array the pullback reads).\n", link(d), AdjointNames.vjpMethod(s)),
            "the linearisation at this point")
        .addStatement("return new $T($L)", g.vjpType(d), CodeBlock.join(kept, ", "))
        .build();
  }

  private MethodSpec jvp(Signature s, Signature d, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    List<String> dots = dotNames(d, names);
    String result = names.newName("result");
    ClassName flat = jvps.jvpType(s);
    MethodSpec.Builder m = MethodSpec.methodBuilder(AdjointNames.jvpMethod(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(jvps.jvpType(d))
        .addJavadoc("Forward mode through $L: its value and its tangent along the given tangents"
            + " of\nthe differentiable arguments (a null array or record means zeros).\n\n",
            link(d))
        .addParameters(Members.parameters(d, params))
        .addJavadoc(Members.paramDocs(d, params));
    addDots(m, d, dots);
    m.addJavadoc("@return the value and its tangent\n");
    List<CodeBlock> args = new ArrayList<>(leafArgList(s, params));
    args.addAll(tangentArgs(s, dots));
    return m.addStatement("$T $N = $N($L)", flat, result, AdjointNames.jvpMethod(s),
            CodeBlock.join(args, ", "))
        .addStatement("return new $T($N.value(), $N.tangent())", jvps.jvpType(d), result, result)
        .build();
  }

  private MethodSpec valueAndJacobian(Signature s, Signature d, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    String result = names.newName("result");
    ClassName flat = g.adjoint().nestedClass(AdjointNames.valueAndJacobianRecord(s));
    ClassName mine = g.adjoint().nestedClass(AdjointNames.valueAndJacobianRecord(d));
    return staticMethod(AdjointNames.valueAndJacobianMethod(d), d, params, vis, mine,
            CodeBlock.of("The value of $L and its Jacobian: one row per element of the value, one"
                + " column per\ndifferentiable input, flattened in declaration order (a record's"
                + " floating-point\ncomponents in declaration order, matrices row by row).\n",
                link(d)),
            "the value and the Jacobian, owned by the caller")
        .addStatement("$T $N = $N($L)", flat, result, AdjointNames.valueAndJacobianMethod(s),
            leafArgs(s, params))
        .addStatement("return new $T($N.value(), $N.jacobian())", mine, result, result)
        .build();
  }

  /**
   * {@code mFunction(examples..., nondiff...)} (or {@code mVectorFunction(outputDimension,
   * examples..., nondiff...)}), {@code mFlatten} and {@code mUnflatten}: an example of each record
   * and array parameter gives the shapes (and a record's components with no floating-point data,
   * which the function binds), the point is the leaves' coordinates in declaration order; each
   * delegates to the form over the leaves that {@link FunctionWriter} writes.
   */
  private void functions(Signature s, Signature d, Modifier[] vis, TypeSpec.Builder type) {
    boolean scalar = s.result().equals(TypeName.DOUBLE);
    boolean vector = s.result().equals(ArrayTypeName.of(TypeName.DOUBLE));
    if (!(scalar || vector) || !FunctionWriter.flattens(s) || s.diffParams().isEmpty()) {
      return;
    }
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    String outputDimension = vector ? names.newName("outputDimension") : null;
    String point = names.newName("point");
    String flatGrad = names.newName("grad");
    List<ParameterSpec> examples = new ArrayList<>();
    List<ParameterSpec> bound = new ArrayList<>();
    CodeBlock.Builder exampleDocs = CodeBlock.builder();
    CodeBlock.Builder boundDocs = CodeBlock.builder();
    List<CodeBlock> flatExamples = new ArrayList<>();
    List<CodeBlock> flatBound = new ArrayList<>();
    List<CodeBlock> flatDiff = new ArrayList<>();
    int leaf = 0;
    for (int i = 0; i < d.params().size(); i++) {
      Param p = d.params().get(i);
      RecordShape shape = s.records().get(p.name());
      CodeBlock name = CodeBlock.of("$N", params.get(i));
      if (shape != null) {
        examples.add(ParameterSpec.builder(p.type(), params.get(i), Modifier.FINAL).build());
        exampleDocs.add("@param $N an example of {@code $L}: its shape, and its components with no"
            + " floating-point data, which the function binds\n", params.get(i), p.name());
        for (Leaf l : leaves(shape, name)) {
          Param flat = s.params().get(leaf++);
          if (!flat.differentiable()) {
            flatBound.add(l.read());
          } else if (!flat.type().equals(TypeName.DOUBLE)) {
            flatExamples.add(l.read());
          }
          if (flat.differentiable()) {
            flatDiff.add(l.read());
          }
        }
      } else {
        leaf++;
        if (!p.differentiable()) {
          bound.add(ParameterSpec.builder(p.type(), params.get(i), Modifier.FINAL).build());
          boundDocs.add("@param $N the method's {@code $L}, bound\n", params.get(i), p.name());
          flatBound.add(name);
        } else {
          flatDiff.add(name);
          if (!p.type().equals(TypeName.DOUBLE)) {
            examples.add(ParameterSpec.builder(p.type(), params.get(i), Modifier.FINAL).build());
            exampleDocs.add("@param $N an example of {@code $L}: its shape\n", params.get(i),
                p.name());
            flatExamples.add(name);
          }
        }
      }
    }
    List<CodeBlock> args = new ArrayList<>();
    MethodSpec.Builder function = MethodSpec.methodBuilder(vector
            ? AdjointNames.vectorFunctionMethod(d) : AdjointNames.functionMethod(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(vector ? GeneratedClass.VECTOR_FUNCTION : GeneratedClass.DIFFERENTIABLE_FUNCTION)
        .addJavadoc("$L as a function of its differentiable parameters' floating-point leaves,"
            + " flattened in\ndeclaration order (a record's components in declaration order,"
            + " matrices row by row), of\nthe shapes of the examples, the other parameters bound"
            + " ({@link #$N} over the leaves).\n\n", link(d), vector
                ? AdjointNames.vectorFunctionMethod(s) : AdjointNames.functionMethod(s));
    if (vector) {
      function.addParameter(TypeName.INT, outputDimension, Modifier.FINAL);
      function.addJavadoc("@param $N the length of the method's result\n", outputDimension);
      args.add(CodeBlock.of("$N", outputDimension));
    }
    args.addAll(flatExamples);
    args.addAll(flatBound);
    type.addMethod(function.addParameters(examples)
        .addParameters(bound)
        .addJavadoc(exampleDocs.build())
        .addJavadoc(boundDocs.build())
        .addJavadoc("@return the function\n")
        .addStatement("return $N($L)", vector
                ? AdjointNames.vectorFunctionMethod(s) : AdjointNames.functionMethod(s),
            CodeBlock.join(args, ", "))
        .build());
    // mFlatten(differentiable parameters...) and mUnflatten(point, examples...)
    List<ParameterSpec> diff = new ArrayList<>();
    CodeBlock.Builder diffDocs = CodeBlock.builder();
    List<String> examplesByParam = new ArrayList<>(params);
    for (int i = 0; i < d.params().size(); i++) {
      Param p = d.params().get(i);
      if (p.differentiable()) {
        diff.add(ParameterSpec.builder(p.type(), params.get(i)).build());
        diffDocs.add("@param $N the method's {@code $L}\n", params.get(i), p.name());
      }
    }
    type.addMethod(MethodSpec.methodBuilder(AdjointNames.flattenMethod(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(diff)
        .returns(ArrayTypeName.of(TypeName.DOUBLE))
        .addJavadoc("The differentiable parameters of $L as one point: their floating-point"
            + " leaves in\ndeclaration order, as {@link #$N} takes them.\n\n", link(d),
            AdjointNames.functionMethod(d))
        .addJavadoc(diffDocs.build())
        .addJavadoc("@return the point, a new array\n")
        .addStatement("return $N($L)", AdjointNames.flattenMethod(s),
            CodeBlock.join(flatDiff, ", "))
        .build());
    type.addMethod(MethodSpec.methodBuilder(AdjointNames.unflattenMethod(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameter(ArrayTypeName.of(TypeName.DOUBLE), point)
        .addParameters(examples)
        .returns(g.gradType(d))
        .addJavadoc("A point of {@link #$N} as the differentiable parameters of $L, in new"
            + " arrays and records\nof the examples' shapes (a record's components with no"
            + " floating-point data are the\nexample's).\n\n", AdjointNames.flattenMethod(d),
            link(d))
        .addJavadoc("@param $N the point\n", point)
        .addJavadoc(exampleDocs.build())
        .addJavadoc("@return the parameters, in the gradient record's shape\n")
        .addStatement("$T $N = $N($N$L)", g.gradType(s), flatGrad,
            AdjointNames.unflattenMethod(s), point,
            flatExamples.isEmpty() ? "" : CodeBlock.of(", $L", CodeBlock.join(flatExamples, ", ")))
        .addStatement("return $L", gradOf(s, CodeBlock.of("$N", flatGrad), examplesByParam))
        .build());
  }

  // ------------------------------------------------------------------ classes

  /**
   * {@code MVjp}: the Vjp over the leaves and each record argument, whose components with no
   * floating-point data the cotangent records carry.
   */
  private TypeSpec vjpClass(Signature s, Signature d, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    String flat = names.newName("flat");
    String cotangent = names.newName("cotangent");
    String grad = names.newName("grad");
    TypeName t = s.result();
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.vjpClass(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The linearisation of $L at one point: its value, and a pullback that maps an"
            + " output\ncotangent to the gradient, any number of times.\n", link(d))
        .addField(FieldSpec.builder(g.vjpType(s), flat, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The linearisation over the records' leaves.\n").build());
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("A linearisation.\n\n@param $N the linearisation over the leaves\n", flat)
        .addParameter(g.vjpType(s), flat)
        .addStatement("this.$N = $N", flat, flat);
    for (int i = 0; i < d.params().size(); i++) {
      Param p = d.params().get(i);
      if (s.records().containsKey(p.name())) {
        type.addField(FieldSpec.builder(p.type(), params.get(i), Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The argument, whose components with no floating-point data the"
                + " cotangent carries.\n").build());
        ctor.addJavadoc("@param $N the argument {@code $L}\n", params.get(i), p.name())
            .addParameter(p.type(), params.get(i))
            .addStatement("this.$N = $N", params.get(i), params.get(i));
      }
    }
    List<String> kept = new ArrayList<>();
    for (String n : params) {
      kept.add("this." + n);
    }
    return type.addMethod(ctor.build())
        .addMethod(MethodSpec.methodBuilder("value")
            .addModifiers(Modifier.PUBLIC)
            .returns(t)
            .addJavadoc("The method's value at this point.\n\n@return the value\n")
            .addStatement("return $N.value()", flat)
            .build())
        .addMethod(MethodSpec.methodBuilder("pullback")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(t, cotangent)
            .returns(g.gradType(d))
            .addJavadoc("The gradient of the value's inner product with {@code $N}.\n\n"
                + "@param $N the output cotangent\n@return the gradient, owned by the caller\n",
                cotangent, cotangent)
            .addStatement("$T $N = $N.pullback($N)", g.gradType(s), grad, flat, cotangent)
            .addStatement("return $L", gradOf(s, CodeBlock.of("$N", grad), kept))
            .build())
        .build();
  }

  /**
   * {@code MWorkspace}: the workspace over the leaves; an accessor of a record parameter builds a
   * record of its type around the leaves' buffers (valid until the next call).
   */
  private TypeSpec workspaceClass(Signature s, Signature d, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    String flat = names.newName("flat");
    ClassName flatType = g.workspaceType(s);
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.workspaceClass(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("A reusable workspace for gradients of $L: {@link #valueAndGrad} writes the"
            + " gradient into\nbuffers this object owns ({@link $T}'s, over the records'"
            + " leaves). An accessor of a record\nparameter makes a record around the buffers,"
            + " valid until the next call. Not thread-safe:\nuse one workspace per thread.\n",
            link(d), flatType)
        .addField(FieldSpec.builder(flatType, flat, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The workspace over the leaves.\n")
            .initializer("$N()", AdjointNames.workspaceMethod(s)).build())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
            .addJavadoc("An empty workspace.\n").build());
    MethodSpec.Builder call = MethodSpec.methodBuilder("valueAndGrad")
        .addModifiers(Modifier.PUBLIC)
        .returns(TypeName.DOUBLE)
        .addParameters(Members.parameters(d, params))
        .addJavadoc("The value of $L; its gradient is left in the accessors.\n\n", link(d))
        .addJavadoc(Members.paramDocs(d, params))
        .addJavadoc("@return the value\n");
    List<String> kept = new ArrayList<>(params);
    for (int i = 0; i < d.params().size(); i++) {
      Param p = d.params().get(i);
      if (s.records().containsKey(p.name())) {
        String field = names.newName(p.name() + "Last");
        kept.set(i, "this." + field);
        type.addField(FieldSpec.builder(p.type(), field, Modifier.PRIVATE)
            .addJavadoc("The last call's {@code $L}, whose components with no floating-point"
                + " data the\ngradient carries.\n", p.name()).build());
        call.addStatement("this.$N = $N", field, params.get(i));
      }
    }
    call.addStatement("return $N.valueAndGrad($L)", flat, leafArgs(s, params));
    type.addMethod(call.build());
    // The flat workspace's accessors are named after the flat parameters.
    List<CodeBlock> parts = gradParts(s, CodeBlock.of("$N", flat), kept);
    int next = 0;
    for (int i = 0; i < d.params().size(); i++) {
      Param p = d.params().get(i);
      if (!p.differentiable()) {
        continue;
      }
      CodeBlock part = parts.get(next++);
      MethodSpec.Builder accessor = MethodSpec.methodBuilder(AdjointNames.component(p.name()))
          .addModifiers(Modifier.PUBLIC)
          .returns(p.type());
      if (s.records().containsKey(p.name())) {
        accessor.addJavadoc("The last call's gradient with respect to {@code $L}: a record around"
                + " this workspace's\nbuffers (null before the first call).\n\n@return the"
                + " cotangent\n", p.name())
            .addStatement("return $L == null ? null : $L", kept.get(i), part);
      } else {
        accessor.addJavadoc("The last call's gradient with respect to {@code $L}.\n\n@return the"
                + " cotangent\n", p.name())
            .addStatement("return $L", part);
      }
      type.addMethod(accessor.build());
    }
    return type.build();
  }

  /** {@code MJvpWorkspace}: the forward-mode workspace over the leaves. */
  private TypeSpec jvpWorkspaceClass(Signature s, Signature d, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(d, names);
    List<String> dots = dotNames(d, names);
    String flat = names.newName("flat");
    ClassName flatType = g.adjoint().nestedClass(AdjointNames.jvpWorkspaceClass(s));
    TypeName t = s.result();
    MethodSpec.Builder jvp = MethodSpec.methodBuilder("jvp")
        .addModifiers(Modifier.PUBLIC)
        .returns(t)
        .addJavadoc("The value of $L; its tangent along the given tangents (a null array or record"
            + " means\nzeros) is left in {@link #tangent()}.\n\n", link(d))
        .addParameters(Members.parameters(d, params))
        .addJavadoc(Members.paramDocs(d, params));
    addDots(jvp, d, dots);
    jvp.addJavadoc("@return the value\n");
    List<CodeBlock> args = new ArrayList<>(leafArgList(s, params));
    args.addAll(tangentArgs(s, dots));
    jvp.addStatement("return $N.jvp($L)", flat, CodeBlock.join(args, ", "));
    return TypeSpec.classBuilder(AdjointNames.jvpWorkspaceClass(d))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("A reusable workspace for forward mode through $L ({@link $T}'s, over the"
            + " records'\nleaves). Not thread-safe: use one workspace per thread.\n", link(d),
            flatType)
        .addField(FieldSpec.builder(flatType, flat, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The workspace over the leaves.\n")
            .initializer("$N()", AdjointNames.jvpWorkspaceMethod(s)).build())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
            .addJavadoc("An empty workspace.\n").build())
        .addMethod(jvp.build())
        .addMethod(MethodSpec.methodBuilder("tangent")
            .addModifiers(Modifier.PUBLIC)
            .returns(t)
            .addJavadoc("The tangent from the last call to {@link #jvp}.\n\n@return the tangent\n")
            .addStatement("return $N.tangent()", flat)
            .build())
        .build();
  }

  // ------------------------------------------------------------------ leaves

  /** The tangent parameters of {@code d}'s JVP: {@code pDot} for each differentiable one. */
  private static List<String> dotNames(Signature d, NameAllocator names) {
    List<String> dots = new ArrayList<>();
    for (Param p : d.diffParams()) {
      dots.add(names.newName(p.name() + "Dot"));
    }
    return dots;
  }

  private static void addDots(MethodSpec.Builder m, Signature d, List<String> dots) {
    for (int i = 0; i < dots.size(); i++) {
      Param p = d.diffParams().get(i);
      m.addParameter(ParameterSpec.builder(p.type(), dots.get(i)).build());
      m.addJavadoc("@param $N the tangent of {@code $L}$L\n", dots.get(i), p.name(),
          p.type().equals(TypeName.DOUBLE) ? "" : " (its shape; null: zeros)");
    }
  }

  /**
   * The arguments of a member over the leaves for the arguments {@code params} of the member over
   * records: a record's leaves through its accessors ({@code p.inner().a()}).
   */
  private static CodeBlock leafArgs(Signature s, List<String> params) {
    return CodeBlock.join(leafArgList(s, params), ", ");
  }

  /** {@link #leafArgs}, one by one. */
  private static List<CodeBlock> leafArgList(Signature s, List<String> params) {
    List<CodeBlock> out = new ArrayList<>();
    for (int i = 0; i < s.surface().size(); i++) {
      RecordShape shape = s.records().get(s.surface().get(i).name());
      CodeBlock name = CodeBlock.of("$N", params.get(i));
      if (shape == null) {
        out.add(name);
      } else {
        for (Leaf leaf : leaves(shape, name)) {
          out.add(leaf.read());
        }
      }
    }
    return out;
  }

  /**
   * The tangents of the leaves for the tangents {@code dots} of the differentiable parameters: a
   * record's differentiable leaves through its accessors, zeros for a null record.
   */
  private static List<CodeBlock> tangentArgs(Signature s, List<String> dots) {
    List<CodeBlock> out = new ArrayList<>();
    int next = 0;
    for (Param p : s.surface()) {
      if (!p.differentiable()) {
        continue;
      }
      String dot = dots.get(next++);
      RecordShape shape = s.records().get(p.name());
      if (shape == null) {
        out.add(CodeBlock.of("$N", dot));
        continue;
      }
      for (Leaf leaf : leaves(shape, CodeBlock.of("$N", dot))) {
        if (leaf.component().differentiable()) {
          // A null record, or a null record on the way down, is zeros.
          List<CodeBlock> nulls = new ArrayList<>();
          nulls.add(CodeBlock.of("$N == null", dot));
          for (CodeBlock record : leaf.records()) {
            nulls.add(CodeBlock.of("$L == null", record));
          }
          out.add(CodeBlock.of("$L ? $L : $L", CodeBlock.join(nulls, " || "),
              leaf.component().type().equals(TypeName.DOUBLE) ? "0.0" : "null", leaf.read()));
        }
      }
    }
    return out;
  }

  /**
   * The gradient record of the member over records, {@code new MGrad(...)}, from {@code flat}, a
   * gradient over the leaves ({@code MFlatGrad}, or a workspace with the same accessors), and
   * {@code primal}, the arguments (whose records' components with no floating-point data the
   * cotangent records carry); each is read once per leaf, so both must be free of effects.
   */
  private CodeBlock gradOf(Signature s, CodeBlock flat, List<String> primal) {
    return CodeBlock.of("new $T($L)", g.gradType(s.declaredForm()),
        CodeBlock.join(gradParts(s, flat, primal), ", "));
  }

  /** The components of {@link #gradOf}'s record, one per differentiable parameter. */
  private static List<CodeBlock> gradParts(Signature s, CodeBlock flat, List<String> primal) {
    List<CodeBlock> parts = new ArrayList<>();
    int leaf = 0;
    for (int i = 0; i < s.surface().size(); i++) {
      Param p = s.surface().get(i);
      RecordShape shape = s.records().get(p.name());
      if (shape == null) {
        Param flatParam = s.params().get(leaf++);
        if (p.differentiable()) {
          parts.add(CodeBlock.of("$L.$N()", flat, AdjointNames.component(flatParam.name())));
        }
        continue;
      }
      List<CodeBlock> values = new ArrayList<>();
      for (Leaf l : leaves(shape, CodeBlock.of("$L", primal.get(i)))) {
        Param flatParam = s.params().get(leaf++);
        values.add(l.component().differentiable()
            ? CodeBlock.of("$L.$N()", flat, AdjointNames.component(flatParam.name()))
            : l.read());
      }
      parts.add(Members.record(shape, values));
    }
    return parts;
  }

  /**
   * A leaf of a record: its component, how to read it from the record, and the nested records
   * read on the way ({@code p.inner()} for {@code p.inner().a()}).
   */
  private record Leaf(RecordShape.Component component, CodeBlock read, List<CodeBlock> records) {}

  /** The leaves of a record of {@code shape} read from {@code record}, in order. */
  private static List<Leaf> leaves(RecordShape shape, CodeBlock record) {
    return leaves(shape, record, List.of());
  }

  private static List<Leaf> leaves(RecordShape shape, CodeBlock record, List<CodeBlock> outer) {
    List<Leaf> out = new ArrayList<>();
    for (RecordShape.Component c : shape.components()) {
      CodeBlock read = CodeBlock.of("$L.$N()", record, c.name());
      if (c.nested().isPresent()) {
        List<CodeBlock> path = new ArrayList<>(outer);
        path.add(read);
        out.addAll(leaves(c.nested().get(), read, path));
      } else {
        out.add(new Leaf(c, read, outer));
      }
    }
    return out;
  }
}

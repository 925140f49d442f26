package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.BUFFERS;
import static dev.adjoint.processor.codegen.GeneratedClass.FWD_RESULT;
import static dev.adjoint.processor.codegen.Members.INT_ARRAY;
import static dev.adjoint.processor.codegen.Members.arguments;
import static dev.adjoint.processor.codegen.Members.copyOf;
import static dev.adjoint.processor.codegen.Members.isArray;
import static dev.adjoint.processor.codegen.Members.isMatrix;
import static dev.adjoint.processor.codegen.Members.link;
import static dev.adjoint.processor.codegen.Members.paramDocs;
import static dev.adjoint.processor.codegen.Members.parameters;
import static dev.adjoint.processor.codegen.Members.sharingFactory;
import static dev.adjoint.processor.codegen.Members.staticMethod;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.model.VjpRule;
import dev.adjoint.processor.plan.ClassPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes the adapters of a {@code @CustomVjp} rule: the class {@code MVjp} that runs its {@code
 * @Fwd} and {@code @Bwd} rules (checking the cotangents' lengths), the static {@code mVjp}, {@code
 * mValueAndGrad} and {@code mGrad} through it, and the workspace {@code MWorkspace}. It touches
 * only what it returns and reads only the method's signature and rule, never a derivative.
 */
final class CustomRuleWriter {
  private final GeneratedClass g;

  CustomRuleWriter(GeneratedClass g) {
    this.g = g;
  }

  private static ParameterizedTypeName fwdResultType(Signature s, VjpRule rule) {
    return ParameterizedTypeName.get(FWD_RESULT, s.result().box(), rule.residualType());
  }

  /**
   * The Vjp of a custom rule. For an array parameter it keeps the argument's length (-1 for null),
   * and checks the {@code @Bwd}'s cotangent against it, as JAX does: a wrong length is an error
   * naming the rule, the parameter and both lengths; {@code null} means zeros.
   *
   * <p>Where an argument or the value is an array, a flag {@code owned} says whether the arrays
   * it hands out, its value and the {@code @Bwd}'s cotangents, are copies (for the user, who owns
   * what it gets, while the rule may keep them in its residuals or in a field) or the arrays
   * themselves (for generated callers, which only read them). The static {@code make} runs the
   * {@code @Fwd} rule; {@code mVjp} gives it copies of the arguments (its residuals may keep
   * them).
   */
  TypeSpec customVjpClass(Signature s, VjpRule rule, Modifier[] vis) {
    ParameterizedTypeName fwd = fwdResultType(s, rule);
    ClassName grad = ClassName.get("", AdjointNames.gradRecord(s));
    boolean sharing = AdjointNames.hasSharing(s);
    List<Param> diff = s.diffParams();
    List<Param> arrays = diff.stream().filter(Members::isArray).toList();
    List<Param> matrices = diff.stream().filter(Members::isMatrix).toList();
    TypeName valueType = s.result();
    boolean arrayValue = !valueType.equals(TypeName.DOUBLE);
    // Fields, the pullback's parameter and its locals share one scope.
    NameAllocator names = g.allocator();
    String forward = names.newName("forward");
    Map<Param, String> shapes = new LinkedHashMap<>();
    for (Param p : arrays) {
      shapes.put(p, names.newName(p.name() + "Length"));
    }
    for (Param p : matrices) {
      shapes.put(p, names.newName(p.name() + "Shape"));
    }
    String copy = arrayValue ? names.newName("copy") : null;
    String out = arrayValue ? names.newName("out") : null;
    String owned = sharing ? names.newName("owned") : null;
    String cotangent = names.newName("cotangent");
    String cotangents = names.newName("cotangents");
    List<CodeBlock> zeros = new ArrayList<>();
    for (Param p : diff) {
      zeros.add(isArray(p) || isMatrix(p) ? CodeBlock.of("$T.zeros($N)", BUFFERS, shapes.get(p))
          : CodeBlock.of("0.0"));
    }
    CodeBlock.Builder pullback = CodeBlock.builder();
    if (arrayValue) {
      pullback.addStatement("$T.checkCotangent($S, $N, $N.out().length)",
          BUFFERS, s.qualifiedName(), cotangent, forward);
    }
    pullback.addStatement(
        "$T $N = $T.$N($N.residuals(), $N)",
        rule.bwdReturn(), cotangents, s.owner(), rule.bwdName(), forward, cotangent);
    if (!rule.cotangents().isEmpty() && !rule.cotangents().get(0).isDirect()) {
      // A null record means every cotangent is zero.
      pullback.beginControlFlow("if ($N == null)", cotangents)
          .addStatement("return new $T($L)", grad, CodeBlock.join(zeros, ", "))
          .endControlFlow();
    }
    List<CodeBlock> components = new ArrayList<>();
    for (int i = 0; i < diff.size(); i++) {
      Param p = diff.get(i);
      VjpRule.Cotangent c = rule.cotangents().get(i);
      CodeBlock read = c.isDirect()
          ? CodeBlock.of("$N", cotangents)
          : CodeBlock.of("$N.$N()", cotangents, c.accessor());
      if (isArray(p) || isMatrix(p)) {
        // The user owns the gradient it gets; the rule may keep the array it returned.
        String local = names.newName(p.name() + "Cotangent");
        pullback.addStatement("$T $N = $N ? $T.copyOf($L) : $L", c.type(), local, owned, BUFFERS,
            read, read);
        read = CodeBlock.of("$T.checkRuleCotangent($S,$W$S,$W$S,$W$N,$W$N)",
            BUFFERS, rule.bwdName(), s.name(), p.name(), local, shapes.get(p));
      } else if (!c.type().isPrimitive()) {
        // A null cotangent means zero, as JAX's None.
        String local = names.newName(p.name() + "Cotangent");
        pullback.addStatement("$T $N = $L", c.type(), local, read);
        read = CodeBlock.of("$N == null ? 0.0 : $N", local, local);
      }
      components.add(read);
    }
    pullback.addStatement("return new $T($L)", grad, CodeBlock.join(components, ",$W"));
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(fwd, forward)
        .addStatement("this.$N = $N", forward, forward)
        .addJavadoc("A Vjp of what the {@code @Fwd} rule returned.\n\n@param $L the {@code @Fwd}"
            + " rule's output and residuals\n", forward);
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.vjpClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(
            "$L evaluated by its {@code @Fwd} rule; {@link #pullback} runs its {@code @Bwd} rule.\n",
            link(s))
        .addField(FieldSpec.builder(fwd, forward, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("What the {@code @Fwd} rule returned.\n").build());
    for (Map.Entry<Param, String> shape : shapes.entrySet()) {
      TypeName t = isArray(shape.getKey()) ? TypeName.INT : INT_ARRAY;
      String what = isArray(shape.getKey()) ? "length" : "row lengths";
      type.addField(FieldSpec.builder(t, shape.getValue(), Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("The $L of {@code $L} ($L for null).\n", what, shape.getKey().name(),
              isArray(shape.getKey()) ? "-1" : "-1 for a null row, null").build());
      constructor.addParameter(t, shape.getValue())
          .addStatement("this.$N = $N", shape.getValue(), shape.getValue())
          .addJavadoc("@param $L the $L of {@code $L}\n", shape.getValue(), what,
              shape.getKey().name());
    }
    CodeBlock.Builder value = CodeBlock.builder();
    if (arrayValue) {
      // A copy when the @Fwd returned one of its arguments; else null, and the value is its output.
      type.addField(FieldSpec.builder(valueType, copy, Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("A copy of the output, if the {@code @Fwd} rule returned an argument.\n")
          .build());
      constructor.addParameter(valueType, copy).addStatement("this.$N = $N", copy, copy)
          .addJavadoc("@param $L a copy of the output, if it is an argument; else null\n", copy);
      value.addStatement("$T $N = $N != null ? $N : $N.out()", valueType, out, copy, copy, forward)
          .addStatement("return $N ? $T.copyOf($N) : $N", owned, BUFFERS, out, out);
    } else {
      value.addStatement("return $N.out()", forward);
    }
    if (sharing) {
      type.addField(FieldSpec.builder(TypeName.BOOLEAN, owned, Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("Whether the arrays this Vjp hands out are copies.\n").build());
      constructor.addParameter(TypeName.BOOLEAN, owned)
          .addStatement("this.$N = $N", owned, owned)
          .addJavadoc("@param $L whether the arrays this Vjp hands out are copies (for a user)\n",
              owned);
    }
    type.addMethod(constructor.build());
    if (sharing) {
      type.addMethod(make(s, rule));
      List<String> params = g.paramNames(s);
      type.addMethod(sharingFactory(g, s, params,
          CodeBlock.of("return make($L, false)", arguments(params))));
    }
    return type
        .addMethod(
            MethodSpec.methodBuilder("value")
                .addModifiers(Modifier.PUBLIC)
                .returns(valueType)
                .addJavadoc(arrayValue
                    ? "The primal output of the {@code @Fwd} rule: a new copy on each call, which"
                        + " the caller\nowns (for generated code, the output itself, or a copy if"
                        + " it was one of the arguments).\n"
                    : "The primal output of the {@code @Fwd} rule.\n")
                .addJavadoc("\n@return the value\n")
                .addCode(value.build())
                .build())
        .addMethod(
            MethodSpec.methodBuilder("pullback")
                .addModifiers(Modifier.PUBLIC)
                .addParameter(valueType, cotangent)
                .returns(grad)
                .addJavadoc("Runs the {@code @Bwd} rule on the residuals and {@code $L}.\n\n"
                    + "@param $L the output cotangent\n@return the gradient$L\n", cotangent,
                    cotangent, sharing ? ", whose arrays the caller owns (generated code reads"
                        + " the\n    rule's own)" : "")
                .addCode(pullback.build())
                .build())
        .build();
  }

  /**
   * {@code make(params..., owned)}: runs the {@code @Fwd} rule and keeps the lengths of the array
   * arguments (their cotangents are checked against them) and a copy of the output if it is one
   * of the arguments (the caller may write into its value).
   */
  private MethodSpec make(Signature s, VjpRule rule) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String owned = names.newName("owned");
    String forward = names.newName("forward");
    String out = names.newName("out");
    List<CodeBlock> args = new ArrayList<>(List.of(CodeBlock.of("$N", forward)));
    for (int i = 0; i < s.params().size(); i++) {
      if (s.params().get(i).differentiable() && isArray(s.params().get(i))) {
        args.add(CodeBlock.of("$T.length($N)", BUFFERS, params.get(i)));
      }
    }
    for (int i = 0; i < s.params().size(); i++) {
      if (s.params().get(i).differentiable() && isMatrix(s.params().get(i))) {
        args.add(CodeBlock.of("$T.rowLengths($N)", BUFFERS, params.get(i)));
      }
    }
    MethodSpec.Builder method = MethodSpec.methodBuilder("make")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameters(parameters(s, params))
        .addParameter(TypeName.BOOLEAN, owned)
        .returns(g.vjpType(s))
        .addJavadoc("Runs the {@code @Fwd} rule of $L.\n\n", link(s))
        .addJavadoc(paramDocs(s, params))
        .addJavadoc("@param $L whether the arrays the Vjp hands out are copies\n@return the Vjp\n",
            owned)
        .addStatement("$T $N = $T.$N($L)", fwdResultType(s, rule), forward, s.owner(),
            rule.fwdName(), arguments(params));
    if (!s.result().equals(TypeName.DOUBLE)) {
      // The caller may write into the value: never one of the arrays passed in.
      List<CodeBlock> same = new ArrayList<>();
      for (int i = 0; i < s.params().size(); i++) {
        if (s.params().get(i).type().equals(s.result())) {
          same.add(CodeBlock.of("$N == $N", out, params.get(i)));
        }
      }
      method.addStatement("$T $N = $N.out()", s.result(), out, forward);
      args.add(same.isEmpty() ? CodeBlock.of("null") : CodeBlock.of("$L ? $T.copyOf($N) : null",
          CodeBlock.join(same, " || "), BUFFERS, out));
    }
    args.add(CodeBlock.of("$N", owned));
    return method.addStatement("return new $T($L)", g.vjpType(s), CodeBlock.join(args, ",$W"))
        .build();
  }

  /**
   * {@code mVjp} of a rule: {@code make} on copies of the array arguments, which its residuals may
   * keep, so that the Vjp is a snapshot; a rule of numbers alone makes its Vjp directly.
   */
  MethodSpec customVjpMethod(Signature s, Modifier[] vis) {
    List<String> names = g.paramNames(s);
    MethodSpec.Builder method = staticMethod(AdjointNames.vjpMethod(s), s, names, vis, g.vjpType(s),
        CodeBlock.of("Runs the {@code @Fwd} rule of $L and returns its value with a pullback.\n$L",
            link(s), AdjointNames.hasSharing(s)
                ? "The rule gets copies of the array arguments: later changes to the arrays do"
                    + " not change\nthe Vjp.\n" : ""),
        "the linearisation at this point");
    if (!AdjointNames.hasSharing(s)) {
      return method.addStatement("return new $T($T.$N($L))", g.vjpType(s), s.owner(),
          rule(s).fwdName(), arguments(names)).build();
    }
    List<CodeBlock> args = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      args.add(p.type() instanceof ArrayTypeName ? copyOf(p.type(), names.get(i))
          : CodeBlock.of("$N", names.get(i)));
    }
    args.add(CodeBlock.of("true"));
    return method.addStatement("return $T.make($L)", g.vjpType(s), CodeBlock.join(args, ", "))
        .build();
  }

  private VjpRule rule(Signature s) {
    return g.plan().methods().stream().map(ClassPlan.MethodPlan::model)
        .filter(m -> m.signature() == s).findFirst().orElseThrow().rule().orElseThrow();
  }

  /**
   * {@code vjp} of a rule for the calls that run its pullback at once: on the caller's arrays
   * (nothing can change them before the pullback), {@code owned} as given.
   */
  private CodeBlock ruleVjp(Signature s, List<String> names, boolean owned) {
    if (!AdjointNames.hasSharing(s)) {
      return CodeBlock.of("$N($L)", AdjointNames.vjpMethod(s), arguments(names));
    }
    return CodeBlock.of("$T.make($L, $L)", g.vjpType(s), arguments(names), owned);
  }

  /**
   * The workspace of a custom rule, for the same calls as a derived method's: {@code
   * valueAndGrad} runs the {@code @Fwd} and {@code @Bwd} rules and copies each cotangent into a
   * buffer of its own for its accessor. It allocates what the rules allocate.
   */
  TypeSpec customWorkspaceClass(Signature s, Modifier[] vis) {
    ClassName vjp = g.vjpType(s);
    ClassName grad = g.gradType(s);
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String call = names.newName("vjp");
    String cotangents = names.newName("grad");
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.workspaceClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(
            "A workspace for gradients of $L by its custom rule, with the calls of a derived"
                + " method's\nworkspace: {@link #valueAndGrad} leaves each cotangent in its"
                + " accessor (for an array, a\nbuffer this workspace owns), valid until the next"
                + " call. Not thread-safe: use one\nworkspace per thread.\n",
            link(s))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
            .addJavadoc("An empty workspace.\n").build());
    MethodSpec.Builder valueAndGrad = MethodSpec.methodBuilder("valueAndGrad")
        .addModifiers(Modifier.PUBLIC)
        .addParameters(parameters(s, params))
        .returns(TypeName.DOUBLE)
        .addJavadoc("The value of $L; its gradient is left in this workspace's accessors.\n\n",
            link(s))
        .addJavadoc(paramDocs(s, params))
        .addJavadoc("@return the value\n")
        .addStatement("$T $N = $L", vjp, call, ruleVjp(s, params, false))
        .addStatement("$T $N = $N.pullback(1.0)", grad, cotangents, call);
    for (Param p : s.diffParams()) {
      String field = names.newName(p.name() + "Cotangent");
      String accessor = AdjointNames.component(p.name());
      type.addField(FieldSpec.builder(p.type(), field, Modifier.PRIVATE)
          .addJavadoc("The last call's cotangent of {@code $L}.\n", p.name()).build());
      if (p.type() instanceof ArrayTypeName) {
        valueAndGrad.addStatement("this.$N = $T.copied($N.$N(), this.$N)", field, BUFFERS,
            cotangents, accessor, field);
      } else {
        valueAndGrad.addStatement("this.$N = $N.$N()", field, cotangents, accessor);
      }
      type.addMethod(MethodSpec.methodBuilder(accessor)
          .addModifiers(Modifier.PUBLIC)
          .returns(p.type())
          .addJavadoc("The cotangent of {@code $L} from the last call to {@link #valueAndGrad}.\n"
              + "\n@return the cotangent\n", p.name())
          .addStatement("return $N", field)
          .build());
    }
    valueAndGrad.addStatement("return $N.value()", call);
    return type.addMethod(valueAndGrad.build()).build();
  }

  /** {@code mValueAndGrad} and {@code mGrad} of a rule: its Vjp, pulled back from 1. */
  List<MethodSpec> viaVjp(Signature s, Modifier[] vis) {
    ClassName valueAndGrad = g.valueAndGradType(s);
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String vjp = names.newName("vjp");
    MethodSpec vg =
        staticMethod(AdjointNames.valueAndGradMethod(s), s, params, vis, valueAndGrad,
                CodeBlock.of("The value and gradient of $L by its custom rule.\n", link(s)),
                "the value, and the gradient, whose arrays the caller owns")
            .addStatement("$T $N = $L", g.vjpType(s), vjp, ruleVjp(s, params, true))
            .addStatement("return new $T($N.value(), $N.pullback(1.0))", valueAndGrad, vjp, vjp)
            .build();
    MethodSpec grad =
        staticMethod(AdjointNames.gradMethod(s), s, params, vis, g.gradType(s),
                CodeBlock.of("The gradient of $L by its custom rule.\n", link(s)),
                "the gradient, whose arrays the caller owns")
            .addStatement("return $L.pullback(1.0)", ruleVjp(s, params, true))
            .build();
    return List.of(vg, grad);
  }
}

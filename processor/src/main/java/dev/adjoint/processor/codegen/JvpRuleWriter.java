package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.BUFFERS;
import static dev.adjoint.processor.codegen.Members.arguments;
import static dev.adjoint.processor.codegen.Members.copyOf;
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
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.JvpRule;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the adapters of a {@code @CustomJvp} rule: {@code mJvp}, which calls the {@code @Jvp}
 * rule (zeros for null tangents: a rule never gets null), and the class {@code MVjp} with {@code
 * mVjp}, whose value is the rule's and whose pullback is the transpose of the rule's tangent map
 * (reverse mode on the rule's body, the tangent map's own Vjp, written by {@link VjpWriter}). The
 * gradient, workspace and function members go through {@code MVjp} as a {@code @CustomVjp}
 * rule's do ({@link CustomRuleWriter}). It touches only what it returns.
 */
final class JvpRuleWriter {
  static final ClassName JVP_RESULT = ClassName.get("dev.adjoint.runtime", "JvpResult");

  private final GeneratedClass g;

  JvpRuleWriter(GeneratedClass g) {
    this.g = g;
  }

  private static ParameterizedTypeName jvpResultType(Signature s) {
    return ParameterizedTypeName.get(JVP_RESULT, s.result().box(), s.result().box());
  }

  /** The zero tangent of parameter {@code p}, named {@code name}: 0.0, or zeros of its shape. */
  private static CodeBlock zeroTangent(Param p, String name) {
    return p.type().equals(TypeName.DOUBLE)
        ? CodeBlock.of("0.0")
        : CodeBlock.of("$T.zerosLike($N)", BUFFERS, name);
  }

  /**
   * {@code mJvp(params..., tangents...)}: the rule at the point, with each null array tangent
   * replaced by zeros and each given one checked against its argument's shape; for a {@code
   * double[]} result, copies of the rule's value and tangent, checked to have one length.
   */
  MethodSpec jvpMethod(Signature s, JvpRule rule, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> dots = new ArrayList<>();
    for (Param p : s.diffParams()) {
      dots.add(names.newName(p.name() + "Dot"));
    }
    String result = names.newName("result");
    ClassName jvpType = g.adjoint().nestedClass(AdjointNames.jvpRecord(s));
    MethodSpec.Builder m = MethodSpec.methodBuilder(AdjointNames.jvpMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(parameters(s, params))
        .returns(jvpType)
        .addJavadoc("Forward mode: the value of $L and its tangent along the given tangents of"
            + " its\ndifferentiable arguments, by its {@code @Jvp} rule. An array tangent may be"
            + " null, which\nmeans zeros.\n\n", link(s))
        .addJavadoc(paramDocs(s, params));
    List<Param> diff = s.diffParams();
    List<CodeBlock> args = new ArrayList<>();
    for (String p : params) {
      args.add(CodeBlock.of("$N", p));
    }
    int d = 0;
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      if (!p.differentiable()) {
        continue;
      }
      String dot = dots.get(d++);
      m.addParameter(p.type(), dot);
      m.addJavadoc("@param $L the tangent of {@code $L}$L\n", dot, p.name(),
          p.type().equals(TypeName.DOUBLE) ? "" : " (its shape; null: zeros)");
      args.add(p.type().equals(TypeName.DOUBLE) ? CodeBlock.of("$N", dot)
          : CodeBlock.of("$T.tangent($N, $N)", BUFFERS, dot, params.get(i)));
    }
    m.addJavadoc("@return the value and its tangent\n");
    m.addStatement("$T $N = $T.$N($L)", jvpResultType(s), result, s.owner(), rule.name(),
        CodeBlock.join(args, ", "));
    if (s.result().equals(TypeName.DOUBLE)) {
      return m.addStatement("return new $T($N.value(), $N.tangent())", jvpType, result, result)
          .build();
    }
    String value = names.newName("value");
    // The caller owns what it gets: the rule may have returned an argument, or kept its arrays.
    m.addStatement("$T $N = $T.copyOf($N.value())", Expr.DOUBLE_ARRAY, value, BUFFERS, result);
    return m.addStatement("return new $T($N, $T.checkRuleTangent($S, $S, $N.tangent(), $N))",
            jvpType, value, BUFFERS, rule.name(), s.name(), result, value)
        .build();
  }

  /**
   * The class {@code MVjp}: the rule's value at the point, and the Vjp of the rule's tangent map
   * at zero tangents, whose pullback is the transpose. Its {@code make} runs both; the {@code
   * sharing} factory makes one that copies nothing, for generated callers.
   */
  TypeSpec ruleVjpClass(Signature s, JvpRule rule, Modifier[] vis) {
    Signature map = rule.tangentMap();
    ClassName mapVjp = g.vjpType(map);
    ClassName mapGrad = g.gradType(map);
    boolean sharing = AdjointNames.hasSharing(s);
    boolean arrayValue = !s.result().equals(TypeName.DOUBLE);
    NameAllocator names = g.allocator();
    String value = names.newName("value");
    String transpose = names.newName("transpose");
    String owned = names.newName("owned");
    String cotangent = names.newName("cotangent");
    String grad = names.newName("grad");
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.vjpClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("$L evaluated by its {@code @Jvp} rule; {@link #pullback} is the transpose"
            + " of the rule's\ntangent, which is linear in the tangents. It may be called any"
            + " number of times.\n", link(s))
        .addField(FieldSpec.builder(s.result(), value, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The rule's value.\n").build())
        .addField(FieldSpec.builder(mapVjp, transpose, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The rule's tangent map at this point, linearised: its pullback is the"
                + " transpose.\n").build());
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(s.result(), value)
        .addParameter(mapVjp, transpose)
        .addStatement("this.$N = $N", value, value)
        .addStatement("this.$N = $N", transpose, transpose)
        .addJavadoc("A Vjp of the rule's value and linearised tangent map.\n\n")
        .addJavadoc("@param $L the rule's value\n@param $L the tangent map's Vjp\n", value,
            transpose);
    if (arrayValue) {
      type.addField(FieldSpec.builder(TypeName.BOOLEAN, owned, Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("Whether {@link #value} returns a copy.\n").build());
      ctor.addParameter(TypeName.BOOLEAN, owned)
          .addStatement("this.$N = $N", owned, owned)
          .addJavadoc("@param $L whether {@link #value} returns a copy (for a user)\n", owned);
    }
    type.addMethod(ctor.build());
    type.addMethod(make(s, rule));
    if (sharing) {
      List<String> params = g.paramNames(s);
      type.addMethod(sharingFactory(g, s, params,
          CodeBlock.of("return make($L, false)", arguments(params))));
    }
    type.addMethod(MethodSpec.methodBuilder("value")
        .addModifiers(Modifier.PUBLIC)
        .returns(s.result())
        .addJavadoc(arrayValue
            ? "The value of the {@code @Jvp} rule: a new copy on each call, which the caller"
                + " owns (the\narray itself for generated code).\n\n@return the value\n"
            : "The value of the {@code @Jvp} rule.\n\n@return the value\n")
        .addStatement(arrayValue
            ? CodeBlock.of("return $N ? $T.copyOf($N) : $N", owned, BUFFERS, value, value)
            : CodeBlock.of("return $N", value))
        .build());
    List<CodeBlock> components = new ArrayList<>();
    List<Param> tangents = rule.tangents();
    for (Param t : tangents) {
      components.add(CodeBlock.of("$N.$N()", grad, AdjointNames.component(t.name())));
    }
    return type.addMethod(MethodSpec.methodBuilder("pullback")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(s.result(), cotangent)
            .returns(g.gradType(s))
            .addJavadoc("The transpose of the rule's tangent map applied to {@code $L}: each"
                + " differentiable\nparameter's cotangent.\n\n@param $L the output cotangent\n"
                + "@return the gradient, whose arrays the caller owns\n", cotangent, cotangent)
            .addStatement("$T $N = $N.pullback($N)", mapGrad, grad, transpose, cotangent)
            .addStatement("return new $T($L)", g.gradType(s), CodeBlock.join(components, ", "))
            .build())
        .build();
  }

  /**
   * {@code make(params..., owned)}: runs the rule at zero tangents for its value (a copy, for an
   * array) and the tangent map's forward sweep, which keeps copies of the arrays its pullback
   * reads when {@code owned}.
   */
  private MethodSpec make(Signature s, JvpRule rule) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String owned = names.newName("owned");
    String result = names.newName("result");
    List<CodeBlock> args = new ArrayList<>();
    for (String p : params) {
      args.add(CodeBlock.of("$N", p));
    }
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      if (p.differentiable()) {
        args.add(zeroTangent(p, params.get(i)));
      }
    }
    CodeBlock all = CodeBlock.join(args, ", ");
    boolean arrayValue = !s.result().equals(TypeName.DOUBLE);
    MethodSpec.Builder m = MethodSpec.methodBuilder("make")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameters(parameters(s, params))
        .addParameter(TypeName.BOOLEAN, owned)
        .returns(g.vjpType(s))
        .addJavadoc("Runs the {@code @Jvp} rule of $L at zero tangents, and its tangent map's"
            + " forward sweep.\n\n", link(s))
        .addJavadoc(paramDocs(s, params))
        .addJavadoc("@param $L whether the Vjp is a user's (then it shares no array with the"
            + " caller)\n@return the Vjp\n", owned)
        .addStatement("$T $N = $T.$N($L)", jvpResultType(s), result, s.owner(), rule.name(), all);
    CodeBlock map = AdjointNames.hasSharing(rule.tangentMap())
        ? CodeBlock.of("new $T($L, $N)", g.vjpType(rule.tangentMap()), all, owned)
        : CodeBlock.of("new $T($L)", g.vjpType(rule.tangentMap()), all);
    if (arrayValue) {
      return m.addStatement("return new $T($T.copyOf($N.value()), $L, $N)", g.vjpType(s), BUFFERS,
          result, map, owned).build();
    }
    return m.addStatement("return new $T($N.value(), $L)", g.vjpType(s), result, map).build();
  }

  /**
   * {@code mVjp}: a snapshot, on copies of the array arguments (the tangent map's Vjp keeps what
   * its pullback reads; the rule may keep what it is given).
   */
  MethodSpec ruleVjpMethod(Signature s, Modifier[] vis) {
    List<String> names = g.paramNames(s);
    List<CodeBlock> args = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      args.add(p.type() instanceof ArrayTypeName ? copyOf(p.type(), names.get(i))
          : CodeBlock.of("$N", names.get(i)));
    }
    args.add(CodeBlock.of("true"));
    return staticMethod(AdjointNames.vjpMethod(s), s, names, vis, g.vjpType(s),
            CodeBlock.of("Runs the {@code @Jvp} rule of $L and returns its value with a pullback,"
                + " the\ntranspose of the rule's tangent.\n", link(s)),
            "the linearisation at this point")
        .addStatement("return $T.make($L)", g.vjpType(s), CodeBlock.join(args, ", "))
        .build();
  }
}

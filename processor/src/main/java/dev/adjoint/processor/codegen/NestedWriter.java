package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Nested;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the members of a {@link Nested} function {@code s}, a use of the generated API of an
 * {@code order = 2} method {@code g} of another class in the differentiated code of this class,
 * as generated callers call any annotated method: {@code SVjp} (the value, and {@code
 * pullback}) with {@code sVjp(params...)}, {@code SGrad}, and {@code SJvp} with {@code
 * sJvp(params..., tangents...)}. Every derivative is one of {@code g}'s Hessian-vector products
 * ({@code GAdjoint.gHvp}: reverse mode over {@code g}'s forward-mode body, exact), never a
 * derivative of generated reverse code:
 *
 * <ul>
 *   <li>{@code gGrad(x).c()}: its pullback of {@code w} is {@code H (w e_c)} (H is symmetric),
 *       its tangent along {@code ẋ} is {@code (H ẋ)_c};
 *   <li>{@code gJvp(x, v).tangent() = ∇g·v}: its pullback of {@code w} is {@code w H v} for
 *       {@code x} and {@code w ∇g} for {@code v}; its tangent is {@code (H v)·ẋ + ∇g·v̇}.
 * </ul>
 *
 * <p>A linear call inside a {@code @Jvp} rule ({@link Nested#linear}: another rule's {@code
 * hJvp(a, aDot).tangent()}, or {@code GAdjoint.gJvp(a, aDot).tangent()}) holds {@code a}
 * constant: its pullback of {@code w} is the target's Vjp at {@code a} pulled back on {@code w},
 * for {@code aDot} only (first order: the transpose of the rule's tangent map), and its tangent
 * is the same call along the tangents' tangents.
 *
 * <p>No perturbation is confused with another: each derivative is the target's own
 * Hessian-vector product at the values the call received. The members are package-private and
 * named after the function ({@link Nested#function}), which the source layer keeps apart from
 * every other generated name of the class.
 */
final class NestedWriter {
  /** A Vjp's helper that scales an array where it is. */
  private static final String SCALE = "scale";

  private final GeneratedClass g;

  NestedWriter(GeneratedClass g) {
    this.g = g;
  }

  /** Adds the members of every nested function of the class to {@code type}. */
  void write(TypeSpec.Builder type) {
    for (Nested n : g.plan().nested()) {
      type.addType(gradRecord(n));
      if (n.at()) {
        // A Hessian-vector sweep's call, which only reverse mode takes.
        type.addType(atVjpClass(n));
        type.addMethod(vjpMethod(n));
        continue;
      }
      type.addType(vjpClass(n));
      type.addMethod(vjpMethod(n));
      type.addType(jvpRecord(n));
      type.addMethod(jvpMethod(n));
    }
  }

  /**
   * {@code SVjp} of a Hessian-vector sweep's call given the callee's products at the point
   * ({@link Nested#at}): its value and pullback read them ({@code at.value()}, {@code at.grad()},
   * {@code at.apply(v)}), never the callee's state, which they were made from when the sweep
   * was recorded.
   */
  private TypeSpec atVjpClass(Nested n) {
    Signature s = n.function();
    Signature target = n.target();
    NameAllocator names = g.allocator();
    List<String> fields = g.paramNames(s, names);
    String value = names.newName("value");
    String valueBar = names.newName("valueBar");
    String hvp = names.newName("hvp");
    String grad = names.newName("grad");
    String at = fields.get(0);
    boolean tangent = n.kind() == Nested.Kind.AT_TANGENT;
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.vjpClass(s))
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The value of\n$L\nat a point, from {@code $L}'s products there made"
            + " beforehand, and its pullback$L.\n", describe(n), target.name(),
            tangent ? ": one of those products, exact" : ": the gradient there");
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Computes the value at the point.\n\n");
    Members.argumentFields(type, ctor, s, fields, "the argument");
    type.addField(TypeName.DOUBLE, value, Modifier.PRIVATE, Modifier.FINAL);
    List<Param> diff = target.diffParams();
    int n0 = 1 + target.params().size();
    ClassName targetGrad = target.adjointClass().nestedClass(AdjointNames.gradRecord(target));
    if (tangent) {
      // ∇g·v, from the gradient at the point.
      ctor.addStatement("$T $N = $N.grad()", targetGrad, grad, at);
      List<CodeBlock> terms = new ArrayList<>();
      for (int i = 0; i < diff.size(); i++) {
        Param p = diff.get(i);
        String c = AdjointNames.component(p.name());
        String dot = fields.get(n0 + i);
        terms.add(p.type().equals(TypeName.DOUBLE)
            ? CodeBlock.of("$N.$N() * $N", grad, c, dot)
            : CodeBlock.of("$T.dot($N.$N(), $N)", GeneratedClass.BUFFERS, grad, c, dot));
      }
      ctor.addStatement("this.$N = $L", value, terms.isEmpty() ? CodeBlock.of("0.0")
          : CodeBlock.join(terms, " +$W"));
    } else {
      ctor.addStatement("this.$N = $N.value()", value, at);
    }
    type.addMethod(ctor.build());
    type.addMethod(MethodSpec.methodBuilder("value")
        .returns(TypeName.DOUBLE)
        .addJavadoc("The value.\n\n@return the value\n")
        .addStatement("return $N", value)
        .build());
    List<CodeBlock> parts = new ArrayList<>();
    MethodSpec.Builder pullback = MethodSpec.methodBuilder("pullback")
        .addParameter(TypeName.DOUBLE, valueBar)
        .returns(g.adjoint().nestedClass(AdjointNames.gradRecord(s)))
        .addJavadoc("The cotangents of the arguments for a cotangent of the value.\n\n"
            + "@param $L the value's cotangent\n@return the arguments' cotangents\n", valueBar);
    if (tangent) {
      List<CodeBlock> directions = new ArrayList<>();
      for (int k = 0; k < diff.size(); k++) {
        directions.add(CodeBlock.of("$N", fields.get(n0 + k)));
      }
      pullback.addStatement("$T $N = $N.apply($L)", targetGrad, hvp, at,
          CodeBlock.join(directions, ",$W"));
      parts.add(CodeBlock.of("$N", hvp));
    }
    pullback.addStatement("$T $N = $N.grad()", targetGrad, grad, at);
    parts.add(CodeBlock.of("$N", grad));
    List<CodeBlock> cotangents = new ArrayList<>();
    boolean scales = false;
    for (CodeBlock part : parts) {
      for (Param p : diff) {
        String c = AdjointNames.component(p.name());
        if (p.type().equals(TypeName.DOUBLE)) {
          cotangents.add(CodeBlock.of("$N * $L.$N()", valueBar, part, c));
        } else {
          // A fresh array of the record's, scaled where it is.
          cotangents.add(CodeBlock.of("$N($N, $L.$N())", SCALE, valueBar, part, c));
          scales = true;
        }
      }
    }
    pullback.addStatement("return new $T($L)",
        g.adjoint().nestedClass(AdjointNames.gradRecord(s)), CodeBlock.join(cotangents, ",$W"));
    if (scales) {
      type.addMethod(scaleMethod());
    }
    addSharing(type, s);
    type.addMethod(pullback.build());
    return type.build();
  }

  private ClassName vjpType(Signature s) {
    return g.adjoint().nestedClass(AdjointNames.vjpClass(s));
  }

  private ClassName jvpType(Signature s) {
    return g.adjoint().nestedClass(AdjointNames.jvpRecord(s));
  }

  private static ClassName hvpType(Signature target) {
    return target.adjointClass().nestedClass(AdjointNames.hvpRecord(target));
  }

  private static CodeBlock args(List<String> names) {
    List<CodeBlock> out = new ArrayList<>();
    for (String n : names) {
      out.add(CodeBlock.of("$N", n));
    }
    return CodeBlock.join(out, ",$W");
  }

  private static CodeBlock describe(Nested n) {
    return CodeBlock.of("{@code $L} (of {@link $T#$L})", n.describe(), n.target().owner(),
        n.target().name());
  }

  /** {@code SGrad}: one cotangent per differentiable parameter of the function. */
  private TypeSpec gradRecord(Nested n) {
    Signature s = n.function();
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
    CodeBlock.Builder doc = CodeBlock.builder();
    for (Param p : s.diffParams()) {
      String c = AdjointNames.component(p.name());
      ctor.addParameter(p.type(), c);
      doc.add("@param $L the cotangent of {@code $L}\n", c, p.name());
    }
    return TypeSpec.recordBuilder(AdjointNames.gradRecord(s))
        .recordConstructor(ctor.build())
        .addJavadoc("The cotangents of the arguments of\n$L.\n\n", describe(n))
        .addJavadoc(doc.build())
        .build();
  }

  /** {@code SJvp(value, tangent)}. */
  private TypeSpec jvpRecord(Nested n) {
    TypeName t = n.function().result();
    return TypeSpec.recordBuilder(AdjointNames.jvpRecord(n.function()))
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(t, "value")
            .addParameter(t, "tangent")
            .build())
        .addJavadoc("The value of\n$L,\nand its tangent.\n\n", describe(n))
        .addJavadoc("@param value the value\n@param tangent the tangent\n")
        .build();
  }

  /**
   * The call of the target's {@code gHvp} at the function's point ({@code g}'s parameters, the
   * first of {@code names}) along {@code directions}, one per differentiable parameter of {@code
   * g}.
   */
  private static CodeBlock hvpCall(Nested n, List<String> names, List<CodeBlock> directions) {
    Signature target = n.target();
    List<CodeBlock> all = new ArrayList<>();
    for (int i = 0; i < target.params().size(); i++) {
      all.add(CodeBlock.of("$N", names.get(i)));
    }
    all.addAll(directions);
    return CodeBlock.of("$T.$N($L)", target.adjointClass(), AdjointNames.hvpMethod(target),
        CodeBlock.join(all, ",$W"));
  }

  /** The function's value: the very call the source makes. */
  private static CodeBlock valueCall(Nested n, List<String> names) {
    Signature target = n.target();
    if (n.kind() == Nested.Kind.RULE_TANGENT) {
      return CodeBlock.of("$T.$N($L).tangent()", target.owner(), n.rule(), args(names));
    }
    if (n.kind() == Nested.Kind.GRAD) {
      return CodeBlock.of("$T.$N($L).$N()", target.adjointClass(),
          AdjointNames.gradMethod(target), args(names),
          AdjointNames.component(n.componentParam().name()));
    }
    return CodeBlock.of("$T.$N($L).tangent()", target.adjointClass(),
        AdjointNames.jvpMethod(target), args(names));
  }

  /** {@code SVjp}: the point and the value; the pullback is one Hessian-vector product. */
  private TypeSpec vjpClass(Nested n) {
    Signature s = n.function();
    Signature target = n.target();
    NameAllocator names = g.allocator();
    List<String> fields = g.paramNames(s, names);
    String value = names.newName("value");
    String valueBar = names.newName("valueBar");
    String hvp = names.newName("hvp");
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.vjpClass(s))
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(n.linear()
            ? "The value of\n$L\nat a point, and its pullback, the transpose: one pullback of"
                + " {@code $L} at the\nprimal arguments, which are constants.\n"
            : "The value of\n$L\nat a point, and its pullback: one Hessian-vector product"
                + " of {@code $L}, exact.\n", describe(n), target.name());
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Computes the value at the point.\n\n");
    Members.argumentFields(type, ctor, s, fields, "the argument");
    TypeName result = s.result();
    type.addField(result, value, Modifier.PRIVATE, Modifier.FINAL);
    ctor.addStatement("this.$N = $L", value, valueCall(n, fields));
    String at = names.newName("at");
    if (!n.linear()) {
      // g's products at the point, made now: they read g's fields (and copy its arrays) as they
      // are now, so a field changed before the pullback changes nothing (as for any Vjp).
      ClassName hvpAt = target.adjointClass().nestedClass(AdjointNames.hvpAtClass(target));
      List<CodeBlock> point = new ArrayList<>();
      for (int i = 0; i < target.params().size(); i++) {
        point.add(CodeBlock.of("$N", fields.get(i)));
      }
      type.addField(hvpAt, at, Modifier.PRIVATE, Modifier.FINAL);
      ctor.addStatement("this.$N = $T.$N($L)", at, target.adjointClass(),
          AdjointNames.hvpAtMethod(target), CodeBlock.join(point, ",$W"));
    }
    type.addMethod(ctor.build());
    type.addMethod(MethodSpec.methodBuilder("value")
        .returns(result)
        .addJavadoc("The value.\n\n@return the value\n")
        .addStatement("return $N", value)
        .build());
    List<CodeBlock> directions = new ArrayList<>();
    List<CodeBlock> cotangents = new ArrayList<>();
    List<Param> diff = target.diffParams();
    int n0 = target.params().size();
    boolean scales = false;
    CodeBlock derivative = null;
    if (n.linear()) {
      // The transpose: the target's Vjp at the primal arguments, pulled back on valueBar.
      String grad = names.newName("grad");
      List<CodeBlock> point = new ArrayList<>();
      for (int i = 0; i < n0; i++) {
        point.add(CodeBlock.of("$N", fields.get(i)));
      }
      derivative = CodeBlock.of("$T $N = $T.$N($L).pullback($N)",
          target.adjointClass().nestedClass(AdjointNames.gradRecord(target)), grad,
          target.adjointClass(), AdjointNames.vjpMethod(target), CodeBlock.join(point, ",$W"),
          valueBar);
      for (Param p : diff) {
        cotangents.add(CodeBlock.of("$N.$N()", grad, AdjointNames.component(p.name())));
      }
    } else if (n.kind() == Nested.Kind.GRAD) {
      for (int k = 0; k < diff.size(); k++) {
        // Zero directions elsewhere: 0.0, or null, which gHvp reads as zeros.
        directions.add(k == n.component() ? CodeBlock.of("$N", valueBar)
            : diff.get(k).type().equals(TypeName.DOUBLE) ? CodeBlock.of("0.0")
            : CodeBlock.of("null"));
        cotangents.add(CodeBlock.of("$N.$N()", hvp,
            AdjointNames.component(diff.get(k).name())));
      }
    } else {
      for (int k = 0; k < diff.size(); k++) {
        directions.add(CodeBlock.of("$N", fields.get(n0 + k)));
      }
      for (CodeBlock part : List.of(CodeBlock.of("$N", hvp), CodeBlock.of("$N.grad()", at))) {
        for (Param p : diff) {
          String c = AdjointNames.component(p.name());
          if (p.type().equals(TypeName.DOUBLE)) {
            cotangents.add(CodeBlock.of("$N * $L.$N()", valueBar, part, c));
          } else {
            // A fresh array of the record's, scaled where it is.
            cotangents.add(CodeBlock.of("$N($N, $L.$N())", SCALE, valueBar, part, c));
            scales = true;
          }
        }
      }
    }
    if (scales) {
      type.addMethod(scaleMethod());
    }
    addSharing(type, s);
    type.addMethod(MethodSpec.methodBuilder("pullback")
        .addParameter(s.result(), valueBar)
        .returns(g.adjoint().nestedClass(AdjointNames.gradRecord(s)))
        .addJavadoc("The cotangents of the arguments for a cotangent of the value.\n\n"
            + "@param $L the value's cotangent\n@return the arguments' cotangents\n", valueBar)
        .addStatement(derivative != null ? derivative
            : CodeBlock.of("$T $N = $N.apply($L)",
                target.adjointClass().nestedClass(AdjointNames.gradRecord(target)), hvp, at,
                CodeBlock.join(directions, ",$W")))
        .addStatement("return new $T($L)", g.adjoint().nestedClass(AdjointNames.gradRecord(s)),
            CodeBlock.join(cotangents, ",$W"))
        .build());
    return type.build();
  }

  /** The Vjp's {@code sharing} factory, where the function takes arrays. */
  private void addSharing(TypeSpec.Builder type, Signature s) {
    List<String> shared = g.paramNames(s, g.allocator());
    if (AdjointNames.hasSharing(s)) {
      type.addMethod(MethodSpec.methodBuilder(AdjointNames.SHARING)
          .addModifiers(Modifier.STATIC)
          .addParameters(Members.parameters(s, shared))
          .returns(vjpType(s))
          .addJavadoc("For generated callers: unlike {@code $N}, this Vjp shares\nthe arrays it"
              + " is given, which the caller leaves as they were until its last pullback.\n\n",
              AdjointNames.vjpMethod(s))
          .addJavadoc(Members.paramDocs(s, shared))
          .addJavadoc("@return the linearisation at this point\n")
          .addStatement("return new $T($L)", vjpType(s), args(shared))
          .build());
    }
  }

  /** {@code scale(factor, array)}: a Vjp's helper that scales a fresh array where it is. */
  private static MethodSpec scaleMethod() {
    return MethodSpec.methodBuilder(SCALE)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(TypeName.DOUBLE, "factor")
        .addParameter(Expr.DOUBLE_ARRAY, "array")
        .returns(Expr.DOUBLE_ARRAY)
        .addJavadoc("Multiplies a fresh array by {@code factor} where it is.\n\n"
            + "@param factor the factor\n@param array the array, or null (zeros)\n"
            + "@return the array\n")
        .beginControlFlow("for (int i = 0; array != null && i < array.length; i++)")
        .addStatement("array[i] *= factor")
        .endControlFlow()
        .addStatement("return array")
        .build();
  }

  /** {@code sVjp(params...)}. */
  private MethodSpec vjpMethod(Nested n) {
    Signature s = n.function();
    List<String> params = g.paramNames(s, g.allocator());
    return MethodSpec.methodBuilder(AdjointNames.vjpMethod(s))
        .addModifiers(Modifier.STATIC)
        .addParameters(Members.parameters(s, params))
        .returns(vjpType(s))
        .addJavadoc("The value of\n$L,\nand its pullback.\n\n", describe(n))
        .addJavadoc(Members.paramDocs(s, params))
        .addJavadoc("@return the value and the pullback\n")
        .addStatement("return new $T($L)", vjpType(s), copies(s, params))
        .build();
  }

  /** The arguments, arrays copied: the Vjp keeps the point as it was when it was made. */
  private static CodeBlock copies(Signature s, List<String> names) {
    List<CodeBlock> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      TypeName t = s.params().get(i).type();
      out.add(t instanceof com.palantir.javapoet.ArrayTypeName ? Members.copyOf(t, names.get(i))
          : CodeBlock.of("$N", names.get(i)));
    }
    return CodeBlock.join(out, ",$W");
  }

  /** {@code sJvp(params..., tangents...)}: one Hessian-vector product. */
  private MethodSpec jvpMethod(Nested n) {
    Signature s = n.function();
    Signature target = n.target();
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> dots = new ArrayList<>();
    for (Param p : s.diffParams()) {
      dots.add(names.newName(p.name() + "Dot"));
    }
    String hvp = names.newName("hvp");
    MethodSpec.Builder m = MethodSpec.methodBuilder(AdjointNames.jvpMethod(s))
        .addModifiers(Modifier.STATIC)
        .addParameters(Members.parameters(s, params))
        .returns(jvpType(s))
        .addJavadoc("The value of\n$L,\nand its tangent along the arguments' tangents.\n\n",
            describe(n))
        .addJavadoc(Members.paramDocs(s, params));
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      m.addParameter(ParameterSpec.builder(diff.get(i).type(), dots.get(i)).build());
      m.addJavadoc("@param $L the tangent of {@code $L}\n", dots.get(i), diff.get(i).name());
    }
    m.addJavadoc("@return the value and its tangent\n");
    List<Param> targetDiff = target.diffParams();
    int k = targetDiff.size();
    if (n.linear()) {
      // Linear in the tangents, the primal arguments constant: the same call along their
      // tangents (zeros for a null array, since a rule never gets null).
      List<CodeBlock> call = new ArrayList<>();
      for (String p : params.subList(0, target.params().size())) {
        call.add(CodeBlock.of("$N", p));
      }
      int d = 0;
      for (int i = 0; i < target.params().size(); i++) {
        Param p = target.params().get(i);
        if (p.differentiable()) {
          String dot = dots.get(d++);
          call.add(p.type().equals(TypeName.DOUBLE) ? CodeBlock.of("$N", dot)
              : CodeBlock.of("$T.tangent($N, $N)", GeneratedClass.BUFFERS, dot, params.get(i)));
        }
      }
      CodeBlock tangent = n.kind() == Nested.Kind.RULE_TANGENT
          ? CodeBlock.of("$T.$N($L).tangent()", target.owner(), n.rule(),
              CodeBlock.join(call, ",$W"))
          : CodeBlock.of("$T.$N($L).tangent()", target.adjointClass(),
              AdjointNames.jvpMethod(target), CodeBlock.join(call, ",$W"));
      m.addStatement("return new $T($L,$W$L)", jvpType(s), valueCall(n, params), tangent);
      return m.build();
    }
    if (n.kind() == Nested.Kind.GRAD) {
      List<CodeBlock> directions = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        directions.add(CodeBlock.of("$N", dots.get(i)));
      }
      String c = AdjointNames.component(n.componentParam().name());
      m.addStatement("$T $N = $L", hvpType(target), hvp, hvpCall(n, params, directions));
      // The gradient of gHvp is gValueAndGrad's, which gGrad returns: the value, bit for bit.
      m.addStatement("return new $T($N.grad().$N(),$W$N.hvp().$N())", jvpType(s), hvp, c, hvp,
          c);
      return m.build();
    }
    // gJvp(x, v).tangent(): (H v)·ẋ + ∇g·v̇, with H v and ∇g from one product along v.
    int n0 = target.params().size();
    List<CodeBlock> directions = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      directions.add(CodeBlock.of("$N", params.get(n0 + i)));
    }
    List<CodeBlock> terms = new ArrayList<>();
    for (int part = 0; part < 2; part++) {
      for (int i = 0; i < k; i++) {
        Param p = targetDiff.get(i);
        String c = AdjointNames.component(p.name());
        String of = part == 0 ? "hvp" : "grad";
        String dot = dots.get(part * k + i);
        // An array's tangent may be null (zeros): Buffers.dot reads it so.
        terms.add(p.type().equals(TypeName.DOUBLE)
            ? CodeBlock.of("$N.$N().$N() * $N", hvp, of, c, dot)
            : CodeBlock.of("$T.dot($N.$N().$N(), $N)", GeneratedClass.BUFFERS, hvp, of, c, dot));
      }
    }
    m.addStatement("$T $N = $L", hvpType(target), hvp, hvpCall(n, params, directions));
    m.addStatement("return new $T($L,$W$L)", jvpType(s), valueCall(n, params),
        CodeBlock.join(terms, " +$W"));
    return m.build();
  }
}

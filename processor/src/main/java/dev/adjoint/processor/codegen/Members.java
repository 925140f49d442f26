package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.RecordShape;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Pieces that several writers put into their members: parameter lists and their Javadoc tags, the
 * Javadoc link to a source method, copies of array arguments, and the one member that Vjp classes
 * of every kind share, the {@code sharing} factory. It adds nothing to a type itself.
 */
final class Members {
  static final TypeName INT_ARRAY = ArrayTypeName.of(TypeName.INT);

  private Members() {}

  static List<ParameterSpec> parameters(Signature s, List<String> names) {
    List<ParameterSpec> out = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      out.add(ParameterSpec.builder(s.params().get(i).type(), names.get(i)).build());
    }
    return out;
  }

  static String arguments(List<String> names) {
    return String.join(", ", names);
  }

  static Modifier[] visibility(boolean isPublic) {
    return isPublic ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
  }

  static MethodSpec privateConstructor() {
    return MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Not instantiated.\n")
        .build();
  }

  static CodeBlock link(Signature s) {
    String params =
        s.declaredForm().declared().stream().map(p -> erasure(p.type())).collect(Collectors.joining(", "));
    return CodeBlock.of("{@link $T#$L($L)}", s.owner(), s.name(), params);
  }

  /**
   * A call of the primal method itself with {@code args}, one per parameter: {@code
   * Owner.m(args)}, or {@code receiver.m(rest)} for an instance method.
   */
  static CodeBlock primalCall(Signature s, List<CodeBlock> args) {
    if (s.hasRecords()) {
      // The leaves of each record parameter, put back together (its canonical constructor is
      // the implicit one, so the record is the one the leaves were read from).
      List<CodeBlock> declared = new ArrayList<>();
      int next = 0;
      for (Param p : s.surface()) {
        RecordShape shape = s.records().get(p.name());
        if (shape == null) {
          declared.add(args.get(next++));
        } else {
          declared.add(record(shape, args.subList(next, next + shape.leaves())));
          next += shape.leaves();
        }
      }
      return primalCall(s.declaredForm(), declared);
    }
    if (s.instance()) {
      return CodeBlock.of("$L.$N($L)", args.get(0), s.name(),
          CodeBlock.join(args.subList(1, args.size()), ", "));
    }
    return CodeBlock.of("$T.$N($L)", s.owner(), s.name(), CodeBlock.join(args, ", "));
  }

  /** {@code new R(leaves...)}, with nested records built likewise. */
  static CodeBlock record(RecordShape shape, List<CodeBlock> leaves) {
    List<CodeBlock> parts = new ArrayList<>();
    int next = 0;
    for (RecordShape.Component c : shape.components()) {
      if (c.nested().isPresent()) {
        int n = c.nested().get().leaves();
        parts.add(record(c.nested().get(), leaves.subList(next, next + n)));
        next += n;
      } else {
        parts.add(leaves.get(next++));
      }
    }
    return CodeBlock.of("new $T($L)", shape.type(), CodeBlock.join(parts, ", "));
  }

  private static String erasure(TypeName t) {
    if (t instanceof ParameterizedTypeName p) {
      return p.rawType().canonicalName();
    }
    return t.toString();
  }

  /** {@code @param} tags for the parameters of {@code s}, named {@code names} in generated code. */
  static CodeBlock paramDocs(Signature s, List<String> names) {
    CodeBlock.Builder out = CodeBlock.builder();
    for (int i = 0; i < names.size(); i++) {
      if (i == 0 && s.instance()) {
        out.add("@param $L the object to call the method on ({@code this})\n", names.get(i));
      } else {
        out.add("@param $L the method's {@code $L}\n", names.get(i), s.params().get(i).name());
      }
    }
    return out.build();
  }

  /**
   * A private final field of {@code type} for each parameter of {@code s}, named {@code fields},
   * each a parameter of {@code ctor} that sets it, documented as "{@code what} {@code name}".
   */
  static void argumentFields(TypeSpec.Builder type, MethodSpec.Builder ctor, Signature s,
      List<String> fields, String what) {
    for (int i = 0; i < s.params().size(); i++) {
      Param p = s.params().get(i);
      type.addField(FieldSpec.builder(p.type(), fields.get(i), Modifier.PRIVATE, Modifier.FINAL)
          .build());
      ctor.addParameter(p.type(), fields.get(i))
          .addJavadoc("@param $L $L {@code $L}\n", fields.get(i), what, p.name())
          .addStatement("this.$N = $N", fields.get(i), fields.get(i));
    }
  }

  /** A static generated method taking the parameters of {@code s}, with their Javadoc tags. */
  static MethodSpec.Builder staticMethod(String name, Signature s, List<String> names,
      Modifier[] vis, TypeName returns, CodeBlock doc, String returnDoc) {
    return MethodSpec.methodBuilder(name)
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(parameters(s, names))
        .returns(returns)
        .addJavadoc(doc)
        .addJavadoc("\n")
        .addJavadoc(paramDocs(s, names))
        .addJavadoc("@return $L\n", returnDoc);
  }

  static boolean isArray(Param p) {
    return p.type().equals(Expr.DOUBLE_ARRAY);
  }

  static boolean isMatrix(Param p) {
    return p.type().equals(Expr.DOUBLE_MATRIX);
  }

  /**
   * A copy of the array {@code name} of type {@code type}: arrays of numbers and booleans and
   * their rows are copied; other arrays are copied one level deep (their elements are the
   * caller's objects).
   */
  static CodeBlock copyOf(TypeName type, String name) {
    if (Expr.isArray(type) || Expr.isDiscreteArray(type)) {
      return CodeBlock.of("$T.copyOf($N)", GeneratedClass.BUFFERS, name);
    }
    return CodeBlock.of("($N == null ? null : $N.clone())", name, name);
  }

  /**
   * {@code sharing(params...)}: the Vjp that generated callers make, which copies nothing. A
   * caller keeps the arrays it passed, and the value it got, as they were until its last pullback
   * (generated reverse sweeps put them back before they call it).
   */
  static MethodSpec sharingFactory(
      GeneratedClass g, Signature s, List<String> names, CodeBlock body) {
    return MethodSpec.methodBuilder(AdjointNames.SHARING)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameters(parameters(s, names))
        .returns(g.vjpType(s))
        .addJavadoc("For generated code that calls $L: unlike {@link $T#$N}, this Vjp shares the"
            + " arrays\nit is given and the value it returns with the caller, which leaves them as"
            + " they were until\nits last pullback.\n\n", link(s), g.adjoint(),
            AdjointNames.vjpMethod(s))
        .addJavadoc(paramDocs(s, names))
        .addJavadoc("@return the linearisation at this point\n")
        .addStatement(body)
        .build();
  }
}

package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.BUFFERS;
import static dev.adjoint.processor.codegen.Members.arguments;
import static dev.adjoint.processor.codegen.Members.copyOf;
import static dev.adjoint.processor.codegen.Members.link;
import static dev.adjoint.processor.codegen.Members.paramDocs;
import static dev.adjoint.processor.codegen.Members.parameters;
import static dev.adjoint.processor.codegen.Members.sharingFactory;
import static dev.adjoint.processor.codegen.Members.staticMethod;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the Vjp of a derived method: the class {@code MVjp}, whose constructor runs the forward
 * sweep and whose {@code pullback} runs the reverse sweep, with its {@code sharing} factory for
 * generated callers, and the static method {@code mVjp} that makes one for a user. It touches only
 * what it returns; what a Vjp keeps, copies and walks back it asks of {@link ReverseFacts}.
 */
final class VjpWriter {
  private final GeneratedClass g;

  VjpWriter(GeneratedClass g) {
    this.g = g;
  }

  /** {@code mVjp}: the Vjp object, whose constructor runs the forward sweep. */
  MethodSpec derivedVjpMethod(ReverseDerivative d, Modifier[] vis) {
    Signature s = d.signature();
    List<String> names = g.paramNames(s);
    return staticMethod(AdjointNames.vjpMethod(s), s, names, vis, g.vjpType(s),
            CodeBlock.of("Runs $L forward and returns its value with a pullback, for any output"
                + " cotangent.\n$L", link(s), AdjointNames.hasSharing(s)
                    ? "It keeps a copy of each array argument that the pullback reads: later"
                        + " changes to the\narrays do not change it.\n" : ""),
            "the linearisation at this point")
        .addStatement("return new $T($L)", g.vjpType(s),
            AdjointNames.hasSharing(s) ? arguments(names) + ", true" : arguments(names))
        .build();
  }

  /**
   * The Vjp class. Its constructor takes the method's own parameters and runs the forward sweep,
   * then keeps what the pullback needs in final fields: however much that is, no constructor
   * outgrows the JVM's 255 parameter slots.
   *
   * <p>Where an argument or the value is an array ({@link AdjointNames#hasSharing}), the
   * constructor takes a flag {@code owned} too: set for the Vjp a user gets from {@code mVjp}, which
   * is a snapshot (it keeps copies of the parameter arrays whose elements the pullback reads, gets
   * its callees' Vjps of parameter arrays from their {@code mVjp}, and returns a copy of its
   * value); clear for the one the {@code sharing} factory makes for generated callers, which copies
   * nothing.
   */
  TypeSpec derivedVjpClass(ReverseDerivative d, Modifier[] vis) {
    Signature s = d.signature();
    ReverseFacts facts = new ReverseFacts(d);
    Renderer r = g.renderer(d);
    boolean sharing = AdjointNames.hasSharing(s);
    List<String> names = g.paramNames(d, r);
    String owned = sharing ? r.reserve("owned") : null;
    r.owned(owned);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(AdjointNames.vjpClass(s))
            .addModifiers(vis)
            .addModifiers(Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "$L evaluated at one point: its value, and a pullback that maps an output"
                    + " cotangent to\nthe gradient. {@link #pullback} may be called any number of"
                    + " times.\n",
                link(s));
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameters(parameters(s, names))
        .addJavadoc("Runs the forward sweep and keeps what the pullback needs.\n\n")
        .addJavadoc(paramDocs(s, names));
    if (sharing) {
      ctor.addParameter(TypeName.BOOLEAN, owned)
          .addJavadoc("@param $L whether a user gets this Vjp (then it shares no array with the"
              + " user), or\n    generated code, which shares its arrays\n", owned);
    }
    ctor.addCode(Sweeps.forward(d, r));
    r.owned(null);
    String valueField = r.name(d.result());
    TypeName valueType = d.result().type();
    boolean arrayValue = !valueType.equals(TypeName.DOUBLE);
    type.addField(FieldSpec.builder(valueType, valueField, Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("The value.\n").build());
    ctor.addStatement("this.$N = $N", valueField, valueField);
    // Without sharing (no array argument), what the pullback reads of arrays is that of static
    // array fields: copied on every call.
    Set<Variable> snapshot = facts.elementsRead();
    Set<Variable> objectArrays = facts.objectArraysRead();
    for (Variable v : facts.kept()) {
      type.addField(FieldSpec.builder(v.type(), r.name(v), Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc(snapshot.contains(v)
              ? sharing && !objectArrays.contains(v)
                  ? "Read by the pullback: a copy if a user gets this Vjp.\n"
                  : "Read by the pullback: a copy.\n"
              : "Read by the pullback.\n")
          .build());
      if (snapshot.contains(v) && (!sharing || objectArrays.contains(v))) {
        ctor.addStatement("this.$N = $L", r.name(v), copyOf(v.type(), r.name(v)));
      } else if (snapshot.contains(v)) {
        ctor.addStatement("this.$N = $N ? $L : $N", r.name(v), owned, copyOf(v.type(), r.name(v)),
            r.name(v));
      } else {
        ctor.addStatement("this.$N = $N", r.name(v), r.name(v));
      }
    }
    if (arrayValue) {
      // The renderer gave no variable this name: the field is in scope in every method.
      type.addField(FieldSpec.builder(TypeName.BOOLEAN, owned, Modifier.PRIVATE,
          Modifier.FINAL).addJavadoc("Whether {@link #value} returns a copy.\n").build());
      ctor.addStatement("this.$N = $N", owned, owned);
    }
    type.addMethod(ctor.build());
    if (sharing) {
      type.addMethod(sharingFactory(g, s, names, CodeBlock.of("return new $T($L, false)",
          g.vjpType(s), arguments(names))));
    }
    type.addMethod(
        MethodSpec.methodBuilder("value")
            .addModifiers(Modifier.PUBLIC)
            .returns(valueType)
            .addJavadoc(arrayValue
                ? CodeBlock.of("The value of $L at this point: a new copy on each call, which the"
                    + " caller owns\n(the array itself for generated code).\n\n@return the value"
                    + "\n", link(s))
                : CodeBlock.of("The value of $L at this point.\n\n@return the value\n", link(s)))
            .addStatement(arrayValue
                ? CodeBlock.of("return $N ? $T.copyOf($N) : $N", owned, BUFFERS, valueField,
                    valueField)
                : CodeBlock.of("return $N", valueField))
            .build());
    String cotangent = r.reserve("cotangent");
    CodeBlock.Builder body = CodeBlock.builder();
    if (arrayValue) {
      // A matrix's cotangent is checked against the value's shape, row by row.
      body.addStatement(valueType.equals(Expr.DOUBLE_MATRIX) ? "$T.checkCotangent($S, $N, $N)"
              : "$T.checkCotangent($S, $N, $N.length)",
          BUFFERS, s.qualifiedName(), cotangent, valueField);
    }
    for (Variable v : facts.kept()) {
      body.addStatement("$T $N = this.$N", v.type(), r.name(v), r.name(v));
    }
    body.addStatement("$T $N = $N", valueType, r.name(d.seed()), cotangent);
    // The reverse sweep walks local arrays back to their first state in place (callees' pullbacks
    // read them there); their final state comes back afterwards, so that pullback may run again,
    // and one pullback at a time runs on this object.
    List<Variable> walkedBack = facts.walkedBack();
    Map<Variable, String> finals = new LinkedHashMap<>();
    for (Variable a : walkedBack) {
      finals.put(a, r.reserve(r.name(a) + "Final"));
      body.addStatement("$T $N = $T.copyOf($N)", a.type(), finals.get(a), BUFFERS, r.name(a));
    }
    if (!walkedBack.isEmpty()) {
      body.beginControlFlow("try");
    }
    body.add(Sweeps.reverse(d, r));
    body.addStatement("return $L", Sweeps.newGrad(g, d, r));
    if (!walkedBack.isEmpty()) {
      body.nextControlFlow("finally");
      for (Variable a : walkedBack) {
        // Into the field: an array a loop created on every trip is restored in the local to the
        // first trip's (a copy: the tape keeps each trip's array as it was left).
        body.addStatement("$T.copyInto($N, this.$N)", BUFFERS, finals.get(a), r.name(a));
      }
      body.endControlFlow();
    }
    type.addMethod(
        MethodSpec.methodBuilder("pullback")
            .addModifiers(walkedBack.isEmpty()
                ? new Modifier[] {Modifier.PUBLIC}
                : new Modifier[] {Modifier.PUBLIC, Modifier.SYNCHRONIZED})
            .addParameter(valueType, cotangent)
            .returns(g.gradType(s))
            .addJavadoc(arrayValue
                ? "The gradient of the dot product of {@code cotangent} and the value: each"
                    + " differentiable\nparameter's cotangent. {@code cotangent} must have the"
                    + " value's shape.\n"
                : "The gradient of {@code cotangent * value}: each differentiable parameter's"
                    + " cotangent.\n")
            .addJavadoc("\n@param $L the output cotangent\n@return the gradient, whose arrays the"
                + " caller owns\n", cotangent)
            .addCode(body.build())
            .build());
    return type.build();
  }
}

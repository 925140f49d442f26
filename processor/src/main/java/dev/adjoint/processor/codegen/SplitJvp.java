package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.normalize.Returns;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * {@code mJvp} of a method whose forward derivative is too long for one JVM method (see {@link
 * MethodSize}): the forward sweep runs on an object, {@code MTangentSweep}, whose fields are every
 * variable of the sweep, so that any run of its statements can become a method of its own, cut as
 * {@link SplitSweeps} cuts reverse mode's sweeps. Its early returns are moved to the ends of paths
 * ({@link Returns}) and become assignments of the value and its tangent to two fields, which
 * {@code mJvp} returns. So a long method's JVP is a tangent sweep like a short one's, with forward
 * mode's conventions (a zero tangent through an infinite partial contributes 0), not a pullback's.
 */
final class SplitJvp {
  private final GeneratedClass g;
  private final JvpWriter jvps;
  private final ForwardDerivative d;
  private final ClassName sweep;
  private final int chunk;

  SplitJvp(GeneratedClass g, JvpWriter jvps, ForwardDerivative d, int splitAbove) {
    this.g = g;
    this.jvps = jvps;
    this.d = d;
    this.sweep = g.adjoint().nestedClass(AdjointNames.tangentSweepClass(d.signature()));
    this.chunk = SplitSweeps.chunkSize(splitAbove);
  }

  /** Adds {@code MTangentSweep} and {@code mJvp} to {@code type}. */
  void write(Modifier[] vis, TypeSpec.Builder type) {
    Signature s = d.signature();
    Renderer r = g.renderer(d.params());
    List<String> names = d.params().stream().map(r::name).toList();
    List<String> dots = d.tangents().stream().map(r::name).toList();
    Variable value = new Variable("value", s.result(), Variable.Kind.LOCAL);
    Variable tangent = new Variable("tangent", s.result(), Variable.Kind.LOCAL);
    List<Stmt> body = StmtRewriter.rewrite(Returns.normalize(d.body()).stmts(),
        st -> st instanceof Stmt.Return ret
            ? List.of(new Stmt.Assign(value, ret.value(), ret.ref()),
                new Stmt.Assign(tangent, d.returnTangents().get(ret), ret.ref()))
            : List.of(st),
        st -> false);
    Set<Variable> fields = new LinkedHashSet<>(d.params());
    fields.addAll(d.tangents());
    fields.add(value);
    fields.add(tangent);
    for (Stmt st : body) {
      IrWalker.forEachStmt(st, x -> Uses.written(x).ifPresent(fields::add));
      Uses.referenced(st, fields);
    }
    String run = r.reserve("run");
    String w = r.reserve("sweep");

    TypeSpec.Builder cls = TypeSpec.classBuilder(sweep)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The forward sweep of $L, too long for one method, on fields.\n",
            Members.link(s));
    for (Variable v : fields) {
      cls.addField(FieldSpec.builder(v.type(), r.name(v)).build());
    }
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addParameters(Members.parameters(s, names));
    for (int i = 0; i < dots.size(); i++) {
      ctor.addParameter(s.diffParams().get(i).type(), dots.get(i));
    }
    for (String p : names) {
      ctor.addStatement("this.$N = $N", p, p);
    }
    for (String p : dots) {
      ctor.addStatement("this.$N = $N", p, p);
    }
    cls.addMethod(ctor.build());
    List<MethodSpec> chunks = new ArrayList<>();
    r.split(stmts -> SplitSweeps.split(stmts, "forward", chunks, r, fields, chunk));
    r.resetLine();
    CodeBlock code = r.statements(body, fields);
    r.split(null);
    cls.addMethod(MethodSpec.methodBuilder(run)
        .addJavadoc("The sweep: leaves the value in {@code $N} and its tangent in {@code $N}.\n",
            r.name(value), r.name(tangent))
        .addCode(code).build());
    cls.addMethods(chunks);
    type.addType(cls.build());

    List<String> all = new ArrayList<>(names);
    all.addAll(dots);
    type.addMethod(jvps.header(s, names, dots, vis)
        .addStatement("$T $N = new $T($L)", sweep, w, sweep, Members.arguments(all))
        .addStatement("$N.$N()", w, run)
        .addStatement("return new $T($N.$N, $N.$N)", jvps.jvpType(s), w, r.name(value), w,
            r.name(tangent))
        .build());
  }
}

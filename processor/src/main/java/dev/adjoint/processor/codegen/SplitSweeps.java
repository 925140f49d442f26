package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.Derivative;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The generated forms of a derivative too long for one JVM method (see {@link MethodSize}): its
 * sweeps run on an object, {@code MSweeps}, whose fields are every variable of both sweeps, so
 * that any run of statements can become a method of its own. Each list of statements larger than
 * {@link #CHUNK} is cut into methods {@code forward1()}, {@code forward2()}, ... of at most about
 * that size; a loop or branch larger than that keeps its control flow and has its own body cut.
 * The public API is that of every derivative ({@code mValueAndGrad}, {@code mGrad}, {@code MVjp},
 * {@code MWorkspace}); what differs: the workspace makes a new sweeps object per call, and the
 * Vjp keeps one, which each pullback copies (the reverse sweep writes the fields it reads).
 */
final class SplitSweeps {
  private SplitSweeps() {}

  /** The estimated bytecode of one generated chunk method, at most. */
  private static final int CHUNK = 16_000;

  private static final ClassName BUFFERS = ClassName.get("dev.adjoint.runtime", "Buffers");

  /**
   * Adds the sweeps class and every form of {@code d} to {@code type}; {@code splitAbove} is the
   * size that made it split (chunks are a quarter of it, and at most {@link #CHUNK}: tests that
   * split short methods get many chunks).
   */
  static void write(
      Derivative d, ClassName adjoint, Modifier[] vis, TypeSpec.Builder type, int splitAbove) {
    Signature s = d.signature();
    ClassName sweeps = adjoint.nestedClass(s.capitalized() + "Sweeps");
    type.addType(sweepsClass(d, sweeps, Math.max(1, Math.min(CHUNK, splitAbove / 4))));
    type.addType(vjpClass(d, adjoint, sweeps, vis));
    type.addMethod(AdjointClassWriter.derivedVjpMethod(d, adjoint, vis));
    if (s.result().equals(TypeName.DOUBLE)) {
      type.addMethod(valueAndGrad(d, adjoint, sweeps, vis));
      type.addMethod(AdjointClassWriter.gradFromValueAndGrad(s, adjoint, vis));
      type.addType(workspaceClass(d, adjoint, sweeps, vis));
      type.addMethod(AdjointClassWriter.workspaceMethod(s, adjoint, vis));
    }
  }

  // ------------------------------------------------------------------ the sweeps object

  private static TypeSpec sweepsClass(Derivative d, ClassName sweeps, int chunk) {
    Renderer r = AdjointClassWriter.renderer(d);
    Set<Variable> fields = variables(d);
    TypeSpec.Builder type = TypeSpec.classBuilder(sweeps)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(Cloneable.class)
        .addJavadoc("The sweeps of $L, too long for one method, on fields.\n",
            AdjointClassWriter.link(d.signature()));
    for (Variable v : fields) {
      type.addField(FieldSpec.builder(v.type(), r.name(v)).build());
    }
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addParameters(AdjointClassWriter.parameters(d.signature()));
    for (Variable p : d.params()) {
      ctor.addStatement("this.$N = $N", r.name(p), r.name(p));
    }
    type.addMethod(ctor.build());

    List<MethodSpec> chunks = new ArrayList<>();
    CodeBlock.Builder forward = CodeBlock.builder();
    d.tape().ifPresent(t -> forward.addStatement("$N = new $T()", r.name(t), t.type()));
    r.split(stmts -> split(stmts, "forward", chunk, chunks, r, fields));
    r.resetLine();
    forward.add(r.statements(d.forward().stmts(), fields));
    type.addMethod(MethodSpec.methodBuilder("forward")
        .addJavadoc("The forward sweep: leaves the value in {@code $N}.\n", r.name(d.result()))
        .addCode(forward.build()).build());

    CodeBlock.Builder reverse = CodeBlock.builder();
    d.reader().ifPresent(reader -> reverse.addStatement(
        "$N = $N.reader()", r.name(reader), r.name(d.tape().orElseThrow())));
    for (Variable a : d.adjoints()) {
      reverse.addStatement("$N = $L", r.name(a), r.zeroValue(a));
    }
    r.split(stmts -> split(stmts, "reverse", chunk, chunks, r, fields));
    r.resetLine();
    reverse.add(r.statements(d.reverse().stmts(), fields));
    type.addMethod(MethodSpec.methodBuilder("reverse")
        .addJavadoc("The reverse sweep from the cotangent in {@code $N}, after {@link #forward}.\n",
            r.name(d.seed()))
        .addCode(reverse.build()).build());
    r.split(null);
    type.addMethods(chunks);

    // A copy on which a pullback may run the reverse sweep, which writes the fields it reads:
    // arrays it walks back are copied too.
    CodeBlock.Builder copy = CodeBlock.builder().beginControlFlow("try");
    String c = r.reserve("copy");
    copy.addStatement("$T $N = ($T) clone()", sweeps, c, sweeps);
    for (Variable a : AdjointClassWriter.walkedBack(d)) {
      copy.addStatement("$N.$N = $T.copyOf($N)", c, r.name(a), BUFFERS, r.name(a));
    }
    copy.addStatement("return $N", c)
        .nextControlFlow("catch ($T e)", CloneNotSupportedException.class)
        .addStatement("throw new $T(e)", AssertionError.class)
        .endControlFlow();
    type.addMethod(MethodSpec.methodBuilder("copy")
        .returns(sweeps)
        .addJavadoc("A copy of these sweeps for one pullback.\n")
        .addCode(copy.build()).build());
    return type.build();
  }

  /**
   * Calls of chunk methods that run {@code stmts}, or null to render them in place: a list of
   * one statement (whose own body is cut when it is rendered), a list that fits in {@code chunk}, or
   * one that jumps out of its loop ({@code break} must stay in the loop's method).
   */
  private static CodeBlock split(List<Stmt> stmts, String prefix, int chunk,
      List<MethodSpec> chunks, Renderer r, Set<Variable> fields) {
    if (stmts.size() < 2 || bytes(stmts) <= chunk || jumps(stmts)) {
      return null;
    }
    List<List<Stmt>> parts = new ArrayList<>();
    List<Stmt> part = new ArrayList<>();
    int size = 0;
    for (Stmt st : stmts) {
      int b = bytes(List.of(st));
      if (!part.isEmpty() && size + b > chunk) {
        parts.add(part);
        part = new ArrayList<>();
        size = 0;
      }
      part.add(st);
      size += b;
    }
    parts.add(part);
    CodeBlock.Builder calls = CodeBlock.builder();
    for (List<Stmt> p : parts) {
      String name = prefix + (chunks.size() + 1);
      MethodSpec.Builder method = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE);
      chunks.add(null); // its place, so that nested chunks number after it
      int at = chunks.size() - 1;
      method.addCode(r.statements(p, fields));
      chunks.set(at, method.build());
      calls.addStatement("$N()", name);
    }
    return calls.build();
  }

  private static int bytes(List<Stmt> stmts) {
    return MethodSize.estimate(Stmt.Block.of(stmts));
  }

  /** Whether a break or continue in {@code stmts} leaves them (is not inside a loop of theirs). */
  private static boolean jumps(List<Stmt> stmts) {
    for (Stmt st : stmts) {
      if (st instanceof Stmt.Jump) {
        return true;
      }
      if (st instanceof Stmt.If i && (jumps(i.then().stmts()) || jumps(i.otherwise().stmts()))) {
        return true;
      }
      if (st instanceof Stmt.Block b && jumps(b.stmts())) {
        return true;
      }
    }
    return false;
  }

  /** Every variable of either sweep, in order of first appearance. */
  private static Set<Variable> variables(Derivative d) {
    Set<Variable> out = new LinkedHashSet<>(d.params());
    out.add(d.result());
    out.add(d.seed());
    d.tape().ifPresent(out::add);
    d.reader().ifPresent(out::add);
    out.addAll(d.adjoints());
    for (Stmt.Block block : List.of(d.forward(), d.reverse())) {
      IrWalker.forEachStmt(block, st -> {
        if (st instanceof Stmt.Declare decl) {
          out.add(decl.variable());
        } else if (st instanceof Stmt.Assign a) {
          out.add(a.variable());
        } else if (st instanceof Stmt.ArrayAssign a) {
          out.add(a.array());
        }
      });
      IrWalker.forEachExpr(block, e -> {
        if (e instanceof Expr.Read read) {
          out.add(read.variable());
        } else if (e instanceof Expr.ArrayRead a) {
          out.add(a.array());
        } else if (e instanceof Expr.ArrayLength a) {
          out.add(a.array());
        }
      });
    }
    return out;
  }

  // ------------------------------------------------------------------ the forms

  private static CodeBlock grad(Derivative d, Renderer r, ClassName adjoint, String sweeps) {
    List<CodeBlock> args = new ArrayList<>();
    for (Variable a : d.paramAdjoints().values()) {
      args.add(CodeBlock.of("$N.$N", sweeps, r.name(a)));
    }
    return CodeBlock.of("new $T($L)", AdjointClassWriter.gradType(d.signature(), adjoint),
        CodeBlock.join(args, ", "));
  }

  /** {@code new MSweeps(params)}, with copies of the array parameters where {@code copy}. */
  private static CodeBlock newSweeps(Derivative d, ClassName sweeps, boolean copy) {
    List<CodeBlock> args = new ArrayList<>();
    for (Param p : d.signature().params()) {
      boolean array = p.type().equals(Expr.DOUBLE_ARRAY) || p.type().equals(Expr.DOUBLE_MATRIX);
      args.add(copy && array
          ? CodeBlock.of("$T.copyOf($N)", BUFFERS, p.name())
          : CodeBlock.of("$N", p.name()));
    }
    return CodeBlock.of("new $T($L)", sweeps, CodeBlock.join(args, ", "));
  }

  private static MethodSpec valueAndGrad(
      Derivative d, ClassName adjoint, ClassName sweeps, Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = AdjointClassWriter.renderer(d);
    String w = r.reserve("sweeps");
    ClassName valueAndGrad = adjoint.nestedClass(AdjointNames.valueAndGradRecord(s));
    return AdjointClassWriter.staticMethod(AdjointNames.valueAndGradMethod(s), s, vis, valueAndGrad)
        .addJavadoc("The value and gradient of $L.\n", AdjointClassWriter.link(s))
        .addStatement("$T $N = $L", sweeps, w, newSweeps(d, sweeps, false))
        .addStatement("$N.forward()", w)
        .addStatement("$N.$N = 1.0", w, r.name(d.seed()))
        .addStatement("$N.reverse()", w)
        .addStatement("return new $T($N.$N, $L)", valueAndGrad, w, r.name(d.result()),
            grad(d, r, adjoint, w))
        .build();
  }

  private static TypeSpec vjpClass(
      Derivative d, ClassName adjoint, ClassName sweeps, Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = AdjointClassWriter.renderer(d);
    TypeName valueType = d.result().type();
    boolean scalar = valueType.equals(TypeName.DOUBLE);
    String kept = r.reserve("sweeps");
    String cotangent = r.reserve("cotangent");
    String w = r.reserve("pullbackSweeps");
    CodeBlock.Builder pullback = CodeBlock.builder();
    if (!scalar) {
      pullback.addStatement("$T.checkCotangent($S, $N, $N.$N.length)",
          BUFFERS, s.qualifiedName(), cotangent, kept, r.name(d.result()));
    }
    pullback.addStatement("$T $N = $N.copy()", sweeps, w, kept)
        .addStatement("$N.$N = $N", w, r.name(d.seed()), cotangent)
        .addStatement("$N.reverse()", w)
        .addStatement("return $L", grad(d, r, adjoint, w));
    return TypeSpec.classBuilder(AdjointNames.vjpClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("$L evaluated at one point: its value, and a pullback that maps an output"
                + " cotangent to\nthe gradient. {@link #pullback} may be called any number of"
                + " times.\n",
            AdjointClassWriter.link(s))
        .addField(FieldSpec.builder(sweeps, kept, Modifier.PRIVATE, Modifier.FINAL).build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameters(AdjointClassWriter.parameters(s))
            // The caller may write into its arrays before a pullback: keep them as they are now.
            .addStatement("this.$N = $L", kept, newSweeps(d, sweeps, true))
            .addStatement("this.$N.forward()", kept)
            .build())
        .addMethod(MethodSpec.methodBuilder("value")
            .addModifiers(Modifier.PUBLIC)
            .returns(valueType)
            .addJavadoc(scalar
                ? CodeBlock.of("The value of $L at this point.\n", AdjointClassWriter.link(s))
                : CodeBlock.of("The value of $L at this point: a copy, which the caller owns.\n",
                    AdjointClassWriter.link(s)))
            .addStatement(scalar ? "return $N.$N" : "return $T.copyOf($N.$N)",
                scalar ? new Object[] {kept, r.name(d.result())}
                    : new Object[] {BUFFERS, kept, r.name(d.result())})
            .build())
        .addMethod(MethodSpec.methodBuilder("pullback")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(valueType, cotangent)
            .returns(AdjointClassWriter.gradType(s, adjoint))
            .addJavadoc(scalar
                ? "The gradient of {@code cotangent * value}: each differentiable parameter's"
                    + " cotangent.\n"
                : "The gradient of the dot product of {@code cotangent} and the value: each"
                    + " differentiable\nparameter's cotangent. {@code cotangent} must have the"
                    + " value's length.\n")
            .addCode(pullback.build())
            .build())
        .build();
  }

  private static TypeSpec workspaceClass(
      Derivative d, ClassName adjoint, ClassName sweeps, Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = AdjointClassWriter.renderer(d);
    String w = r.reserve("sweeps");
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.workspaceClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("A workspace for gradients of $L: {@link #valueAndGrad} leaves the gradient"
                + " in this\nobject's accessors, valid until the next call. (This method is long"
                + " enough that its sweeps\nrun on an object of their own, made anew on each"
                + " call.) Not thread-safe: use one workspace\nper thread.\n",
            AdjointClassWriter.link(s))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    MethodSpec.Builder valueAndGrad = MethodSpec.methodBuilder("valueAndGrad")
        .addModifiers(Modifier.PUBLIC)
        .addParameters(AdjointClassWriter.parameters(s))
        .returns(TypeName.DOUBLE)
        .addJavadoc("The value of $L; its gradient is left in this workspace's accessors.\n",
            AdjointClassWriter.link(s))
        .addStatement("$T $N = $L", sweeps, w, newSweeps(d, sweeps, false))
        .addStatement("$N.forward()", w)
        .addStatement("$N.$N = 1.0", w, r.name(d.seed()))
        .addStatement("$N.reverse()", w);
    for (Map.Entry<String, Variable> p : d.paramAdjoints().entrySet()) {
      Variable bar = p.getValue();
      String field = r.name(bar);
      type.addField(FieldSpec.builder(bar.type(), field, Modifier.PRIVATE).build());
      valueAndGrad.addStatement("this.$N = $N.$N", field, w, field);
      type.addMethod(MethodSpec.methodBuilder(p.getKey())
          .addModifiers(Modifier.PUBLIC)
          .returns(bar.type())
          .addJavadoc("The cotangent of {@code $L} from the last call to {@link #valueAndGrad}.\n",
              p.getKey())
          .addStatement("return $N", field)
          .build());
    }
    valueAndGrad.addStatement("return $N.$N", w, r.name(d.result()));
    return type.addMethod(valueAndGrad.build()).build();
  }
}

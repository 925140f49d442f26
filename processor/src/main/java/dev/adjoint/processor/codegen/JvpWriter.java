package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.Members.arguments;
import static dev.adjoint.processor.codegen.Members.link;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.forward.VectorMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes forward mode's members: the record {@code MJvp(value, tangent)} and {@code
 * mJvp(params..., tangents...)}, either from a forward derivative (one sweep that carries the
 * tangent beside the value; a body too long for one method gets it split, {@link SplitJvp}) or,
 * where there is none (a {@code @CustomVjp} rule, a callee from a jar compiled without JVPs),
 * from the method's Vjp: one pullback for a {@code double} result, one per
 * element for a {@code double[]} result; and the workspace {@code MJvpWorkspace}, which keeps the
 * forward sweep's arrays from call to call. It touches only the members it returns.
 */
final class JvpWriter {
  private final GeneratedClass g;

  JvpWriter(GeneratedClass g) {
    this.g = g;
  }

  ClassName jvpType(Signature s) {
    return g.adjoint().nestedClass(AdjointNames.jvpRecord(s));
  }

  /** {@code MJvp(value, tangent)}: the value and its tangent along the given direction. */
  TypeSpec jvpRecord(Signature s, Modifier[] vis) {
    TypeName t = s.result();
    boolean array = !t.equals(TypeName.DOUBLE);
    TypeSpec.Builder record = TypeSpec.recordBuilder(AdjointNames.jvpRecord(s));
    if (array) {
      // A record prints an array component as [D@1b6d3586: print its elements instead.
      String deep = t.equals(Expr.DOUBLE_MATRIX) ? "deepToString" : "toString";
      record.addMethod(MethodSpec.methodBuilder("toString")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .returns(String.class)
          .addJavadoc("The value and the tangent, element by element.\n\n@return the text\n")
          // Qualified in full, not imported: the user's package may have its own Arrays.
          .addStatement("return $S + java.util.Arrays.$L(value) + $S"
              + " + java.util.Arrays.$L(tangent) + $S",
              AdjointNames.jvpRecord(s) + "[value=", deep, ", tangent=", deep, "]")
          .build());
    }
    return record
        .addModifiers(vis)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(t, "value")
            .addParameter(t, "tangent")
            .build())
        .addJavadoc("The value of $L and its tangent (its directional derivative) along the"
            + " tangents\nof the arguments$L.\n\n", link(s),
            array ? " (fresh arrays, owned by the caller)" : "")
        .addJavadoc("@param value the value, bit for bit the method's\n")
        .addJavadoc("@param tangent the tangent\n")
        .build();
  }

  /** {@code mJvp} as the forward sweep {@code d}. */
  MethodSpec jvpMethod(ForwardDerivative d, Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = g.renderer(d.params());
    List<String> names = d.params().stream().map(r::name).toList();
    List<String> dots = d.tangents().stream().map(r::name).toList();
    r.returnsWithTangents(jvpType(s), d.returnTangents());
    return header(s, names, dots, vis)
        .addCode(r.statements(d.body().stmts(), Set.of()))
        .build();
  }

  /** {@code mJvp} through {@code mVjp}: the gradient (or one per output) dotted with tangents. */
  MethodSpec jvpByPullbacks(Signature s, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> dots = new ArrayList<>();
    for (Param p : s.diffParams()) {
      dots.add(names.newName(p.name() + "Dot"));
    }
    String call = names.newName("call");
    String grad = names.newName("grad");
    MethodSpec.Builder m = header(s, params, dots, vis);
    m.addStatement("$T $N = $N($L)", g.vjpType(s), call, AdjointNames.vjpMethod(s),
        arguments(params));
    if (s.result().equals(TypeName.DOUBLE)) {
      m.addStatement("$T $N = $N.pullback(1.0)", g.gradType(s), grad, call);
      m.addStatement("return new $T($N.value(), $L)", jvpType(s), call, dotted(s, grad, dots));
      return m.build();
    }
    String value = names.newName("value");
    String tangent = names.newName("tangent");
    String seed = names.newName("seed");
    String k = names.newName("k");
    if (s.result().equals(Expr.DOUBLE_MATRIX)) {
      // One pullback per element, row by row (rows may differ in length).
      String i = names.newName("i");
      m.addStatement("$T $N = $N.value()", Expr.DOUBLE_MATRIX, value, call);
      m.addStatement("$T $N = $T.zerosLike($N)", Expr.DOUBLE_MATRIX, tangent, GeneratedClass.BUFFERS, value);
      m.addStatement("$T $N = $T.zerosLike($N)", Expr.DOUBLE_MATRIX, seed, GeneratedClass.BUFFERS, value);
      m.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", i, i, value, i);
      m.beginControlFlow("for (int $N = 0; $N < $N[$N].length; $N++)", k, k, value, i, k);
      m.addStatement("$N[$N][$N] = 1.0", seed, i, k);
      m.addStatement("$T $N = $N.pullback($N)", g.gradType(s), grad, call, seed);
      m.addStatement("$N[$N][$N] = 0.0", seed, i, k);
      m.addStatement("$N[$N][$N] = $L", tangent, i, k, dotted(s, grad, dots));
      m.endControlFlow();
      m.endControlFlow();
      m.addStatement("return new $T($N, $N)", jvpType(s), value, tangent);
      return m.build();
    }
    m.addStatement("$T $N = $N.value()", Expr.DOUBLE_ARRAY, value, call);
    m.addStatement("$T $N = new double[$N.length]", Expr.DOUBLE_ARRAY, tangent, value);
    m.addStatement("$T $N = new double[$N.length]", Expr.DOUBLE_ARRAY, seed, value);
    m.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", k, k, value, k);
    m.addStatement("$N[$N] = 1.0", seed, k);
    m.addStatement("$T $N = $N.pullback($N)", g.gradType(s), grad, call, seed);
    m.addStatement("$N[$N] = 0.0", seed, k);
    m.addStatement("$N[$N] = $L", tangent, k, dotted(s, grad, dots));
    m.endControlFlow();
    m.addStatement("return new $T($N, $N)", jvpType(s), value, tangent);
    return m.build();
  }

  ClassName valueAndJacobianType(Signature s) {
    return g.adjoint().nestedClass(AdjointNames.valueAndJacobianRecord(s));
  }

  /**
   * Up to this many inputs, a Jacobian with a vector sweep takes it without first running the
   * primal to count the outputs: it costs about the primal plus a fraction of it per input, which
   * a few pullbacks (when outputs are few) would cost anyway.
   */
  static final int VECTOR_UNCOUNTED = 8;

  /** The vector sweep's method, private to {@code MValueAndJacobian}, where its name is free. */
  private static final String SWEEP = "sweep";

  /**
   * {@code MValueAndJacobian(value, jacobian)}, of a method with a {@code double[]} result; with a
   * vector forward derivative, the record holds it as a private static {@code sweep(params...)}.
   */
  TypeSpec valueAndJacobianRecord(Signature s, Modifier[] vis, VectorMode.VectorDerivative v) {
    TypeSpec.Builder record = TypeSpec.recordBuilder(AdjointNames.valueAndJacobianRecord(s));
    if (v != null) {
      Renderer r = g.renderer(v.params());
      List<String> names = v.params().stream().map(r::name).toList();
      r.returnsWithTangents(valueAndJacobianType(s), v.jacobians());
      record.addMethod(MethodSpec.methodBuilder(SWEEP)
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .addParameters(Members.parameters(s, names))
          .returns(valueAndJacobianType(s))
          .addJavadoc("Vector forward mode: the value and the Jacobian in one sweep that carries"
              + " a tangent\nper input (a column of the Jacobian) beside each value.\n\n")
          .addJavadoc(Members.paramDocs(s, names))
          .addJavadoc("@return the value and the Jacobian\n")
          .addCode(r.statements(v.body().stmts(), Set.of()))
          .build());
    }
    return record
        .addModifiers(vis)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(Expr.DOUBLE_ARRAY, "value")
            .addParameter(Expr.DOUBLE_MATRIX, "jacobian")
            .build())
        .addJavadoc("The value of $L and its Jacobian, both owned by the caller.\n\n", link(s))
        .addJavadoc("@param value the value, bit for bit the method's\n")
        .addJavadoc("@param jacobian one row per element of the value, one column per"
            + " differentiable input,\n    flattened in declaration order (matrices row by"
            + " row)\n")
        .build();
  }

  /** {@code mJacobian}: the Jacobian part of {@code mValueAndJacobian}. */
  MethodSpec jacobianMethod(Signature s, Modifier[] vis) {
    List<String> names = g.paramNames(s);
    return Members.staticMethod(AdjointNames.jacobianMethod(s), s, names, vis,
            Expr.DOUBLE_MATRIX,
            CodeBlock.of("The Jacobian of $L: one row per element of its value, one column per"
                + " differentiable\ninput, flattened in declaration order (matrices row by"
                + " row).\n", link(s)),
            "the Jacobian, owned by the caller")
        .addStatement("return $N($L).jacobian()", AdjointNames.valueAndJacobianMethod(s),
            arguments(names))
        .build();
  }

  /**
   * {@code mValueAndJacobian}: by one pullback per row from one {@code mVjp}; or, where {@code
   * byColumns} (the method is pure: no calls, no writes into its arguments, so evaluating it again
   * changes nothing) and there are fewer inputs than outputs, by forward mode: with {@code vector},
   * one sweep that carries all the columns (the record's {@code sweep}); without, one sweep per
   * column.
   */
  MethodSpec valueAndJacobian(Signature s, Modifier[] vis, boolean byColumns, boolean vector) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String value = names.newName("value");
    String jacobian = names.newName("jacobian");
    String n = names.newName("n");
    String at = names.newName("at");
    String call = names.newName("call");
    String seed = names.newName("seed");
    String k = names.newName("k");
    String j = names.newName("j");
    String grad = names.newName("grad");
    List<Param> diff = s.diffParams();
    List<String> diffNames = new ArrayList<>();
    for (int i = 0; i < s.params().size(); i++) {
      if (s.params().get(i).differentiable()) {
        diffNames.add(params.get(i));
      }
    }
    MethodSpec.Builder m = Members.staticMethod(AdjointNames.valueAndJacobianMethod(s), s, params,
        vis, valueAndJacobianType(s),
        CodeBlock.of("The value of $L and its Jacobian ($L).\n", link(s), !byColumns
            ? "by pullbacks, one per output"
            : vector
                ? "by one forward sweep that carries a tangent\nper input where there are at most "
                    + VECTOR_UNCOUNTED + " inputs or fewer inputs than outputs, else by\n"
                    + "pullbacks, one per output"
                : "by pullbacks, one per output, or by forward\nsweeps, one per input, whichever"
                    + " are fewer"),
        "the value and the Jacobian, owned by the caller");
    List<CodeBlock> sizes = new ArrayList<>();
    int scalars = 0;
    for (int i = 0; i < diff.size(); i++) {
      if (diff.get(i).type().equals(TypeName.DOUBLE)) {
        scalars++;
      } else {
        sizes.add(CodeBlock.of("$T.size($N)", GeneratedClass.BUFFERS, diffNames.get(i)));
      }
    }
    boolean counted = !sizes.isEmpty(); // else the count is the constant `scalars`
    if (byColumns && vector && !counted && scalars <= VECTOR_UNCOUNTED) {
      // Few scalar inputs: always the vector sweep.
      return m.addStatement("return $T.$N($L)", valueAndJacobianType(s), SWEEP,
          arguments(params)).build();
    }
    sizes.add(0, CodeBlock.of("$L", scalars));
    m.addStatement("int $N = $L", n, CodeBlock.join(sizes, " + "));
    if (byColumns && vector && counted) {
      // Few inputs: one vector sweep costs no more than a few pullbacks, so go straight to it
      // rather than run the primal first to count the outputs.
      m.beginControlFlow("if ($N <= $L)", n, VECTOR_UNCOUNTED);
      m.addStatement("return $T.$N($L)", valueAndJacobianType(s), SWEEP, arguments(params));
      m.endControlFlow();
    }
    if (byColumns) {
      // The primal itself (pure: nothing changes), copied: it may return an argument.
      m.addStatement("$T $N = $T.copyOf($L)", Expr.DOUBLE_ARRAY, value,
          GeneratedClass.BUFFERS, Members.primalCall(s,
              params.stream().map(p -> CodeBlock.of("$N", p)).toList()));
      if (vector) {
        // Fewer inputs than outputs: one sweep carrying every input's tangent.
        m.beginControlFlow("if ($N < $N.length)", n, value);
        m.addStatement("return $T.$N($L)", valueAndJacobianType(s), SWEEP, arguments(params));
        m.endControlFlow();
      }
      m.addStatement("$T $N = new double[$N.length][$N]", Expr.DOUBLE_MATRIX, jacobian, value, n);
    }
    if (byColumns && !vector) {
      m.beginControlFlow("if ($N < $N.length)", n, value);
      m.addStatement("int $N = 0", at);
      // One direction per input: zeros (0.0, or null arrays) but for one coordinate.
      List<String> dirs = new ArrayList<>();
      for (int i = 0; i < diff.size(); i++) {
        String dir = names.newName(diff.get(i).name() + "Direction");
        dirs.add(dir);
        Param p = diff.get(i);
        if (p.type().equals(TypeName.DOUBLE)) {
          m.addStatement("double $N = 0.0", dir);
        } else {
          m.addStatement("$T $N = null", p.type(), dir);
        }
      }
      for (int i = 0; i < diff.size(); i++) {
        Param p = diff.get(i);
        String dir = dirs.get(i);
        String x = diffNames.get(i);
        CodeBlock column = CodeBlock.of("$T.setColumn($N, $N++, $N($L, $L).tangent())",
            GeneratedClass.BUFFERS, jacobian, at, AdjointNames.jvpMethod(s), arguments(params),
            String.join(", ", dirs));
        if (p.type().equals(TypeName.DOUBLE)) {
          m.addStatement("$N = 1.0", dir);
          m.addStatement(column);
          m.addStatement("$N = 0.0", dir);
        } else if (p.type().equals(Expr.DOUBLE_ARRAY)) {
          m.beginControlFlow("if ($N != null)", x);
          m.addStatement("$N = new double[$N.length]", dir, x);
          m.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", j, j, dir, j);
          m.addStatement("$N[$N] = 1.0", dir, j);
          m.addStatement(column);
          m.addStatement("$N[$N] = 0.0", dir, j);
          m.endControlFlow();
          m.addStatement("$N = null", dir);
          m.endControlFlow();
        } else if (p.type().equals(Expr.DOUBLE_TENSOR3)) {
          // One coordinate at a time, row-major: matrix k, row l, element j.
          String l = names.newName("l");
          m.beginControlFlow("if ($N != null)", x);
          m.addStatement("$N = $T.zerosLike($N)", dir, GeneratedClass.BUFFERS, x);
          m.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", k, k, dir, k);
          m.beginControlFlow("for (int $N = 0; $N[$N] != null && $N < $N[$N].length; $N++)",
              l, dir, k, l, dir, k, l);
          m.beginControlFlow("for (int $N = 0; $N[$N][$N] != null && $N < $N[$N][$N].length; $N++)",
              j, dir, k, l, j, dir, k, l, j);
          m.addStatement("$N[$N][$N][$N] = 1.0", dir, k, l, j);
          m.addStatement(column);
          m.addStatement("$N[$N][$N][$N] = 0.0", dir, k, l, j);
          m.endControlFlow();
          m.endControlFlow();
          m.endControlFlow();
          m.addStatement("$N = null", dir);
          m.endControlFlow();
        } else {
          m.beginControlFlow("if ($N != null)", x);
          m.addStatement("$N = $T.zerosLike($N)", dir, GeneratedClass.BUFFERS, x);
          m.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", k, k, dir, k);
          m.beginControlFlow("for (int $N = 0; $N < $T.size($N[$N]); $N++)", j, j,
              GeneratedClass.BUFFERS, dir, k, j);
          m.addStatement("$N[$N][$N] = 1.0", dir, k, j);
          m.addStatement(column);
          m.addStatement("$N[$N][$N] = 0.0", dir, k, j);
          m.endControlFlow();
          m.endControlFlow();
          m.addStatement("$N = null", dir);
          m.endControlFlow();
        }
      }
      m.addStatement("return new $T($N, $N)", valueAndJacobianType(s), value, jacobian);
      m.endControlFlow();
    }
    if (byColumns) {
      m.addStatement("$T $N = $N($L)", g.vjpType(s), call, AdjointNames.vjpMethod(s),
          arguments(params));
    } else {
      m.addStatement("$T $N = $N($L)", g.vjpType(s), call, AdjointNames.vjpMethod(s),
          arguments(params));
      m.addStatement("$T $N = $N.value()", Expr.DOUBLE_ARRAY, value, call);
      m.addStatement("$T $N = new double[$N.length][$N]", Expr.DOUBLE_MATRIX, jacobian, value, n);
    }
    m.addStatement("$T $N = new double[$N.length]", Expr.DOUBLE_ARRAY, seed, value);
    m.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", k, k, value, k);
    m.addStatement("$N[$N] = 1.0", seed, k);
    m.addStatement("$T $N = $N.pullback($N)", g.gradType(s), grad, call, seed);
    m.addStatement("$N[$N] = 0.0", seed, k);
    m.addStatement("int $N = 0", at);
    for (Param p : diff) {
      String c = AdjointNames.component(p.name());
      if (p.type().equals(TypeName.DOUBLE)) {
        m.addStatement("$N[$N][$N++] = $N.$N()", jacobian, k, at, grad, c);
      } else {
        m.addStatement("$N = $T.flatten($N.$N(), $N[$N], $N)", at, GeneratedClass.BUFFERS, grad,
            c, jacobian, k, at);
      }
    }
    m.endControlFlow();
    m.addStatement("return new $T($N, $N)", valueAndJacobianType(s), value, jacobian);
    return m.build();
  }

  /** {@code mJvpWorkspace()}: a new forward-mode workspace. */
  MethodSpec jvpWorkspaceMethod(Signature s, Modifier[] vis) {
    ClassName workspace = g.adjoint().nestedClass(AdjointNames.jvpWorkspaceClass(s));
    return MethodSpec.methodBuilder(AdjointNames.jvpWorkspaceMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(workspace)
        .addJavadoc("A new workspace for repeated JVPs of $L on one thread.\n\n"
            + "@return the workspace\n", link(s))
        .addStatement("return new $T()", workspace)
        .build();
  }

  /**
   * The class {@code MJvpWorkspace}: {@code jvp(params..., tangents...)} returns the value and
   * keeps the tangent for {@code tangent()}. From a forward sweep {@code d}, the arrays the sweep
   * creates at its top level (locals and their tangents) are fields reused from call to call, and
   * the tangent is returned as it is (not copied), so repeated calls with the same lengths and
   * non-null tangents allocate nothing but what calls of other annotated methods make. Where there
   * is no sweep in one method ({@code d} null: a rule, or a body too long for one method, whose
   * {@code mJvp} is split), {@code jvp} is {@code mJvp}'s, allocating as it does.
   */
  TypeSpec jvpWorkspaceClass(Signature s, ForwardDerivative d, Modifier[] vis) {
    TypeName t = s.result();
    boolean array = !t.equals(TypeName.DOUBLE);
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.jvpWorkspaceClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("A reusable workspace for forward mode through $L: {@link #jvp} returns the"
                + " value and\nleaves its tangent in {@link #tangent()}$L. Not thread-safe: use"
                + " one workspace per thread.\n",
            link(s), d == null
                ? ""
                : array
                    ? ". Arrays the forward sweep makes are kept\nfrom call to call, so repeated"
                        + " calls with the same array lengths and non-null tangents\nallocate"
                        + " nothing; the value and the tangent may be arrays of this workspace,"
                        + " valid until\nthe next call, or arguments"
                    : ". Arrays the forward sweep makes are kept\nfrom call to call, so repeated"
                        + " calls with the same array lengths and non-null tangents\nallocate"
                        + " nothing")
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
            .addJavadoc("An empty workspace.\n").build());
    MethodSpec.Builder jvp = MethodSpec.methodBuilder("jvp")
        .addModifiers(Modifier.PUBLIC)
        .returns(t)
        .addJavadoc("The value of $L; its tangent along the given tangents of its differentiable"
            + "\narguments is left in {@link #tangent()}. An array tangent may be null, which"
            + " means zeros\n(and is made on each call).\n\n", link(s));
    String tangentField;
    String keep;
    if (d != null) {
      Renderer r = g.renderer(d.params());
      Set<Variable> pooled = new LinkedHashSet<>();
      for (Stmt st : d.body().stmts()) {
        if (st instanceof Stmt.Declare decl && decl.init() instanceof Expr.NewArray
            && Expr.isArray(decl.variable().type())) { // a discrete array is made per call
          pooled.add(decl.variable());
        }
      }
      r.pool(pooled);
      tangentField = r.reserve("tangent");
      keep = r.reserve("keep");
      // The tangent as the sweep has it: a workspace's tangent may be its own buffer.
      Map<Stmt.Return, Expr> tangents = new IdentityHashMap<>();
      d.returnTangents().forEach((ret, tangent) -> tangents.put(ret,
          tangent instanceof Expr.OpaqueCall c && c.owner().equals(GeneratedClass.BUFFERS)
              && c.name().equals("copyOf") ? c.args().get(0) : tangent));
      r.returnsThrough(keep, tangents);
      List<String> names = d.params().stream().map(r::name).toList();
      List<String> dots = d.tangents().stream().map(r::name).toList();
      for (Variable v : pooled) {
        type.addField(FieldSpec.builder(v.type(), r.name(v), Modifier.PRIVATE)
            .addJavadoc("Reused from call to call.\n").build());
      }
      addParameters(jvp, s, names, dots);
      jvp.addCode(unaliased(d, r, pooled));
      jvp.addCode(r.statements(d.body().stmts(), Set.of()));
    } else {
      NameAllocator names = g.allocator();
      List<String> params = g.paramNames(s, names);
      List<String> dots = new ArrayList<>();
      for (Param p : s.diffParams()) {
        dots.add(names.newName(p.name() + "Dot"));
      }
      tangentField = names.newName("tangent");
      keep = names.newName("keep");
      String call = names.newName("call");
      addParameters(jvp, s, params, dots);
      List<String> all = new ArrayList<>(params);
      all.addAll(dots);
      jvp.addStatement("$T $N = $N($L)", jvpType(s), call, AdjointNames.jvpMethod(s),
          arguments(all));
      jvp.addStatement("return $N($N.value(), $N.tangent())", keep, call, call);
    }
    jvp.addJavadoc("@return the value\n");
    type.addField(FieldSpec.builder(t, tangentField, Modifier.PRIVATE)
        .addJavadoc("The last call's tangent.\n").build());
    type.addMethod(jvp.build());
    type.addMethod(MethodSpec.methodBuilder("tangent")
        .addModifiers(Modifier.PUBLIC)
        .returns(t)
        .addJavadoc("The tangent from the last call to {@link #jvp}$L.\n\n@return the tangent\n",
            array && d != null ? " (valid until the next call)" : "")
        .addStatement("return $N", tangentField)
        .build());
    type.addMethod(MethodSpec.methodBuilder(keep)
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Keeps the tangent for {@link #tangent()} and returns the value.\n\n"
            + "@param value the value\n@param tangent the tangent\n@return the value\n")
        .addParameter(t, "value")
        .addParameter(t, "tangent")
        .returns(t)
        .addStatement("this.$N = tangent", tangentField)
        .addStatement("return value")
        .build());
    return type.build();
  }

  /**
   * {@code if (x != null && (x == this.r || ...)) x = x.clone();} for each array argument (a
   * point or a tangent) of the type of a kept array: a value or tangent this workspace returned,
   * given back as the next call's argument (iterating a map, {@code x = ws.jvp(x, d); d =
   * ws.tangent();}), would be zeroed by the sweep before it is read.
   */
  private static CodeBlock unaliased(ForwardDerivative d, Renderer r, Set<Variable> pooled) {
    CodeBlock.Builder out = CodeBlock.builder();
    List<Variable> arguments = new ArrayList<>(d.params());
    arguments.addAll(d.tangents());
    for (Variable p : arguments) {
      List<CodeBlock> same = new ArrayList<>();
      for (Variable b : pooled) {
        if (b.type().equals(p.type())) {
          same.add(CodeBlock.of("$N == this.$N", r.name(p), r.name(b)));
        }
      }
      if (same.isEmpty()) {
        continue;
      }
      if (out.isEmpty()) {
        out.add("// An array this workspace returned, given back: the sweep would zero it.\n");
      }
      out.beginControlFlow("if ($N != null && $L)", r.name(p), same.size() == 1 ? same.get(0)
              : CodeBlock.of("($L)", CodeBlock.join(same, " || ")))
          .addStatement("$N = $T.copyOf($N)", r.name(p), GeneratedClass.BUFFERS, r.name(p))
          .endControlFlow();
    }
    return out.build();
  }

  /** The parameters of {@code jvp}: the method's, then one tangent per differentiable one. */
  private static void addParameters(
      MethodSpec.Builder m, Signature s, List<String> names, List<String> dots) {
    m.addParameters(Members.parameters(s, names));
    m.addJavadoc(Members.paramDocs(s, names));
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      Param p = diff.get(i);
      m.addParameter(ParameterSpec.builder(p.type(), dots.get(i)).build());
      m.addJavadoc("@param $L the tangent of {@code $L}$L\n", dots.get(i), p.name(),
          p.type().equals(TypeName.DOUBLE) ? "" : " (its shape; null: zeros)");
    }
  }

  /** {@code 0.0 + dot(grad.x(), xDot) + ...}, zero directions contributing exactly 0. */
  private static CodeBlock dotted(Signature s, String grad, List<String> dots) {
    List<CodeBlock> terms = new ArrayList<>();
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      terms.add(CodeBlock.of("$T.dot($N.$N(), $N)", GeneratedClass.BUFFERS, grad,
          AdjointNames.component(diff.get(i).name()), dots.get(i)));
    }
    return terms.isEmpty() ? CodeBlock.of("0.0") : CodeBlock.join(terms, " + ");
  }

  MethodSpec.Builder header(
      Signature s, List<String> names, List<String> dots, Modifier[] vis) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(AdjointNames.jvpMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .returns(jvpType(s))
        .addJavadoc("Forward mode: the value of $L and its tangent along the given tangents of"
            + " its\ndifferentiable arguments (a JVP). An array tangent may be null, which means"
            + " zeros.\n\n", link(s));
    addParameters(m, s, names, dots);
    return m.addJavadoc("@return the value and its tangent\n");
  }
}

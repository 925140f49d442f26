package dev.adjoint.processor.codegen;

import static dev.adjoint.processor.codegen.GeneratedClass.BUFFERS;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
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
 * the chunk size is cut into methods {@code forward1()}, {@code forward2()}, ... of at most about
 * that size; a loop or branch larger than that keeps its control flow and has its own body cut.
 * The API is that of every derivative ({@code mValueAndGrad}, {@code mGrad}, {@code MVjp} with its
 * {@code sharing} factory, {@code MWorkspace}); what differs: the workspace makes a new sweeps
 * object per call, and the Vjp keeps one, which each pullback copies (the reverse sweep writes the
 * fields it reads). As in the unsplit Vjp, the forward sweep runs on the caller's arrays (calls
 * may change them, as in the primal), a Vjp a user gets then keeps copies of the parameter arrays
 * its pullback reads (a snapshot), and the pullback walks the local arrays back in place, where
 * the Vjps of callees that keep them read them, and puts them back afterwards.
 */
final class SplitSweeps {

  /** The estimated bytecode of one generated chunk method, at most. */
  private static final int CHUNK = 16_000;

  private final GeneratedClass g;
  private final ValueAndGradWriter valueAndGrads;
  private final VjpWriter vjps;
  private final WorkspaceWriter workspaces;
  private final ReverseDerivative d;
  private final ClassName sweeps;
  private final int chunk;
  /** The sweeps' flag {@code owned} (where the method has a {@code sharing} Vjp), once named. */
  private String ownedFlag;

  /** The forward sweep of a Vjp: {@code vjpForward(owned)}. */
  private static final String VJP_FORWARD = "vjpForward";
  /** The reverse sweep of a Vjp's pullback: {@code pullback(cotangent)}. */
  private static final String PULLBACK = "pullback";

  /**
   * @param splitAbove the size that made {@code d} split: chunks are a quarter of it, and at most
   *     {@link #CHUNK} (tests that split short methods get many chunks)
   */
  SplitSweeps(GeneratedClass g, ValueAndGradWriter valueAndGrads, VjpWriter vjps,
      WorkspaceWriter workspaces, ReverseDerivative d, int splitAbove) {
    this.g = g;
    this.valueAndGrads = valueAndGrads;
    this.vjps = vjps;
    this.workspaces = workspaces;
    this.d = d;
    this.sweeps = g.adjoint().nestedClass(d.signature().capitalized() + "Sweeps");
    this.chunk = chunkSize(splitAbove);
  }

  /** The size of a chunk method of a derivative that {@code splitAbove} made split. */
  static int chunkSize(int splitAbove) {
    return Math.max(1, Math.min(CHUNK, splitAbove / 4));
  }

  /** Adds the sweeps class and every form of the derivative to {@code type}. */
  void write(Modifier[] vis, TypeSpec.Builder type) {
    Signature s = d.signature();
    type.addType(sweepsClass());
    type.addType(vjpClass(vis));
    type.addMethod(vjps.derivedVjpMethod(d, vis));
    if (s.result().equals(TypeName.DOUBLE)) {
      type.addMethod(valueAndGrad(vis));
      type.addMethod(valueAndGrads.gradFromValueAndGrad(s, vis));
      type.addType(workspaceClass(vis));
      type.addMethod(workspaces.workspaceMethod(s, vis));
    }
  }

  // ------------------------------------------------------------------ the sweeps object

  private TypeSpec sweepsClass() {
    Renderer r = g.renderer(d);
    List<String> names = g.paramNames(d, r);
    Set<Variable> fields = new ReverseFacts(d).variables();
    TypeSpec.Builder type = TypeSpec.classBuilder(sweeps)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(Cloneable.class)
        .addJavadoc("The sweeps of $L, too long for one method, on fields.\n",
            Members.link(d.signature()));
    for (Variable v : fields) {
      type.addField(FieldSpec.builder(v.type(), r.name(v)).build());
    }
    boolean sharing = AdjointNames.hasSharing(d.signature());
    if (sharing) {
      ownedFlag = r.reserve("owned");
      type.addField(FieldSpec.builder(TypeName.BOOLEAN, ownedFlag)
          .addJavadoc("Whether a user gets the Vjp these sweeps are for (see {@link #$N}): then"
              + " calls that\npass a parameter array make their callee's Vjp a snapshot.\n",
              VJP_FORWARD)
          .build());
    }
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addParameters(Members.parameters(d.signature(), names));
    for (String p : names) {
      ctor.addStatement("this.$N = $N", p, p);
    }
    type.addMethod(ctor.build());

    List<MethodSpec> chunks = new ArrayList<>();
    CodeBlock.Builder forward = CodeBlock.builder();
    d.tape().ifPresent(t -> forward.addStatement("$N = new $T()", r.name(t), t.type()));
    r.split(stmts -> split(stmts, "forward", chunks, r, fields, chunk));
    r.resetLine();
    r.owned(ownedFlag);
    forward.add(r.statements(d.forward().stmts(), fields));
    r.owned(null);
    type.addMethod(MethodSpec.methodBuilder("forward")
        .addJavadoc("The forward sweep: leaves the value in {@code $N}.\n", r.name(d.result()))
        .addCode(forward.build()).build());
    if (sharing) {
      type.addMethod(vjpForward(r));
    }

    CodeBlock.Builder reverse = CodeBlock.builder();
    d.reader().ifPresent(reader -> reverse.addStatement(
        "$N = $N.reader()", r.name(reader), r.name(d.tape().orElseThrow())));
    for (Variable a : d.adjoints()) {
      reverse.addStatement("$N = $L", r.name(a), r.zeroValue(a));
    }
    r.split(stmts -> split(stmts, "reverse", chunks, r, fields, chunk));
    r.resetLine();
    reverse.add(r.statements(d.reverse().stmts(), fields));
    type.addMethod(MethodSpec.methodBuilder("reverse")
        .addJavadoc("The reverse sweep from the cotangent in {@code $N}, after {@link #forward}.\n",
            r.name(d.seed()))
        .addCode(reverse.build()).build());
    r.split(null);
    type.addMethods(chunks);

    // A copy on which a pullback may run the reverse sweep, which writes the fields it reads. It
    // shares the arrays: the reverse sweep walks the local arrays back in place, where the Vjps
    // of callees that keep them read them (the Vjp's pullback puts them back afterwards).
    CodeBlock.Builder copy = CodeBlock.builder().beginControlFlow("try")
        .addStatement("return ($T) clone()", sweeps)
        .nextControlFlow("catch ($T e)", CloneNotSupportedException.class)
        .addStatement("throw new $T(e)", AssertionError.class)
        .endControlFlow();
    type.addMethod(MethodSpec.methodBuilder("copy")
        .returns(sweeps)
        .addJavadoc("A copy of these sweeps for one pullback: its arrays are these sweeps'.\n")
        .addCode(copy.build()).build());
    type.addMethod(pullbackMethod(r));
    return type.build();
  }

  /**
   * {@code pullback(cotangent)}: the reverse sweep on a copy of these sweeps, which it returns. The
   * copy shares these sweeps' arrays: the reverse sweep walks the local arrays back to their first
   * state in place (the Vjps of callees that keep them read them there, as in the unsplit Vjp);
   * their final state comes back afterwards, so that a pullback may run again. One pullback at a
   * time runs on these sweeps (the Vjp's pullback is synchronized where any array is walked back).
   */
  private MethodSpec pullbackMethod(Renderer r) {
    String cotangent = r.reserve("cotangent");
    String c = r.reserve("copy");
    MethodSpec.Builder m = MethodSpec.methodBuilder(PULLBACK)
        .returns(sweeps)
        .addParameter(d.seed().type(), cotangent)
        .addJavadoc("The reverse sweep from {@code $N} on a copy of these sweeps, returned.\n",
            cotangent);
    List<Variable> walkedBack = new ReverseFacts(d).walkedBack();
    List<String> finals = new ArrayList<>();
    for (Variable a : walkedBack) {
      String fin = r.reserve(r.name(a) + "Final");
      finals.add(fin);
      m.addStatement("$T $N = $T.copyOf($N)", a.type(), fin, BUFFERS, r.name(a));
    }
    if (!walkedBack.isEmpty()) {
      m.beginControlFlow("try");
    }
    m.addStatement("$T $N = copy()", sweeps, c)
        .addStatement("$N.$N = $N", c, r.name(d.seed()), cotangent)
        .addStatement("$N.reverse()", c)
        .addStatement("return $N", c);
    if (!walkedBack.isEmpty()) {
      m.nextControlFlow("finally");
      for (int i = 0; i < walkedBack.size(); i++) {
        m.addStatement("$T.copyInto($N, $N)", BUFFERS, finals.get(i), r.name(walkedBack.get(i)));
      }
      m.endControlFlow();
    }
    return m.build();
  }

  /**
   * {@code vjpForward(owned)}: the forward sweep of a Vjp, on the caller's arrays (calls change
   * them as the primal does); where a user gets the Vjp, its callees' Vjps of parameter arrays are
   * snapshots, and afterwards the sweeps keep copies of the parameter arrays the reverse sweep
   * reads, as the unsplit Vjp does.
   */
  private MethodSpec vjpForward(Renderer r) {
    String flag = r.reserve("owned");
    MethodSpec.Builder m = MethodSpec.methodBuilder(VJP_FORWARD)
        .addParameter(TypeName.BOOLEAN, flag)
        .addJavadoc("The forward sweep of a Vjp, which is a snapshot if {@code $N}.\n", flag)
        .addStatement("this.$N = $N", ownedFlag, flag)
        .addStatement("forward()");
    ReverseFacts facts = new ReverseFacts(d);
    Set<Variable> snapshot = new LinkedHashSet<>(facts.elementsRead());
    // Arrays read from objects (fields, accessors): copied for every Vjp (no caller keeps them; ReverseFacts).
    for (Variable v : facts.objectArraysRead()) {
      m.addStatement("this.$N = $L", r.name(v), Members.copyOf(v.type(), r.name(v)));
      snapshot.remove(v);
    }
    if (!snapshot.isEmpty()) {
      m.beginControlFlow("if ($N)", flag);
      for (Variable v : snapshot) {
        m.addStatement("this.$N = $L", r.name(v), Members.copyOf(v.type(), r.name(v)));
      }
      m.endControlFlow();
    }
    return m.build();
  }

  /**
   * Calls of chunk methods that run {@code stmts}, or null to render them in place: a list of
   * one statement (whose own body is cut when it is rendered), a list that fits in one chunk, or
   * one that jumps out of its loop ({@code break} must stay in the loop's method).
   */
  static CodeBlock split(List<Stmt> stmts, String prefix, List<MethodSpec> chunks, Renderer r,
      Set<Variable> fields, int chunk) {
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
      chunks.add(null); // its place, so that the chunks of its nested bodies number after it
      int at = chunks.size() - 1;
      CodeBlock body = r.statements(p, fields);
      chunks.set(at, MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE)
          .addCode(body).build());
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

  // ------------------------------------------------------------------ the forms

  private CodeBlock grad(Renderer r, String w) {
    List<CodeBlock> args = new ArrayList<>();
    for (Variable a : d.paramAdjoints().values()) {
      args.add(CodeBlock.of("$N.$N", w, r.name(a)));
    }
    return CodeBlock.of("new $T($L)", g.gradType(d.signature()), CodeBlock.join(args, ", "));
  }

  /** {@code new MSweeps(params)}. */
  private CodeBlock newSweeps(List<String> names) {
    List<CodeBlock> args = new ArrayList<>();
    for (String name : names) {
      args.add(CodeBlock.of("$N", name));
    }
    return CodeBlock.of("new $T($L)", sweeps, CodeBlock.join(args, ", "));
  }

  private MethodSpec valueAndGrad(Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = g.renderer(d);
    List<String> names = g.paramNames(d, r);
    String w = r.reserve("sweeps");
    ClassName valueAndGrad = g.valueAndGradType(s);
    return Members.staticMethod(AdjointNames.valueAndGradMethod(s), s, names, vis,
            valueAndGrad, CodeBlock.of("The value and gradient of $L.\n",
                Members.link(s)),
            "the value, and the gradient, whose arrays the caller owns")
        .addStatement("$T $N = $L", sweeps, w, newSweeps(names))
        .addStatement("$N.forward()", w)
        .addStatement("$N.$N = 1.0", w, r.name(d.seed()))
        .addStatement("$N.reverse()", w)
        .addStatement("return new $T($N.$N, $L)", valueAndGrad, w, r.name(d.result()),
            grad(r, w))
        .build();
  }

  private TypeSpec vjpClass(Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = g.renderer(d);
    List<String> names = g.paramNames(d, r);
    boolean sharing = AdjointNames.hasSharing(s);
    TypeName valueType = d.result().type();
    boolean scalar = valueType.equals(TypeName.DOUBLE);
    String kept = r.reserve("sweeps");
    String owned = r.reserve("owned");
    String cotangent = r.reserve("cotangent");
    String w = r.reserve("pullbackSweeps");
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameters(Members.parameters(s, names))
        .addJavadoc("Runs the forward sweep and keeps its sweeps object.\n\n")
        .addJavadoc(Members.paramDocs(s, names));
    ctor.addStatement("this.$N = $L", kept, newSweeps(names));
    if (sharing) {
      // The caller may write into its arrays before a pullback: a user's Vjp keeps copies of
      // those the pullback reads, made after the forward sweep, which may change them (as the
      // primal does).
      ctor.addParameter(TypeName.BOOLEAN, owned)
          .addJavadoc("@param $L whether a user gets this Vjp (then it keeps copies of the array"
              + " arguments\n    the pullback reads and returns copies of its value), or generated"
              + " code\n", owned)
          .addStatement("this.$N.$N($N)", kept, VJP_FORWARD, owned)
          .addStatement("this.$N = $N", owned, owned);
    } else {
      ctor.addStatement("this.$N.forward()", kept);
      // No array argument, but the body may read static array fields: keep copies of those the
      // pullback reads (generated callers get copies too: there is no sharing factory).
      for (Variable v : new ReverseFacts(d).elementsRead()) {
        ctor.addStatement("this.$N.$N = $L", kept, r.name(v),
            Members.copyOf(v.type(), kept + "." + r.name(v)));
      }
    }
    CodeBlock.Builder pullback = CodeBlock.builder();
    if (!scalar) {
      pullback.addStatement(s.result().equals(Expr.DOUBLE_MATRIX)
              ? "$T.checkCotangent($S, $N, $N.$N)" : "$T.checkCotangent($S, $N, $N.$N.length)",
          BUFFERS, s.qualifiedName(), cotangent, kept, r.name(d.result()));
    }
    pullback.addStatement("$T $N = $N.$N($N)", sweeps, w, kept, PULLBACK, cotangent)
        .addStatement("return $L", grad(r, w));
    boolean walksBack = !new ReverseFacts(d).walkedBack().isEmpty();
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.vjpClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("$L evaluated at one point: its value, and a pullback that maps an output"
                + " cotangent to\nthe gradient. {@link #pullback} may be called any number of"
                + " times.\n",
            Members.link(s))
        .addField(FieldSpec.builder(sweeps, kept, Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The sweeps, after the forward one.\n").build());
    if (sharing) {
      type.addField(FieldSpec.builder(TypeName.BOOLEAN, owned, Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("Whether a user got this Vjp.\n").build());
    }
    type.addMethod(ctor.build());
    if (sharing) {
      type.addMethod(Members.sharingFactory(g, s, names, CodeBlock.of("return new $T($L, false)",
          g.vjpType(s), String.join(", ", names))));
    }
    return type
        .addMethod(MethodSpec.methodBuilder("value")
            .addModifiers(Modifier.PUBLIC)
            .returns(valueType)
            .addJavadoc(scalar
                ? CodeBlock.of("The value of $L at this point.\n\n@return the value\n",
                    Members.link(s))
                : CodeBlock.of("The value of $L at this point: a new copy on each call, which the"
                    + " caller owns\n(the array itself for generated code).\n\n@return the value"
                    + "\n", Members.link(s)))
            .addStatement(scalar ? CodeBlock.of("return $N.$N", kept, r.name(d.result()))
                : CodeBlock.of("return $N ? $T.copyOf($N.$N) : $N.$N", owned, BUFFERS, kept,
                    r.name(d.result()), kept, r.name(d.result())))
            .build())
        .addMethod(MethodSpec.methodBuilder("pullback")
            .addModifiers(!walksBack
                ? new Modifier[] {Modifier.PUBLIC}
                : new Modifier[] {Modifier.PUBLIC, Modifier.SYNCHRONIZED})
            .addParameter(valueType, cotangent)
            .returns(g.gradType(s))
            .addJavadoc(scalar
                ? "The gradient of {@code cotangent * value}: each differentiable parameter's"
                    + " cotangent.\n"
                : "The gradient of the dot product of {@code cotangent} and the value: each"
                    + " differentiable\nparameter's cotangent. {@code cotangent} must have the"
                    + " value's length.\n")
            .addJavadoc("\n@param $L the output cotangent\n@return the gradient, whose arrays the"
                + " caller owns\n", cotangent)
            .addCode(pullback.build())
            .build())
        .build();
  }

  private TypeSpec workspaceClass(Modifier[] vis) {
    Signature s = d.signature();
    Renderer r = g.renderer(d);
    List<String> names = g.paramNames(d, r);
    String w = r.reserve("sweeps");
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.workspaceClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("A workspace for gradients of $L: {@link #valueAndGrad} leaves the gradient"
                + " in this\nobject's accessors, valid until the next call. (This method is long"
                + " enough that its sweeps\nrun on an object of their own, made anew on each"
                + " call.) Not thread-safe: use one workspace\nper thread.\n",
            Members.link(s))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
            .addJavadoc("An empty workspace.\n").build());
    MethodSpec.Builder valueAndGrad = MethodSpec.methodBuilder("valueAndGrad")
        .addModifiers(Modifier.PUBLIC)
        .addParameters(Members.parameters(s, names))
        .returns(TypeName.DOUBLE)
        .addJavadoc("The value of $L; its gradient is left in this workspace's accessors.\n\n",
            Members.link(s))
        .addJavadoc(Members.paramDocs(s, names))
        .addJavadoc("@return the value\n")
        .addStatement("$T $N = $L", sweeps, w, newSweeps(names))
        .addStatement("$N.forward()", w)
        .addStatement("$N.$N = 1.0", w, r.name(d.seed()))
        .addStatement("$N.reverse()", w);
    for (Map.Entry<String, Variable> p : d.paramAdjoints().entrySet()) {
      String field = r.name(p.getValue());
      type.addField(FieldSpec.builder(p.getValue().type(), field, Modifier.PRIVATE)
          .addJavadoc("The last call's cotangent.\n").build());
      valueAndGrad.addStatement("this.$N = $N.$N", field, w, field);
      type.addMethod(MethodSpec.methodBuilder(AdjointNames.component(p.getKey()))
          .addModifiers(Modifier.PUBLIC)
          .returns(p.getValue().type())
          .addJavadoc("The cotangent of {@code $L} from the last call to {@link #valueAndGrad}.\n"
              + "\n@return the cotangent\n", p.getKey())
          .addStatement("return $N", field)
          .build());
    }
    valueAndGrad.addStatement("return $N.$N", w, r.name(d.result()));
    return type.addMethod(valueAndGrad.build()).build();
  }
}

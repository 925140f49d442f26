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
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import dev.adjoint.processor.transform.second.HvpSweep;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes the second-order members of an {@code order = 2} method {@code m} ({@link
 * dev.adjoint.processor.transform.second.ReverseOverForward}): the record {@code MHvp(value, grad,
 * hvp)} and {@code mHvp(params..., directions...)}; the class {@code MHvpAt}, whose private
 * static {@code hvp} holds the one reverse-over-forward sweep the others call, and {@code
 * mHvpAt(params...)}; and {@code mHessian(params...)}. The value and gradient come from {@code
 * mValueAndGrad}, so they are the very numbers it gives; the Hessian-vector product from reverse
 * mode over the forward derivative. It touches only the members it adds.
 */
final class HvpWriter {
  /**
   * The sweep's name, private to {@code MHvpAt}, where it is free ({@code mFunction}'s {@code
   * hessianVectorProduct} calls it too, from the same top-level class).
   */
  static final String SWEEP = "hvp";

  /**
   * The sweep's name where the method reads fields, private to {@code MHvpAt}: it takes them
   * after the directions ({@link HvpSweep.Capture}), and {@link #SWEEP} reads them and calls it.
   */
  private static final String CAPTURED_SWEEP = "sweep";

  /** Flattens a gradient record into a Hessian row, private to {@code MHvpAt}. */
  private static final String ROW = "row";

  private final GeneratedClass g;

  HvpWriter(GeneratedClass g) {
    this.g = g;
  }

  private ClassName hvpType(Signature s) {
    return g.adjoint().nestedClass(AdjointNames.hvpRecord(s));
  }

  /** The runtime's record of a sweep's calls ({@link HvpSweep#replays}). */
  private static final ClassName REPLAY = ClassName.get("dev.adjoint.runtime", "Replay");

  /**
   * Whether the sweep takes more than the method's parameters and directions (captured fields, a
   * replay), so that {@link #SWEEP} is a wrapper that supplies them as they are now.
   */
  private static boolean wrapsSweep(HvpSweep h) {
    return !h.captures().isEmpty() || h.replays();
  }

  private ClassName hvpAtType(Signature s) {
    return g.adjoint().nestedClass(AdjointNames.hvpAtClass(s));
  }

  /**
   * Adds every second-order member of the method whose Hessian-vector product is {@code d} to
   * {@code type}.
   */
  void write(Signature s, HvpSweep h, Modifier[] vis, TypeSpec.Builder type) {
    type.addType(hvpRecord(s, vis));
    type.addMethod(hvpMethod(s, vis));
    type.addType(hvpAtClass(s, h, vis));
    type.addMethod(hvpAtMethod(s, h, vis));
    type.addMethod(hessianMethod(s, vis));
  }

  /**
   * What the caller of the sweep passes for each of {@code h}'s captures, written over {@code
   * params}, the method's parameters as the caller has them.
   */
  private List<CodeBlock> captureValues(HvpSweep h, List<CodeBlock> params) {
    Map<Variable, CodeBlock> named = new IdentityHashMap<>();
    for (int i = 0; i < h.primal(); i++) {
      named.put(h.derivative().params().get(i), params.get(i));
    }
    // The receiver of an instance method is never null; other objects may be.
    Variable receiver = h.derivative().signature().instance() ? h.derivative().params().get(0)
        : null;
    List<CodeBlock> out = new ArrayList<>();
    for (HvpSweep.Capture c : h.captures()) {
      out.add(captureValue(c.value(), named, receiver));
    }
    return out;
  }

  /**
   * A capture's value ({@link HvpSweep.Capture}: parameters, field reads and accessors), read
   * through each object of its chain only where that object is not null, else the type's zero
   * ({@code null}, {@code 0.0}, {@code false}): the body may read the field only under a guard
   * ({@code on ? c.k * x : x}, red team of stop 31), and the sweep reads it where it begins, so
   * an unguarded read would throw where the method does not. Where the body does read it, the
   * method itself throws (and so does {@code mValueAndGrad}, which every member but {@code
   * mHessian} calls).
   */
  private CodeBlock captureValue(Expr e, Map<Variable, CodeBlock> params,
      Variable receiver) {
    if (e instanceof Expr.Read r && params.containsKey(r.variable())) {
      return params.get(r.variable());
    }
    if (e instanceof Expr.FieldRead f) {
      if (f.receiver() == null) {
        return g.privateFields().read(f, null);
      }
      CodeBlock object = captureValue(f.receiver(), params, receiver);
      return guarded(f.receiver(), receiver, object, g.privateFields().read(f, object),
          f.type());
    }
    if (e instanceof Expr.OpaqueCall c && c.receiver() != null && c.args().isEmpty()) {
      CodeBlock object = captureValue(c.receiver(), params, receiver);
      return guarded(c.receiver(), receiver, object, CodeBlock.of("$L.$N()", object, c.name()),
          c.type());
    }
    throw new IllegalArgumentException("not a capture: " + e);
  }

  /**
   * {@code read}, or {@code (object == null ? zero : read)} unless the object is the method's
   * receiver.
   */
  private static CodeBlock guarded(Expr objectExpr, Variable receiver, CodeBlock object,
      CodeBlock read, TypeName type) {
    if (objectExpr instanceof Expr.Read r && r.variable() == receiver) {
      return read;
    }
    return CodeBlock.of("($L == null ? $L : $L)", object, zero(type), read);
  }

  /** The zero of a type, as a literal. */
  private static CodeBlock zero(TypeName type) {
    if (type.equals(TypeName.DOUBLE)) {
      return CodeBlock.of("0.0");
    }
    if (type.equals(TypeName.FLOAT)) {
      return CodeBlock.of("0.0f");
    }
    if (type.equals(TypeName.LONG)) {
      return CodeBlock.of("0L");
    }
    if (type.equals(TypeName.BOOLEAN)) {
      return CodeBlock.of("false");
    }
    if (type.equals(TypeName.CHAR)) {
      return CodeBlock.of("'\\0'");
    }
    if (type.equals(TypeName.INT)) {
      return CodeBlock.of("0");
    }
    if (type.equals(TypeName.SHORT) || type.equals(TypeName.BYTE)) {
      return CodeBlock.of("($T) 0", type);
    }
    return CodeBlock.of("null");
  }

  /** {@code MHvp(double value, MGrad grad, MGrad hvp)}. */
  private TypeSpec hvpRecord(Signature s, Modifier[] vis) {
    ClassName grad = ClassName.get("", AdjointNames.gradRecord(s));
    return TypeSpec.recordBuilder(AdjointNames.hvpRecord(s))
        .addModifiers(vis)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(TypeName.DOUBLE, "value")
            .addParameter(grad, "grad")
            .addParameter(grad, "hvp")
            .build())
        .addJavadoc("The value of $L, its gradient, and its Hessian times a direction.\n\n",
            link(s))
        .addJavadoc("@param value the method's value\n@param grad its gradient\n"
            + "@param hvp its Hessian (over the differentiable parameters) times the direction\n")
        .build();
  }

  /** The names of the directions, one per differentiable parameter: {@code xDot}, as mJvp's. */
  private static List<String> directions(Signature s, NameAllocator names) {
    List<String> out = new ArrayList<>();
    for (Param p : s.diffParams()) {
      out.add(names.newName(p.name() + "Dot"));
    }
    return out;
  }

  private static List<ParameterSpec> directionParams(Signature s, List<String> dots) {
    List<ParameterSpec> out = new ArrayList<>();
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      out.add(ParameterSpec.builder(diff.get(i).type(), dots.get(i)).build());
    }
    return out;
  }

  private static CodeBlock directionDocs(Signature s, List<String> dots) {
    CodeBlock.Builder out = CodeBlock.builder();
    List<Param> diff = s.diffParams();
    for (int i = 0; i < diff.size(); i++) {
      out.add("@param $L the direction's component for {@code $L}$L\n", dots.get(i),
          diff.get(i).name(), diff.get(i).type().equals(TypeName.DOUBLE) ? ""
              : " (its shape; null means zeros)");
    }
    return out.build();
  }

  /** {@code mHvp}: {@code mValueAndGrad}, then one reverse-over-forward sweep. */
  private MethodSpec hvpMethod(Signature s, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> dots = directions(s, names);
    String valueAndGrad = names.newName("valueAndGrad");
    String hvp = names.newName("hvp");
    List<String> all = new ArrayList<>(params);
    all.addAll(dots);
    return MethodSpec.methodBuilder(AdjointNames.hvpMethod(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC)
        .addParameters(Members.parameters(s, params))
        .addParameters(directionParams(s, dots))
        .returns(hvpType(s))
        .addJavadoc("The value and gradient of $L, and its Hessian times a direction: exactly,"
            + " by reverse\nmode over forward mode (about the cost of a gradient and of the"
            + " reverse sweep of a JVP).\nThe value and gradient are those of {@link $T#$N};"
            + " the method's body runs twice (calls\nwith effects in it, such as a random"
            + " generator's, run twice).\n\n",
            link(s), g.adjoint(), AdjointNames.valueAndGradMethod(s))
        .addJavadoc(Members.paramDocs(s, params))
        .addJavadoc(directionDocs(s, dots))
        .addJavadoc("@return the value, the gradient, and the Hessian-vector product, whose"
            + " arrays the caller owns\n")
        // The product first, on copies of the arrays the body may change (Arrays.sort), then
        // the value and gradient, which change them as the method does.
        .addStatement("$T $N = $T.$N($L)", g.gradType(s), hvp, hvpAtType(s), SWEEP,
            wrapped(all))
        .addStatement("$T $N = $N($L)", g.valueAndGradType(s), valueAndGrad,
            AdjointNames.valueAndGradMethod(s), wrapped(params))
        .addStatement("return new $T($N.value(),$W$N.grad(),$W$N)", hvpType(s), valueAndGrad,
            valueAndGrad, hvp)
        .build();
  }

  /** Arguments separated by commas, where JavaPoet may wrap a line that grows too long. */
  private static CodeBlock wrapped(List<String> names) {
    List<CodeBlock> args = new ArrayList<>();
    for (String n : names) {
      args.add(CodeBlock.of("$N", n));
    }
    return CodeBlock.join(args, ",$W");
  }

  /** {@code MHvpAt}: a point, its value and gradient, and {@code apply(directions...)}. */
  private TypeSpec hvpAtClass(Signature s, HvpSweep h, Modifier[] vis) {
    ClassName grad = g.gradType(s);
    NameAllocator names = g.allocator();
    String value = names.newName("value");
    String gradField = names.newName("grad");
    List<String> fields = g.paramNames(s, names);
    List<String> dots = directions(s, names);
    TypeSpec.Builder type = TypeSpec.classBuilder(AdjointNames.hvpAtClass(s))
        .addModifiers(vis)
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Hessian-vector products of $L at one point, for many directions (as"
            + " Newton-CG needs):\nthe value and gradient are computed once, when it is made$L;"
            + " each {@link #apply} runs one\nreverse-over-forward sweep$L. Later writes to the"
            + " arrays it was made from, and to the\nfields the method reads, change nothing"
            + " here.\n", link(s), h.replays()
                ? ", and so are what its\nsweep reads through calls and the costly values it"
                    + " computes there ({@code exp}, {@code log},\n{@code sin}, ... of the point,"
                    + " and their partials), which one sweep records then" : "",
            h.replays() ? " that reads those back and recomputes only the cheap arithmetic"
                : ", which recomputes the forward work at the point (all of it cheap\narithmetic:"
                    + " reading it back would cost as much)");
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Holds a point and what was computed there.\n\n");
    Members.argumentFields(type, ctor, s, fields, "the method's");
    type.addField(TypeName.DOUBLE, value, Modifier.PRIVATE, Modifier.FINAL);
    type.addField(grad, gradField, Modifier.PRIVATE, Modifier.FINAL);
    ctor.addParameter(TypeName.DOUBLE, value)
        .addParameter(grad, gradField)
        .addJavadoc("@param $L the value there\n@param $L the gradient there\n", value, gradField)
        .addStatement("this.$N = $N", value, value)
        .addStatement("this.$N = $N", gradField, gradField);
    List<String> captured = new ArrayList<>();
    for (HvpSweep.Capture c : h.captures()) {
      String name = names.newName(c.variable().hint());
      captured.add(name);
      type.addField(FieldSpec.builder(c.variable().type(), name, Modifier.PRIVATE, Modifier.FINAL)
          .build());
      ctor.addParameter(c.variable().type(), name)
          .addJavadoc("@param $L a field the method reads, as it was\n", name)
          .addStatement("this.$N = $N", name, name);
    }
    String replay = null;
    if (h.replays()) {
      replay = names.newName("replay");
      type.addField(FieldSpec.builder(REPLAY, replay, Modifier.PRIVATE, Modifier.FINAL).build());
      ctor.addParameter(REPLAY, replay)
          .addJavadoc("@param $L the calls the sweep made at the point, recorded\n", replay)
          .addStatement("this.$N = $N", replay, replay);
    }
    type.addMethod(ctor.build());
    type.addMethod(MethodSpec.methodBuilder("value")
        .addModifiers(vis)
        .returns(TypeName.DOUBLE)
        .addJavadoc("The value at the point.\n\n@return the value\n")
        .addStatement("return $N", value)
        .build());
    List<CodeBlock> copies = new ArrayList<>();
    for (Param p : s.diffParams()) {
      String c = AdjointNames.component(p.name());
      copies.add(p.type().equals(TypeName.DOUBLE) ? CodeBlock.of("$N.$N()", gradField, c)
          : CodeBlock.of("$T.copyOf($N.$N())", GeneratedClass.BUFFERS, gradField, c));
    }
    type.addMethod(MethodSpec.methodBuilder("grad")
        .addModifiers(vis)
        .returns(grad)
        .addJavadoc("The gradient at the point.\n\n@return the gradient, whose arrays the caller"
            + " owns\n")
        .addStatement("return new $T($L)", grad, CodeBlock.join(copies, ",$W"))
        .build());
    List<CodeBlock> args = new ArrayList<>();
    for (String f : fields) {
      args.add(CodeBlock.of("this.$N", f));
    }
    for (String dot : dots) {
      args.add(CodeBlock.of("$N", dot));
    }
    for (String c : captured) {
      args.add(CodeBlock.of("this.$N", c));
    }
    if (replay != null) {
      // Each apply reads the record from its start, on its own cursor.
      args.add(CodeBlock.of("this.$N.replayer()", replay));
    }
    type.addMethod(MethodSpec.methodBuilder("apply")
        .addModifiers(vis)
        .addParameters(directionParams(s, dots))
        .returns(grad)
        .addJavadoc("The Hessian at the point times a direction.\n\n")
        .addJavadoc(directionDocs(s, dots))
        .addJavadoc("@return the Hessian-vector product, whose arrays the caller owns\n")
        .addStatement("return $N($L)", !wrapsSweep(h) ? SWEEP : CAPTURED_SWEEP,
            CodeBlock.join(args, ",$W"))
        .build());
    type.addMethod(sweep(h));
    if (wrapsSweep(h)) {
      type.addMethod(readingFields(s, h));
    }
    type.addMethod(row(s));
    return type.build();
  }

  /**
   * The reverse-over-forward sweep: the forward sweep of the JVP's reverse derivative (the value,
   * its tangent along the direction, and what the reverse sweep needs), then its reverse sweep
   * from a seed of 1 on the tangent, which leaves {@code H v} in the parameters' cotangents.
   */
  private MethodSpec sweep(HvpSweep h) {
    ReverseDerivative d = h.derivative();
    Signature tangentOutput = d.signature();
    Renderer r = g.renderer(d);
    List<String> names = g.paramNames(d, r);
    CodeBlock.Builder body = CodeBlock.builder();
    int primal = h.primal();
    int k = primal;
    List<Param> params = tangentOutput.params();
    List<Integer> copied = new ArrayList<>();
    for (int i = 0; i < primal; i++) {
      TypeName t = params.get(i).type();
      if (Expr.isDiscreteArray(t) || !params.get(i).differentiable()
          && (t.equals(Expr.DOUBLE_ARRAY) || t.equals(Expr.DOUBLE_MATRIX))) {
        copied.add(i);
      }
    }
    // The body may sort them (Arrays.sort of an int[] or a @NoDiff double[]): each sweep works
    // on the arguments as they were given, so that every product, and the value and gradient,
    // are at one point. One array passed as two of them stays one (red team of stop 31: a plain
    // call writing a[0] changed what the body read as b[0]).
    Map<Integer, String> given = new java.util.HashMap<>();
    for (int i : copied) {
      if (copied.stream().anyMatch(j -> j > i && params.get(j).type().equals(
          params.get(i).type()))) {
        String in = r.reserve(names.get(i) + "Given");
        given.put(i, in);
        body.addStatement("$T $N = $N", params.get(i).type(), in, names.get(i));
      }
    }
    for (int i : copied) {
      CodeBlock copy = Members.copyOf(params.get(i).type(), names.get(i));
      for (int j : copied) {
        if (j < i && params.get(j).type().equals(params.get(i).type())) {
          copy = CodeBlock.of("$N == $N ? $N : $L", names.get(i), given.get(j), names.get(j),
              copy);
        }
      }
      body.addStatement("$N = $L", names.get(i), copy);
    }
    for (int i = 0; i < primal; i++) {
      Param p = params.get(i);
      if (p.differentiable()) {
        if (!p.type().equals(TypeName.DOUBLE)) {
          // null means zeros; a direction of another shape is the caller's error, said here.
          body.addStatement("$N = $T.tangent($N, $N)", names.get(k), GeneratedClass.BUFFERS,
              names.get(k), names.get(i));
        }
        k++;
      }
    }
    body.add(Sweeps.forward(d, r));
    body.add("\n// reverse sweep\n");
    body.addStatement("$T $N = 1.0", TypeName.DOUBLE, r.name(d.seed()));
    body.add(Sweeps.reverse(d, r));
    body.addStatement("return $L", Sweeps.newGrad(g, d, r));
    Signature s = g.plan().methods().stream().map(m -> m.model().signature())
        .filter(x -> x.name().equals(tangentOutput.name())).findFirst().orElseThrow();
    return MethodSpec.methodBuilder(!wrapsSweep(h) ? SWEEP : CAPTURED_SWEEP)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameters(Members.parameters(tangentOutput, names))
        .returns(g.gradType(tangentOutput))
        .addJavadoc("The Hessian of $L times a direction: the gradient, with respect to the"
            + " method's\nparameters, of its JVP's tangent, the direction held constant$L.\n\n",
            link(s), h.captures().isEmpty() ? ""
                : " (the fields the\nmethod reads passed in last, as their callers read them)")
        .addJavadoc(Members.paramDocs(tangentOutput, names))
        .addJavadoc("@return the Hessian-vector product\n")
        .addCode(body.build())
        .build();
  }

  /**
   * {@code hvp(params..., directions...)} of a method that reads fields: the sweep, given the
   * fields as they are now ({@code mHvp}, {@code mHessian} and {@code mFunction} call it; {@code
   * MHvpAt} passes those it read when it was made).
   */
  private MethodSpec readingFields(Signature s, HvpSweep h) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> dots = directions(s, names);
    List<CodeBlock> args = new ArrayList<>();
    List<CodeBlock> point = new ArrayList<>();
    for (String p : params) {
      point.add(CodeBlock.of("$N", p));
    }
    args.addAll(point);
    for (String dot : dots) {
      args.add(CodeBlock.of("$N", dot));
    }
    args.addAll(captureValues(h, point));
    if (h.replays()) {
      args.add(CodeBlock.of("$T.live()", REPLAY));
    }
    return MethodSpec.methodBuilder(SWEEP)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameters(Members.parameters(s, params))
        .addParameters(directionParams(s, dots))
        .returns(g.gradType(s))
        .addJavadoc("The Hessian of $L times a direction, with the fields it reads as they are"
            + " now.\n\n", link(s))
        .addJavadoc(Members.paramDocs(s, params))
        .addJavadoc(directionDocs(s, dots))
        .addJavadoc("@return the Hessian-vector product\n")
        .addStatement("return $N($L)", CAPTURED_SWEEP, CodeBlock.join(args, ",$W"))
        .build();
  }

  /** {@code row(hvp, n)}: a gradient record flattened in declaration order, as a Hessian row. */
  private MethodSpec row(Signature s) {
    ClassName grad = g.gradType(s);
    MethodSpec.Builder m = MethodSpec.methodBuilder(ROW)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(grad, "hvp")
        .addParameter(TypeName.INT, "n")
        .returns(Expr.DOUBLE_ARRAY)
        .addJavadoc("{@code hvp} flattened in declaration order, matrices row by row.\n\n"
            + "@param hvp a Hessian-vector product\n@param n the number of coordinates\n"
            + "@return the row\n")
        .addStatement("double[] row = new double[n]")
        .addStatement("int at = 0");
    for (Param p : s.diffParams()) {
      String c = AdjointNames.component(p.name());
      if (p.type().equals(TypeName.DOUBLE)) {
        m.addStatement("row[at++] = hvp.$N()", c);
      } else {
        m.addStatement("at = $T.flatten(hvp.$N(), row, at)", GeneratedClass.BUFFERS, c);
      }
    }
    return m.addStatement("return row").build();
  }

  /** {@code mHvpAt}: the point copied, its value and gradient once. */
  private MethodSpec hvpAtMethod(Signature s, HvpSweep h, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    String valueAndGrad = names.newName("valueAndGrad");
    List<CodeBlock> point = new ArrayList<>();
    for (String p : params) {
      point.add(CodeBlock.of("$N", p));
    }
    List<CodeBlock> captures = captureValues(h, point);
    List<CodeBlock> args = new ArrayList<>();
    MethodSpec.Builder m = staticMethod(AdjointNames.hvpAtMethod(s), s, params, vis,
            hvpAtType(s),
            CodeBlock.of("Hessian-vector products of $L at one point, for many directions.\n",
                link(s)),
            "the point's value, gradient and Hessian-vector products");
    Map<Integer, String> copies = new java.util.HashMap<>();
    for (int i = 0; i < params.size(); i++) {
      Param p = s.params().get(i);
      // Every array (long[] and boolean[] too: the fuzzer's order = 2 twins found them shared),
      // copied before the value and gradient, which may change the discrete ones (Arrays.sort);
      // one array passed as two parameters stays one.
      if (p.type() instanceof ArrayTypeName) {
        String copy = names.newName(params.get(i) + "Copy");
        CodeBlock value = Members.copyOf(p.type(), params.get(i));
        for (int j = 0; j < i; j++) {
          if (copies.containsKey(j) && s.params().get(j).type().equals(p.type())) {
            value = CodeBlock.of("$N == $N ? $N : $L", params.get(i), params.get(j),
                copies.get(j), value);
          }
        }
        copies.put(i, copy);
        m.addStatement("$T $N = $L", p.type(), copy, value);
        args.add(CodeBlock.of("$N", copy));
      } else {
        args.add(CodeBlock.of("$N", params.get(i)));
      }
    }
    args.add(CodeBlock.of("$N.value()", valueAndGrad));
    args.add(CodeBlock.of("$N.grad()", valueAndGrad));
    m.addStatement("$T $N = $N($L)", g.valueAndGradType(s), valueAndGrad,
        AdjointNames.valueAndGradMethod(s), wrapped(params));
    // The fields the method reads, as they are now (an array copied): later writes to them
    // change none of the products, as they change none of a Vjp's pullbacks.
    List<CodeBlock> sweep = new ArrayList<>(args.subList(0, params.size()));
    for (Param p : s.diffParams()) {
      sweep.add(CodeBlock.of(p.type().equals(TypeName.DOUBLE) ? "0.0" : "null"));
    }
    for (int i = 0; i < captures.size(); i++) {
      HvpSweep.Capture c = h.captures().get(i);
      String field = names.newName(c.variable().hint());
      m.addStatement("$T $N = $L", c.variable().type(), field, captures.get(i));
      if (c.variable().type() instanceof ArrayTypeName) {
        String copy = names.newName(field + "Copy");
        m.addStatement("$T $N = $L", c.variable().type(), copy,
            Members.copyOf(c.variable().type(), field));
        field = copy;
      }
      args.add(CodeBlock.of("$N", field));
      sweep.add(CodeBlock.of("$N", field));
    }
    if (h.replays()) {
      // One sweep now (along zeros) records the calls it makes at the point: a plain method
      // reading a field, a callee's products there; each apply replays them, so later writes
      // to the world change none of the products.
      String replay = names.newName("replay");
      m.addStatement("$T $N = $T.recording()", REPLAY, replay, REPLAY);
      sweep.add(CodeBlock.of("$N", replay));
      m.addStatement("$T.$N($L)", hvpAtType(s), CAPTURED_SWEEP, CodeBlock.join(sweep, ",$W"));
      args.add(CodeBlock.of("$N", replay));
    }
    return m.addStatement("return new $T($L)", hvpAtType(s), CodeBlock.join(args, ",$W"))
        .build();
  }

  /**
   * {@code mHessian}: one Hessian-vector product per coordinate, along the unit vectors, then
   * each pair of entries {@code (i, j)}, {@code (j, i)} replaced by their mean, so the result is
   * exactly symmetric (the two products agree up to rounding).
   */
  private MethodSpec hessianMethod(Signature s, Modifier[] vis) {
    NameAllocator names = g.allocator();
    List<String> params = g.paramNames(s, names);
    List<String> dots = directions(s, names);
    String n = names.newName("n");
    String hessian = names.newName("hessian");
    String column = names.newName("column");
    String i = names.newName("i");
    String j = names.newName("j");
    String mean = names.newName("mean");
    List<String> all = new ArrayList<>(params);
    all.addAll(dots);
    ClassName at = hvpAtType(s);
    CodeBlock.Builder size = CodeBlock.builder();
    List<Param> diff = s.diffParams();
    int scalars = 0;
    List<CodeBlock> sizes = new ArrayList<>();
    for (int k = 0; k < params.size(); k++) {
      Param p = s.params().get(k);
      if (!p.differentiable()) {
        continue;
      }
      if (p.type().equals(TypeName.DOUBLE)) {
        scalars++;
      } else {
        sizes.add(CodeBlock.of("$T.size($N)", GeneratedClass.BUFFERS, params.get(k)));
      }
    }
    if (scalars > 0 || sizes.isEmpty()) {
      sizes.add(0, CodeBlock.of("$L", scalars));
    }
    size.add("$L", CodeBlock.join(sizes, " + "));
    MethodSpec.Builder m = staticMethod(AdjointNames.hessianMethod(s), s, params, vis,
            Expr.DOUBLE_MATRIX,
            CodeBlock.of("The Hessian of $L over its differentiable parameters, flattened in"
                + " declaration\norder (matrices row by row): one Hessian-vector product per"
                + " coordinate, along the unit\nvectors, so n products for n coordinates. It is"
                + " exactly symmetric: entries (i, j) and (j, i)\nare both the mean of the two"
                + " products' values, which agree up to rounding.\n", link(s)),
            "the n × n Hessian, which the caller owns")
        .addStatement("int $N = $L", n, size.build())
        .addStatement("double[][] $N = new double[$N][]", hessian, n)
        .addStatement("int $N = 0", column);
    // Every direction starts at zero; one coordinate at a time is 1.
    for (int k = 0; k < diff.size(); k++) {
      Param p = diff.get(k);
      String arg = params.get(s.params().indexOf(p));
      if (p.type().equals(TypeName.DOUBLE)) {
        m.addStatement("double $N = 0.0", dots.get(k));
      } else {
        m.addStatement("$T $N = $T.zerosLike($N)", p.type(), dots.get(k), GeneratedClass.BUFFERS,
            arg);
      }
    }
    CodeBlock product = CodeBlock.of("$N[$N++] = $T.$N($T.$N($L),$W$N)", hessian, column, at,
        ROW, at, SWEEP, wrapped(all), n);
    for (int k = 0; k < diff.size(); k++) {
      Param p = diff.get(k);
      String dot = dots.get(k);
      String arg = params.get(s.params().indexOf(p));
      if (p.type().equals(TypeName.DOUBLE)) {
        m.addStatement("$N = 1.0", dot);
        m.addStatement(product);
        m.addStatement("$N = 0.0", dot);
      } else if (p.type().equals(Expr.DOUBLE_ARRAY)) {
        m.beginControlFlow("for (int $N = 0; $N < $T.size($N); $N++)", i, i,
            GeneratedClass.BUFFERS, arg, i);
        m.addStatement("$N[$N] = 1.0", dot, i);
        m.addStatement(product);
        m.addStatement("$N[$N] = 0.0", dot, i);
        m.endControlFlow();
      } else {
        m.beginControlFlow("for (int $N = 0; $N < ($N == null ? 0 : $N.length); $N++)", i, i,
            arg, arg, i);
        m.beginControlFlow("for (int $N = 0; $N < $T.size($N[$N]); $N++)", j, j,
            GeneratedClass.BUFFERS, arg, i, j);
        m.addStatement("$N[$N][$N] = 1.0", dot, i, j);
        m.addStatement(product);
        m.addStatement("$N[$N][$N] = 0.0", dot, i, j);
        m.endControlFlow();
        m.endControlFlow();
      }
    }
    m.addCode("// exactly symmetric: the mean of the two products' entries\n");
    m.beginControlFlow("for (int $N = 0; $N < $N; $N++)", i, i, n, i);
    m.beginControlFlow("for (int $N = 0; $N < $N; $N++)", j, j, i, j);
    m.addStatement("double $N = 0.5 * $N[$N][$N] + 0.5 * $N[$N][$N]", mean, hessian, i, j,
        hessian, j, i);
    m.addStatement("$N[$N][$N] = $N", hessian, i, j, mean);
    m.addStatement("$N[$N][$N] = $N", hessian, j, i, mean);
    m.endControlFlow();
    m.endControlFlow();
    return m.addStatement("return $N", hessian).build();
  }
}

package dev.adjoint.processor.codegen;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.compare;
import static dev.adjoint.processor.ir.Ir.intLit;
import static dev.adjoint.processor.ir.Ir.lit;
import static dev.adjoint.processor.ir.Ir.mul;
import static dev.adjoint.processor.ir.Ir.read;
import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtRewriter;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.analysis.Activity;
import dev.adjoint.processor.transform.analysis.Linearity;
import dev.adjoint.processor.transform.analysis.Liveness;
import dev.adjoint.processor.transform.analysis.Subset;
import dev.adjoint.processor.transform.normalize.Jumps;
import dev.adjoint.processor.transform.normalize.Returns;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.forward.ForwardMode;
import dev.adjoint.processor.transform.forward.VectorMode;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import dev.adjoint.processor.transform.reverse.ReverseMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every kind of IR node is handled by every transform, analysis and writer that may meet it: a
 * new permitted subtype of {@link Expr} or {@link Stmt} fails here until it has a sample below
 * and says who makes it (the source layer, or a transform), and then every pass below runs over
 * it. The passes dispatch through the visitors, so a new kind cannot compile without an arm in
 * each; this test makes each arm run. A new pass is one line in {@link #passes()}.
 */
class IrCoverageTest {

  // ------------------------------------------------------------------ a method to put nodes in

  private static final ClassName OWNER = ClassName.get("p", "C");
  private static final Variable X = new Variable("x", TypeName.DOUBLE, Variable.Kind.PARAM);
  private static final Variable Y = new Variable("y", TypeName.DOUBLE, Variable.Kind.PARAM);
  private static final Variable A = new Variable("a", Expr.DOUBLE_ARRAY, Variable.Kind.PARAM);
  private static final Variable N = new Variable("n", TypeName.INT, Variable.Kind.PARAM);
  private static final List<Variable> PARAMS = List.of(X, Y, A, N);
  private static final Signature SIGNATURE = new Signature(OWNER, "f", List.of(
      new Param("x", TypeName.DOUBLE, true), new Param("y", TypeName.DOUBLE, true),
      new Param("a", Expr.DOUBLE_ARRAY, true), new Param("n", TypeName.INT, false)),
      TypeName.DOUBLE, true);
  /** Another annotated method, {@code double g(double u)}. */
  private static final Signature CALLEE = new Signature(ClassName.get("q", "D"), "g",
      List.of(new Param("u", TypeName.DOUBLE, true)), TypeName.DOUBLE, true);
  private static final ClassName MATH = ClassName.get("java.lang", "Math");
  private static final TypeName VJP = CALLEE.adjointClass()
      .nestedClass(AdjointNames.vjpClass(CALLEE));
  private static final TypeName GRAD = CALLEE.adjointClass()
      .nestedClass(AdjointNames.gradRecord(CALLEE));
  private static final Variable CALL = new Variable("gCall", VJP, Variable.Kind.CALL);
  private static final Variable GRAD_VAR = new Variable("gGrad", GRAD, Variable.Kind.TEMP);
  private static final Variable TAPE =
      new Variable("tape", ClassName.get("dev.adjoint.runtime", "Tape"), Variable.Kind.TAPE);
  private static final Variable READER = new Variable(
      "reader", ClassName.get("dev.adjoint.runtime", "Tape", "Reader"), Variable.Kind.TAPE);

  /** Who makes a kind of node: what a pass may be given. */
  enum Maker {
    /** The source layer: what every transform takes. */
    SOURCE,
    /** A transform (reverse mode): what later passes and the writers see. */
    TRANSFORM
  }

  record Sample<T>(T node, Maker maker) {}

  /** One sample of each kind of expression, built over x, y, a and n where it has operands. */
  static Map<Class<?>, Sample<Expr>> exprSamples() {
    Map<Class<?>, Sample<Expr>> s = new LinkedHashMap<>();
    s.put(Expr.Literal.class, new Sample<>(lit(2.5), Maker.SOURCE));
    s.put(Expr.Read.class, new Sample<>(read(X), Maker.SOURCE));
    s.put(Expr.Unary.class, new Sample<>(
        new Expr.Unary(Expr.UnaryOp.NEG, read(X), TypeName.DOUBLE, null), Maker.SOURCE));
    s.put(Expr.Binary.class, new Sample<>(mul(read(X), read(Y)), Maker.SOURCE));
    s.put(Expr.Conditional.class, new Sample<>(new Expr.Conditional(
        compare(Expr.BinaryOp.GT, read(X), lit(0)), read(X), read(Y), TypeName.DOUBLE, null),
        Maker.SOURCE));
    s.put(Expr.Cast.class, new Sample<>(
        new Expr.Cast(TypeName.DOUBLE, read(N), null), Maker.SOURCE));
    s.put(Expr.MathCall.class, new Sample<>(
        new Expr.MathCall(MathFunction.SIN, MATH, List.of(read(X)), null), Maker.SOURCE));
    s.put(Expr.StopGradient.class, new Sample<>(
        new Expr.StopGradient(read(X), null), Maker.SOURCE));
    s.put(Expr.DiffCall.class, new Sample<>(
        new Expr.DiffCall(CALLEE, List.of(read(X)), null), Maker.SOURCE));
    s.put(Expr.OpaqueCall.class, new Sample<>(new Expr.OpaqueCall(
        null, MATH, "ulp", List.of(lit(1)), TypeName.DOUBLE, null), Maker.SOURCE));
    s.put(Expr.FieldRead.class, new Sample<>(
        new Expr.FieldRead(null, MATH, "PI", TypeName.DOUBLE, null, null), Maker.SOURCE));
    s.put(Expr.ArrayRead.class, new Sample<>(
        new Expr.ArrayRead(A, List.of(intLit(0)), null), Maker.SOURCE));
    s.put(Expr.ArrayLength.class, new Sample<>(
        new Expr.ArrayLength(A, List.of(), null), Maker.SOURCE));
    s.put(Expr.NewArray.class, new Sample<>(
        new Expr.NewArray(List.of(read(N)), null), Maker.SOURCE));
    s.put(Expr.VjpOf.class, new Sample<>(
        new Expr.VjpOf(CALLEE, List.of(read(X)), VJP), Maker.TRANSFORM));
    s.put(Expr.VjpValue.class, new Sample<>(
        new Expr.VjpValue(CALL, TypeName.DOUBLE), Maker.TRANSFORM));
    s.put(Expr.Pullback.class, new Sample<>(
        new Expr.Pullback(CALL, lit(1), GRAD), Maker.TRANSFORM));
    s.put(Expr.Component.class, new Sample<>(
        new Expr.Component(GRAD_VAR, "u", TypeName.DOUBLE), Maker.TRANSFORM));
    s.put(Expr.Pop.class, new Sample<>(new Expr.Pop(READER, TypeName.DOUBLE), Maker.TRANSFORM));
    return s;
  }

  /** One sample of each kind of statement. */
  static Map<Class<?>, Sample<Stmt>> stmtSamples() {
    Variable t = new Variable("t", TypeName.DOUBLE, Variable.Kind.LOCAL);
    Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);
    Map<Class<?>, Sample<Stmt>> s = new LinkedHashMap<>();
    s.put(Stmt.Declare.class, new Sample<>(
        new Stmt.Declare(t, mul(read(X), read(X)), null), Maker.SOURCE));
    s.put(Stmt.Assign.class, new Sample<>(
        new Stmt.Assign(Y, mul(read(X), read(Y)), null), Maker.SOURCE));
    s.put(Stmt.ArrayAssign.class, new Sample<>(new Stmt.ArrayAssign(
        A, List.of(intLit(0)), mul(read(X), read(Y)), null), Maker.SOURCE));
    s.put(Stmt.If.class, new Sample<>(new Stmt.If(compare(Expr.BinaryOp.GT, read(X), lit(0)),
        Stmt.Block.of(List.of(new Stmt.Assign(Y, read(X), null))), Stmt.Block.of(List.of()),
        null), Maker.SOURCE));
    s.put(Stmt.Return.class, new Sample<>(new Stmt.Return(read(Y), null), Maker.SOURCE));
    s.put(Stmt.Loop.class, new Sample<>(new Stmt.Block(List.of(
        new Stmt.Declare(i, intLit(0), null),
        new Stmt.Loop(compare(Expr.BinaryOp.LT, read(i), read(N)),
            Stmt.Block.of(List.of(new Stmt.Assign(Y, mul(read(Y), read(X)), null))),
            Stmt.Block.of(List.of(new Stmt.Assign(i, new Expr.Binary(
                Expr.BinaryOp.ADD, read(i), intLit(1), TypeName.INT, null), null))),
            true, null)), null), Maker.SOURCE));
    s.put(Stmt.Jump.class, new Sample<>(new Stmt.Jump(true, null), Maker.SOURCE));
    s.put(Stmt.Eval.class, new Sample<>(new Stmt.Eval(new Expr.OpaqueCall(
        null, MATH, "ulp", List.of(new Expr.Cast(TypeName.DOUBLE, read(N), null)),
        TypeName.DOUBLE, null), null), Maker.SOURCE));
    s.put(Stmt.Block.class, new Sample<>(Stmt.Block.of(List.of(
        new Stmt.Assign(Y, add(read(X), read(Y)), null))), Maker.SOURCE));
    s.put(Stmt.Push.class, new Sample<>(new Stmt.Push(TAPE, read(X), null), Maker.TRANSFORM));
    return s;
  }

  /**
   * A method body around a sample statement: a loop around a jump (where Java allows one), a
   * return of {@code y} after anything but a return. A statement sample named Loop is a block
   * whose last statement is the loop (its initialiser goes before it).
   */
  static Stmt.Block bodyAround(Stmt s) {
    List<Stmt> out = new ArrayList<>();
    if (s instanceof Stmt.Jump) {
      out.add(new Stmt.Loop(compare(Expr.BinaryOp.LT, read(Y), lit(10)),
          Stmt.Block.of(List.of(
              new Stmt.Assign(Y, add(read(Y), read(X)), null),
              new Stmt.If(compare(Expr.BinaryOp.GT, read(Y), lit(5)),
                  Stmt.Block.of(List.of(s)), Stmt.Block.of(List.of()), null))),
          Stmt.Block.of(List.of()), true, null));
    } else {
      out.add(s);
    }
    if (!(s instanceof Stmt.Return)) {
      out.add(new Stmt.Return(read(Y), null));
    }
    return Stmt.Block.of(out);
  }

  /** A method body around a sample expression: held in a local, which flows to the result. */
  static Stmt.Block bodyAround(Expr e) {
    Variable t = new Variable("t", e.type(), Variable.Kind.LOCAL);
    List<Stmt> out = new ArrayList<>();
    if (e instanceof Expr.VjpValue) {
      out.add(new Stmt.Declare(CALL, new Expr.VjpOf(CALLEE, List.of(read(X)), VJP), null));
    } else if (e instanceof Expr.Component) {
      out.add(new Stmt.Declare(GRAD_VAR, new Expr.Pullback(CALL, lit(1), GRAD), null));
    }
    out.add(new Stmt.Declare(t, e, null));
    out.add(new Stmt.Return(e.type().equals(TypeName.DOUBLE) ? mul(read(t), read(X)) : read(X),
        null));
    return Stmt.Block.of(out);
  }

  // ------------------------------------------------------------------ the passes

  /** A pass over a method body, and the kinds of node it may be given. */
  record Pass(String name, Set<Maker> takes, Consumer<Stmt.Block> run) {}

  /** Every transform, analysis and writer; a new one is one line here. */
  static List<Pass> passes() {
    Set<Maker> source = Set.of(Maker.SOURCE);
    Set<Maker> any = Set.of(Maker.SOURCE, Maker.TRANSFORM);
    return List.of(
        new Pass("IrWalker", any, IrCoverageTest::walk),
        new Pass("Uses", any, IrCoverageTest::uses),
        new Pass("StmtRewriter", any, IrCoverageTest::rewrite),
        new Pass("Jumps", source, body -> Jumps.lower(body)),
        new Pass("Returns", source, body -> Returns.normalize(Jumps.lower(body))),
        new Pass("Activity", source, IrCoverageTest::activity),
        new Pass("Subset (and Detours)", source, body -> Subset.check(
            Activity.of(PARAMS, SIGNATURE.params(), body), body)),
        new Pass("Liveness", any, body -> Liveness.needed(body.stmts(), Set.of(), Set.of(),
            Map.of(), Map.of(), new HashMap<>())),
        new Pass("ReverseMode", source, body -> ReverseMode.derive(
            SIGNATURE, new MethodBody(PARAMS, Returns.normalize(Jumps.lower(body))))),
        new Pass("MethodSize", any,
            body -> assertThat(MethodSize.estimate(body)).isGreaterThan(0)),
        new Pass("Renderer", any, IrCoverageTest::render),
        new Pass("ReverseFacts", any, IrCoverageTest::facts),
        // The writers over reverse mode's own output, for every kind the source can give it.
        new Pass("ReverseMode then Renderer and ReverseFacts", source,
            IrCoverageTest::deriveAndRender),
        new Pass("ForwardMode then Renderer", source, IrCoverageTest::forwardAndRender),
        // Vector mode takes what forward mode gives, or refuses it; never a crash.
        new Pass("ForwardMode then VectorMode then Renderer", source,
            IrCoverageTest::vectorAndRender),
        // A @Jvp rule's body, x, y and a its tangents: every kind, linear or not, is judged.
        new Pass("Linearity", source, body -> Linearity.check(
            "fJvp", new MethodBody(PARAMS, body), List.of(X, Y, A), List.of())));
  }

  private static void walk(Stmt.Block body) {
    List<Stmt> stmts = new ArrayList<>();
    IrWalker.forEachStmt(body, stmts::add);
    List<Expr> exprs = new ArrayList<>();
    IrWalker.forEachExpr(body, exprs::add);
    assertThat(stmts).isNotEmpty();
    assertThat(exprs).isNotEmpty();
  }

  private static void uses(Stmt.Block body) {
    Set<Variable> read = new HashSet<>();
    Uses.referenced(body, read);
    IrWalker.forEachStmt(body, s -> {
      Uses.written(s);
      Uses.writes(s, v -> {});
    });
    IrWalker.forEachExpr(body, e -> {
      Variable named = Uses.named(e);
      if (named != null && named.kind() != Variable.Kind.ADJOINT) {
        assertThat(read).contains(named);
      }
    });
  }

  private static void rewrite(Stmt.Block body) {
    assertThat(StmtRewriter.rewrite(body.stmts(), List::of, s -> false))
        .isEqualTo(body.stmts());
    Set<Stmt> none = new HashSet<>();
    assertThat(StmtRewriter.without(body.stmts(), none)).isEqualTo(body.stmts());
  }

  private static void activity(Stmt.Block body) {
    Activity a = Activity.of(PARAMS, SIGNATURE.params(), body);
    IrWalker.forEachExpr(body, a::varies);
  }

  private static void render(Stmt.Block body) {
    Renderer r = new Renderer(Set.of(), new PrivateFields(ClassName.get("p", "CAdjoint", "PrivateFields")));
    CodeBlock code = r.statements(body.stmts(), r.nestedDeclarations(body));
    assertThat(code.toString()).isNotEmpty();
    IrWalker.forEachExpr(body, e -> assertThat(r.expr(e).toString()).isNotEmpty());
  }

  private static ReverseDerivative derivative(Stmt.Block forward, Stmt.Block reverse) {
    Variable value = new Variable("value", TypeName.DOUBLE, Variable.Kind.RESULT);
    Variable seed = new Variable("valueBar", TypeName.DOUBLE, Variable.Kind.ADJOINT);
    return new ReverseDerivative(SIGNATURE, PARAMS, forward, value, seed, reverse, List.of(),
        Map.of(), PARAMS, Optional.empty(), Optional.empty(), Set.of());
  }

  private static void facts(Stmt.Block body) {
    ReverseFacts f = new ReverseFacts(derivative(body, body));
    f.walkedBack();
    f.elementsRead();
    f.pooled();
    assertThat(f.variables()).isNotEmpty();
    f.classesNamed();
  }

  /** Forward mode over every kind the source gives it, and the renderer over its output. */
  private static void forwardAndRender(Stmt.Block body) {
    ForwardMode.Result result =
        ForwardMode.derive(SIGNATURE, new MethodBody(PARAMS, body), callee -> false);
    assertThat(result.derivative()).isPresent();
    ForwardDerivative d = result.derivative().get();
    render(d.body());
    Renderer r = new Renderer(Set.of(), new PrivateFields(ClassName.get("p", "CAdjoint", "PrivateFields")));
    d.returnTangents().values().forEach(t -> assertThat(r.expr(t).toString()).isNotEmpty());
    assertThat(MethodSize.estimate(d)).isGreaterThan(0);
  }

  private static void vectorAndRender(Stmt.Block body) {
    ForwardDerivative d = ForwardMode.derive(SIGNATURE, new MethodBody(PARAMS, body),
        callee -> false).derivative().orElseThrow();
    VectorMode.of(d).ifPresent(v -> {
      render(v.body());
      Renderer r = new Renderer(Set.of(), new PrivateFields(ClassName.get("p", "CAdjoint", "PrivateFields")));
      v.jacobians().values().forEach(j -> assertThat(r.expr(j).toString()).isNotEmpty());
    });
  }

  private static void deriveAndRender(Stmt.Block body) {
    ReverseMode.Result result = ReverseMode.derive(
        SIGNATURE, new MethodBody(PARAMS, Returns.normalize(Jumps.lower(body))));
    // Every sample is in the subset: a rejection would leave the writers below unexercised.
    assertWithMessage("%s", result.report()).that(result.derivative()).isPresent();
    ReverseDerivative d = result.derivative().get();
    render(d.forward());
    render(d.reverse());
    facts(d.forward());
    new ReverseFacts(d).classesNamed();
    assertThat(MethodSize.estimate(d)).isGreaterThan(0);
  }

  // ------------------------------------------------------------------ the tests

  @Test
  void everyKindOfExpressionHasASample() {
    assertThat(Arrays.asList(Expr.class.getPermittedSubclasses()))
        .containsExactlyElementsIn(exprSamples().keySet());
  }

  @Test
  void everyKindOfStatementHasASample() {
    assertThat(Arrays.asList(Stmt.class.getPermittedSubclasses()))
        .containsExactlyElementsIn(stmtSamples().keySet());
  }

  @Test
  void everyPassHandlesEveryKindOfExpression() {
    List<String> failures = new ArrayList<>();
    for (Class<?> kind : Expr.class.getPermittedSubclasses()) {
      Sample<Expr> sample = exprSamples().get(kind);
      if (sample == null) {
        fail("no sample of " + kind.getSimpleName() + ": add one to IrCoverageTest.exprSamples");
      }
      assertThat(sample.node().getClass()).isEqualTo(kind);
      runAll(kind, sample.maker(), bodyAround(sample.node()), failures);
    }
    assertWithMessage("passes that do not handle a kind of expression")
        .that(failures).isEmpty();
  }

  @Test
  void everyPassHandlesEveryKindOfStatement() {
    List<String> failures = new ArrayList<>();
    for (Class<?> kind : Stmt.class.getPermittedSubclasses()) {
      Sample<Stmt> sample = stmtSamples().get(kind);
      if (sample == null) {
        fail("no sample of " + kind.getSimpleName() + ": add one to IrCoverageTest.stmtSamples");
      }
      Stmt node = sample.node();
      boolean found = node.getClass() == kind
          || node instanceof Stmt.Block b && b.stmts().stream().anyMatch(kind::isInstance);
      assertThat(found).isTrue();
      runAll(kind, sample.maker(), bodyAround(node), failures);
    }
    assertWithMessage("passes that do not handle a kind of statement")
        .that(failures).isEmpty();
  }

  /** Each body is checked to hold its sample, so that no pass runs over nothing. */
  @Test
  void everySampleIsInItsBody() {
    exprSamples().forEach((kind, sample) -> {
      List<Expr> seen = new ArrayList<>();
      IrWalker.forEachExpr(bodyAround(sample.node()), seen::add);
      assertWithMessage(kind.getSimpleName()).that(seen.stream()
          .anyMatch(e -> e == sample.node())).isTrue();
    });
  }

  /** A pass given a kind it cannot take must say so, not skip it: reverse mode over a tape. */
  @Test
  void reverseModeRejectsWhatOnlyATransformMakes() {
    for (Stmt made : List.of(new Stmt.Push(TAPE, read(X), null))) {
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class,
          () -> ReverseMode.derive(SIGNATURE, new MethodBody(PARAMS, bodyAround(made))));
      assertThat(e).hasMessageThat().contains("Push");
    }
  }

  private static void runAll(Class<?> kind, Maker maker, Stmt.Block body, List<String> failures) {
    for (Pass pass : passes()) {
      if (!pass.takes().contains(maker)) {
        continue;
      }
      try {
        pass.run().accept(body);
      } catch (RuntimeException | AssertionError e) {
        failures.add(pass.name() + " on " + kind.getSimpleName() + ": " + e);
      }
    }
  }
}

package dev.adjoint.processor.source;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Nested;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.RecordShape;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.model.VjpRule;
import dev.adjoint.processor.validation.Annotations;
import dev.adjoint.processor.validation.MethodValidator;
import dev.adjoint.processor.validation.RecordShapes;
import dev.adjoint.processor.validation.SignatureReader;
import dev.adjoint.processor.validation.Tangents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Lowers the body of an annotated method into the IR. Everything outside the supported subset
 * becomes a tagged error at its construct, saying what to do instead; lowering goes on past it so
 * that one compile shows every problem of a method.
 */
public final class BodyReader {

  /**
   * A lowered body, or the report of why there is none.
   *
   * @param hasErrorTypes the body mentions a type that does not exist yet: defer, report nothing
   */
  public record Result(
      Optional<MethodBody> body, Report report, boolean hasErrorTypes, List<Nested> nested) {
    public Result {
      nested = List.copyOf(nested);
    }

    /** A result whose body uses no generated API of another class. */
    public Result(Optional<MethodBody> body, Report report, boolean hasErrorTypes) {
      this(body, report, hasErrorTypes, List.of());
    }
  }

  private static final String STOP_GRADIENT_OWNER = "dev.adjoint.runtime.Ad";

  /** The classes whose static methods have no effects ({@link Lowering#hoistable}). */
  private static final Set<String> PURE_OWNERS =
      Set.of("java.lang.Math", "java.lang.StrictMath", STOP_GRADIENT_OWNER);
  private static final ClassName RANGE_CHECKS = ClassName.get("dev.adjoint.runtime", "RangeChecks");

  private final TreeAccess access;
  private final Elements elements;
  private final Types types;
  private final NestedApis nestedApis;

  public BodyReader(TreeAccess access, Elements elements, Types types) {
    this.access = access;
    this.elements = elements;
    this.types = types;
    this.nestedApis = new NestedApis(elements);
  }

  /**
   * Errors for the {@code var} locals of a class that names its own generated class (see {@link
   * TreeAccess#varsBesideOwnAdjoint}), and for those around the class (in its top-level class)
   * whose value names one of {@code generated}, the simple names of the classes this round
   * generates (see {@link TreeAccess#varsNamingGenerated}); each local is reported once per
   * reader. Call before reading any body of the class.
   */
  public Report checkClass(TypeElement type, ClassName adjoint, Set<String> generated) {
    Report.Builder report = Report.builder();
    for (SourceRef ref : access.varsBesideOwnAdjoint(type, adjoint.simpleName(), reportedVars)) {
      report.add(Message.VAR_BESIDE_OWN_ADJOINT, ref, adjoint.simpleName(), adjoint.simpleName());
    }
    if (!generated.isEmpty()) {
      for (TreeAccess.NamedVar v : access.varsNamingGenerated(type, generated, reportedVars)) {
        report.add(Message.VAR_NAMING_GENERATED, v.ref(), v.generated(), type.getSimpleName());
      }
    }
    return report.build();
  }

  /** The var locals {@link #checkClass} reported around a class already. */
  private final Set<Tree> reportedVars = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * Errors for the methods annotated for Adjoint in local and anonymous classes of the
   * compilation unit of {@code root} (see {@link TreeAccess#annotatedInLocalClasses}); each unit
   * is searched once.
   */
  public Report annotatedInLocalClasses(TypeElement root) {
    Report.Builder report = Report.builder();
    for (TreeAccess.LocalMethod m : access.annotatedInLocalClasses(root)) {
      report.add(Message.LOCAL_CLASS, m.ref(), m.annotation(), m.method(), m.where());
    }
    return report.build();
  }

  /**
   * A {@code @Jvp} rule lowered as its tangent map: each {@code return JvpResult.of(value,
   * tangent)} is {@code return tangent}.
   *
   * @param body the tangent map, or empty (see {@link Result})
   * @param values the value expressions of the returns, in order: the linearity check makes sure
   *     they do not depend on tangents
   * @param nested the functions that the rule's linear calls (another rule's {@code
   *     hJvp(a, aDot).tangent()}, another class's {@code GAdjoint.gJvp(a, aDot).tangent()}) are
   *     lowered to, in order
   * @param linearValues the values of linear calls in the body, each with the function of its
   *     call: an {@link Expr.OpaqueCall} whose first arguments are the call's primal arguments
   *     (for a rule, inside {@code (double) rule(...).value()})
   */
  public record RuleResult(Optional<MethodBody> body, List<Expr> values, Report report,
      boolean hasErrorTypes, List<Nested> nested, Map<Expr, Nested> linearValues) {}

  private static final String JVP_RESULT = "dev.adjoint.runtime.JvpResult";

  /** Lowers {@code method}, whose generated adjoint lives in {@code adjoint}. */
  public Result read(ExecutableElement method, ClassName adjoint) {
    Tangents.Kind result = Tangents.of(method.getReturnType());
    Lowering lowering = new Lowering(adjoint,
        result == Tangents.Kind.ARRAY || result == Tangents.Kind.MATRIX, null);
    lowering.ownerType = (TypeElement) method.getEnclosingElement();
    lowering.resultType = TypeName.get(method.getReturnType());
    return lower(method, lowering);
  }

  /**
   * Lowers the {@code @Jvp} rule {@code rule} of a primal whose result is {@code double[]} when
   * {@code arrayResult}, as its tangent map.
   */
  public RuleResult readJvpRule(ExecutableElement rule, ClassName adjoint, boolean arrayResult) {
    Lowering lowering = new Lowering(adjoint, arrayResult, rule.getSimpleName().toString());
    lowering.ruleOwner = (TypeElement) rule.getEnclosingElement();
    Result result = lower(rule, lowering);
    return new RuleResult(result.body(), List.copyOf(lowering.values), result.report(),
        result.hasErrorTypes(), List.copyOf(lowering.nested),
        new LinkedHashMap<>(lowering.linearValues));
  }

  /**
   * A {@code @Fwd} companion lowered for second order: its body without its one {@code return
   * FwdResult.of(value, residuals)}, which must be its last statement, and the residuals as
   * leaves (a {@code double}, an array variable, or each leaf of a residual record, in order),
   * evaluated where the body ends. The returned value is kept (into a local) only where it may
   * write what the residuals hold.
   */
  public record FwdCompanion(MethodBody body, List<Expr> residuals) {}

  /**
   * A {@code @Bwd} companion lowered for second order as the map from its residuals to the
   * tangent {@code ⟨bwd(residuals, 1), directions⟩}: each {@code return} of the cotangents is a
   * return of their inner product with {@link #directions}.
   *
   * @param body the lowered body; its parameters are {@code receiver} (if any), {@code
   *     residuals}, {@code cotangent}
   * @param residuals one parameter per residual leaf, matching {@link FwdCompanion#residuals}
   * @param directions one per differentiable parameter of the primal, of its type
   */
  public record BwdCompanion(MethodBody body, Variable receiver, List<Variable> residuals,
      Variable cotangent, List<Variable> directions) {}

  /** The companions of a {@code @CustomVjp} method lowered for second order, or why not. */
  public record VjpCompanions(Optional<FwdCompanion> fwd, Optional<BwdCompanion> bwd,
      Report report, boolean hasErrorTypes) {}

  /**
   * Lowers the {@code @Fwd} and {@code @Bwd} companions of the {@code @CustomVjp} method {@code
   * primal} for its second-order members, which differentiate {@code bwd(fwd(x).residuals, 1)}
   * (transform.second.VjpRuleTangent).
   */
  public VjpCompanions readVjpCompanions(ExecutableElement fwd, ExecutableElement bwd,
      Signature primal, VjpRule rule, ClassName adjoint) {
    Lowering f = new Lowering(adjoint, false, null);
    f.companion = new Companion(true, fwd.getSimpleName().toString(), primal, rule);
    f.ownerType = (TypeElement) fwd.getEnclosingElement();
    Result fwdBody = lower(fwd, f);
    Lowering b = new Lowering(adjoint, false, null);
    b.companion = new Companion(false, bwd.getSimpleName().toString(), primal, rule);
    b.ownerType = (TypeElement) bwd.getEnclosingElement();
    Result bwdBody = lower(bwd, b);
    Report.Builder report = Report.builder();
    report.addAll(fwdBody.report());
    report.addAll(bwdBody.report());
    boolean errorTypes = fwdBody.hasErrorTypes() || bwdBody.hasErrorTypes();
    if (errorTypes || fwdBody.body().isEmpty() || bwdBody.body().isEmpty()
        || !fwdBody.nested().isEmpty() || !bwdBody.nested().isEmpty()
        || f.companion.residuals.size() != b.companion.residualParams.size()) {
      if (report.isClean() && !errorTypes) {
        report.add(Message.UNSUPPORTED_CONSTRUCT, bwd, "The companions " + fwd.getSimpleName()
            + " and " + bwd.getSimpleName() + " as one function", "");
      }
      return new VjpCompanions(Optional.empty(), Optional.empty(), report.build(), errorTypes);
    }
    // A helper that writes into its array parameters has no members of its own (its callers
    // are differentiated through its body, written in by OutParams), which the companions are
    // not: the second-order sweep would call members that do not exist.
    for (Result companion : List.of(fwdBody, bwdBody)) {
      String writer = parameterWriterCalled(companion.body().get());
      if (writer != null) {
        report.add(Message.UNSUPPORTED_CONSTRUCT, companion == fwdBody ? fwd : bwd,
            "A call of " + writer + ", which writes into its array parameters, in the"
                + " companion " + (companion == fwdBody ? fwd : bwd).getSimpleName(),
            "; second order does not write such helpers into a rule's companions yet: inline"
                + " its body, or return the array from a @Differentiable method");
        return new VjpCompanions(Optional.empty(), Optional.empty(), report.build(), false);
      }
    }
    return new VjpCompanions(
        Optional.of(new FwdCompanion(fwdBody.body().get(), List.copyOf(f.companion.residuals))),
        Optional.of(new BwdCompanion(bwdBody.body().get(), b.receiver,
            List.copyOf(b.companion.residualParams), b.companion.cotangent(),
            List.copyOf(b.companion.directions))),
        report.build(), false);
  }

  /** The name of a method {@code body} calls that writes into its array parameters, or null. */
  private String parameterWriterCalled(MethodBody body) {
    String[] found = {null};
    IrWalker.forEachExpr(body.body(), e -> {
      if (found[0] == null && e instanceof Expr.DiffCall call
          && writesParameters(calleeOf(call.callee()), new HashSet<>())) {
        found[0] = call.callee().name();
      }
    });
    return found[0];
  }

  private ExecutableElement calleeOf(Signature callee) {
    TypeElement owner = elements.getTypeElement(callee.owner().canonicalName());
    if (owner == null) {
      return null;
    }
    for (ExecutableElement m : ElementFilter.methodsIn(owner.getEnclosedElements())) {
      if (m.getSimpleName().contentEquals(callee.name())) {
        return m;
      }
    }
    return null;
  }

  /**
   * Whether the source of {@code method} writes an element of one of its differentiable array
   * parameters ({@code double[]}, {@code double[][]}), or passes one to a method that writes it
   * ({@code Arrays.fill}, the target of {@code System.arraycopy}, or a method compiled here that
   * does).
   */
  private boolean writesParameters(ExecutableElement method, Set<ExecutableElement> seen) {
    if (method == null || !seen.add(method)) {
      return false;
    }
    Set<Element> params = new HashSet<>();
    for (VariableElement p : method.getParameters()) {
      Tangents.Kind kind = Tangents.of(p.asType());
      if ((kind == Tangents.Kind.ARRAY || kind == Tangents.Kind.MATRIX)
          && !Annotations.has(p, Annotations.NO_DIFF)) {
        params.add(p); // the floating-point arrays it differentiates (it may sort an int[] copy)
      }
    }
    return !params.isEmpty() && new ArrayWrites(params, true, seen).first(method).isPresent();
  }

  /**
   * The state of lowering a companion of a {@code @CustomVjp} method for second order.
   *
   * @param fwd whether it is the {@code @Fwd} companion (else the {@code @Bwd})
   */
  private record Companion(boolean fwd, String name, Signature primal, VjpRule rule,
      List<Expr> residuals, List<Variable> residualParams, List<Variable> directions,
      Variable[] cotangentParam) {
    Companion(boolean fwd, String name, Signature primal, VjpRule rule) {
      this(fwd, name, primal, rule, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
          new Variable[1]);
    }

    Variable cotangent() {
      return cotangentParam[0];
    }
  }

  /**
   * The first place where the {@code @Bwd} method {@code bwd} writes into its residuals (its first
   * parameter, an array of it, or an array that a component of a residual record holds, also
   * through locals that alias them): an element assignment, {@code ++}/{@code --}, or {@code
   * Arrays.fill}/{@code sort}/{@code setAll} or {@code System.arraycopy} into one; empty if none.
   */
  public Optional<ResidualWrite> residualWrite(ExecutableElement bwd) {
    if (bwd.getParameters().isEmpty()) {
      return Optional.empty();
    }
    return new ArrayWrites(Set.of(bwd.getParameters().get(0)), false).first(bwd);
  }

  /**
   * The first write into the arrays that {@code roots} hold (a root itself, an array it holds,
   * one a record root's component holds, or a local that aliases any of them): an element
   * assignment, {@code ++}/{@code --}, {@code Arrays.fill}/{@code sort}/{@code setAll} (and their
   * parallel forms) or {@code System.arraycopy} into one; with {@code followCalls}, also a call
   * that passes one to a method compiled here that writes into its own floating-point array
   * parameters ({@link #writesParameters}).
   */
  private final class ArrayWrites extends TreePathScanner<Void, Void> {
    private final Set<Element> aliases;
    private final boolean followCalls;
    private final Set<ExecutableElement> seen;
    private ResidualWrite found;

    ArrayWrites(Set<? extends Element> roots, boolean followCalls) {
      this(roots, followCalls, new HashSet<>());
    }

    ArrayWrites(Set<? extends Element> roots, boolean followCalls, Set<ExecutableElement> seen) {
      this.aliases = new HashSet<>(roots);
      this.followCalls = followCalls;
      this.seen = seen;
    }

    Optional<ResidualWrite> first(ExecutableElement method) {
      access.attributedMethod(method).ifPresent(path -> scan(path, null));
      return Optional.ofNullable(found);
    }

    /** Whether {@code e} denotes a root or an array it holds. */
    private boolean rooted(TreePath e) {
      Tree t = e.getLeaf();
      if (t instanceof ParenthesizedTree p) {
        return rooted(new TreePath(e, p.getExpression()));
      }
      if (t instanceof IdentifierTree) {
        return aliases.contains(access.trees().getElement(e));
      }
      if (t instanceof ArrayAccessTree a) {
        return rooted(new TreePath(e, a.getExpression()));
      }
      if (t instanceof MethodInvocationTree call && call.getArguments().isEmpty()
          && call.getMethodSelect() instanceof MemberSelectTree select) {
        return rooted(new TreePath(new TreePath(e, select), select.getExpression()));
      }
      return false;
    }

    private void written(Tree target) {
      TreePath at = new TreePath(getCurrentPath(), target);
      if (found == null && rooted(at)) {
        found = new ResidualWrite(access.ref(getCurrentPath()), target.toString());
      }
    }

    @Override
    public Void visitVariable(VariableTree v, Void unused) {
      if (v.getInitializer() != null
          && rooted(new TreePath(getCurrentPath(), v.getInitializer()))) {
        aliases.add(access.trees().getElement(getCurrentPath()));
      }
      return super.visitVariable(v, unused);
    }

    @Override
    public Void visitAssignment(AssignmentTree a, Void unused) {
      if (a.getVariable() instanceof ArrayAccessTree) {
        written(a.getVariable());
      } else if (rooted(new TreePath(getCurrentPath(), a.getExpression()))) {
        aliases.add(access.trees().getElement(new TreePath(getCurrentPath(), a.getVariable())));
      }
      return super.visitAssignment(a, unused);
    }

    @Override
    public Void visitCompoundAssignment(CompoundAssignmentTree a, Void unused) {
      if (a.getVariable() instanceof ArrayAccessTree) {
        written(a.getVariable());
      }
      return super.visitCompoundAssignment(a, unused);
    }

    @Override
    public Void visitUnary(UnaryTree u, Void unused) {
      if (u.getExpression() instanceof ArrayAccessTree) {
        written(u.getExpression());
      }
      return super.visitUnary(u, unused);
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
      if (access.trees().getElement(getCurrentPath()) instanceof ExecutableElement m
          && m.getEnclosingElement() instanceof TypeElement owner) {
        List<? extends ExpressionTree> args = call.getArguments();
        String name = owner.getQualifiedName() + "." + m.getSimpleName();
        int target = switch (name) {
          case "java.util.Arrays.fill", "java.util.Arrays.sort", "java.util.Arrays.setAll",
              "java.util.Arrays.parallelSort", "java.util.Arrays.parallelSetAll",
              "java.util.Arrays.parallelPrefix" -> 0;
          case "java.lang.System.arraycopy" -> 2;
          default -> -1;
        };
        if (target >= 0 && target < args.size()) {
          written(args.get(target));
        } else if (target < 0 && followCalls && found == null
            && args.stream().anyMatch(a -> rooted(new TreePath(getCurrentPath(), a)))
            && writesParameters(m, seen)) {
          found = new ResidualWrite(access.ref(getCurrentPath()), call.toString());
        }
      }
      return super.visitMethodInvocation(call, unused);
    }
  }

  /** Where a {@code @Bwd} method writes into its residuals, and what it writes into. */
  public record ResidualWrite(SourceRef ref, String target) {}

  private Result lower(ExecutableElement method, Lowering lowering) {
    Optional<TreePath> path = access.attributedMethod(method);
    if (path.isEmpty()) {
      return new Result(Optional.empty(), Report.empty(), false);
    }
    MethodTree tree = (MethodTree) path.get().getLeaf();
    List<Variable> params = new ArrayList<>();
    // A differentiable record parameter is its leaves, named as the signature names them.
    Optional<Signature> signature = lowering.jvpRule == null && lowering.companion == null
        ? SignatureReader.read(method).signature() : Optional.empty();
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      // An instance method's receiver: the first parameter of every generated member.
      TypeElement owner = (TypeElement) method.getEnclosingElement();
      List<Param> declared = new ArrayList<>();
      for (VariableElement p : method.getParameters()) {
        declared.add(new Param(p.getSimpleName().toString(), TypeName.get(p.asType()), false));
      }
      String name = signature.isPresent() ? signature.get().params().get(0).name()
          : SignatureReader.receiverName(owner, declared, Set.of());
      lowering.receiver = new Variable(name, ClassName.get(owner), Variable.Kind.PARAM);
      params.add(lowering.receiver);
    }
    List<Param> flat = signature.map(Signature::declared).orElse(List.of());
    int next = 0;
    if (lowering.companion != null && !lowering.companion.fwd()) {
      lowering.bwdParams(method, params);
    }
    for (VariableElement p : lowering.companion != null && !lowering.companion.fwd()
        ? List.<VariableElement>of() : method.getParameters()) {
      RecordShape shape = signature.map(sig -> sig.records().get(p.getSimpleName().toString()))
          .orElse(null);
      if (shape != null) {
        lowering.checkPlainRecord(p, p.asType());
        List<Param> leaves = flat.subList(next, next + shape.leaves());
        next += shape.leaves();
        Iterator<Param> names = leaves.iterator();
        lowering.records.put(p,
            lowering.recordNode(shape, names, params, p.getSimpleName().toString()));
        continue;
      }
      next++;
      Variable v =
          new Variable(p.getSimpleName().toString(), TypeName.get(p.asType()), Variable.Kind.PARAM);
      lowering.locals.put(p, v);
      params.add(v);
    }
    Stmt.Block body = lowering.block(new TreePath(path.get(), tree.getBody()));
    lowering.staleComponentReads();
    if (!lowering.fieldArrayReads.isEmpty()) {
      // The array fields (static, or of this) the body reads, each read once as it starts.
      List<Stmt> stmts = new ArrayList<>(lowering.fieldArrayReads);
      stmts.addAll(body.stmts());
      body = new Stmt.Block(stmts, body.ref());
    }
    Report report = lowering.report.build();
    if (lowering.erroneous && !lowering.callsOwnAdjoint) {
      // (A call of the class's own generated class is an error now: that class never comes.)
      return new Result(Optional.empty(), Report.empty(), true);
    }
    if (!report.isClean()) {
      return new Result(Optional.empty(), report, false);
    }
    return new Result(Optional.of(new MethodBody(params, body)), report, false,
        new ArrayList<>(lowering.nested));
  }

  /** The two hidden locals of a {@code @Jvp} rule's local that keeps a linear call's result. */
  private record LinearLocal(Variable value, Variable tangent) {}

  /** What a linear call in a {@code @Jvp} rule calls: its kind, target and the method called. */
  private record LinearTarget(Nested.Kind kind, Signature target, ExecutableElement method) {}

  /** A linear call lowered: its value (a constant) and its tangent (linear in its tangents). */
  private record Linear(Expr value, Expr tangent) {}

  /** The state of lowering one method. */
  private final class Lowering {
    final ClassName adjoint;
    final Map<Element, Variable> locals = new HashMap<>();
    /**
     * The loop variables of enhanced for loops over the rows of a matrix ({@code for (double[]
     * row : m)}): each an alias of the row at the loop's hidden counter, never a value.
     */
    final Map<Element, RowAlias> rows = new HashMap<>();
    /** The locals among {@link #rows} declared as a row ({@code double[] row = m[i];}). */
    final Set<Element> declaredRows = new HashSet<>();
    /** Locals whose declaration was reported: their uses are not reported again. */
    final Set<Element> rejected = new HashSet<>();
    /** Local and anonymous classes already reported: uses of their members are not reported. */
    final Set<Element> rejectedTypes = new HashSet<>();
    final Report.Builder report = Report.builder();
    /** Statements that must run just before the statement being lowered (varargs arrays). */
    List<Stmt> prelude = new ArrayList<>();
    /**
     * Whether the method returns {@code double[]} or {@code double[][]} (a {@code @Jvp} rule: its
     * tangent does).
     */
    final boolean arrayResult;
    /** The array type the method returns, where {@link #arrayResult}. */
    TypeName resultType = Expr.DOUBLE_ARRAY;
    /** The name of the {@code @Jvp} rule being lowered as its tangent map, or null. */
    final String jvpRule;
    /** A {@code @Jvp} rule's value expressions, one per return. */
    final List<Expr> values = new ArrayList<>();
    /** An instance method's receiver, {@code this}: a parameter; null in a static method. */
    Variable receiver;
    /**
     * The array fields (static, or of {@code this}) the body reads, by field: each a hidden local read
     * once as the method starts, of kind {@link Variable.Kind#PARAM}, since it is data like a
     * {@code @NoDiff} parameter array (not written; copied where a Vjp's pullback reads it).
     */
    final Map<Element, Variable> fieldArrays = new LinkedHashMap<>();
    /**
     * The differentiable record parameters (our pytrees), by parameter: each stands for its
     * leaves, parameters of their own, which its accessors read.
     */
    final Map<Element, RecordNode> records = new HashMap<>();
    /** Leaves and hidden component arrays, as the source reads them ({@code p.w1()}). */
    final Map<Variable, String> sourceNames = new HashMap<>();
    /** Record fields whose array components are indexed ({@link #recordField}). */
    final Map<Element, Variable> recordFields = new HashMap<>();
    /** The array components of data record parameters, read once ({@link #componentArray}). */
    final Map<List<Element>, Variable> componentArrays = new HashMap<>();
    /** Where each parameter's array components are first read, for {@link #staleComponentReads}. */
    final Map<Element, SourceRef> componentReads = new LinkedHashMap<>();
    /** The parameters the body assigns. */
    final Set<Element> assignedParams = new HashSet<>();
    /** Calls of array methods being lowered as arguments of their own ({@link #hoisted}). */
    final Set<Tree> hoisting = new HashSet<>();
    /** The declarations of {@link #fieldArrays}, put before the body. */
    final List<Stmt> fieldArrayReads = new ArrayList<>();
    boolean erroneous;
    /** The class of the method being lowered (null for a {@code @Jvp} rule). */
    TypeElement ownerType;
    /** The class of the {@code @Jvp} rule being lowered (null for any other method). */
    TypeElement ruleOwner;
    /**
     * In a {@code @Jvp} rule, the locals that keep the result of a linear call ({@code
     * JvpResult<Double, Double> r = hJvp(a, aDot);}): each is two hidden locals, read by {@code
     * r.value()} and {@code r.tangent()}.
     */
    final Map<Element, LinearLocal> linearLocals = new HashMap<>();
    /** In a {@code @Jvp} rule, the values of linear calls ({@link RuleResult#linearValues}). */
    final Map<Expr, Nested> linearValues = new LinkedHashMap<>();
    /** Whether the body calls its own class's generated class ({@link #ownAdjointCall}). */
    boolean callsOwnAdjoint;
    /** The functions that uses of other classes' generated API are lowered to, in order. */
    final Set<Nested> nested = new LinkedHashSet<>();
    /** The companion of a {@code @CustomVjp} method being lowered for second order, or null. */
    Companion companion;

    Lowering(ClassName adjoint, boolean arrayResult, String jvpRule) {
      this.adjoint = adjoint;
      this.arrayResult = arrayResult;
      this.jvpRule = jvpRule;
    }

    // ---------------------------------------------------------------- statements

    Stmt.Block block(TreePath path) {
      BlockTree block = (BlockTree) path.getLeaf();
      List<Stmt> out = new ArrayList<>();
      for (StatementTree s : block.getStatements()) {
        statement(new TreePath(path, s), out);
      }
      return new Stmt.Block(out, access.ref(path));
    }

    /** A statement as a block: the body of an {@code if} or {@code else}. */
    Stmt.Block branch(TreePath path) {
      if (path.getLeaf() instanceof BlockTree) {
        return block(path);
      }
      List<Stmt> out = new ArrayList<>();
      statement(path, out);
      return new Stmt.Block(out, access.ref(path));
    }

    /**
     * Lowers one statement into {@code out}, after the statements its expressions need first
     * (the arrays of varargs calls, see {@link #varargs}).
     */
    void statement(TreePath path, List<Stmt> out) {
      List<Stmt> outer = prelude;
      prelude = new ArrayList<>();
      int at = out.size();
      lowerStatement(path, out);
      out.addAll(at, prelude);
      prelude = outer;
    }

    void lowerStatement(TreePath path, List<Stmt> out) {
      Tree tree = path.getLeaf();
      SourceRef ref = access.ref(path);
      switch (tree.getKind()) {
        case BLOCK:
          out.addAll(block(path).stmts());
          return;
        case EMPTY_STATEMENT:
          return;
        case VARIABLE:
          {
            VariableTree v = (VariableTree) tree;
            Element element = access.trees().getElement(path);
            if (!(element instanceof VariableElement local)) {
              erroneous = true;
              return;
            }
            TypeMirror type = local.asType();
            if (Tangents.isErroneous(type)) {
              erroneous = true;
              return;
            }
            // A box has no tangent, like an Object; a value of a differentiable input in it is
            // reported where it becomes a double again (transform.Detours).
            boolean box = type.toString().equals("java.lang.Double")
                || type.toString().equals("java.lang.Float");
            Optional<RecordShape> record = Tangents.of(type) == Tangents.Kind.UNSUPPORTED
                ? RecordShapes.of(type).shape() : Optional.empty();
            if (jvpRule != null && linearLocal(path, v, local, out)) {
              return;
            }
            if (record.isPresent()) {
              recordLocal(path, v, local, record.get(), out);
              return;
            }
            if (Tangents.of(type) == Tangents.Kind.UNSUPPORTED && !box) {
              rejected.add(local);
              unsupported(path, "a local of type " + type,
                  "; locals may be double or of types without floating-point data"
                      + Tangents.unsupportedReason(type));
              return;
            }
            if (!denotable(type, 0)) {
              // var of an anonymous class or of an intersection type: no generated code can
              // declare it.
              rejected.add(local);
              if (type instanceof DeclaredType declared) {
                rejectedTypes.add(declared.asElement());
              }
              unsupported(path, "a var local of " + undenotable(type),
                  ", since generated code cannot write its type; declare it with an explicit type");
              return;
            }
            Tangents.Kind kind = Tangents.of(type);
            if (jvpRule != null && v.getInitializer() != null
                && (kind == Tangents.Kind.ARRAY || kind == Tangents.Kind.MATRIX)
                && linearAccessor(new TreePath(path, v.getInitializer()))) {
              // double[] t = rJvp(a, aDot).tangent(): said there (not an array alias)
              rejected.add(local);
              expr(new TreePath(path, v.getInitializer()));
              return;
            }
            if (kind == Tangents.Kind.ARRAY || kind == Tangents.Kind.MATRIX
                || kind == Tangents.Kind.TENSOR3 || Expr.isDiscreteArray(TypeName.get(type))) {
              arrayLocal(path, v, local, out);
              return;
            }
            Variable variable =
                new Variable(v.getName().toString(), TypeName.get(type), Variable.Kind.LOCAL);
            locals.put(local, variable);
            Expr init =
                v.getInitializer() == null ? null : expr(new TreePath(path, v.getInitializer()));
            out.add(new Stmt.Declare(variable, init, ref));
            return;
          }
        case EXPRESSION_STATEMENT:
          expressionStatement(
              new TreePath(path, ((ExpressionStatementTree) tree).getExpression()), out);
          return;
        case IF:
          {
            IfTree s = (IfTree) tree;
            Expr condition = expr(new TreePath(path, s.getCondition()));
            Stmt.Block then = branch(new TreePath(path, s.getThenStatement()));
            Stmt.Block otherwise =
                s.getElseStatement() == null
                    ? new Stmt.Block(List.of(), ref)
                    : branch(new TreePath(path, s.getElseStatement()));
            out.add(new Stmt.If(condition, then, otherwise, ref));
            return;
          }
        case RETURN:
          {
            ReturnTree r = (ReturnTree) tree;
            if (r.getExpression() == null) {
              out.add(new Stmt.Return(null, ref)); // return; in a void helper (OutParams)
              return;
            }
            TreePath value = new TreePath(path, r.getExpression());
            if (companion != null) {
              if (companion.fwd()) {
                fwdReturn(path, value, out);
              } else {
                bwdReturn(value, out, ref);
              }
              return;
            }
            Optional<Optional<Linear>> delegated = jvpRule != null && !arrayResult
                ? delegatedReturn(value) : Optional.empty();
            if (delegated.isPresent()) {
              // return hJvp(a, aDot); (or a local that keeps it): its value and its tangent
              delegated.get().ifPresent(l -> {
                values.add(l.value());
                out.add(new Stmt.Return(l.tangent(), ref));
              });
              return;
            }
            if (jvpRule != null) {
              Optional<TreePath> tangent = ruleTangent(value);
              if (tangent.isEmpty()) {
                return;
              }
              value = tangent.get();
            }
            out.add(new Stmt.Return(arrayResult ? returnedArray(path, value) : expr(value), ref));
            return;
          }
        case FOR_LOOP:
          {
            ForLoopTree f = (ForLoopTree) tree;
            for (StatementTree init : f.getInitializer()) {
              statement(new TreePath(path, init), out);
            }
            Expr condition = f.getCondition() == null
                ? new Expr.Literal(true, TypeName.BOOLEAN, ref)
                : expr(new TreePath(path, f.getCondition()));
            Stmt.Block body = branch(new TreePath(path, f.getStatement()));
            List<Stmt> update = new ArrayList<>();
            for (ExpressionStatementTree u : f.getUpdate()) {
              expressionStatement(new TreePath(new TreePath(path, u), u.getExpression()), update);
            }
            out.add(new Stmt.Loop(condition, body, new Stmt.Block(update, ref), true, ref));
            return;
          }
        case WHILE_LOOP:
          {
            WhileLoopTree w = (WhileLoopTree) tree;
            Expr condition = expr(new TreePath(path, w.getCondition()));
            Stmt.Block body = branch(new TreePath(path, w.getStatement()));
            out.add(new Stmt.Loop(condition, body, new Stmt.Block(List.of(), ref), true, ref));
            return;
          }
        case DO_WHILE_LOOP:
          {
            DoWhileLoopTree d = (DoWhileLoopTree) tree;
            Stmt.Block body = branch(new TreePath(path, d.getStatement()));
            Expr condition = expr(new TreePath(path, d.getCondition()));
            out.add(new Stmt.Loop(condition, body, new Stmt.Block(List.of(), ref), false, ref));
            return;
          }
        case BREAK:
        case CONTINUE:
          // A labelled jump needs a labelled statement, which is reported where it stands.
          out.add(new Stmt.Jump(tree.getKind() == Tree.Kind.BREAK, ref));
          return;
        case ENHANCED_FOR_LOOP:
          enhancedFor(path, out);
          return;
        case SWITCH:
          unsupported(path, "a switch statement", "; use if/else");
          return;
        case TRY:
          unsupported(path, "a try statement",
              "; move it into a method without a differentiable argument");
          return;
        case THROW:
          unsupported(path, "a throw statement",
              "; validate the arguments before calling the differentiable method");
          return;
        case CLASS:
        case RECORD:
        case ENUM:
        case INTERFACE:
          rejectedTypes.add(access.trees().getElement(path));
          unsupported(path, "a local class", "; declare it outside the method");
          return;
        case LABELED_STATEMENT:
          unsupported(path, describe(tree), "; leave nested loops with a boolean flag that the"
              + " outer loop tests, or move the inner loop into a @Differentiable helper and"
              + " return from it");
          return;
        default:
          unsupported(path, describe(tree), "");
      }
    }

    /**
     * {@code for (T x : a) body}, lowered to an index loop over a hidden counter: {@code int k =
     * 0; while (k < a.length) { T x = a[k]; body; k = k + 1; }}. The array is a local or
     * parameter (never reassigned) or a row {@code m[i]} of one ({@code i} evaluated once, into a
     * hidden local), so it is evaluated once, as in Java. Over the rows of a matrix ({@code for
     * (double[] row : m)}) the loop variable is an alias of row {@code k}: {@code row[j]} reads
     * {@code m[k][j]}, {@code row.length} is {@code m[k].length}, and {@code row[j] = v} writes
     * {@code m[k][j]} (where {@code m} may be written).
     */
    void enhancedFor(TreePath path, List<Stmt> out) {
      EnhancedForLoopTree f = (EnhancedForLoopTree) path.getLeaf();
      SourceRef ref = access.ref(path);
      TreePath iterable = new TreePath(path, f.getExpression());
      while (iterable.getLeaf() instanceof ParenthesizedTree p) {
        iterable = new TreePath(iterable, p.getExpression());
      }
      TypeMirror iterated = mirror(iterable);
      if (iterated == null || Tangents.isErroneous(iterated)) {
        erroneous = true;
        return;
      }
      if (!(iterated instanceof ArrayType)) {
        unsupported(iterable, "an enhanced for loop over " + describe(iterable.getLeaf())
            + " (a " + iterated + ")", "; only arrays can be iterated: index the collection in"
            + " a counted loop (for (int i = 0; i < list.size(); i++))");
        return;
      }
      Variable array;
      List<Expr> row = new ArrayList<>();
      RowAlias alias = rowAlias(iterable);
      if (alias != null) {
        array = alias.matrix();
        row.addAll(alias.reads());
      } else if (iterable.getLeaf() instanceof ArrayAccessTree subscript) {
        TreePath base = new TreePath(iterable, subscript.getExpression());
        array = arrayVariable(base);
        if (array == null) {
          return;
        }
        if (dimensions(array.type()) != 2) {
          unsupported(iterable, "an enhanced for loop over " + describe(iterable.getLeaf()),
              "; iterate over an array local or parameter, or a row of a matrix (m[i])");
          return;
        }
        Expr at = expr(new TreePath(iterable, subscript.getIndex()));
        row.add(at instanceof Expr.Literal ? at : read(local("row", TypeName.INT, at, ref, out)));
      } else if (localOf(iterable) != null) {
        array = arrayVariable(iterable);
        if (array == null) {
          return;
        }
      } else if (rejected.contains(access.trees().getElement(iterable))) {
        return; // its declaration has the error
      } else if (iterable.getLeaf().getKind() == Tree.Kind.IDENTIFIER
          || access.trees().getElement(iterable) instanceof VariableElement v
              && v.getKind().isField()) {
        unsupported(iterable, "an enhanced for loop over " + describe(iterable.getLeaf()),
            "; only array locals, parameters and fields (static, or of this), and rows of matrices"
                + " (m[i]), can be iterated");
        return;
      } else {
        unsupported(iterable, "an enhanced for loop over " + describe(iterable.getLeaf()),
            "; declare a local with the array first, and iterate over the local");
        return;
      }
      VariableTree declared = f.getVariable();
      TreePath variablePath = new TreePath(path, declared);
      if (!(access.trees().getElement(variablePath) instanceof VariableElement element)) {
        erroneous = true;
        return;
      }
      Variable counter = local(declared.getName() + "Index", TypeName.INT,
          new Expr.Literal(0, TypeName.INT, ref), ref, out);
      Expr condition = new Expr.Binary(Expr.BinaryOp.LT, read(counter),
          new Expr.ArrayLength(array, row, ref), TypeName.BOOLEAN, ref);
      List<Stmt> body = new ArrayList<>();
      List<Expr> indices = new ArrayList<>(row);
      indices.add(read(counter));
      if (dimensions(array.type()) - row.size() > 2) {
        // for (double[][] m : t): a matrix of a 3-D array would be a second name for it.
        matrixRow(iterable, array);
        return;
      }
      if (dimensions(array.type()) - row.size() == 2) {
        // for (double[] r : m): r is row k of m, and names it wherever it is used.
        List<Expr> at = new ArrayList<>(row);
        at.add(read(counter));
        rows.put(element, new RowAlias(array, at));
      } else {
        TypeName type = TypeName.get(element.asType());
        Variable v = new Variable(declared.getName().toString(), type, Variable.Kind.LOCAL);
        locals.put(element, v);
        Expr value = new Expr.ArrayRead(array, indices, access.ref(iterable));
        body.add(new Stmt.Declare(v, castIfNeeded(value, type, ref), access.ref(variablePath)));
      }
      body.addAll(branch(new TreePath(path, f.getStatement())).stmts());
      Stmt step = new Stmt.Assign(counter,
          intAdd(read(counter), new Expr.Literal(1, TypeName.INT, ref), ref), ref);
      out.add(new Stmt.Loop(condition, new Stmt.Block(body, ref),
          new Stmt.Block(List.of(step), ref), true, ref));
    }

    /** The row alias {@code path} names ({@link #rows}), or null. */
    RowAlias rowAlias(TreePath path) {
      if (path.getLeaf().getKind() != Tree.Kind.IDENTIFIER) {
        return null;
      }
      Element element = access.trees().getElement(path);
      return element == null ? null : rows.get(element);
    }

    void expressionStatement(TreePath path, List<Stmt> out) {
      Tree tree = path.getLeaf();
      SourceRef ref = access.ref(path);
      switch (tree.getKind()) {
        case ASSIGNMENT:
          {
            AssignmentTree a = (AssignmentTree) tree;
            TreePath lhs = new TreePath(path, a.getVariable());
            if (a.getVariable().getKind() == Tree.Kind.ARRAY_ACCESS) {
              Expr.ArrayRead element = element(lhs, true);
              if (element != null) {
                out.add(new Stmt.ArrayAssign(element.array(), element.indices(),
                    expr(new TreePath(path, a.getExpression())), ref));
              }
              return;
            }
            Variable target = assignable(lhs);
            if (target != null) {
              out.add(new Stmt.Assign(target, expr(new TreePath(path, a.getExpression())), ref));
            }
            return;
          }
        case PLUS_ASSIGNMENT:
        case MINUS_ASSIGNMENT:
        case MULTIPLY_ASSIGNMENT:
        case DIVIDE_ASSIGNMENT:
        case REMAINDER_ASSIGNMENT:
        case AND_ASSIGNMENT:
        case OR_ASSIGNMENT:
        case XOR_ASSIGNMENT:
        case LEFT_SHIFT_ASSIGNMENT:
        case RIGHT_SHIFT_ASSIGNMENT:
        case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT:
          {
            CompoundAssignmentTree a = (CompoundAssignmentTree) tree;
            if (a.getVariable().getKind() == Tree.Kind.ARRAY_ACCESS) {
              Expr.ArrayRead element = element(new TreePath(path, a.getVariable()), true);
              if (element != null) {
                Expr right = expr(new TreePath(path, a.getExpression()));
                Update update = update(element, right, ref, out);
                Expr.BinaryOp op = compoundOp(tree.getKind());
                TypeName elementType = element.type();
                TypeName type = promoted(op, elementType, right.type());
                Expr value = castIfNeeded(new Expr.Binary(op, update.old(), right, type, ref),
                    elementType, ref);
                out.add(new Stmt.ArrayAssign(update.target().array(), update.target().indices(),
                    value, ref));
              }
              return;
            }
            Variable target = assignable(new TreePath(path, a.getVariable()));
            if (target != null) {
              Expr right = expr(new TreePath(path, a.getExpression()));
              Expr.BinaryOp op = compoundOp(tree.getKind());
              Expr left = new Expr.Read(target, ref);
              TypeName type = promoted(op, left.type(), right.type());
              Expr value = castIfNeeded(new Expr.Binary(op, left, right, type, ref), target.type(), ref);
              out.add(new Stmt.Assign(target, value, ref));
            }
            return;
          }
        case PREFIX_INCREMENT:
        case POSTFIX_INCREMENT:
        case PREFIX_DECREMENT:
        case POSTFIX_DECREMENT:
          {
            UnaryTree u = (UnaryTree) tree;
            boolean up = tree.getKind() == Tree.Kind.PREFIX_INCREMENT
                || tree.getKind() == Tree.Kind.POSTFIX_INCREMENT;
            if (u.getExpression().getKind() == Tree.Kind.ARRAY_ACCESS) {
              Expr.ArrayRead element = element(new TreePath(path, u.getExpression()), true);
              if (element != null) {
                TypeName elementType = element.type();
                Expr one = elementType.equals(TypeName.DOUBLE)
                    ? new Expr.Literal(1.0, TypeName.DOUBLE, ref)
                    : new Expr.Literal(1, TypeName.INT, ref);
                Update update = update(element, one, ref, out);
                Expr.BinaryOp op = up ? Expr.BinaryOp.ADD : Expr.BinaryOp.SUB;
                Expr value = castIfNeeded(new Expr.Binary(op, update.old(), one,
                    promoted(op, elementType, one.type()), ref), elementType, ref);
                out.add(new Stmt.ArrayAssign(update.target().array(), update.target().indices(),
                    value, ref));
              }
              return;
            }
            Variable target = assignable(new TreePath(path, u.getExpression()));
            if (target != null) {
              Expr left = new Expr.Read(target, ref);
              Expr one = new Expr.Literal(1, TypeName.INT, ref);
              Expr.BinaryOp op = up ? Expr.BinaryOp.ADD : Expr.BinaryOp.SUB;
              Expr value = castIfNeeded(
                  new Expr.Binary(op, left, one, promoted(op, left.type(), TypeName.INT), ref),
                  target.type(), ref);
              out.add(new Stmt.Assign(target, value, ref));
            }
            return;
          }
        case METHOD_INVOCATION:
          if (!arrayRoutine(path, out)) {
            out.add(new Stmt.Eval(expr(path), ref));
          }
          return;
        default:
          unsupported(path, describe(tree), "");
      }
    }

    /**
     * The loop variable of {@code for (double[] row : matrix)}: row {@code index} of it; or a part
     * of a 3-D array ({@code double[] r = t[i][j]}, {@code double[][] m = t[i]}): {@code indices}
     * (hidden locals or constants) lead from {@code matrix} to it.
     */
    record RowAlias(Variable matrix, List<Expr> indices) {
      RowAlias(Variable matrix, Variable index) {
        this(matrix, List.of(new Expr.Read(index, null)));
      }

      /** The indices, as new nodes for one more use. */
      List<Expr> reads() {
        List<Expr> out = new ArrayList<>();
        for (Expr e : indices) {
          out.add(e instanceof Expr.Read r ? new Expr.Read(r.variable(), null) : e);
        }
        return out;
      }
    }

    /**
     * A differentiable record parameter, or a nested record of one: its parts by component name,
     * each a leaf parameter ({@link Variable}) or a nested node.
     */
    record RecordNode(RecordShape shape, Map<String, Object> parts) {}

    /** The element a compound assignment writes, and the expression for its old value. */
    record Update(Expr.ArrayRead target, Expr old) {}

    /**
     * The element that a compound assignment or an increment of {@code element} writes, and its
     * old value. Java evaluates the element's indices once, left to right, then reads the element,
     * then the right side {@code right}; the lowering names the element twice ({@code a[i] = a[i]
     * op right}). Where that could differ (an index with an effect, such as a call, or a right side
     * with one, which could change what an index reads or throw after the primal would have) the
     * indices, and then the old value, are computed once into locals first, in Java's order.
     */
    Update update(Expr.ArrayRead element, Expr right, SourceRef ref, List<Stmt> out) {
      boolean rightActs = !effectFree(right);
      boolean hoist = element.indices().stream().anyMatch(i -> !effectFree(i))
          || (rightActs && element.indices().stream().anyMatch(i -> !stable(i)));
      if (!hoist && !rightActs) {
        return new Update(element, element);
      }
      List<Expr> indices = new ArrayList<>();
      for (Expr index : element.indices()) {
        indices.add(!hoist || index instanceof Expr.Literal || index instanceof Expr.Read
            ? index : read(local("index", TypeName.INT, index, ref, out)));
      }
      Expr.ArrayRead target = new Expr.ArrayRead(element.array(), indices, element.ref());
      if (!rightActs) {
        return new Update(target, target);
      }
      return new Update(target, read(local(element.array().hint() + "Element", target.type(),
          target, ref, out)));
    }

    /**
     * {@code Arrays.fill} and {@code System.arraycopy} on {@code double[]}, lowered to loops of
     * element writes, which the transformer differentiates (and records) like any others. False
     * when the call is neither.
     */
    boolean arrayRoutine(TreePath path, List<Stmt> out) {
      MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
      if (!(access.trees().getElement(path) instanceof ExecutableElement method)
          || !(method.getEnclosingElement() instanceof TypeElement owner)) {
        return false;
      }
      String qualified = owner.getQualifiedName() + "." + method.getSimpleName();
      List<? extends ExpressionTree> a = call.getArguments();
      boolean fill = qualified.equals("java.util.Arrays.fill")
          && (a.size() == 2 || a.size() == 4)
          && method.getParameters().get(0).asType().toString().equals("double[]");
      boolean anyCopy = qualified.equals("java.lang.System.arraycopy") && a.size() == 5;
      boolean copy = anyCopy
          && mirror(new TreePath(path, a.get(0))) instanceof ArrayType source
          && source.getComponentType().getKind() == TypeKind.DOUBLE;
      if (!fill && !anyCopy) {
        return false;
      }
      // An array chosen by ?: or reached through a cast: its writes (or reads) would go to one
      // array the lowering cannot name; said at that argument, with the fix (javac gives such a
      // conditional passed as an Object no array type, so any arraycopy is looked at).
      String routine = fill ? "Arrays.fill" : "System.arraycopy";
      for (int i : fill ? List.of(0) : List.of(0, 2)) {
        ExpressionTree arg = a.get(i);
        while (arg instanceof ParenthesizedTree inner) {
          arg = inner.getExpression();
        }
        if (arg.getKind() == Tree.Kind.CONDITIONAL_EXPRESSION
            || arg.getKind() == Tree.Kind.TYPE_CAST) {
          unsupported(new TreePath(path, a.get(i)), "an array argument of " + routine
                  + " written as " + describe(arg),
              "; choose the array with an if instead (if (c) { " + routine + "(a, ...); } else { "
                  + routine + "(b, ...); })");
          return true;
        }
      }
      if (!fill && !copy) {
        return false;
      }
      SourceRef ref = access.ref(path);
      if (fill) {
        Expr.ArrayRead target = element(path, new TreePath(path, a.get(0)), true);
        if (target == null) {
          return true;
        }
        // The arguments in Java's order, then Arrays.fill's range check, before any write.
        Expr from = a.size() == 4 ? expr(new TreePath(path, a.get(1)))
            : new Expr.Literal(0, TypeName.INT, ref);
        Expr to = a.size() == 4 ? expr(new TreePath(path, a.get(2)))
            : new Expr.ArrayLength(target.array(), List.of(), ref);
        Expr value = expr(new TreePath(path, a.get(a.size() - 1)));
        Variable end;
        Variable v;
        if (a.size() == 4) {
          if (!(from instanceof Expr.Literal || from instanceof Expr.Read)) {
            from = read(local("fillFrom", TypeName.INT, from, ref, out));
          }
          end = local("fillEnd", TypeName.INT, to, ref, out);
          v = local("fillValue", TypeName.DOUBLE, value, ref, out);
          out.add(rangeCheck("fill", List.of(
              new Expr.ArrayLength(target.array(), List.of(), ref), from, read(end)), ref));
        } else {
          v = local("fillValue", TypeName.DOUBLE, value, ref, out);
          end = local("fillEnd", TypeName.INT, to, ref, out); // a null array throws here
        }
        Variable k = local("k", TypeName.INT, from, ref, out); // just before its loop: counted
        out.add(countedLoop(k, end, List.of(
            new Stmt.ArrayAssign(target.array(), List.of(read(k)), read(v), ref)), ref));
        return true;
      }
      Variable src = arrayVariable(new TreePath(path, a.get(0)));
      Expr.ArrayRead target = element(path, new TreePath(path, a.get(2)), true);
      if (src == null || target == null) {
        return true;
      }
      if (src == target.array()) {
        unsupported(path, "copying within one array", "; copy through a second array");
        return true;
      }
      Variable from = local("srcPos", TypeName.INT, expr(new TreePath(path, a.get(1))), ref, out);
      Variable at = local("destPos", TypeName.INT, expr(new TreePath(path, a.get(3))), ref, out);
      Variable n = local("length", TypeName.INT, expr(new TreePath(path, a.get(4))), ref, out);
      out.add(rangeCheck("arraycopy", List.of(new Expr.ArrayLength(src, List.of(), ref), read(from),
          new Expr.ArrayLength(target.array(), List.of(), ref), read(at), read(n)), ref));
      Variable k = local("k", TypeName.INT, new Expr.Literal(0, TypeName.INT, ref), ref, out);
      out.add(countedLoop(k, n, List.of(new Stmt.ArrayAssign(target.array(),
          List.of(intAdd(read(at), read(k), ref)),
          new Expr.ArrayRead(src, List.of(intAdd(read(from), read(k), ref)), ref), ref)), ref));
      return true;
    }

    /**
     * A call of the runtime's copy of the range check of {@code Arrays.fill} or {@code
     * System.arraycopy}, which the loops they are lowered to would otherwise lose: the primal's
     * exception, before anything is written.
     */
    private Stmt rangeCheck(String routine, List<Expr> args, SourceRef ref) {
      return new Stmt.Eval(new Expr.OpaqueCall(null, RANGE_CHECKS, routine, args, TypeName.VOID,
          ref), ref);
    }

    private Variable local(String hint, TypeName type, Expr init, SourceRef ref, List<Stmt> out) {
      Variable v = new Variable(hint, type, Variable.Kind.LOCAL);
      out.add(new Stmt.Declare(v, init, ref));
      return v;
    }

    /** {@code while (k < end) { body; k = k + 1; }}. */
    private Stmt countedLoop(Variable k, Variable end, List<Stmt> body, SourceRef ref) {
      Expr condition = new Expr.Binary(Expr.BinaryOp.LT, read(k), read(end), TypeName.BOOLEAN, ref);
      Stmt step = new Stmt.Assign(k, intAdd(read(k), new Expr.Literal(1, TypeName.INT, ref), ref),
          ref);
      return new Stmt.Loop(condition, new Stmt.Block(body, ref), new Stmt.Block(List.of(step), ref),
          true, ref);
    }

    private Expr read(Variable v) {
      return new Expr.Read(v, null);
    }

    private Expr intAdd(Expr a, Expr b, SourceRef ref) {
      return new Expr.Binary(Expr.BinaryOp.ADD, a, b, TypeName.INT, ref);
    }

    /**
     * The parameters of a {@code @Bwd} companion lowered for second order: its residuals as
     * leaves (a record's by {@link #recordNode}; a {@code Double} as a {@code double}), its
     * cotangent a {@code double}, and one direction per differentiable parameter of the primal.
     */
    private static boolean isVoid(TypeMirror type) {
      return type.toString().equals("java.lang.Void");
    }

    void bwdParams(ExecutableElement method, List<Variable> params) {
      VariableElement residuals = method.getParameters().get(0);
      VariableElement cotangent = method.getParameters().get(1);
      for (Param p : companion.primal().diffParams()) {
        companion.directions().add(new Variable(p.name() + "Dot", p.type(), Variable.Kind.PARAM));
      }
      TypeMirror type = residuals.asType();
      String name = residuals.getSimpleName().toString();
      int first = params.size();
      Tangents.Kind kind = Tangents.of(type);
      if (isVoid(type)) {
        // Void residuals (always null): no parameter; a read of it is an unknown local
      } else if (kind == Tangents.Kind.DOUBLE || type.toString().equals("java.lang.Double")) {
        Variable v = new Variable(name, TypeName.DOUBLE, Variable.Kind.PARAM);
        locals.put(residuals, v);
        params.add(v);
      } else if (kind == Tangents.Kind.ARRAY || kind == Tangents.Kind.MATRIX) {
        Variable v = new Variable(name, TypeName.get(type), Variable.Kind.PARAM);
        locals.put(residuals, v);
        params.add(v);
      } else {
        Optional<RecordShape> shape = RecordShapes.isRecord(type)
            ? RecordShapes.of(type).shape() : Optional.empty();
        if (shape.isEmpty()) {
          report.add(Message.UNSUPPORTED_CONSTRUCT, residuals, "Residuals of the type " + type
              + ", which carries no tangents, in " + companion.name(), "; make it a"
              + " double, a double[], a double[][] or a record of such components");
          return;
        }
        List<Param> names = new ArrayList<>();
        leafNames(shape.get(), name, names);
        records.put(residuals, recordNode(shape.get(), names.iterator(), params, name));
      }
      companion.residualParams().addAll(params.subList(first, params.size()));
      Variable g = new Variable(cotangent.getSimpleName().toString(), TypeName.DOUBLE,
          Variable.Kind.PARAM);
      locals.put(cotangent, g);
      params.add(g);
      companion.cotangentParam()[0] = g;
    }

    /** Names for the leaves of a record of {@code shape}: {@code r_c}, {@code r_inner_c}. */
    private void leafNames(RecordShape shape, String prefix, List<Param> out) {
      for (RecordShape.Component c : shape.components()) {
        if (c.nested().isPresent()) {
          leafNames(c.nested().get(), prefix + "_" + c.name(), out);
        } else {
          out.add(new Param(prefix + "_" + c.name(), c.type(), false));
        }
      }
    }

    /**
     * The return of a {@code @Fwd} companion lowered for second order: it must be the body's last
     * statement, {@code return FwdResult.of(value, residuals)}; the residuals become leaves
     * ({@link Companion#residuals}) and the value is not needed.
     */
    void fwdReturn(TreePath returnPath, TreePath value, List<Stmt> out) {
      TreePath block = returnPath.getParentPath();
      boolean last = block.getLeaf() instanceof BlockTree b
          && block.getParentPath().getLeaf() instanceof MethodTree
          && b.getStatements().get(b.getStatements().size() - 1) == returnPath.getLeaf();
      if (!last) {
        unsupported(returnPath, "a return before the last statement of the @Fwd companion "
                + companion.name() + " (second order goes on from there into the @Bwd one)",
            "; compute the result in locals and return it once, as the last statement");
        return;
      }
      while (value.getLeaf() instanceof ParenthesizedTree paren) {
        value = new TreePath(value, paren.getExpression());
      }
      if (!(value.getLeaf() instanceof MethodInvocationTree call)
          || !(access.trees().getElement(value) instanceof ExecutableElement of)
          || !of.getSimpleName().contentEquals("of")
          || !((TypeElement) of.getEnclosingElement()).getQualifiedName()
              .contentEquals("dev.adjoint.runtime.FwdResult")
          || call.getArguments().size() != 2) {
        if (Tangents.isErroneous(mirror(value))) {
          erroneous = true;
          return;
        }
        unsupported(value, "returning " + describe(value.getLeaf()) + " from the @Fwd companion "
            + companion.name(), "; return FwdResult.of(value, residuals) in the return statement");
        return;
      }
      // The value is not needed, but Java evaluates it first: kept where it may write what the
      // residuals hold (FwdResult.of(fill(p, x), p)).
      TreePath primalValue = new TreePath(value, call.getArguments().get(0));
      if (mayWrite(primalValue)) {
        SourceRef at = access.ref(primalValue);
        Variable v = new Variable("value", TypeName.DOUBLE, Variable.Kind.LOCAL);
        out.add(new Stmt.Declare(v, castIfNeeded(expr(primalValue), TypeName.DOUBLE, at), at));
      }
      TreePath residuals = new TreePath(value, call.getArguments().get(1));
      while (residuals.getLeaf() instanceof ParenthesizedTree paren) {
        residuals = new TreePath(residuals, paren.getExpression());
      }
      TypeMirror type = mirror(residuals);
      Tangents.Kind kind = Tangents.of(type);
      SourceRef ref = access.ref(residuals);
      if (residuals.getLeaf().getKind() == Tree.Kind.NULL_LITERAL) {
        // FwdResult<.., Void>: no residuals (the @Bwd's Void parameter is none), so the rule's
        // gradient does not depend on the primal's parameters
        return;
      }
      if (kind == Tangents.Kind.DOUBLE || type.toString().equals("java.lang.Double")) {
        Variable v = new Variable("residual", TypeName.DOUBLE, Variable.Kind.LOCAL);
        out.add(new Stmt.Declare(v, castIfNeeded(expr(residuals), TypeName.DOUBLE, ref), ref));
        companion.residuals().add(new Expr.Read(v, ref));
      } else if (kind == Tangents.Kind.ARRAY || kind == Tangents.Kind.MATRIX) {
        Variable array = localOf(residuals);
        if (array == null || !array.type().equals(TypeName.get(type))) {
          unsupported(residuals, "returning " + describe(residuals.getLeaf()) + ", which is not"
              + " an array local of its own, as the residuals of the @Fwd companion "
              + companion.name(), "; return an array local by name");
          return;
        }
        companion.residuals().add(new Expr.Read(array, ref));
      } else {
        Optional<RecordShape> shape = RecordShapes.isRecord(type)
            ? RecordShapes.of(type).shape() : Optional.empty();
        if (shape.isEmpty()) {
          unsupported(residuals, "returning residuals of the type " + type + ", which carries no"
                  + " tangents, from the @Fwd companion " + companion.name(),
              "; make it a double, a double[], a double[][] or a record of such components");
          return;
        }
        RecordNode node = recordValue(residuals, "residual", shape.get(), out);
        if (node != null) {
          leafReads(node, ref, companion.residuals());
        }
      }
    }

    /**
     * Whether evaluating {@code value} may write an array or a local: it assigns or increments,
     * or calls a method other than {@code Math}'s that takes an object (an array) or is an
     * instance method.
     */
    private boolean mayWrite(TreePath value) {
      boolean[] writes = {false};
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitAssignment(AssignmentTree t, Void unused) {
          writes[0] = true;
          return super.visitAssignment(t, unused);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree t, Void unused) {
          writes[0] = true;
          return super.visitCompoundAssignment(t, unused);
        }

        @Override
        public Void visitUnary(UnaryTree t, Void unused) {
          switch (t.getKind()) {
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
                writes[0] = true;
            default -> { }
          }
          return super.visitUnary(t, unused);
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree t, Void unused) {
          if (access.trees().getElement(getCurrentPath()) instanceof ExecutableElement m) {
            String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
            boolean math = owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath");
            writes[0] |= !math && (!m.getModifiers().contains(Modifier.STATIC)
                || m.getParameters().stream().anyMatch(p -> !p.asType().getKind().isPrimitive()));
          } else {
            writes[0] = true;
          }
          return super.visitMethodInvocation(t, unused);
        }
      }.scan(value, null);
      return writes[0];
    }

    /**
     * A return of a {@code @Bwd} companion lowered for second order: the inner product of the
     * cotangents it returns (one per differentiable parameter of the primal; a {@code null}
     * one is zero) with the directions ({@link Companion#directions}).
     */
    void bwdReturn(TreePath value, List<Stmt> out, SourceRef ref) {
      while (value.getLeaf() instanceof ParenthesizedTree paren) {
        value = new TreePath(value, paren.getExpression());
      }
      List<VjpRule.Cotangent> cotangents = companion.rule().cotangents();
      List<Param> diff = companion.primal().diffParams();
      List<Expr> terms = new ArrayList<>();
      if (cotangents.size() == 1 && cotangents.get(0).isDirect()) {
        terms.add(cotangentOf(value, diff.get(0).type()));
      } else if (value.getLeaf() instanceof NewClassTree n && n.getClassBody() == null
          && access.trees().getElement(value) instanceof ExecutableElement constructor
          && constructor.getEnclosingElement().getKind() == ElementKind.RECORD
          && canonical((TypeElement) constructor.getEnclosingElement(), constructor)
          && writtenOut((TypeElement) constructor.getEnclosingElement()) == null) {
        List<? extends RecordComponentElement> components =
            ((TypeElement) constructor.getEnclosingElement()).getRecordComponents();
        for (int i = 0; i < cotangents.size(); i++) {
          int at = -1;
          for (int j = 0; j < components.size(); j++) {
            if (components.get(j).getSimpleName().contentEquals(cotangents.get(i).accessor())) {
              at = j;
            }
          }
          if (at < 0 || at >= n.getArguments().size()) {
            unsupported(value, "the cotangent record " + describe(value.getLeaf()) + " of the"
                + " @Bwd companion " + companion.name(), "; name its components after the"
                + " primal's parameters");
            return;
          }
          terms.add(cotangentOf(new TreePath(value, n.getArguments().get(at)),
              diff.get(i).type()));
        }
      } else if (recordPart(value) instanceof RecordNode node) {
        for (int i = 0; i < cotangents.size(); i++) {
          Object part = node.parts().get(cotangents.get(i).accessor());
          terms.add(part instanceof Variable leaf ? new Expr.Read(leaf, ref) : null);
        }
      } else {
        if (Tangents.isErroneous(mirror(value))) {
          erroneous = true;
          return;
        }
        unsupported(value, "returning " + describe(value.getLeaf()) + " from the @Bwd companion "
                + companion.name(),
            "; return new " + companion.rule().bwdReturn() + "(...) in the return statement");
        return;
      }
      Variable t = new Variable("tangent", TypeName.DOUBLE, Variable.Kind.LOCAL);
      out.add(new Stmt.Declare(t, new Expr.Literal(0.0, TypeName.DOUBLE, ref), ref));
      for (int i = 0; i < terms.size(); i++) {
        if (terms.get(i) != null) {
          innerProduct(t, terms.get(i), companion.directions().get(i), out, ref);
        }
      }
      out.add(new Stmt.Return(new Expr.Read(t, ref), ref));
    }

    /**
     * A cotangent a {@code @Bwd} companion returns for a parameter of {@code type}: a {@code
     * double} expression, an array variable read by name, or null for {@code null} (zero).
     */
    private Expr cotangentOf(TreePath arg, TypeName type) {
      while (arg.getLeaf() instanceof ParenthesizedTree paren) {
        arg = new TreePath(arg, paren.getExpression());
      }
      if (arg.getLeaf() instanceof LiteralTree literal && literal.getValue() == null) {
        return null;
      }
      SourceRef ref = access.ref(arg);
      if (type.equals(TypeName.DOUBLE)) {
        return castIfNeeded(expr(arg), TypeName.DOUBLE, ref);
      }
      Variable array = localOf(arg);
      if (array == null || !array.type().equals(type)) {
        return unsupported(arg, "the cotangent " + describe(arg.getLeaf()) + " of the @Bwd"
            + " companion " + companion.name(), "; return an array local by name");
      }
      return new Expr.Read(array, ref);
    }

    /** {@code t += <c, d>} over a {@code double}, {@code double[]} or {@code double[][]}. */
    private void innerProduct(Variable t, Expr c, Variable d, List<Stmt> out, SourceRef ref) {
      if (c.type().equals(TypeName.DOUBLE)) {
        out.add(new Stmt.Assign(t, new Expr.Binary(Expr.BinaryOp.ADD, new Expr.Read(t, ref),
            new Expr.Binary(Expr.BinaryOp.MUL, c, new Expr.Read(d, ref), TypeName.DOUBLE, ref),
            TypeName.DOUBLE, ref), ref));
        return;
      }
      Variable array = ((Expr.Read) c).variable();
      boolean matrix = array.type().equals(Expr.DOUBLE_MATRIX);
      Variable i = new Variable("i", TypeName.INT, Variable.Kind.LOCAL);
      Variable j = new Variable("j", TypeName.INT, Variable.Kind.LOCAL);
      List<Expr> at = matrix ? List.of(new Expr.Read(i, ref), new Expr.Read(j, ref))
          : List.of(new Expr.Read(i, ref));
      Expr product = new Expr.Binary(Expr.BinaryOp.MUL, new Expr.ArrayRead(array, at, ref),
          new Expr.ArrayRead(d, at, ref), TypeName.DOUBLE, ref);
      Stmt add = new Stmt.Assign(t, new Expr.Binary(Expr.BinaryOp.ADD, new Expr.Read(t, ref),
          product, TypeName.DOUBLE, ref), ref);
      Stmt.Block body = new Stmt.Block(List.of(add), ref);
      if (matrix) {
        body = counted(j, new Expr.ArrayLength(array, List.of(new Expr.Read(i, ref)), ref), body,
            ref);
      }
      out.addAll(counted(i, new Expr.ArrayLength(array, List.of(), ref), body, ref).stmts());
    }

    /** {@code for (int i = 0; i < n; i++) body}, as a block. */
    private Stmt.Block counted(Variable i, Expr n, Stmt.Block body, SourceRef ref) {
      Expr test = new Expr.Binary(Expr.BinaryOp.LT, new Expr.Read(i, ref), n, TypeName.BOOLEAN,
          ref);
      Stmt step = new Stmt.Assign(i, intAdd(new Expr.Read(i, ref),
          new Expr.Literal(1, TypeName.INT, ref), ref), ref);
      return new Stmt.Block(List.of(
          new Stmt.Declare(i, new Expr.Literal(0, TypeName.INT, ref), ref),
          new Stmt.Loop(test, body, new Stmt.Block(List.of(step), ref), true, ref)), ref);
    }

    /**
     * The array a {@code double[]} method returns: a local array named by itself (the generated
     * code returns a copy of it), outside any loop.
     */
    Expr returnedArray(TreePath returnPath, TreePath value) {
      if (enclosedBy(returnPath, Tree.Kind.FOR_LOOP, Tree.Kind.WHILE_LOOP,
          Tree.Kind.DO_WHILE_LOOP, Tree.Kind.ENHANCED_FOR_LOOP)) {
        return unsupported(returnPath, "returning an array from inside a loop",
            "; break out of the loop and return after it");
      }
      Element element = access.trees().getElement(value);
      Variable v = element == null ? null : locals.get(element);
      RowAlias alias = rowAlias(value);
      Variable rowOf = alias != null ? alias.matrix()
          : value.getLeaf() instanceof ArrayAccessTree row
              ? localOf(new TreePath(value, row.getExpression())) : null;
      if (rowOf != null && dimensions(rowOf.type()) >= 2 && resultType.equals(Expr.DOUBLE_ARRAY)) {
        // return m[i]: the caller would get a row that m still holds.
        String shown = sourceNames.getOrDefault(rowOf, rowOf.hint());
        return unsupported(value, "returning a row of the matrix " + shown,
            ", since the caller owns the array it gets and would share it with " + shown
                + "; copy the row into a new array (double[] y = new double[" + shown
                + "[i].length]; ...; return y;)");
      }
      if (v != null && v.type().equals(resultType) && v.kind() == Variable.Kind.PARAM) {
        if (jvpRule != null) {
          report.add(Message.ARRAY_RETURNS_PARAMETER_JVP, access.ref(value), jvpRule, v.hint(),
              v.hint());
        } else {
          report.add(Message.ARRAY_RETURNS_PARAMETER, access.ref(value), resultType, v.hint(),
              resultType, copyOf(resultType, v.hint()));
        }
        return placeholder(access.ref(value));
      }
      if (v != null && v.type().equals(resultType)) {
        return new Expr.Read(v, access.ref(value));
      }
      if (value.getLeaf() instanceof NewArrayTree literal && literal.getInitializers() != null
          && v == null) {
        // return new double[] {a, b}: the array, as a local of its own.
        SourceRef ref = access.ref(value);
        Variable returned = initialized(value, "returned", resultType, ref, prelude);
        return returned == null ? placeholder(ref) : new Expr.Read(returned, ref);
      }
      if (value.getLeaf().getKind() == Tree.Kind.METHOD_INVOCATION
          && (resultType.equals(Expr.DOUBLE_ARRAY) ? calleeReturnsArray(value)
              : calleeReturnsMatrix(value))) {
        // return g(x): the array g returned, as a local of its own (the caller owns it).
        SourceRef ref = access.ref(value);
        Variable returned = new Variable("returned", resultType, Variable.Kind.LOCAL);
        Expr call = expr(value);
        prelude.add(new Stmt.Declare(returned, call, ref));
        return new Expr.Read(returned, ref);
      }
      if (element != null && rejected.contains(element)) {
        return placeholder(access.ref(value));
      }
      if (Tangents.isErroneous(mirror(value))) {
        erroneous = true;
        return placeholder(access.ref(value));
      }
      return unsupported(value, "returning " + describe(value.getLeaf()),
          "; return a " + resultType + " local by name (" + resultType + " y = ...; return y;)");
    }

    /**
     * The tangent argument of a {@code @Jvp} rule's {@code return JvpResult.of(value, tangent)},
     * after lowering the value into {@link #values}; empty, after reporting it, for any other
     * return.
     */
    Optional<TreePath> ruleTangent(TreePath returned) {
      Tree tree = returned.getLeaf();
      while (tree instanceof ParenthesizedTree p) {
        returned = new TreePath(returned, p.getExpression());
        tree = p.getExpression();
      }
      if (tree instanceof MethodInvocationTree call
          && access.trees().getElement(returned) instanceof ExecutableElement method
          && method.getSimpleName().contentEquals("of")
          && method.getEnclosingElement() instanceof TypeElement owner
          && owner.getQualifiedName().contentEquals(JVP_RESULT)
          && call.getArguments().size() == 2) {
        values.add(expr(new TreePath(returned, call.getArguments().get(0))));
        return Optional.of(new TreePath(returned, call.getArguments().get(1)));
      }
      if (Tangents.isErroneous(mirror(returned))) {
        erroneous = true;
        return Optional.empty();
      }
      report.add(Message.JVP_RETURN_FORM, access.ref(returned), jvpRule, describe(tree));
      return Optional.empty();
    }

    /** Whether a statement of {@code kind} encloses {@code path} within its method. */
    boolean enclosedBy(TreePath path, Tree.Kind... kinds) {
      for (TreePath up = path.getParentPath(); up != null
          && up.getLeaf().getKind() != Tree.Kind.METHOD; up = up.getParentPath()) {
        if (List.of(kinds).contains(up.getLeaf().getKind())) {
          return true;
        }
      }
      return false;
    }

    /**
     * A local {@code double[]}: created by {@code new double[n]}, or returned by a call of a
     * {@code @Differentiable} or {@code @CustomVjp} method, where it is declared, outside any loop
     * (so that one cotangent array serves it; in a branch, only where it was created), and never
     * reassigned.
     */
    void arrayLocal(TreePath path, VariableTree v, VariableElement local, List<Stmt> out) {
      SourceRef ref = access.ref(path);
      ExpressionTree init = v.getInitializer();
      TypeName type = TypeName.get(local.asType());
      int dimensions = dimensions(type);
      boolean returned = init != null && init.getKind() == Tree.Kind.METHOD_INVOCATION
          && (type.equals(Expr.DOUBLE_ARRAY) && calleeReturnsArray(new TreePath(path, init))
              || type.equals(Expr.DOUBLE_MATRIX)
                  && calleeReturnsMatrix(new TreePath(path, init)));
      if (init instanceof ArrayAccessTree subscript && (dimensions == 1 || dimensions == 2)
          && rowLocal(path, local, new TreePath(path, subscript), out)) {
        return;
      }
      if (init instanceof NewArrayTree literal && literal.getInitializers() != null) {
        // double[] b = {y, y * y}; new double[] {a, b}; {{a, b}, {c, d}}; int[] idx = {0, 2}
        Variable variable = initialized(new TreePath(path, init), v.getName().toString(), type,
            ref, out);
        if (variable == null) {
          rejected.add(local);
        } else {
          locals.put(local, variable);
        }
        return;
      }
      if (!returned && init != null && init.getKind() == Tree.Kind.METHOD_INVOCATION
          && (access.trees().getElement(new TreePath(path, init)) == null
              || Tangents.isErroneous(mirror(new TreePath(path, init))))) {
        // A call of a class generated later this compilation (GAdjoint.gGrad(x).x()): the class
        // waits a round, as for any other use of it.
        erroneous = true;
        return;
      }
      if (!returned && (init == null || init.getKind() != Tree.Kind.NEW_ARRAY
          || ((NewArrayTree) init).getDimensions().size() != dimensions)) {
        rejected.add(local);
        TreePath base = init instanceof ArrayAccessTree ? new TreePath(path, init) : null;
        while (base != null && base.getLeaf() instanceof ArrayAccessTree part) {
          base = new TreePath(base, part.getExpression());
        }
        if (base != null && localOf(base) != null && dimensions(localOf(base).type()) > 2) {
          matrixRow(new TreePath(path, init), localOf(base)); // double[][] m = t[i] of a 3-D t
          return;
        }
        aliasReport(ref, v.getName().toString(), type);
        return;
      }
      Variable variable = new Variable(v.getName().toString(), type, Variable.Kind.LOCAL);
      if (returned) {
        Expr call = expr(new TreePath(path, init));
        locals.put(local, variable);
        out.add(new Stmt.Declare(variable, call, ref));
        return;
      }
      locals.put(local, variable);
      NewArrayTree created = (NewArrayTree) init;
      List<Expr> lengths = new ArrayList<>();
      for (ExpressionTree dimension : created.getDimensions()) {
        lengths.add(expr(new TreePath(new TreePath(path, init), dimension)));
      }
      TypeName element = type;
      while (element instanceof ArrayTypeName a) {
        element = a.componentType();
      }
      out.add(new Stmt.Declare(variable, new Expr.NewArray(element, lengths, ref), ref));
    }

    /**
     * An array initializer ({@code {y, y * y}}, {@code new double[] {a, b}}, {@code {{a, b}, {c,
     * d}}}, {@code new int[] {0, 2}}) of an array local called {@code name}: lowered to {@code new
     * double[n]} (or {@code new double[n][m]}) followed by one element assignment per element, in
     * source order, which is how Java evaluates it (the array is created, then each element is
     * evaluated and stored). So an element may be anything an element assignment may be (a call of
     * an annotated method, say). A matrix's rows must be initializers themselves, of one length
     * (a row that is an array of its own would be shared by two names); null after reporting why
     * not.
     */
    Variable initialized(TreePath init, String name, TypeName type, SourceRef ref,
        List<Stmt> out) {
      NewArrayTree created = (NewArrayTree) init.getLeaf();
      int dimensions = dimensions(type);
      TypeName element = type;
      while (element instanceof ArrayTypeName a) {
        element = a.componentType();
      }
      // The elements, each with its indices, in source order.
      List<TreePath> values = new ArrayList<>();
      List<List<Expr>> indices = new ArrayList<>();
      List<Expr> lengths = new ArrayList<>();
      List<? extends ExpressionTree> outer = created.getInitializers();
      lengths.add(new Expr.Literal(outer.size(), TypeName.INT, ref));
      if (dimensions == 1) {
        for (int i = 0; i < outer.size(); i++) {
          values.add(new TreePath(init, outer.get(i)));
          indices.add(List.of(new Expr.Literal(i, TypeName.INT, ref)));
        }
      } else if (dimensions == 2) {
        int columns = -1;
        boolean clean = true;
        for (int i = 0; i < outer.size(); i++) {
          TreePath rowPath = new TreePath(init, outer.get(i));
          while (rowPath.getLeaf() instanceof ParenthesizedTree p) {
            rowPath = new TreePath(rowPath, p.getExpression());
          }
          if (!(rowPath.getLeaf() instanceof NewArrayTree row) || row.getInitializers() == null) {
            report.add(Message.ARRAY_INITIALIZER_ROW, access.ref(rowPath), i, name,
                describe(rowPath.getLeaf()), "new " + element + "[" + outer.size() + "][n]");
            clean = false;
            continue;
          }
          int size = row.getInitializers().size();
          if (columns >= 0 && size != columns) {
            unsupported(rowPath, "a matrix initializer whose rows have different lengths (row 0"
                    + " has " + elements(columns) + ", row " + i + " has " + elements(size) + ")",
                "; differentiable code creates rectangular matrices (new double[n][m]): give"
                    + " every row the same length, or keep rows of other lengths in double[]"
                    + " locals of their own");
            clean = false;
            continue;
          }
          columns = size;
          for (int j = 0; j < size; j++) {
            values.add(new TreePath(rowPath, row.getInitializers().get(j)));
            indices.add(List.of(new Expr.Literal(i, TypeName.INT, ref),
                new Expr.Literal(j, TypeName.INT, ref)));
          }
        }
        if (!clean) {
          return null;
        }
        lengths.add(new Expr.Literal(Math.max(columns, 0), TypeName.INT, ref));
      } else {
        unsupported(init, "an initializer of a " + type, "; use double[] or double[][], or create"
            + " it with new double[a][b][c] and assign its elements");
        return null;
      }
      Variable variable = new Variable(name, type, Variable.Kind.LOCAL);
      out.add(new Stmt.Declare(variable, new Expr.NewArray(element, lengths, ref), ref));
      for (int k = 0; k < values.size(); k++) {
        // Each element as a statement of its own: what it needs first runs just before it.
        List<Stmt> outerPrelude = prelude;
        prelude = new ArrayList<>();
        Expr value = expr(values.get(k));
        out.addAll(prelude);
        prelude = outerPrelude;
        out.add(new Stmt.ArrayAssign(variable, indices.get(k), value,
            access.ref(values.get(k))));
      }
      return variable;
    }

    /**
     * {@code double[] row = m[i];} (or a row of an {@code int[][]}, ...): like the loop variable of
     * {@code for (double[] row : m)}, {@code row} names row {@code i} of {@code m} wherever it is
     * used ({@code row[j]} is {@code m[i][j]}), {@code i} evaluated once, here, into a hidden
     * local, as Java evaluates the row here; a matrix's rows are never replaced in differentiable
     * code, and the local is never assigned again, so it names that row for its whole scope. (An
     * index outside the matrix throws where the row is first used, not at the declaration.)
     * False (nothing reported) where {@code init} is not a row of a matrix local or parameter.
     */
    boolean rowLocal(TreePath path, VariableElement local, TreePath init, List<Stmt> out) {
      ArrayAccessTree subscript = (ArrayAccessTree) init.getLeaf();
      TreePath base = new TreePath(init, subscript.getExpression());
      Variable matrix = localOf(base);
      if (matrix != null && dimensions(matrix.type()) == 3 || base.getLeaf() instanceof ArrayAccessTree
          || rowAlias(base) != null) {
        return partLocal(path, local, init, out); // double[] r = t[i][j], double[][] m = t[i]
      }
      if (matrix == null || dimensions(matrix.type()) != 2
          || !matrix.type().equals(ArrayTypeName.of(TypeName.get(local.asType())))) {
        return false;
      }
      SourceRef ref = access.ref(path);
      Expr at = expr(new TreePath(init, subscript.getIndex()));
      Variable index = local(local.getSimpleName() + "Index", TypeName.INT, at, ref, out);
      rows.put(local, new RowAlias(matrix, index));
      declaredRows.add(local);
      return true;
    }

    /**
     * {@code double[] r = t[i][j];} or {@code double[][] m = t[i];} of a {@code double[][][]} local
     * or parameter {@code t} (or {@code double[] r = m[j];} of such an {@code m}): like a row local,
     * the local names that part of {@code t} wherever it is used, each index evaluated once, here,
     * in source order. False (nothing reported) where {@code init} is no such part.
     */
    boolean partLocal(TreePath path, VariableElement local, TreePath init, List<Stmt> out) {
      List<TreePath> indexPaths = new ArrayList<>();
      TreePath base = init;
      while (base.getLeaf() instanceof ArrayAccessTree part) {
        indexPaths.add(0, new TreePath(base, part.getIndex()));
        base = new TreePath(base, part.getExpression());
      }
      RowAlias outer = rowAlias(base);
      Variable tensor = outer != null ? outer.matrix() : localOf(base);
      List<Expr> indices = outer != null ? new ArrayList<>(outer.reads()) : new ArrayList<>();
      if (tensor == null || dimensions(tensor.type()) != 3
          || dimensions(tensor.type()) - indices.size() - indexPaths.size()
              != dimensions(TypeName.get(local.asType()))) {
        return false;
      }
      SourceRef ref = access.ref(path);
      for (TreePath indexPath : indexPaths) {
        Expr at = expr(indexPath);
        indices.add(at instanceof Expr.Literal ? at
            : read(local(local.getSimpleName() + "Index", TypeName.INT, at, ref, out)));
      }
      rows.put(local, new RowAlias(tensor, indices));
      declaredRows.add(local);
      return true;
    }

    /**
     * {@code a[i]} with {@code a} a local or parameter {@code double[]}; null after reporting why
     * not. {@code write}: the element is assigned, which a parameter's may not be.
     */
    Expr.ArrayRead element(TreePath path, boolean write) {
      // a[i] or m[i][j]: the indices, outermost first, down to the array's name.
      List<Expr> indices = new ArrayList<>();
      TreePath at = path;
      while (at.getLeaf() instanceof ArrayAccessTree subscript) {
        indices.add(0, expr(new TreePath(at, subscript.getIndex())));
        at = new TreePath(at, subscript.getExpression());
      }
      RowAlias alias = rowAlias(at);
      if (alias != null) {
        indices.addAll(0, alias.reads());
      }
      Expr.ArrayRead whole = alias != null
          ? writable(path, alias.matrix(), write) : element(path, at, write);
      if (whole == null) {
        return null;
      }
      int dimensions = dimensions(whole.array().type());
      if (indices.size() != dimensions) {
        matrixRow(path, whole.array());
        return null;
      }
      return new Expr.ArrayRead(whole.array(), indices, whole.ref());
    }

    /**
     * The array {@code arrayPath} names, as an element read with no index (callers add them);
     * null after reporting why it cannot be used, or written when {@code write}.
     */
    Expr.ArrayRead element(TreePath path, TreePath arrayPath, boolean write) {
      SourceRef ref = access.ref(path);
      return writable(path, arrayVariable(arrayPath), write);
    }

    /** {@code array} as an element read with no index, or null after reporting a bad write. */
    Expr.ArrayRead writable(TreePath path, Variable array, boolean write) {
      SourceRef ref = access.ref(path);
      if (array == null) {
        return null;
      }
      if (write && fieldArrays.containsValue(array)) {
        unsupported(path, "writing into the array field " + array.hint(),
            "; differentiable code may read fields but not write them: copy it into a local"
                + " array first (" + array.type() + " copy = "
                + newArray(array.type(), array.hint() + ".length").replace("[m]", "[]")
                + "; ...)");
        return null;
      }
      // A write into a parameter array makes the method a helper with out-parameters, which
      // OutParams writes into its callers (or reports, where nothing calls it); a record's
      // component array is still read-only.
      if (write && array.kind() == Variable.Kind.PARAM && sourceNames.containsKey(array)) {
        // A record's component is named as the source reads it (p.w1(), not the leaf p_w1).
        String shown = sourceNames.getOrDefault(array, array.hint());
        if (Expr.isDiscreteArray(array.type())) {
          String copy = newArray(array.type(), shown + ".length").replace("[m]", "[]");
          report.add(Message.DISCRETE_ARRAY_PARAMETER_WRITE, ref, shown, array.type(), copy);
        } else {
          report.add(Message.ARRAY_PARAMETER_WRITE, ref, shown, shown);
        }
        return null;
      }
      return new Expr.ArrayRead(array, List.of(), ref);
    }

    /** The local or parameter {@code double[]} or {@code double[][]} an expression names. */
    Variable arrayVariable(TreePath path) {
      RowAlias alias = rowAlias(path);
      if (alias != null) {
        matrixRow(path, alias.matrix()); // Arrays.fill(row, v)
        return null;
      }
      Element element = access.trees().getElement(path);
      Variable v = localOf(path);
      if (v != null && (Expr.isArray(v.type()) || Expr.isDiscreteArray(v.type()))) {
        return v;
      }
      if (element != null && rejected.contains(element)) {
        return null;
      }
      if (element == null && Tangents.isErroneous(mirror(path))) {
        erroneous = true;
        return null;
      }
      if (path.getLeaf() instanceof ArrayAccessTree) {
        TreePath base = path; // m of m[i], or t of t[i][j]
        while (base.getLeaf() instanceof ArrayAccessTree part) {
          base = new TreePath(base, part.getExpression());
        }
        Variable m = localOf(base);
        if (m != null && dimensions(m.type()) >= 2) {
          matrixRow(path, m); // Arrays.fill(m[i], v), System.arraycopy(m[i], ...)
          return null;
        }
      }
      if (v != null) {
        unsupported(path, "indexing the " + v.type() + " " + v.hint(),
            "; only double[], int[], long[] and boolean[] locals and parameters (and their"
                + " 2-D forms) can be indexed (copy other arrays into one)");
        return null;
      }
      if (element != null && element.getKind().isField()
          && element.asType().getKind() == TypeKind.ARRAY) {
        unsupported(path, "indexing the array field " + element.getSimpleName() + " of "
                + (element.getModifiers().contains(Modifier.STATIC) ? "a class" : "another object"),
            "; only array locals, parameters and fields of this can be indexed: pass the array in"
                + " as a @NoDiff parameter");
        return null;
      }
      unsupported(path, "indexing " + describe(path.getLeaf()),
          "; only double[], int[], long[] and boolean[] locals and parameters (and their 2-D"
              + " forms) can be indexed (copy other arrays into one)");
      return null;
    }

    /** Reports an array local that aliases another array, or an array reassigned. */
    void aliasReport(SourceRef ref, String name, TypeName type) {
      if (Expr.isDiscreteArray(type)) {
        report.add(Message.DISCRETE_ARRAY_ALIAS, ref, name, newArray(type, "n"));
      } else {
        report.add(Message.ARRAY_ALIAS, ref, name);
      }
    }

    /** {@code new int[n]} or {@code new int[n][m]} for an array type. */
    String newArray(TypeName type, String length) {
      StringBuilder dims = new StringBuilder();
      TypeName t = type;
      String[] lengths = {length, "m"};
      for (int i = 0; t instanceof ArrayTypeName a; i++, t = a.componentType()) {
        dims.append('[').append(lengths[Math.min(i, 1)]).append(']');
      }
      return "new " + t + dims;
    }

    /**
     * A row of a matrix passed to an annotated method ({@code g(m[i])}, or the loop variable of
     * {@code for (double[] row : m)}) as an element read with one index fewer than the matrix
     * has dimensions; null for any other argument. The callee reads the row where it is (it may
     * not write its parameters), and its cotangent is added into the row's cotangent.
     */
    Expr rowArgument(TreePath path) {
      while (path.getLeaf() instanceof ParenthesizedTree p) {
        path = new TreePath(path, p.getExpression());
      }
      SourceRef ref = access.ref(path);
      RowAlias alias = rowAlias(path);
      if (alias != null && dimensions(alias.matrix().type()) > 2) {
        matrixRow(path, alias.matrix()); // g(r) with r = t[i][j]: not passed on yet
        return placeholder(ref);
      }
      if (alias != null) {
        return new Expr.ArrayRead(alias.matrix(), alias.reads(), ref);
      }
      if (!(path.getLeaf() instanceof ArrayAccessTree row)
          || !(mirror(path) instanceof ArrayType)) {
        return null;
      }
      Variable m = localOf(new TreePath(path, row.getExpression()));
      if (m == null || dimensions(m.type()) != 2) {
        return null;
      }
      return new Expr.ArrayRead(m, List.of(expr(new TreePath(path, row.getIndex()))), ref);
    }

    /**
     * Whether an argument of an annotated method is a call of an annotated method that returns
     * {@code double[]} ({@code ce(logits(w, hidden(v, x)))}) that may run before its statement,
     * as a local of its own ({@link #hoisted}): it runs whenever its statement does (not in a
     * branch of {@code ?:}, right of {@code &&} or {@code ||}, or a loop's condition or update),
     * and nothing with an effect (a call other than of {@code Math}'s functions, an assignment,
     * an increment, a new object or array) comes before it in its statement, so moving it first
     * changes no order of effects.
     */
    boolean hoistable(TreePath path) {
      while (path.getLeaf() instanceof ParenthesizedTree p) {
        path = new TreePath(path, p.getExpression());
      }
      if (path.getLeaf().getKind() != Tree.Kind.METHOD_INVOCATION || !calleeReturnsArray(path)
          || conditionallyEvaluated(path) || inLoopHeader(path)) {
        return false;
      }
      TreePath statement = path;
      while (!(statement.getLeaf() instanceof StatementTree)) {
        statement = statement.getParentPath();
      }
      Set<Tree> enclosing = new HashSet<>();
      for (TreePath at = path; at != statement.getParentPath(); at = at.getParentPath()) {
        enclosing.add(at.getLeaf());
      }
      SourcePositions positions = access.trees().getSourcePositions();
      CompilationUnitTree unit = path.getCompilationUnit();
      long start = positions.getStartPosition(unit, path.getLeaf());
      boolean[] earlierEffect = {false};
      new TreePathScanner<Void, Void>() {
        @Override
        public Void scan(Tree tree, Void unused) {
          return earlierEffect[0] ? null : super.scan(tree, unused);
        }

        private void note(Tree tree) {
          earlierEffect[0] |= !enclosing.contains(tree)
              && positions.getStartPosition(unit, tree) < start;
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          // Math's functions (Math.floorMod(i, n) in an index) and Ad.stopGradient have none,
          // nor has a record's implicit accessor (q0.x0(), k0.ix()): it reads a component.
          Element called = access.trees().getElement(getCurrentPath());
          boolean pure = called instanceof ExecutableElement m
              && (m.getModifiers().contains(Modifier.STATIC) && PURE_OWNERS.contains(
                      ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString())
                  || call.getArguments().isEmpty() && implicitAccessor(m));
          if (!pure) {
            note(call);
          }
          return super.visitMethodInvocation(call, unused);
        }

        @Override
        public Void visitNewClass(NewClassTree tree, Void unused) {
          note(tree);
          return super.visitNewClass(tree, unused);
        }

        @Override
        public Void visitNewArray(NewArrayTree tree, Void unused) {
          note(tree);
          return super.visitNewArray(tree, unused);
        }

        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          note(tree);
          return super.visitAssignment(tree, unused);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
          note(tree);
          return super.visitCompoundAssignment(tree, unused);
        }

        @Override
        public Void visitUnary(UnaryTree tree, Void unused) {
          switch (tree.getKind()) {
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
                note(tree);
            default -> { }
          }
          return super.visitUnary(tree, unused);
        }
      }.scan(statement, null);
      return !earlierEffect[0];
    }

    /** Whether {@code path} is in a loop's condition or update, evaluated on every trip. */
    boolean inLoopHeader(TreePath path) {
      for (TreePath at = path; at.getParentPath() != null; at = at.getParentPath()) {
        Tree parent = at.getParentPath().getLeaf();
        Tree leaf = at.getLeaf();
        if (parent instanceof ForLoopTree f) {
          return f.getCondition() == leaf || f.getUpdate().contains(leaf);
        }
        if (parent instanceof WhileLoopTree w) {
          return w.getCondition() == leaf;
        }
        if (parent instanceof DoWhileLoopTree d) {
          return d.getCondition() == leaf;
        }
        if (parent instanceof BlockTree || parent instanceof MethodTree) {
          return false;
        }
      }
      return false;
    }

    /** {@code g(...)} as an argument: a local of its own, declared just before the statement. */
    Expr hoisted(TreePath path) {
      while (path.getLeaf() instanceof ParenthesizedTree p) {
        path = new TreePath(path, p.getExpression());
      }
      SourceRef ref = access.ref(path);
      hoisting.add(path.getLeaf());
      Expr call = expr(path);
      String name = ((MethodInvocationTree) path.getLeaf()).getMethodSelect()
          instanceof MemberSelectTree select ? select.getIdentifier().toString()
          : ((IdentifierTree) ((MethodInvocationTree) path.getLeaf()).getMethodSelect())
              .getName().toString();
      Variable value = new Variable(name, Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
      prelude.add(new Stmt.Declare(value, call, ref));
      return new Expr.Read(value, ref);
    }

    /** Reports a row {@code m[i]} of a matrix used as an array of its own. */
    void matrixRow(TreePath path, Variable matrix) {
      if (dimensions(matrix.type()) > 2) {
        // t[i] or t[i][j] of a double[][][]: no alias of a part of it is kept yet.
        unsupported(path, "a part (t[i] or t[i][j]) of the 3-D array " + matrix.hint()
                + " as a value, or passed to a method,",
            "; index it down to an element (t[i][j][k]) or take a length (t[i][j].length), or"
                + " copy the part into a new array first");
        return;
      }
      unsupported(path, "a row of the matrix " + matrix.hint() + " as a value",
          "; index it down to an element (m[i][j]), take its length (m[i].length), or pass it"
              + " to a @Differentiable method (g(m[i]))");
    }

    /**
     * The local or parameter array whose length {@code a.length} (with {@code rows} indices,
     * {@code m[i].length}) reads: of any array type, since only the length is read; null after
     * reporting why not.
     */
    Variable measured(TreePath path, int rows) {
      Element element = access.trees().getElement(path);
      Variable v = localOf(path);
      if (v != null && dimensions(v.type()) > rows) {
        return v;
      }
      if (element != null && rejected.contains(element)) {
        return null;
      }
      if (element == null && Tangents.isErroneous(mirror(path))) {
        erroneous = true;
        return null;
      }
      unsupported(path, "reading the length of " + describe(path.getLeaf()),
          "; only the lengths of array locals, parameters and fields (static, or of this) can be read"
              + " (a.length, m[i].length): pass the array in as a @NoDiff parameter");
      return null;
    }

    /** The local that an assignment writes, or null after reporting why it cannot be written. */
    Variable assignable(TreePath path) {
      Element element = access.trees().getElement(path);
      if (element != null && records.containsKey(element)) {
        unsupported(path, "assigning the record " + element.getSimpleName() + " of the"
                + " differentiable type " + records.get(element).shape().type().simpleName(),
            "; declare a new local for the new record");
        return null;
      }
      if (element != null && linearLocals.containsKey(element)) {
        unsupported(path, "assigning " + element.getSimpleName() + ", which keeps the result of"
            + " a linear call,", "; declare a new local for the new result");
        return null;
      }
      Variable v = element == null ? null : locals.get(element);
      if (v != null && (Expr.isArray(v.type()) || Expr.isDiscreteArray(v.type()))) {
        aliasReport(access.ref(path), v.hint(), v.type());
        return null;
      }
      if (v != null) {
        if (v.kind() == Variable.Kind.PARAM) {
          assignedParams.add(element);
        }
        return v;
      }
      if (rejected.contains(element)) {
        return null;
      }
      if (element == null) {
        erroneous = true;
        return null;
      }
      if (rows.containsKey(element) && declaredRows.contains(element)) {
        unsupported(path, "assigning the local " + element.getSimpleName() + ", a row of "
                + rows.get(element).matrix().hint() + ",",
            "; it names that row wherever it is used: declare another local for another row");
        return null;
      }
      if (rows.containsKey(element)) {
        unsupported(path, "assigning the loop variable " + element.getSimpleName() + " of a loop"
            + " over the rows of " + rows.get(element).matrix().hint(),
            "; it names a row of the matrix: write its elements, or use a counted loop");
        return null;
      }
      if (element.getKind() == ElementKind.FIELD) {
        unsupported(path, "writing the field " + element.getSimpleName(),
            "; differentiable code may read fields but not write them: use a local");
      } else {
        unsupported(path, "writing " + describe(path.getLeaf()), "; assign to a local");
      }
      return null;
    }

    // ---------------------------------------------------------------- expressions

    Expr expr(TreePath path) {
      Tree tree = path.getLeaf();
      SourceRef ref = access.ref(path);
      switch (tree.getKind()) {
        case PARENTHESIZED:
          return expr(new TreePath(path, ((ParenthesizedTree) tree).getExpression()));
        case INT_LITERAL:
        case LONG_LITERAL:
        case FLOAT_LITERAL:
        case DOUBLE_LITERAL:
        case BOOLEAN_LITERAL:
        case CHAR_LITERAL:
        case STRING_LITERAL:
          return new Expr.Literal(((LiteralTree) tree).getValue(), type(path), ref);
        case NULL_LITERAL:
          // The IR holds values, not references; a null also boxes any double it meets
          // (b ? x : null), which would carry no derivative.
          return unsupported(path, "the null literal", "; test for null before calling the method");
        case IDENTIFIER:
          if (receiver != null && ((IdentifierTree) tree).getName().contentEquals("this")) {
            return new Expr.Read(receiver, ref);
          }
          if (((IdentifierTree) tree).getName().contentEquals("super")) {
            // super.k reads the base class's k on this (a VarHandle names that field exactly:
            // see field); a call through super is rejected where calls are read
            if (receiver == null || !(path.getParentPath().getLeaf() instanceof MemberSelectTree)) {
              return unsupported(path, "super used as a value", "");
            }
            return new Expr.Read(receiver, ref);
          }
          if (outerInstanceMember(path)) {
            return unsupported(path, "reading the field " + ((IdentifierTree) tree).getName()
                    + " of the enclosing instance of an inner class",
                ", since the generated class reaches the method's own object only; pass it as a"
                    + " parameter, or make the class static and give it the value");
          }
          return name(path, implicitReceiver(path));
        case MEMBER_SELECT:
          {
            MemberSelectTree select = (MemberSelectTree) tree;
            if (select.getIdentifier().contentEquals("length")
                && mirror(new TreePath(path, select.getExpression())) instanceof ArrayType) {
              // a.length, m.length or m[i].length
              List<Expr> indices = new ArrayList<>();
              TreePath at = new TreePath(path, select.getExpression());
              while (at.getLeaf() instanceof ArrayAccessTree row) {
                indices.add(0, expr(new TreePath(at, row.getIndex())));
                at = new TreePath(at, row.getExpression());
              }
              RowAlias alias = rowAlias(at);
              if (alias != null) {
                // row.length of for (double[] row : m): m[k].length
                indices.addAll(0, alias.reads());
                return new Expr.ArrayLength(alias.matrix(), indices, ref);
              }
              Variable array = measured(at, indices.size());
              return array == null ? placeholder(ref) : new Expr.ArrayLength(array, indices, ref);
            }
            Element element = access.trees().getElement(path);
            if (element != null && element.getKind().isField()
                && !element.getModifiers().contains(Modifier.STATIC)) {
              Expr receiver = expr(new TreePath(path, ((MemberSelectTree) tree).getExpression()));
              return name(path, receiver);
            }
            return name(path, null);
          }
        case METHOD_INVOCATION:
          return call(path);
        case UNARY_MINUS:
        case UNARY_PLUS:
        case LOGICAL_COMPLEMENT:
        case BITWISE_COMPLEMENT:
          {
            UnaryTree u = (UnaryTree) tree;
            Expr.UnaryOp op =
                switch (tree.getKind()) {
                  case UNARY_MINUS -> Expr.UnaryOp.NEG;
                  case UNARY_PLUS -> Expr.UnaryOp.PLUS;
                  case LOGICAL_COMPLEMENT -> Expr.UnaryOp.NOT;
                  default -> Expr.UnaryOp.COMPLEMENT;
                };
            return new Expr.Unary(op, expr(new TreePath(path, u.getExpression())), type(path), ref);
          }
        case PREFIX_INCREMENT:
        case POSTFIX_INCREMENT:
        case PREFIX_DECREMENT:
        case POSTFIX_DECREMENT:
          return unsupported(path, "an increment or decrement inside an expression",
              "; write it as a statement of its own");
        case ASSIGNMENT:
          return unsupported(path, "an assignment inside an expression",
              "; write it as a statement of its own");
        case CONDITIONAL_EXPRESSION:
          {
            ConditionalExpressionTree c = (ConditionalExpressionTree) tree;
            return new Expr.Conditional(
                expr(new TreePath(path, c.getCondition())),
                expr(new TreePath(path, c.getTrueExpression())),
                expr(new TreePath(path, c.getFalseExpression())),
                type(path),
                ref);
          }
        case TYPE_CAST:
          {
            TypeCastTree c = (TypeCastTree) tree;
            return new Expr.Cast(type(path), expr(new TreePath(path, c.getExpression())), ref);
          }
        case LAMBDA_EXPRESSION:
          return unsupported(path, "a lambda",
              "; pass a method of its own, or move the lambda out of the differentiable method");
        case MEMBER_REFERENCE:
          return unsupported(path, "a method reference",
              "; move it out of the differentiable method");
        case NEW_CLASS:
          return newObject(path);
        case ARRAY_ACCESS:
          {
            Expr.ArrayRead element = element(path, false);
            return element != null ? element : placeholder(ref);
          }
        case NEW_ARRAY:
          return unsupported(path, "creating an array inside an expression",
              "; create it as a local: double[] a = new double[n]; or double[] a = {x, y};");
        case SWITCH_EXPRESSION:
          return unsupported(path, "a switch expression", "; use if/else or ?:");
        case INSTANCE_OF:
          return unsupported(path, "instanceof", "; test the type outside");
        default:
          if (tree instanceof BinaryTree b) {
            Expr.BinaryOp op = binaryOp(tree.getKind());
            if (op != null) {
              return new Expr.Binary(
                  op,
                  expr(new TreePath(path, b.getLeftOperand())),
                  expr(new TreePath(path, b.getRightOperand())),
                  type(path),
                  ref);
            }
          }
          return unsupported(path, describe(tree), "");
      }
    }

    /**
     * The receiver of a simple name that is an instance field of {@code this} ({@code w} for
     * {@code this.w}) in an instance method, else null.
     */
    Expr implicitReceiver(TreePath path) {
      Element element = access.trees().getElement(path);
      if (receiver != null && element != null && element.getKind().isField()
          && !element.getModifiers().contains(Modifier.STATIC)) {
        return new Expr.Read(receiver, access.ref(path));
      }
      return null;
    }

    /**
     * Whether the simple name at {@code path} is an instance field or method of an enclosing
     * instance ({@code Outer.this.k} written {@code k} in an inner class), not of this object.
     */
    boolean outerInstanceMember(TreePath path) {
      Element element = access.trees().getElement(path);
      if (receiver == null || ownerType == null || element == null
          || element.getModifiers().contains(Modifier.STATIC)
          || !(element.getKind().isField() || element.getKind() == ElementKind.METHOD)
          || !(element.getEnclosingElement() instanceof TypeElement declaring)) {
        return false;
      }
      return !types.isSubtype(types.erasure(ownerType.asType()),
          types.erasure(declaring.asType()));
    }

    /** The receiver of a call: its qualifier, or {@code this} in an instance method; or null. */
    Expr callReceiver(TreePath path, MethodInvocationTree call) {
      if (call.getMethodSelect() instanceof MemberSelectTree select) {
        if (select.getExpression() instanceof IdentifierTree id
            && id.getName().contentEquals("super")) {
          return unsupported(path, "a call through super",
              ", since the generated code can call only the method that overrides it; call a"
                  + " method of another name");
        }
        return expr(new TreePath(new TreePath(path, select), select.getExpression()));
      }
      if (outerInstanceMember(new TreePath(path, call.getMethodSelect()))) {
        return unsupported(path, "a call of a method of the enclosing instance of an inner class",
            ", since the generated class reaches the method's own object only; make the class"
                + " static and pass what the method needs");
      }
      return receiver == null ? null : new Expr.Read(receiver, access.ref(path));
    }

    /** A simple or qualified name: a local, a parameter or a field. */
    Expr name(TreePath path, Expr receiver) {
      SourceRef ref = access.ref(path);
      Element element = access.trees().getElement(path);
      if (element == null) {
        erroneous = true;
        return placeholder(ref);
      }
      if (records.containsKey(element)) {
        return recordAsValue(path, records.get(element));
      }
      if (linearLocals.containsKey(element)) {
        return unsupported(path, "a use of " + element.getSimpleName() + ", the result of a"
            + " linear call, other than " + element.getSimpleName() + ".value() and "
            + element.getSimpleName() + ".tangent()", "; read those");
      }
      Variable local = locals.get(element);
      if (local == null && (receiver instanceof Expr.Read r && r.variable() == this.receiver
          || receiver == null && element.getModifiers().contains(Modifier.STATIC))) {
        local = fieldArray(path, element);
      }
      if (local != null) {
        return new Expr.Read(local, ref);
      }
      if (rows.containsKey(element)) {
        matrixRow(path, rows.get(element).matrix());
        return placeholder(ref);
      }
      if (rejected.contains(element)) {
        return placeholder(ref); // its declaration has the error
      }
      if (element.getKind().isField()) {
        return field(path, (VariableElement) element, receiver);
      }
      return unsupported(path, describe(path.getLeaf()), "");
    }

    /** A read of {@code field} of {@code receiver} (null for a static field). */
    Expr field(TreePath path, VariableElement field, Expr receiver) {
      SourceRef ref = access.ref(path);
      TypeMirror type = type(path) == null ? field.asType() : mirror(path);
      if (field.getConstantValue() != null) {
        return new Expr.Literal(field.getConstantValue(), TypeName.get(field.asType()), ref);
      }
      if (receiver instanceof Expr.Literal) {
        return placeholder(ref); // the receiver had an error, reported there
      }
      TypeElement owner = (TypeElement) field.getEnclosingElement();
      if (receiver != null && owner.getKind() == ElementKind.RECORD
          && !field.getModifiers().contains(Modifier.STATIC)) {
        // A record's component field is private; its implicit accessor is not, and reads the
        // field. An accessor written out may return something else (the fuzzer's recordAccessor):
        // the generated class cannot read the field, so that is an error.
        String component = field.getSimpleName().toString();
        boolean writtenOut = owner.getRecordComponents().stream()
            .filter(c -> c.getSimpleName().contentEquals(component))
            .anyMatch(c -> c.getAccessor() != null
                && access.trees().getTree(c.getAccessor()) != null);
        if (writtenOut) {
          return unsupported(path, "reading the component field " + component + " of a record"
                  + " whose accessor " + component + "() is written out",
              ", since the generated class cannot read the private field and " + component
                  + "() may return something else; call " + component + "() if that is what"
                  + " is meant, or keep the accessor implicit");
        }
        return new Expr.OpaqueCall(receiver, ClassName.get(owner), component, List.of(),
            TypeName.get(type), ref);
      }
      if (!writable(owner)) {
        return memberOfUnwritable(path, owner);
      }
      TypeName privateType = null;
      boolean throughSuper = path.getLeaf() instanceof MemberSelectTree select
          && select.getExpression() instanceof IdentifierTree id
          && id.getName().contentEquals("super");
      boolean isProtected = field.getModifiers().contains(Modifier.PROTECTED);
      boolean handle = field.getModifiers().contains(Modifier.PRIVATE) || throughSuper
          || isProtected && !packageOf(owner).equals(adjoint.packageName());
      // The class generated code names: the owner of a static field (Owner.k) or of one read
      // through a handle (Owner.class), else the qualifier's type (q.open: the type of q; a
      // public field declared in a hidden base of a public class is read through the latter).
      TypeMirror named = receiver == null || handle ? owner.asType()
          : path.getLeaf() instanceof MemberSelectTree select
              ? mirror(new TreePath(path, select.getExpression())) : null;
      Optional<TypeElement> hiddenOwner =
          named == null ? Optional.empty() : unreachableTypeIn(named);
      if (hiddenOwner.isPresent()) {
        return unreachableField(ref, hiddenOwner.get(), field);
      }
      if (handle) {
        // The generated class reads it through a VarHandle (codegen/PrivateFields): it is not
        // the field's nestmate, nor a subclass, and super.k names the base class's field
        // exactly where this.k may name another. The handle names the owner and the field's
        // type: both must be reachable from it.
        TypeMirror declared = types.erasure(field.asType());
        Optional<TypeElement> hidden = unreachableTypeIn(declared)
            .or(() -> unreachableTypeIn(type));
        if (hidden.isPresent()) {
          return unreachableField(ref, hidden.get(), field);
        }
        ModuleElement from = elements.getModuleOf(owner);
        if (from != null && !from.isUnnamed() && ownerType != null
            && !from.equals(elements.getModuleOf(ownerType))) {
          return unsupported(path, "reading the field " + field.getSimpleName() + " of "
                  + owner.getSimpleName() + " in the module " + from.getQualifiedName(),
              ", since the generated class reads it through a VarHandle only within its own"
                  + " module; read it through a public method");
        }
        privateType = TypeName.get(declared);
      } else {
        Optional<TypeElement> hidden = unreachableTypeIn(type);
        if (hidden.isPresent()) {
          return unreachableField(ref, hidden.get(), field);
        }
      }
      return new Expr.FieldRead(
          receiver, ClassName.get(owner), field.getSimpleName().toString(),
          sourceName(type), privateType, ref);
    }

    /** {@code [AdjointInaccessible]} for a field whose owner or type is {@code hidden}. */
    Expr unreachableField(SourceRef ref, TypeElement hidden, VariableElement field) {
      String what = "class " + hidden.getSimpleName() + " (of the field " + field.getSimpleName()
          + ")";
      if (hidden.getModifiers().contains(Modifier.PRIVATE)) {
        report.add(Message.PRIVATE_MEMBER, ref, what, adjoint.simpleName());
      } else {
        report.add(Message.INACCESSIBLE_PACKAGE, ref, what, adjoint.simpleName());
      }
      return placeholder(ref);
    }

    /**
     * A type in {@code type} that the generated class cannot name: a private one, or one that
     * is not public in another package (a protected member class of another package's base).
     */
    Optional<TypeElement> unreachableTypeIn(TypeMirror type) {
      // private first, so that a private class is named as such wherever it is
      return Tangents.privateTypeIn(type).or(() -> Tangents.typeIn(type,
          t -> !t.getModifiers().contains(Modifier.PUBLIC)
              && !packageOf(t).equals(adjoint.packageName())));
    }

    String packageOf(Element e) {
      return elements.getPackageOf(e).getQualifiedName().toString();
    }

    /**
     * The name of {@code type} as generated code writes it: a captured wildcard ({@code g.items}
     * of a {@code G<?>} is a {@code List<capture of ?>}) becomes the wildcard of its bound
     * ({@code List<?>}, {@code List<? extends Number>}), which Java lets a program write, and a
     * value of a captured type ({@code g.items.get(0)}) has its bound's type ({@code Number}).
     */
    TypeName sourceName(TypeMirror type) {
      if (type.getKind() == TypeKind.ARRAY) {
        return ArrayTypeName.of(sourceName(((ArrayType) type).getComponentType()));
      }
      if (isCaptured(type)) {
        // a value of a captured type (items.get(0) of a List<capture of ? extends Number>)
        return sourceName(((TypeVariable) type).getUpperBound());
      }
      if (type.getKind() == TypeKind.DECLARED && hasCapture(type)) {
        DeclaredType d = (DeclaredType) type;
        TypeName[] args = d.getTypeArguments().stream().map(this::argumentName)
            .toArray(TypeName[]::new);
        return ParameterizedTypeName.get(ClassName.get((TypeElement) d.asElement()), args);
      }
      return TypeName.get(type);
    }

    /** A type argument as {@link #sourceName} writes it: a captured one as its wildcard. */
    TypeName argumentName(TypeMirror type) {
      if (!isCaptured(type)) {
        return sourceName(type);
      }
      TypeName bound = sourceName(((TypeVariable) type).getUpperBound());
      return bound.equals(ClassName.OBJECT) ? WildcardTypeName.subtypeOf(Object.class)
          : WildcardTypeName.subtypeOf(bound);
    }

    /** Whether a type argument of {@code type}, at any depth, is a captured wildcard. */
    boolean hasCapture(TypeMirror type) {
      if (type.getKind() == TypeKind.ARRAY) {
        return hasCapture(((ArrayType) type).getComponentType());
      }
      return isCaptured(type) || type.getKind() == TypeKind.DECLARED
          && ((DeclaredType) type).getTypeArguments().stream().anyMatch(this::hasCapture);
    }

    boolean isCaptured(TypeMirror type) {
      return type.getKind() == TypeKind.TYPEVAR
          && ((TypeVariable) type).asElement().getSimpleName().toString().contains("captured");
    }

    /**
     * The node of a record of {@code shape} whose leaves are parameters named by {@code names},
     * each added to {@code params}.
     */
    RecordNode recordNode(RecordShape shape, Iterator<Param> names, List<Variable> params,
        String source) {
      Map<String, Object> parts = new LinkedHashMap<>();
      for (RecordShape.Component c : shape.components()) {
        String read = source + "." + c.name() + "()";
        if (c.nested().isPresent()) {
          parts.put(c.name(), recordNode(c.nested().get(), names, params, read));
        } else {
          Variable leaf = new Variable(names.next().name(), c.type(), Variable.Kind.PARAM);
          params.add(leaf);
          parts.put(c.name(), leaf);
          sourceNames.put(leaf, read);
        }
      }
      return new RecordNode(shape, parts);
    }

    /**
     * Reports a record compiled here whose canonical constructor or an accessor is written out,
     * where it is the type of the differentiable parameter {@code p} (or nested in it): its
     * gradient is built through the constructor and read through the accessors, so they must be
     * the implicit ones. A record from a jar cannot be told apart, and is trusted (DESIGN).
     */
    void checkPlainRecord(VariableElement p, TypeMirror type) {
      TypeElement record = (TypeElement) ((DeclaredType) type).asElement();
      String written = writtenOut(record);
      if (written != null) {
        report.add(Message.RECORD_WRITTEN_OUT, p, p.getSimpleName(), record.getSimpleName(),
            written);
        return;
      }
      for (RecordComponentElement c : record.getRecordComponents()) {
        if (RecordShapes.isRecord(c.asType())) {
          checkPlainRecord(p, c.asType());
        }
      }
    }

    /** Whether {@code c} is the canonical constructor of {@code record}. */
    boolean canonical(TypeElement record, ExecutableElement c) {
      List<? extends RecordComponentElement> components = record.getRecordComponents();
      if (c.getParameters().size() != components.size()) {
        return false;
      }
      for (int i = 0; i < components.size(); i++) {
        if (!types.isSameType(types.erasure(c.getParameters().get(i).asType()),
            types.erasure(components.get(i).asType()))) {
          return false;
        }
      }
      return true;
    }

    /**
     * What an expression denotes when it is a differentiable record parameter ({@code p}, a
     * {@link RecordNode}), or a component of one read by its accessor ({@code p.w1()}, a leaf
     * {@link Variable}, or {@code p.inner()}, a node); null for anything else.
     */
    Object recordPart(TreePath path) {
      Tree leaf = path.getLeaf();
      if (leaf instanceof ParenthesizedTree paren) {
        return recordPart(new TreePath(path, paren.getExpression()));
      }
      if (records.isEmpty()) {
        return null;
      }
      if (leaf instanceof IdentifierTree) {
        Element element = access.trees().getElement(path);
        return element == null ? null : records.get(element);
      }
      if (leaf instanceof MethodInvocationTree call && call.getArguments().isEmpty()
          && call.getMethodSelect() instanceof MemberSelectTree select) {
        Object owner = recordPart(
            new TreePath(new TreePath(path, select), select.getExpression()));
        if (owner instanceof RecordNode node
            && access.trees().getElement(path) instanceof ExecutableElement accessor
            && accessor.getEnclosingElement().getKind() == ElementKind.RECORD
            && accessor.getParameters().isEmpty()) {
          return node.parts().get(select.getIdentifier().toString());
        }
      }
      return null;
    }

    /**
     * {@code R q = ...;} of a differentiable record type: like a parameter, a node whose leaves
     * its accessors read. {@code R q = p;} (another record, or a component record {@code
     * p.inner()}) shares {@code p}'s node, as Java shares the object; {@code R q = new R(args)}
     * makes a node of the arguments: an array argument is the array variable it names (the
     * record holds that array, as in Java), any other value a new local holding it, declared in
     * order, as Java evaluates the arguments. The record must be plain (its canonical constructor
     * and accessors implicit), since no constructor runs; the local is never assigned again.
     */
    void recordLocal(TreePath path, VariableTree v, VariableElement local, RecordShape shape,
        List<Stmt> out) {
      rejected.add(local); // until its node is made
      if (v.getInitializer() == null) {
        unsupported(path, "a record local without a value",
            "; declare it where its value is known: " + shape.type().simpleName() + " "
                + local.getSimpleName() + " = new " + shape.type().simpleName() + "(...);");
        return;
      }
      RecordNode node = recordValue(new TreePath(path, v.getInitializer()), local.getSimpleName()
          + "", shape, out);
      if (node != null) {
        rejected.remove(local);
        records.put(local, node);
      }
    }

    /**
     * The node of a record value of {@code shape}: another record ({@code p}, {@code p.inner()})
     * or {@code new R(args)}, with new locals named after {@code name}; null after reporting why
     * it cannot be one.
     */
    RecordNode recordValue(TreePath path, String name, RecordShape shape, List<Stmt> out) {
      while (path.getLeaf() instanceof ParenthesizedTree paren) {
        path = new TreePath(path, paren.getExpression());
      }
      Object part = recordPart(path);
      if (part instanceof RecordNode node) {
        return node;
      }
      if (path.getLeaf() instanceof MethodInvocationTree call
          && access.trees().getElement(path) instanceof ExecutableElement method
          && NestedApis.generatedClassOf(method) != null) {
        // A record of another class's generated API (gGrad(x, y)), kept: not new R(...).
        nestedError(access.ref(path), NestedApis.generatedClassOf(method),
            "gGrad(...).x(), gValueAndGrad(...).value() or .grad().x(), gJvp(...)"
                + ".tangent() or .value() of an order = 2 method g", call.toString(),
            "read one component of its result in the same expression, as in "
                + method.getSimpleName() + "(...)." + (shape.components().isEmpty() ? "x"
                    : shape.components().get(0).name()) + "(); its record cannot be kept in a"
                + " local or passed on");
        return null;
      }
      if (!(path.getLeaf() instanceof NewClassTree n) || n.getClassBody() != null
          || !(access.trees().getElement(path) instanceof ExecutableElement constructor)
          || !canonical((TypeElement) constructor.getEnclosingElement(), constructor)) {
        unsupported(path, "a record of the differentiable type " + shape.type().simpleName()
                + " made by " + describe(path.getLeaf()),
            "; make it with new " + shape.type().simpleName() + "(...) or take another record");
        return null;
      }
      TypeElement record = (TypeElement) constructor.getEnclosingElement();
      if (n.getArguments().size() != shape.components().size()) {
        unsupported(path, "a record of the differentiable type " + record.getSimpleName()
                + " made with variable arguments",
            "; pass its array component as an array local (new " + record.getSimpleName()
                + "(xs))");
        return null;
      }
      String written = writtenOut(record);
      if (written != null) {
        unsupported(path, "a record of the type " + record.getSimpleName() + ", whose "
                + written + " is written out,",
            " as a differentiable local, since its components are kept as locals and no"
                + " constructor runs; keep the record plain (validate in a static factory)");
        return null;
      }
      Map<String, Object> parts = new LinkedHashMap<>();
      for (int i = 0; i < shape.components().size(); i++) {
        RecordShape.Component c = shape.components().get(i);
        TreePath arg = new TreePath(path, n.getArguments().get(i));
        String leafName = name + "_" + c.name();
        if (c.nested().isPresent()) {
          RecordNode inner = recordValue(arg, leafName, c.nested().get(), out);
          if (inner == null) {
            return null;
          }
          parts.put(c.name(), inner);
        } else if (c.type() instanceof ArrayTypeName) {
          Variable array = localOf(arg);
          if (array == null || !array.type().equals(c.type())) {
            unsupported(arg, "passing " + describe(arg.getLeaf()) + " as the array component "
                    + c.name() + " of a record local",
                "; pass an array local or parameter by name (the record holds that array)");
            return null;
          }
          parts.put(c.name(), array);
        } else {
          Variable leaf = new Variable(leafName, c.type(), Variable.Kind.LOCAL);
          out.add(new Stmt.Declare(leaf, castIfNeeded(expr(arg), c.type(), access.ref(arg)),
              access.ref(arg)));
          parts.put(c.name(), leaf);
        }
      }
      return new RecordNode(shape, parts);
    }

    /** What of a record compiled here is written out (its canonical constructor, an accessor). */
    String writtenOut(TypeElement record) {
      if (access.trees().getTree(record) == null) {
        return null;
      }
      for (ExecutableElement c : ElementFilter.constructorsIn(record.getEnclosedElements())) {
        if (canonical(record, c) && elements.getOrigin(c) != Elements.Origin.MANDATED) {
          return "canonical constructor";
        }
      }
      for (RecordComponentElement c : record.getRecordComponents()) {
        if (c.getAccessor() != null && access.trees().getTree(c.getAccessor()) != null) {
          return "accessor " + c.getSimpleName() + "()";
        }
      }
      return null;
    }

    /** The leaves of a record parameter (or of a nested record in one), read, in order. */
    void leafReads(RecordNode node, SourceRef ref, List<Expr> out) {
      for (Object part : node.parts().values()) {
        if (part instanceof RecordNode inner) {
          leafReads(inner, ref, out);
        } else {
          out.add(new Expr.Read((Variable) part, ref));
        }
      }
    }

    /**
     * The record argument {@code at} of a call of the annotated {@code method} as its leaves,
     * where it is a differentiable record that the callee's parameter takes as one (the same
     * record type, not {@code @NoDiff}); else null.
     */
    List<Expr> recordArgument(TreePath at, ExecutableElement method, int index) {
      if (index >= method.getParameters().size()
          || (method.isVarArgs() && index == method.getParameters().size() - 1)) {
        return null;
      }
      VariableElement param = method.getParameters().get(index);
      TypeMirror type = types.erasure(param.asType());
      if (!RecordShapes.isRecord(type) || Tangents.of(type) != Tangents.Kind.UNSUPPORTED) {
        return null;
      }
      boolean flattened = !Annotations.has(param, Annotations.NO_DIFF)
          && RecordShapes.of(type).shape().isPresent();
      SourceRef ref = access.ref(at);
      Object part = recordPart(at);
      if (part instanceof RecordNode node) {
        if (!types.isSameType(type, types.erasure(mirror(at)))) {
          return null;
        }
        List<Expr> leaves = new ArrayList<>();
        leafReads(node, ref, leaves);
        if (flattened) {
          return leaves; // g(p): the callee takes p's leaves
        }
        // A @NoDiff record parameter: the record, made again of the leaves, which no gradient
        // goes through (as for a differentiable double[] passed to a @NoDiff one).
        if (leaves.stream().anyMatch(leaf -> Expr.isArray(leaf.type()))) {
          unsupported(at, "passing the differentiable record " + bare(at).getLeaf() + " to the"
                  + " @NoDiff parameter " + param.getSimpleName() + " of "
                  + method.getSimpleName() + ", since it holds arrays the reverse sweep tracks",
              "; drop @NoDiff there (its gradient is then computed), or pass the components"
                  + " the callee reads as @NoDiff parameters of their own");
          return List.of();
        }
        List<Expr> stopped = new ArrayList<>();
        for (Expr leaf : leaves) {
          stopped.add(leaf.type().equals(TypeName.DOUBLE) ? new Expr.StopGradient(leaf, ref) : leaf);
        }
        return List.of(rebuilt(node.shape(), stopped.iterator(), ref));
      }
      if (!flattened) {
        return null;
      }
      // A record that is not differentiated here (a @NoDiff parameter): its leaves, constants.
      TreePath bare = bare(at);
      Element element = bare.getLeaf() instanceof IdentifierTree
          ? access.trees().getElement(bare) : null;
      if (element != null && rejected.contains(element)) {
        return null; // its declaration has the error
      }
      Variable p = element == null ? null : locals.get(element);
      if (p != null && p.kind() == Variable.Kind.PARAM && p != receiver
          && types.isSameType(type, types.erasure(mirror(bare)))) {
        List<Expr> leaves = new ArrayList<>();
        constantLeaves(element, p, (TypeElement) ((DeclaredType) type).asElement(), List.of(),
            ref, leaves);
        return leaves;
      }
      unsupported(at, "passing " + describe(bare.getLeaf()) + " to the differentiable record"
              + " parameter " + param.getSimpleName() + " of " + method.getSimpleName(),
          "; pass a record parameter or a record local (" + ((DeclaredType) type).asElement()
              .getSimpleName() + " r = new " + ((DeclaredType) type).asElement().getSimpleName()
              + "(...);) instead");
      return List.of();
    }

    /** {@code path} without the parentheses around it. */
    TreePath bare(TreePath path) {
      while (path.getLeaf() instanceof ParenthesizedTree paren) {
        path = new TreePath(path, paren.getExpression());
      }
      return path;
    }

    /** {@code new R(leaves...)} of a record of {@code shape}, nested records likewise. */
    Expr rebuilt(RecordShape shape, Iterator<Expr> leaves, SourceRef ref) {
      List<Expr> args = new ArrayList<>();
      for (RecordShape.Component c : shape.components()) {
        args.add(c.nested().isPresent() ? rebuilt(c.nested().get(), leaves, ref) : leaves.next());
      }
      return Expr.OpaqueCall.ofNew(shape.type(), args, shape.type(), ref);
    }

    /**
     * The local or parameter a name denotes, the leaf of a record parameter an accessor reads
     * ({@code p.w1()}), or the hidden local of an array field of {@code this} ({@code t} or {@code
     * this.t}); null for anything else.
     */
    Variable localOf(TreePath path) {
      if (recordPart(path) instanceof Variable leaf) {
        return leaf;
      }
      Variable component = componentArray(path);
      if (component != null) {
        return component;
      }
      Element element = access.trees().getElement(path);
      if (element == null) {
        return null;
      }
      Variable v = locals.get(element);
      if (v != null) {
        return v;
      }
      boolean ofThis = path.getLeaf() instanceof IdentifierTree
          || (path.getLeaf() instanceof MemberSelectTree select
              && select.getExpression() instanceof IdentifierTree id
              && id.getName().contentEquals("this"));
      return ofThis || element.getModifiers().contains(Modifier.STATIC)
          ? fieldArray(path, element) : null;
    }

    /**
     * The hidden local that holds an array component of a record parameter that is data ({@code
     * @NoDiff}, or a record with no floating-point data), read by its implicit accessor ({@code
     * d.xs()}): read once as the method starts, like an array field of {@code this}, since a
     * record's components are final; null for anything else. A parameter assigned in the body
     * would make that read stale: {@link #staleComponentReads} reports it.
     */
    Variable componentArray(TreePath path) {
      // d.xs(), or d.in().xs(): implicit accessors down from a parameter.
      List<ExecutableElement> chain = new ArrayList<>();
      TreePath at = path;
      while (at.getLeaf() instanceof MethodInvocationTree call && call.getArguments().isEmpty()
          && call.getMethodSelect() instanceof MemberSelectTree select
          && access.trees().getElement(at) instanceof ExecutableElement accessor
          && implicitAccessor(accessor)) {
        chain.add(0, accessor);
        at = new TreePath(new TreePath(at, select), select.getExpression());
        while (at.getLeaf() instanceof ParenthesizedTree paren) {
          at = new TreePath(at, paren.getExpression());
        }
      }
      if (chain.isEmpty()
          || chain.get(chain.size() - 1).getReturnType().getKind() != TypeKind.ARRAY) {
        return null;
      }
      Element param = at.getLeaf() instanceof IdentifierTree
          ? access.trees().getElement(at) : null;
      Variable p = param == null ? null : locals.get(param);
      if (p == null && param != null && param.getKind().isField()
          && (param.getModifiers().contains(Modifier.STATIC) || receiver != null)) {
        // A record field (static, or of this), read once as the method starts, as array fields
        // are: its hidden local stands for it.
        p = recordField(at, (VariableElement) param);
      }
      if (p == null || p.kind() != Variable.Kind.PARAM || p == receiver) {
        return null;
      }
      return componentArray(param, p, chain, access.ref(path));
    }

    /** The hidden local holding the record field {@code field} of this (or a static one). */
    Variable recordField(TreePath path, VariableElement field) {
      Variable v = recordFields.get(field);
      if (v == null) {
        SourceRef ref = access.ref(path);
        int reported = report.size();
        Expr init = field(path, field, field.getModifiers().contains(Modifier.STATIC)
            ? null : new Expr.Read(receiver, ref));
        if (report.size() != reported || !(init instanceof Expr.FieldRead)) {
          return null;
        }
        v = new Variable(field.getSimpleName().toString(), init.type(), Variable.Kind.PARAM);
        recordFields.put(field, v);
        fieldArrayReads.add(new Stmt.Declare(v, init, ref));
      }
      return v;
    }

    /**
     * The hidden local holding the component that {@code chain}, accessors down from the
     * parameter {@code p}, reads ({@code d.in().xs()}), declared on first use.
     */
    Variable componentArray(Element param, Variable p, List<ExecutableElement> chain,
        SourceRef ref) {
      List<Element> key = new ArrayList<>();
      key.add(param);
      key.addAll(chain);
      Variable v = componentArrays.get(key);
      if (v == null) {
        Expr init = new Expr.Read(p, ref);
        StringBuilder name = new StringBuilder(p.hint());
        for (ExecutableElement accessor : chain) {
          init = new Expr.OpaqueCall(init, ClassName.get((TypeElement) accessor
                  .getEnclosingElement()), accessor.getSimpleName().toString(), List.of(),
              TypeName.get(accessor.getReturnType()), ref);
          name.append('_').append(accessor.getSimpleName());
        }
        v = new Variable(name.toString(), init.type(), Variable.Kind.PARAM);
        StringBuilder read = new StringBuilder(p.hint());
        chain.forEach(accessor -> read.append('.').append(accessor.getSimpleName()).append("()"));
        sourceNames.put(v, read.toString());
        componentArrays.put(List.copyOf(key), v);
        componentReads.putIfAbsent(param, ref);
        fieldArrayReads.add(new Stmt.Declare(v, init, ref));
      }
      return v;
    }

    /**
     * A record's implicit accessor: of a record from a jar, any accessor (a class file does not
     * say; trusted as DESIGN says); of one compiled here, one that is not written out.
     */
    boolean implicitAccessor(ExecutableElement accessor) {
      return accessor.getEnclosingElement().getKind() == ElementKind.RECORD
          && ((TypeElement) accessor.getEnclosingElement()).getRecordComponents().stream()
              .anyMatch(c -> accessor.equals(c.getAccessor()))
          && access.trees().getTree(accessor) == null;
    }

    /**
     * The leaves of the record held by the parameter {@code p} (a {@code @NoDiff} or
     * non-differentiable one, not a node), read through its accessors, in the order a
     * differentiable record of its type is flattened: an array from a hidden local read as the
     * method starts ({@link #componentArray}), any other value by its accessors where it is used.
     * They are constants of the derivative, as a {@code @NoDiff} array passed to a differentiable
     * one is.
     */
    void constantLeaves(Element param, Variable p, TypeElement record,
        List<ExecutableElement> prefix, SourceRef ref, List<Expr> out) {
      for (RecordComponentElement c : record.getRecordComponents()) {
        List<ExecutableElement> chain = new ArrayList<>(prefix);
        chain.add(c.getAccessor());
        boolean nested = RecordShapes.isRecord(c.asType())
            && Tangents.of(c.asType()) == Tangents.Kind.UNSUPPORTED;
        if (nested) {
          constantLeaves(param, p, (TypeElement) ((DeclaredType) c.asType()).asElement(), chain,
              ref, out);
        } else if (c.asType().getKind() == TypeKind.ARRAY) {
          out.add(new Expr.Read(componentArray(param, p, chain, ref), ref));
        } else {
          Expr read = new Expr.Read(p, ref);
          for (ExecutableElement accessor : chain) {
            read = new Expr.OpaqueCall(read, ClassName.get((TypeElement) accessor
                    .getEnclosingElement()), accessor.getSimpleName().toString(), List.of(),
                TypeName.get(accessor.getReturnType()), ref);
          }
          out.add(read);
        }
      }
    }

    /**
     * Reports the array components read once as the method starts ({@link #componentArray}) of a
     * parameter the body assigns, which would make those reads stale.
     */
    void staleComponentReads() {
      for (Map.Entry<Element, SourceRef> read : componentReads.entrySet()) {
        if (assignedParams.contains(read.getKey())) {
          report.add(Message.UNSUPPORTED_CONSTRUCT, read.getValue(),
              "Indexing an array component of the parameter " + read.getKey().getSimpleName()
                  + ", which the method assigns,",
              "; read the record into a local of its own and do not assign the parameter");
        }
      }
    }

    /**
     * The hidden local that holds the array field {@code element} (static, or of {@code this}),
     * declared on first use (null if it is no such field, or after reporting why it cannot be
     * read).
     */
    Variable fieldArray(TreePath path, Element element) {
      boolean isStatic = element.getModifiers().contains(Modifier.STATIC);
      if (!element.getKind().isField() || element.asType().getKind() != TypeKind.ARRAY
          || (receiver == null && !isStatic)) {
        return null;
      }
      Variable v = fieldArrays.get(element);
      if (v != null || rejected.contains(element)) {
        return v;
      }
      SourceRef ref = access.ref(path);
      int reported = report.size();
      Expr init = field(path, (VariableElement) element,
          isStatic ? null : new Expr.Read(receiver, ref));
      if (report.size() != reported || erroneous) {
        rejected.add(element); // reported once, at its first use
        return null;
      }
      v = new Variable(element.getSimpleName().toString(), TypeName.get(element.asType()),
          Variable.Kind.PARAM);
      fieldArrays.put(element, v);
      fieldArrayReads.add(new Stmt.Declare(v, init, ref));
      return v;
    }

    Expr call(TreePath path) {
      MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
      SourceRef ref = access.ref(path);
      Element element = access.trees().getElement(path);
      if (ownAdjointCall(path, call, element)) {
        return placeholder(ref);
      }
      if (jvpRule != null && element instanceof ExecutableElement m) {
        Optional<Expr> linear = linearUse(path, call, m);
        if (linear.isPresent()) {
          return linear.get();
        }
      }
      if (!(element instanceof ExecutableElement method)) {
        erroneous = true;
        return placeholder(ref);
      }
      if (mirror(path) == null || mirror(path).getKind() == TypeKind.ERROR) {
        erroneous = true;
        return placeholder(ref);
      }
      TypeElement api = NestedApis.generatedClassOf(method);
      if (api != null && ownerType != null) {
        if (call.getMethodSelect() instanceof MemberSelectTree select
            && rejected.contains(access.trees().getElement(
                new TreePath(new TreePath(path, select), select.getExpression())))) {
          return placeholder(ref); // g.x() of a local g already reported where it is declared
        }
        return nestedCall(path, call, method, api);
      }
      Object part = recordPart(path);
      if (part instanceof Variable leaf) {
        return new Expr.Read(leaf, ref); // p.w1()
      }
      Variable component = componentArray(path);
      if (component != null) {
        // d.xs() of a @NoDiff record, wherever it goes (an unannotated call that may change it, a
        // rule whose pullback reads it): the hidden local read as the method starts, an array
        // parameter like any other, copied where the reverse sweep needs it as it was.
        return new Expr.Read(component, ref);
      }
      if (part instanceof RecordNode node) {
        return recordAsValue(path, node);
      }
      List<Expr> args = new ArrayList<>();
      boolean takesRows = Annotations.isAnnotated(method) && jvpRule == null;
      for (int i = 0; i < call.getArguments().size(); i++) {
        TreePath at = new TreePath(path, call.getArguments().get(i));
        List<Expr> leaves = takesRows ? recordArgument(at, method, i) : null;
        if (leaves != null) {
          args.addAll(leaves); // g(p): the callee takes p's leaves
          continue;
        }
        Expr row = takesRows ? rowArgument(at) : null;
        if (row == null && takesRows && hoistable(at)) {
          row = hoisted(at);
        }
        args.add(row != null ? row : expr(at));
      }
      TypeElement owner = (TypeElement) method.getEnclosingElement();
      if (!writable(owner)) {
        return memberOfUnwritable(path, owner);
      }
      String ownerName = owner.getQualifiedName().toString();
      String name = method.getSimpleName().toString();
      boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
      if (isStatic && (ownerName.equals("java.lang.Math") || ownerName.equals("java.lang.StrictMath"))
          && allDouble(method)) {
        Optional<MathFunction> f = MathFunction.find(name, args.size());
        if (f.isPresent()) {
          return new Expr.MathCall(f.get(), ClassName.get(owner), args, ref);
        }
      }
      if (isStatic && ownerName.equals(STOP_GRADIENT_OWNER) && name.equals("stopGradient")) {
        // The call converts an int argument to double; the generated code drops the call, so
        // the conversion is written out (-stopGradient(0) is -0.0, not the int 0).
        return new Expr.StopGradient(castIfNeeded(args.get(0), TypeName.DOUBLE, ref), ref);
      }
      // In a @Jvp rule's tangent map, every argument of a call is free of tangents (the
      // linearity check makes sure), so a call of an annotated method is a constant there, like
      // any other call: a plain call, not differentiated, and so never through the callee's own
      // rule (a rule that calls its primal, as in y = f(x), would otherwise run the rule again,
      // without end, in reverse mode). A call given a local array stays a differentiated call,
      // since the reverse sweep must see what may read that array (Subset).
      boolean plainInRule = jvpRule != null && args.stream().noneMatch(a ->
          a instanceof Expr.Read r && Expr.isArray(r.variable().type())
              && r.variable().kind() != Variable.Kind.PARAM);
      if (Annotations.isAnnotated(method) && !plainInRule) {
        Expr calleeReceiver = null;
        if (!isStatic) {
          calleeReceiver = callReceiver(path, call);
          if (calleeReceiver == null) {
            return unsupported(path, "a call of an instance method without a receiver", "");
          }
        }
        // A callee compiled here has its source names; one from a jar may not (namesFromJar).
        // Never look the generated class of a callee compiled here up on the class path: an
        // earlier build's copy there, once loaded, crashes javac when this build generates it.
        boolean compiledHere = access.trees().getPath(method) != null;
        Optional<Signature> callee = SignatureReader.read(method).signature()
            .map(sig -> compiledHere ? sig : namesFromJar(sig));
        if (callee.isEmpty()) {
          // The callee's own declaration carries the error. In this class, that error keeps the
          // class from being generated; in another, this one must fail too (its generated code
          // would call members that are never generated), so the call says so.
          erroneous = SignatureReader.hasErrorTypes(method);
          if (!MethodValidator.adjointOf(owner).equals(adjoint)) {
            report.add(Message.UNSUPPORTED_CALL, ref, name, name,
                " (its signature is not valid; see the error at its declaration)");
          }
          return placeholder(ref);
        }
        if (Expr.isArray(callee.get().result()) && !initializes(path)
            && !hoisting.contains(path.getLeaf())) {
          return unsupported(path, "using the array that " + name + " returns inside an"
              + " expression", "; declare a local with it first: " + callee.get().result()
              + " y = " + name + "(...);");
        }
        if (method.isVarArgs() && variableArity(path, method) && callee.get().hasRecords()) {
          return unsupported(path, "a call with variable arguments of the varargs method " + name
                  + ", which takes a record", "; pass the variable arguments as an array");
        }
        if (method.isVarArgs() && variableArity(path, method)) {
          Optional<List<Expr>> packed = varargs(path, method, callee.get(), args);
          if (packed.isEmpty()) {
            return placeholder(ref);
          }
          args = packed.get();
        }
        if (calleeReceiver != null) {
          // The generated members take the receiver first (Signature.instance).
          args = new ArrayList<>(args);
          args.add(0, calleeReceiver);
        }
        if (args.size() != callee.get().params().size()) {
          // Only after an error at an argument (a record that could not be flattened), or at
          // the declaration of a record it names: reported there.
          if (report.size() == 0) {
            unsupported(path, "this call of " + name + ", whose arguments do not match its"
                + " parameters (a record argument?)", "");
          }
          return placeholder(ref);
        }
        for (int i = 0; i < args.size(); i++) {
          // An array argument must be an array the reverse sweep can name: a conditional or a
          // cast made it a value of its own, whose cotangent went nowhere (a silently zero
          // gradient, found by a red team: sq(x, c > 0 ? a : b), sum((double[]) x)).
          Expr arg = args.get(i);
          if (Expr.isArray(callee.get().params().get(i).type())
              && (arg instanceof Expr.Conditional || arg instanceof Expr.Cast)) {
            return unsupported(path, "an array argument of " + name + " that is "
                + (arg instanceof Expr.Cast ? "a cast" : "a conditional (?:)"),
                arg instanceof Expr.Cast
                    ? "; pass the array itself (the cast to its own type is not needed)"
                    : "; pass an array by its name, a row m[i] or a call's result: call "
                        + name + " in each branch of an if instead");
          }
        }
        return new Expr.DiffCall(callee.get(), args, ref);
      }
      if (method.getModifiers().contains(Modifier.PRIVATE)) {
        // A private helper given a floating-point value, whose result would need a derivative:
        // making it package-private alone leads to the next error (AdjointUnsupportedCall).
        int floatingArg = -1;
        for (int i = 0; i < args.size() && floatingArg < 0; i++) {
          if (floating(args.get(i).type()) && readsVariable(args.get(i))) {
            floatingArg = i;
          }
        }
        // named in the message: rather an argument that reads more than array fields (t[i] of
        // a field t is a constant; a or b may vary)
        for (int i = 0; i < args.size(); i++) {
          if (floating(args.get(i).type()) && readsVariable(args.get(i))
              && !onlyFieldArrays(args.get(i))) {
            floatingArg = i;
            break;
          }
        }
        if (isStatic && type(path) != null && floating(type(path)) && floatingArg >= 0) {
          report.add(Message.PRIVATE_HELPER, ref, name, adjoint.simpleName(),
              call.getArguments().get(floatingArg));
        } else {
          report.add(Message.PRIVATE_MEMBER, ref, "method " + name, adjoint.simpleName());
        }
        return placeholder(ref);
      }
      Optional<TypeMirror> checked = checkedException(method);
      if (checked.isPresent()) {
        return unsupported(path, "a call of " + name + ", which throws the checked exception "
            + checked.get(), ", since the generated code declares none; wrap the call in a method"
            + " that handles it");
      }
      Expr target = null;
      if (!isStatic) {
        target = callReceiver(path, call);
        if (target == null) {
          return unsupported(path, "a call of an instance method without a receiver", "");
        }
      }
      return new Expr.OpaqueCall(target, ClassName.get(owner), name, args, type(path), ref);
    }

    // ------------------------------------------- generated API inside differentiated code

    /**
     * Whether {@code call} names a member of the generated class of the method's own class
     * ({@code CAdjoint.gGrad(x).x()} in {@code C}), reported here: that class does not exist
     * while it is generated from this body, so the call can never resolve.
     */
    boolean ownAdjointCall(TreePath path, MethodInvocationTree call, Element element) {
      boolean unresolved = element == null || mirror(path) == null
          || mirror(path).getKind() == TypeKind.ERROR
          || element.asType() != null && element.asType().getKind() == TypeKind.ERROR;
      TypeElement ownerType = this.ownerType != null ? this.ownerType : ruleOwner;
      if (ownerType == null || !unresolved
          && !(element instanceof ExecutableElement m
              && adjoint.equals(classOf(NestedApis.generatedClassOf(m))))) {
        return false;
      }
      ExpressionTree select = call.getMethodSelect();
      String member = null;
      while (select instanceof MemberSelectTree s) {
        ExpressionTree e = s.getExpression();
        member = s.getIdentifier().toString();
        if (e instanceof IdentifierTree id && id.getName().contentEquals(adjoint.simpleName())
            || e instanceof MemberSelectTree q
                && q.getIdentifier().contentEquals(adjoint.simpleName())) {
          String target = "the method";
          for (ExecutableElement m : MethodValidator.annotatedMethods(ownerType)) {
            String n = m.getSimpleName().toString();
            if (member.startsWith(n)
                && (target.equals("the method") || n.length() > target.length())) {
              target = n;
            }
          }
          report.add(Message.NESTED_OWN_CLASS, access.ref(path),
              adjoint.simpleName() + "." + member, ownerType.getSimpleName(), target);
          callsOwnAdjoint = true;
          return true;
        }
        select = e instanceof MethodInvocationTree inner ? inner.getMethodSelect() : null;
      }
      return false;
    }

    ClassName classOf(TypeElement type) {
      return type == null ? null : ClassName.get(type);
    }

    /**
     * A call of a member of {@code api}, the generated class of another class {@code G}: {@code
     * GAdjoint.gGrad(args).c()} and {@code gValueAndGrad(args).grad().c()} become a call of a
     * {@link Nested} function, {@code gValueAndGrad(args).value()} and {@code gJvp(args,
     * v).value()} a call of {@code g}, {@code gJvp(args, v).tangent()} a nested function; any
     * other use is an error that says what to call instead.
     */
    Expr nestedCall(TreePath path, MethodInvocationTree call, ExecutableElement method,
        TypeElement api) {
      SourceRef ref = access.ref(path);
      String name = method.getSimpleName().toString();
      ExpressionTree select = call.getMethodSelect();
      // The receiver call: gGrad(...) in gGrad(...).x().
      TreePath innerPath = select instanceof MemberSelectTree s
          && s.getExpression() instanceof MethodInvocationTree inner
          ? new TreePath(new TreePath(path, select), inner) : null;
      ExecutableElement innerMethod = innerPath != null
          && access.trees().getElement(innerPath) instanceof ExecutableElement e ? e : null;
      String shown = call.toString();
      String forms = "gGrad(...).x(), gValueAndGrad(...).value() or .grad().x(), gJvp(...)"
          + ".tangent() or .value() of an order = 2 method g";
      if (innerMethod == null) {
        return nestedError(ref, api, forms, shown, advice(
            method.getEnclosingElement().equals(api) ? name : "Grad"));
      }
      String innermost = innermostCall(call);
      if (!innermost.equals(innerMethod.getSimpleName().toString())
          && !innerMethod.getSimpleName().contentEquals("grad")) {
        return nestedError(ref, api, forms, shown, advice(innermost));
      }
      // gValueAndGrad(...).grad().x(): the call one level further in.
      TreePath callPath = innerPath;
      ExecutableElement apiMethod = innerMethod;
      if (innerMethod.getSimpleName().contentEquals("grad")
          && !innerMethod.getEnclosingElement().equals(api)) {
        MethodInvocationTree grad = (MethodInvocationTree) innerPath.getLeaf();
        TreePath deeper = grad.getMethodSelect() instanceof MemberSelectTree s
            && s.getExpression() instanceof MethodInvocationTree inner
            ? new TreePath(new TreePath(innerPath, grad.getMethodSelect()), inner) : null;
        if (deeper == null
            || !(access.trees().getElement(deeper) instanceof ExecutableElement e)) {
          return nestedError(ref, api, forms, shown, advice(name));
        }
        callPath = deeper;
        apiMethod = e;
      }
      if (!apiMethod.getEnclosingElement().equals(api)) {
        return nestedError(ref, api, forms, shown, advice(apiMethod.getSimpleName().toString()));
      }
      String apiName = apiMethod.getSimpleName().toString();
      for (NestedApis.Target t : nestedApis.targets(api)) {
        boolean compiledHere = access.trees().getPath(t.method()) != null;
        Signature s = compiledHere ? t.signature() : namesFromJar(t.signature());
        boolean grad = apiName.equals(AdjointNames.gradMethod(s));
        boolean valueAndGrad = apiName.equals(AdjointNames.valueAndGradMethod(s));
        boolean jvp = apiName.equals(AdjointNames.jvpMethod(s));
        if (!grad && !valueAndGrad && !jvp) {
          continue;
        }
        if (ClassName.get(t.owner()).equals(ClassName.get(ownerType))) {
          report.add(Message.NESTED_OWN_CLASS, ref, api.getSimpleName() + "." + apiName,
              ownerType.getSimpleName(), s.name());
          return placeholder(ref);
        }
        boolean gradOfValueAndGrad = callPath != innerPath;
        int component = -1;
        Nested.Kind kind = null;
        if ((grad || gradOfValueAndGrad) && !(grad && gradOfValueAndGrad)) {
          List<Param> diff = s.diffParams();
          for (int i = 0; i < diff.size(); i++) {
            if (AdjointNames.component(diff.get(i).name()).equals(name)) {
              component = i;
            }
          }
          kind = component >= 0 ? Nested.Kind.GRAD : null;
        } else if (jvp && name.equals("tangent")) {
          kind = Nested.Kind.JVP_TANGENT;
        }
        boolean value = (valueAndGrad || jvp) && !gradOfValueAndGrad && name.equals("value");
        if (kind == null && !value) {
          return nestedError(ref, api, forms, shown, advice(apiName));
        }
        String what = s.qualifiedName();
        if (s.hasRecords() || !s.result().equals(TypeName.DOUBLE)
            || !NestedApis.supportedParams(s)) {
          return nestedError(ref, api, forms, shown, "differentiating through the generated API"
              + " of " + what + " is supported yet only where its result is double and its"
              + " differentiable parameters double or double[]; compute it outside and pass it in"
              + " as @NoDiff");
        }
        if (kind == Nested.Kind.GRAD && !s.diffParams().get(component).type()
            .equals(TypeName.DOUBLE) && !initializes(path) && !hoisting.contains(path.getLeaf())) {
          return unsupported(path, "using the array that " + shown + " returns inside an"
              + " expression", "; declare a local with it first: double[] g = " + shown + ";");
        }
        if (!NestedApis.hasSecondOrder(api, s) && !value) {
          if (constantArguments(callPath)) {
            // Its arguments never vary (literals, @NoDiff parameters never assigned): a constant,
            // whose derivative is zero, so the plain calls as written need no second order.
            return plainChain(path, callPath, ref);
          }
          report.add(Message.NESTED_ORDER, ref, shown, what, s.name(), what, s.name());
          return placeholder(ref);
        }
        MethodInvocationTree apiCall = (MethodInvocationTree) callPath.getLeaf();
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : apiCall.getArguments()) {
          args.add(expr(new TreePath(callPath, a)));
        }
        if (args.size() != (jvp ? s.params().size() + s.diffParams().size()
            : s.params().size())) {
          return nestedError(ref, api, forms, shown, "its arguments do not match " + what);
        }
        for (Expr a : args) {
          if (Expr.isArray(a.type()) && !(a instanceof Expr.Read)) {
            return nestedError(ref, api, forms, shown, "pass each array argument by its name"
                + " (declare a local for it first)");
          }
        }
        if (value) {
          // g's value: a call of g (the directions of gJvp do not change it, and are dropped
          // where that drops no effect).
          boolean[] effects = {false};
          args.subList(s.params().size(), args.size()).forEach(a -> IrWalker.forEachExpr(a,
              e -> effects[0] |= e instanceof Expr.OpaqueCall || e instanceof Expr.DiffCall));
          if (effects[0]) {
            return nestedError(ref, api, forms, shown, "its directions call methods, which the"
                + " value does not need; call gValueAndGrad(...).value() instead");
          }
          return new Expr.DiffCall(s, args.subList(0, s.params().size()), ref);
        }
        Nested n = nestedApis.function(ownerType, adjoint, kind, s, component);
        nested.add(n);
        return new Expr.DiffCall(n.function(), args, ref);
      }
      return nestedError(ref, api, forms, shown, advice(apiName));
    }

    /**
     * Whether every argument of the call at {@code callPath} is a literal, or a parameter of the
     * method being read that is {@code @NoDiff} (or of a type without tangents) and that the
     * method never assigns: a syntactic view of "never varies", taken where activity is not known
     * yet (red team of stop 28: {@code GAdjoint.gGrad(y).x()} of a {@code @NoDiff y} asked for
     * {@code order = 2} on g).
     */
    boolean constantArguments(TreePath callPath) {
      TreePath method = callPath;
      while (method != null && !(method.getLeaf() instanceof MethodTree)) {
        method = method.getParentPath();
      }
      if (method == null) {
        return false;
      }
      Set<Element> assigned = new HashSet<>();
      TreeAccess.forEachWrite(method, target -> assigned.add(access.trees().getElement(target)));
      for (ExpressionTree a : ((MethodInvocationTree) callPath.getLeaf()).getArguments()) {
        ExpressionTree t = unparenthesized(a);
        if (t instanceof LiteralTree) {
          continue;
        }
        Element e = t instanceof IdentifierTree
            ? access.trees().getElement(new TreePath(callPath, t)) : null;
        boolean noDiff = e != null && e.getKind() == ElementKind.PARAMETER
            && (e.getAnnotationMirrors().stream().anyMatch(m -> m.getAnnotationType().toString()
                .equals("dev.adjoint.NoDiff")) || Tangents.of(e.asType()) == Tangents.Kind.NONE);
        if (!noDiff || assigned.contains(e)) {
          return false;
        }
      }
      return true;
    }

    /**
     * The calls from {@code callPath} (a call of another class's generated API) out to {@code
     * path} ({@code .grad()}, {@code .x()}) as plain calls.
     */
    Expr plainChain(TreePath path, TreePath callPath, SourceRef ref) {
      MethodInvocationTree apiCall = (MethodInvocationTree) callPath.getLeaf();
      ExecutableElement apiMethod = (ExecutableElement) access.trees().getElement(callPath);
      List<Expr> args = new ArrayList<>();
      for (ExpressionTree a : apiCall.getArguments()) {
        args.add(expr(new TreePath(callPath, a)));
      }
      Expr chain = new Expr.OpaqueCall(null,
          ClassName.get((TypeElement) apiMethod.getEnclosingElement()),
          apiMethod.getSimpleName().toString(), args, TypeName.get(mirror(callPath)), ref);
      TreePath at = callPath;
      while (at.getLeaf() != path.getLeaf()) {
        TypeMirror receiverType = mirror(at);
        at = at.getParentPath().getParentPath(); // the member select, then its invocation
        ExecutableElement m = (ExecutableElement) access.trees().getElement(at);
        chain = new Expr.OpaqueCall(chain, TypeName.get(receiverType),
            m.getSimpleName().toString(), List.of(), TypeName.get(mirror(at)), ref);
      }
      return chain;
    }

    Expr nestedError(SourceRef ref, TypeElement api, String forms, String shown, String advice) {
      report.add(Message.NESTED_API, ref, api.getSimpleName(), forms, shown, advice);
      return placeholder(ref);
    }

    // ------------------------------------------- linear calls inside a @Jvp rule

    /**
     * In a {@code @Jvp} rule, {@code JvpResult<Double, Double> r = hJvp(a, aDot);} of a linear
     * call ({@link #linearTarget}; or {@code GAdjoint.GJvp r = GAdjoint.gJvp(a, aDot);}): two
     * hidden locals, {@code r}'s value and tangent, which {@code
     * r.value()} and {@code r.tangent()} read; false for any other declaration.
     */
    boolean linearLocal(TreePath path, VariableTree v, VariableElement local, List<Stmt> out) {
      if (v.getInitializer() == null) {
        return false;
      }
      TreePath init = new TreePath(path, v.getInitializer());
      ExpressionTree tree = unparenthesized(v.getInitializer());
      if (!(tree instanceof MethodInvocationTree call)) {
        return false;
      }
      TreePath callPath = tree == v.getInitializer() ? init : new TreePath(init, tree);
      if (!(access.trees().getElement(callPath) instanceof ExecutableElement m)) {
        return false;
      }
      Optional<LinearTarget> target = linearTarget(m);
      if (target.isEmpty()) {
        return false;
      }
      SourceRef ref = access.ref(path);
      Optional<Linear> lowered = linearCall(callPath, call, m, target.get(), false);
      String name = v.getName().toString();
      Variable value = new Variable(name + "Value", TypeName.DOUBLE, Variable.Kind.LOCAL);
      Variable tangent = new Variable(name + "Tangent", TypeName.DOUBLE, Variable.Kind.LOCAL);
      linearLocals.put(local, new LinearLocal(value, tangent));
      if (lowered.isEmpty()) {
        rejected.add(local);
        return true;
      }
      out.add(new Stmt.Declare(value, lowered.get().value(), ref));
      out.add(new Stmt.Declare(tangent, lowered.get().tangent(), ref));
      return true;
    }

    /**
     * In a {@code @Jvp} rule of a {@code double} result, {@code return hJvp(a, aDot);} of a
     * linear call, or {@code return r;} of a {@link #linearLocal}: the rule's value and tangent
     * are the call's (empty inside after an error there); empty for any other return.
     */
    Optional<Optional<Linear>> delegatedReturn(TreePath returned) {
      ExpressionTree e = unparenthesized((ExpressionTree) returned.getLeaf());
      TreePath at = e == returned.getLeaf() ? returned : new TreePath(returned, e);
      Element element = access.trees().getElement(at);
      LinearLocal local = element == null ? null : linearLocals.get(element);
      if (local != null) {
        return Optional.of(rejected.contains(element) ? Optional.empty()
            : Optional.of(new Linear(new Expr.Read(local.value(), access.ref(at)),
                new Expr.Read(local.tangent(), access.ref(at)))));
      }
      if (e instanceof MethodInvocationTree call && element instanceof ExecutableElement m) {
        Optional<LinearTarget> target = linearTarget(m);
        if (target.isPresent()) {
          return Optional.of(linearCall(at, call, m, target.get(), false));
        }
      }
      return Optional.empty();
    }

    /** Whether {@code path} is {@code .value()} or {@code .tangent()} of a linear call. */
    boolean linearAccessor(TreePath path) {
      ExpressionTree e = unparenthesized((ExpressionTree) path.getLeaf());
      if (!(e instanceof MethodInvocationTree call
          && call.getMethodSelect() instanceof MemberSelectTree select
          && unparenthesized(select.getExpression()) instanceof MethodInvocationTree inner)) {
        return false;
      }
      TreePath at = e == path.getLeaf() ? path : new TreePath(path, e);
      TreePath innerPath = new TreePath(new TreePath(new TreePath(at, select),
          select.getExpression()), inner);
      return access.trees().getElement(innerPath) instanceof ExecutableElement m
          && linearTarget(m).isPresent();
    }

    ExpressionTree unparenthesized(ExpressionTree e) {
      while (e instanceof ParenthesizedTree p) {
        e = p.getExpression();
      }
      return e;
    }

    /**
     * In a {@code @Jvp} rule, a use of a linear call: {@code hJvp(a, aDot).tangent()}, a call of
     * the {@link Nested} function that reverse mode transposes; {@code hJvp(a, aDot).value()},
     * the rule's value at zero tangents, a constant; {@code r.value()} and {@code r.tangent()} of
     * a {@link #linearLocal}. Any other use of a linear call's result is an error here; empty for
     * every other call.
     */
    Optional<Expr> linearUse(TreePath path, MethodInvocationTree call, ExecutableElement m) {
      String name = m.getSimpleName().toString();
      // JvpResult's, or the gJvp record's (GAdjoint.GJvp) of a generated class
      boolean accessor = m.getParameters().isEmpty()
          && (name.equals("value") || name.equals("tangent"))
          && m.getEnclosingElement() instanceof TypeElement t
          && (t.getQualifiedName().contentEquals(JVP_RESULT)
              || NestedApis.generatedClassOf(m) != null);
      if (accessor && call.getMethodSelect() instanceof MemberSelectTree select) {
        TreePath selectPath = new TreePath(path, select);
        ExpressionTree receiver = unparenthesized(select.getExpression());
        TreePath receiverPath = new TreePath(selectPath, select.getExpression());
        if (receiver != select.getExpression()) {
          receiverPath = new TreePath(receiverPath, receiver);
        }
        Element r = access.trees().getElement(receiverPath);
        LinearLocal local = r == null ? null : linearLocals.get(r);
        if (local != null) {
          if (rejected.contains(r)) {
            return Optional.of(placeholder(access.ref(path)));
          }
          return Optional.of(new Expr.Read(name.equals("value") ? local.value() : local.tangent(),
              access.ref(path)));
        }
        if (receiver instanceof MethodInvocationTree inner
            && r instanceof ExecutableElement innerMethod) {
          Optional<LinearTarget> target = linearTarget(innerMethod);
          if (target.isPresent()) {
            boolean value = name.equals("value");
            Optional<Linear> lowered =
                linearCall(receiverPath, inner, innerMethod, target.get(), value);
            SourceRef ref = access.ref(path);
            return Optional.of(lowered.map(l -> value ? l.value() : l.tangent())
                .map(e -> e instanceof Expr.DiffCall d ? new Expr.DiffCall(d.callee(), d.args(),
                    ref) : e)
                .orElse(placeholder(ref)));
          }
        }
        return Optional.empty();
      }
      if (linearTarget(m).isPresent()) {
        return Optional.of(unsupported(path, "a use of the JvpResult of " + name + " other than"
            + " .tangent() and .value()", "; call " + name + "(...).tangent() or .value(), or"
            + " keep the result in a local (JvpResult<Double, Double> r = " + name + "(...);)"
            + " and read r.tangent() and r.value()"));
      }
      return Optional.empty();
    }

    /**
     * What a call in a {@code @Jvp} rule is, if it is a linear call: the {@code @Jvp} companion
     * of a {@code @CustomJvp} method (of this class or another), or the generated {@code gJvp} of
     * another class's annotated method {@code g}.
     */
    Optional<LinearTarget> linearTarget(ExecutableElement m) {
      if (Annotations.has(m, Annotations.JVP)) {
        Optional<String> primal = Annotations.find(m, Annotations.JVP)
            .flatMap(Annotations::value).map(v -> String.valueOf(v.getValue()));
        TypeElement owner = (TypeElement) m.getEnclosingElement();
        for (ExecutableElement p : ElementFilter.methodsIn(owner.getEnclosedElements())) {
          if (primal.isPresent() && p.getSimpleName().contentEquals(primal.get())
              && Annotations.has(p, Annotations.CUSTOM_JVP)) {
            boolean compiledHere = access.trees().getPath(p) != null;
            Optional<Signature> s = SignatureReader.read(p).signature()
                .map(sig -> compiledHere ? sig : namesFromJar(sig));
            if (s.isPresent()) {
              return Optional.of(new LinearTarget(Nested.Kind.RULE_TANGENT, s.get(), m));
            }
          }
        }
        return Optional.empty();
      }
      TypeElement api = NestedApis.generatedClassOf(m);
      if (api == null) {
        return Optional.empty();
      }
      for (NestedApis.Target t : nestedApis.targets(api)) {
        boolean compiledHere = access.trees().getPath(t.method()) != null;
        Signature s = compiledHere ? t.signature() : namesFromJar(t.signature());
        if (m.getEnclosingElement().equals(api)
            && m.getSimpleName().contentEquals(AdjointNames.jvpMethod(s))) {
          return Optional.of(new LinearTarget(Nested.Kind.LINEAR_JVP_TANGENT, s, m));
        }
      }
      return Optional.empty();
    }

    /**
     * The linear call {@code call} of {@code target}: its tangent, a call of the {@link Nested}
     * function, and its value, a constant: the rule at zero tangents (for a {@code gJvp}, a call
     * of {@code g}, whose value it is bit for bit). Empty after an error here. Where only the
     * value is used, its tangent arguments are dropped, which must drop no call.
     */
    Optional<Linear> linearCall(TreePath path, MethodInvocationTree call,
        ExecutableElement method, LinearTarget target, boolean valueOnly) {
      SourceRef ref = access.ref(path);
      String name = method.getSimpleName().toString();
      Signature s = target.target();
      if (s.hasRecords() || s.instance() || !s.result().equals(TypeName.DOUBLE)
          || !NestedApis.supportedParams(s)) {
        String what = s.hasRecords() ? "record parameters" : s.instance() ? "an instance method"
            : !s.result().equals(TypeName.DOUBLE) ? "a " + s.result() + " result"
            : "differentiable parameters other than double and double[]";
        unsupported(path, "a linear call of " + name + ", whose target has " + what, "; linear"
            + " calls inside a @Jvp rule are supported of static methods whose result is double"
            + " and whose differentiable parameters are double or double[]: write this tangent"
            + " out");
        return Optional.empty();
      }
      if (method.getModifiers().contains(Modifier.PRIVATE)) {
        report.add(Message.PRIVATE_MEMBER, ref, "method " + name, adjoint.simpleName());
        return Optional.empty();
      }
      if (target.kind() == Nested.Kind.RULE_TANGENT
          && access.trees().getPath(method) == null
          && elements.getTypeElement(s.adjointClass().canonicalName()) == null) {
        // A companion in a jar compiled without the processor: its transpose is its class's
        // generated hVjp. (Never looked up for a class compiled here: see call.)
        report.add(Message.MISSING_ADJOINT_CLASS, ref, s.owner().simpleName() + "." + s.name(),
            s.adjointClass().canonicalName(), s.owner().simpleName());
        return Optional.empty();
      }
      if (target.kind() == Nested.Kind.LINEAR_JVP_TANGENT
          && ClassName.get(ruleOwner).equals(s.owner())) {
        // (Its generated class cannot be on the class path while it is generated: unreachable
        // unless an earlier build's copy is.)
        report.add(Message.NESTED_OWN_CLASS, ref, name, ruleOwner.getSimpleName(), s.name());
        return Optional.empty();
      }
      List<Expr> args = new ArrayList<>();
      for (ExpressionTree a : call.getArguments()) {
        args.add(expr(new TreePath(path, a)));
      }
      int n = s.params().size();
      if (args.size() != n + s.diffParams().size()) {
        unsupported(path, "this call of " + name + ", whose arguments do not match " + s.name()
            + "'s parameters and tangents", "");
        return Optional.empty();
      }
      for (Expr a : args) {
        if (Expr.isArray(a.type()) && !(a instanceof Expr.Read)) {
          unsupported(path, "an array argument of the linear call " + name + " that is not a"
              + " name", "; declare a local for it first");
          return Optional.empty();
        }
      }
      List<Expr> primal = new ArrayList<>();
      for (Expr a : args.subList(0, n)) {
        // The value's call is not differentiated: it gets a copy of a local array, which it
        // could otherwise change behind the reverse sweep's back (Subset).
        primal.add(a instanceof Expr.Read r && Expr.isArray(r.type())
            && r.variable().kind() != Variable.Kind.PARAM
            ? new Expr.OpaqueCall(a, r.type(), "clone", List.of(), r.type(), ref) : a);
      }
      if (valueOnly) {
        boolean[] effects = {false};
        args.subList(n, args.size()).forEach(a -> IrWalker.forEachExpr(a,
            e -> effects[0] |= e instanceof Expr.OpaqueCall || e instanceof Expr.DiffCall));
        if (effects[0]) {
          unsupported(path, "the value of a linear call whose tangent arguments call methods",
              ", since the value does not need them; keep the result in a local"
                  + " (JvpResult<Double, Double> r = " + name + "(...);) and read r.value()");
          return Optional.empty();
        }
      }
      Expr value;
      if (target.kind() == Nested.Kind.RULE_TANGENT) {
        List<Expr> zeros = new ArrayList<>(primal);
        for (int i = 0; i < n; i++) {
          Param p = s.params().get(i);
          if (!p.differentiable()) {
            continue;
          }
          Expr at = args.get(i);
          // A rule never gets null: zeros of the argument's length.
          zeros.add(p.type().equals(TypeName.DOUBLE) ? new Expr.Literal(0.0, TypeName.DOUBLE, ref)
              : new Expr.NewArray(TypeName.DOUBLE, List.of(new Expr.ArrayLength(
                  ((Expr.Read) at).variable(), List.of(), ref)), ref));
        }
        TypeName result = TypeName.get(method.getReturnType());
        Expr rule = new Expr.OpaqueCall(null, s.owner(), name, zeros, result, ref);
        value = new Expr.Cast(TypeName.DOUBLE, new Expr.OpaqueCall(rule,
            ClassName.bestGuess(JVP_RESULT), "value", List.of(),
            TypeName.DOUBLE.box(), ref), ref);
      } else {
        value = new Expr.OpaqueCall(null, s.owner(), s.name(), primal, TypeName.DOUBLE, ref);
      }
      Nested function = nestedApis.function(ruleOwner, adjoint, target.kind(), s, -1,
          target.kind() == Nested.Kind.RULE_TANGENT ? name : null);
      nested.add(function);
      linearValues.put(value, function);
      return Optional.of(new Linear(value, new Expr.DiffCall(function.function(), args, ref)));
    }

    /** The name of the innermost call of a chain: {@code fHvp} in {@code A.fHvp(x).hvp().x()}. */
    String innermostCall(MethodInvocationTree call) {
      String name = "";
      ExpressionTree t = call;
      while (t instanceof MethodInvocationTree inv
          && inv.getMethodSelect() instanceof MemberSelectTree s) {
        name = s.getIdentifier().toString();
        t = s.getExpression();
      }
      return name;
    }

    /** What to call instead of the generated member {@code name}. */
    String advice(String name) {
      if (name.endsWith("Workspace") || name.equals("valueAndGrad")) {
        return "a workspace reuses its buffers from call to call, which differentiated code"
            + " cannot follow; call gGrad(...) or gValueAndGrad(...) instead";
      }
      if (name.endsWith("Vjp") || name.equals("pullback")) {
        return "call gGrad(...) instead: the pullback of a double result is its gradient times"
            + " the cotangent";
      }
      if (name.endsWith("Hvp") || name.endsWith("Hessian") || name.endsWith("HvpAt")
          || name.equals("apply")) {
        return "third derivatives are not generated; compute it outside the differentiated"
            + " method and pass it in as a @NoDiff argument";
      }
      if (name.endsWith("Grad") || name.endsWith("ValueAndGrad") || name.endsWith("Jvp")) {
        return "read one component of its result in the same expression, as in"
            + " gGrad(x, y).x(); its record cannot be kept in a local or passed on";
      }
      return "compute it outside the differentiated method and pass it in as a @NoDiff argument";
    }

    /**
     * {@code new T(args)}: an object with no floating-point state ({@link
     * Tangents#floatingState}), created where the primal creates it, in every generated form, so
     * that a {@code new Random(seed)} draws the same numbers there as in the primal. Its calls are
     * like calls on a parameter of its type: values from them are constants of the derivative.
     */
    Expr newObject(TreePath path) {
      NewClassTree n = (NewClassTree) path.getLeaf();
      SourceRef ref = access.ref(path);
      if (n.getClassBody() != null) {
        rejectedTypes.add(access.trees().getElement(new TreePath(path, n.getClassBody())));
        return unsupported(path, "an anonymous class",
            "; declare a named (static nested or top-level) class and create that");
      }
      if (n.getEnclosingExpression() != null) {
        return unsupported(path, "creating an inner object (outer.new Inner())",
            "; make the class static");
      }
      Element element = access.trees().getElement(path);
      TypeMirror type = mirror(path);
      if (!(element instanceof ExecutableElement constructor) || type == null
          || Tangents.isErroneous(type)) {
        erroneous = true;
        return placeholder(ref);
      }
      TypeElement created = (TypeElement) constructor.getEnclosingElement();
      if (!writable(created)) {
        return memberOfUnwritable(path, created);
      }
      if (created.getNestingKind() == NestingKind.MEMBER
          && !created.getModifiers().contains(Modifier.STATIC)
          && created.getKind() == ElementKind.CLASS) {
        return unsupported(path, "creating an object of the inner class " + created.getSimpleName(),
            ", since it needs an enclosing instance; make the class static");
      }
      if (!denotable(type, 0)) {
        return unsupported(path, "creating an object of " + undenotable(type),
            ", since generated code cannot write its type; give the type arguments explicitly");
      }
      Optional<TypeElement> hidden = Tangents.privateTypeIn(type);
      if (hidden.isPresent()) {
        report.add(Message.PRIVATE_MEMBER, ref, "class " + hidden.get().getSimpleName(),
            adjoint.simpleName());
        return placeholder(ref);
      }
      if (constructor.getModifiers().contains(Modifier.PRIVATE)) {
        report.add(Message.PRIVATE_MEMBER, ref, "the constructor of " + created.getSimpleName(),
            adjoint.simpleName());
        return placeholder(ref);
      }
      if (Tangents.of(type) == Tangents.Kind.UNSUPPORTED
          && RecordShapes.of(type).shape().isPresent()) {
        return unsupported(path, "creating a record of the differentiable type "
                + created.getSimpleName() + " inside an expression",
            "; declare a local with it first (" + created.getSimpleName() + " r = new "
                + created.getSimpleName() + "(...);) and use that");
      }
      Optional<String> state = Tangents.floatingState(type);
      if (state.isPresent()) {
        report.add(Message.FLOATING_OBJECT, ref, type, state.get());
        return placeholder(ref);
      }
      Optional<TypeMirror> checked = checkedException(constructor);
      if (checked.isPresent()) {
        return unsupported(path, "creating " + created.getSimpleName() + ", which throws the"
            + " checked exception " + checked.get(), ", since the generated code declares none;"
            + " wrap it in a method that handles it");
      }
      List<Expr> args = new ArrayList<>();
      for (ExpressionTree a : n.getArguments()) {
        args.add(expr(new TreePath(path, a)));
      }
      return Expr.OpaqueCall.ofNew(ClassName.get(created), args, TypeName.get(type), ref);
    }

    /**
     * A differentiable record parameter (or a nested record of one) used other than by reading a
     * component or passing it whole to a differentiable method: an error.
     */
    Expr recordAsValue(TreePath path, RecordNode node) {
      return unsupported(path, "using the record " + path.getLeaf() + " of the differentiable"
              + " type " + node.shape().type().simpleName() + " as a value",
          "; read its components (" + path.getLeaf() + "." + node.shape().components().get(0).name()
              + "()) or pass it whole to a @Differentiable method that takes a "
              + node.shape().type().simpleName() + " (mark the parameter @NoDiff if it needs no"
              + " gradient)");
    }

    /** double, float, or an array of them: a value that may carry a derivative. */
    boolean floating(TypeName t) {
      while (t instanceof ArrayTypeName a) {
        t = a.componentType();
      }
      return t.equals(TypeName.DOUBLE) || t.equals(TypeName.FLOAT);
    }

    /**
     * Whether every floating-point variable {@code e} reads is the hidden local of an array field
     * (indices aside).
     */
    boolean onlyFieldArrays(Expr e) {
      boolean[] only = {true};
      IrWalker.forEachExpr(e, x -> {
        Variable v = x instanceof Expr.Read r ? r.variable()
            : x instanceof Expr.ArrayRead a ? a.array() : null;
        if (v != null && (floating(v.type()) || Expr.isArray(v.type()))
            && !fieldArrays.containsValue(v)) {
          only[0] = false;
        }
      });
      return only[0];
    }

    /** Whether {@code e} reads a local or parameter (not only literals and constants). */
    boolean readsVariable(Expr e) {
      boolean[] reads = {false};
      IrWalker.forEachExpr(e, x -> reads[0] |= x instanceof Expr.Read || x instanceof Expr.ArrayRead);
      return reads[0];
    }

    /**
     * Whether a call of the varargs method {@code method} passes its variable arguments one by one
     * ({@code sum(a, b)}, {@code sum()}), not as an array ({@code sum(xs)}).
     */
    boolean variableArity(TreePath path, ExecutableElement method) {
      List<? extends ExpressionTree> args = ((MethodInvocationTree) path.getLeaf()).getArguments();
      List<? extends VariableElement> params = method.getParameters();
      if (args.size() != params.size()) {
        return true;
      }
      TypeMirror last = mirror(new TreePath(path, args.get(args.size() - 1)));
      return last == null || !types.isAssignable(last, params.get(params.size() - 1).asType());
    }

    /**
     * The arguments of a call of a differentiable varargs method with its variable arguments
     * packed into a new {@code double[]}, created and filled by statements just before the
     * statement holding the call (so cotangents flow back into each argument as from any array
     * element); empty after reporting why the call cannot be lowered so. Moving the arguments
     * ahead of the rest of the statement keeps Java's semantics only where they cannot see or have
     * an effect, and only where the call runs whenever the statement does.
     */
    Optional<List<Expr>> varargs(TreePath path, ExecutableElement method, Signature callee,
        List<Expr> args) {
      SourceRef ref = access.ref(path);
      String name = method.getSimpleName().toString();
      int fixed = method.getParameters().size() - 1;
      TypeMirror component = ((ArrayType) method.getParameters().get(fixed).asType())
          .getComponentType();
      String call = "a call of the varargs method " + name + " with variable arguments";
      if (component.getKind() != TypeKind.DOUBLE) {
        unsupported(path, call + " of type " + component,
            "; only double... arguments are packed into an array: pass an array of them instead");
        return Optional.empty();
      }
      String array = callee.params().get(fixed).name();
      if (repeated(path)) {
        unsupported(path, call + " inside a loop", ", since that creates an array on every trip;"
            + " create the array before the loop (double[] " + array + " = new double["
            + (args.size() - fixed) + "];), fill it in the loop, and pass it: " + name + "("
            + array + ")");
        return Optional.empty();
      }
      if (conditionallyEvaluated(path)) {
        unsupported(path, call + " inside ?:, && or ||",
            "; call it in a statement of its own (double s = " + name + "(...);)");
        return Optional.empty();
      }
      List<? extends ExpressionTree> trees = ((MethodInvocationTree) path.getLeaf()).getArguments();
      boolean ok = true;
      for (int i = fixed; i < args.size(); i++) {
        if (!packable(args.get(i))) {
          unsupported(new TreePath(path, trees.get(i)), "an argument that calls a method or reads"
              + " a field, in " + call, ", since the arguments are evaluated before the rest of"
              + " the statement; compute it into a local first");
          ok = false;
        }
      }
      if (!ok) {
        return Optional.empty();
      }
      Variable packed = new Variable(array, Expr.DOUBLE_ARRAY, Variable.Kind.LOCAL);
      prelude.add(new Stmt.Declare(packed, new Expr.NewArray(
          List.of(new Expr.Literal(args.size() - fixed, TypeName.INT, ref)), ref), ref));
      for (int i = fixed; i < args.size(); i++) {
        prelude.add(new Stmt.ArrayAssign(packed,
            List.of(new Expr.Literal(i - fixed, TypeName.INT, ref)),
            castIfNeeded(args.get(i), TypeName.DOUBLE, ref), ref));
      }
      List<Expr> out = new ArrayList<>(args.subList(0, fixed));
      out.add(new Expr.Read(packed, ref));
      return Optional.of(out);
    }

    /**
     * Whether the expression at {@code path} may run more than once per call: inside a loop's
     * body, condition or update (a for loop's initialisers run once).
     */
    boolean repeated(TreePath path) {
      for (TreePath at = path; at.getParentPath() != null; at = at.getParentPath()) {
        Tree parent = at.getParentPath().getLeaf();
        if (parent.getKind() == Tree.Kind.METHOD) {
          return false;
        }
        boolean initializer = parent instanceof ForLoopTree f
            && f.getInitializer().contains(at.getLeaf());
        if (!initializer && (parent.getKind() == Tree.Kind.FOR_LOOP
            || parent.getKind() == Tree.Kind.WHILE_LOOP
            || parent.getKind() == Tree.Kind.DO_WHILE_LOOP
            || parent.getKind() == Tree.Kind.ENHANCED_FOR_LOOP)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether the value of the expression at {@code path} is computed only on some runs of its
     * statement: in a branch of {@code ?:}, or right of {@code &&} or {@code ||}.
     */
    boolean conditionallyEvaluated(TreePath path) {
      for (TreePath at = path; at.getParentPath() != null; at = at.getParentPath()) {
        Tree parent = at.getParentPath().getLeaf();
        if (parent instanceof StatementTree) {
          return false;
        }
        if (parent instanceof ConditionalExpressionTree c && c.getCondition() != at.getLeaf()) {
          return true;
        }
        if ((parent.getKind() == Tree.Kind.CONDITIONAL_AND
            || parent.getKind() == Tree.Kind.CONDITIONAL_OR)
            && ((BinaryTree) parent).getRightOperand() == at.getLeaf()) {
          return true;
        }
      }
      return false;
    }

    /**
     * A callee compiled earlier keeps its parameter names only with {@code -parameters}; its
     * generated gradient record always has them, in order.
     */
    Signature namesFromJar(Signature callee) {
      TypeElement grad = elements.getTypeElement(
          callee.adjointClass().nestedClass(AdjointNames.gradRecord(callee)).canonicalName());
      if (grad == null) {
        return callee;
      }
      List<RecordComponentElement> components =
          ElementFilter.recordComponentsIn(grad.getEnclosedElements());
      List<Param> diff = callee.diffParams();
      if (components.size() != diff.size()) {
        return callee;
      }
      List<Param> renamed = new ArrayList<>();
      int next = 0;
      for (Param p : callee.params()) {
        renamed.add(p.differentiable()
            ? new Param(components.get(next++).getSimpleName().toString(), p.type(), true)
            : p);
      }
      return callee.withParams(renamed);
    }

    // ---------------------------------------------------------------- helpers

    /** Whether {@code path} is the initializer of a local variable's declaration. */
    boolean initializes(TreePath path) {
      return path.getParentPath().getLeaf() instanceof VariableTree v
          && v.getInitializer() == path.getLeaf()
          || path.getParentPath().getLeaf() instanceof ReturnTree; // return g(x), see returnedArray
    }

    /**
     * Whether a call invokes an annotated method that returns {@code double[]}, or reads an array
     * from another class's generated API ({@code gGrad(v).v()}, which {@link #nestedCall} lowers to
     * a call of such a method).
     */
    boolean calleeReturnsArray(TreePath call) {
      return access.trees().getElement(call) instanceof ExecutableElement m
          && (Annotations.isAnnotated(m) || NestedApis.generatedClassOf(m) != null)
          && Tangents.of(m.getReturnType()) == Tangents.Kind.ARRAY;
    }

    /** Whether a call invokes an annotated method that returns {@code double[][]}. */
    boolean calleeReturnsMatrix(TreePath call) {
      return access.trees().getElement(call) instanceof ExecutableElement m
          && Annotations.isAnnotated(m)
          && Tangents.of(m.getReturnType()) == Tangents.Kind.MATRIX;
    }

    /** {@code new double[x.length]}, or for a matrix {@code new double[m.length][]} and rows. */
    String copyOf(TypeName type, String name) {
      return type.equals(Expr.DOUBLE_MATRIX)
          ? "new double[" + name + ".length][" + name + "[0].length]" : "new double[" + name
              + ".length]";
    }

    Optional<TypeMirror> checkedException(ExecutableElement method) {
      TypeElement runtime = elements.getTypeElement("java.lang.RuntimeException");
      TypeElement error = elements.getTypeElement("java.lang.Error");
      for (TypeMirror thrown : method.getThrownTypes()) {
        if (!types.isSubtype(thrown, runtime.asType()) && !types.isSubtype(thrown, error.asType())) {
          return Optional.of(thrown);
        }
      }
      return Optional.empty();
    }

    boolean allDouble(ExecutableElement method) {
      return method.getReturnType().getKind() == TypeKind.DOUBLE
          && method.getParameters().stream().allMatch(p -> p.asType().getKind() == TypeKind.DOUBLE);
    }

    TypeMirror mirror(TreePath path) {
      return access.trees().getTypeMirror(path);
    }

    /**
     * The type of an expression. Where javac's type cannot be written (an intersection, an
     * anonymous class), its erasure, or {@code Object}: such a value holds no double of its own
     * and is never declared by generated code.
     */
    TypeName type(TreePath path) {
      TypeMirror m = mirror(path);
      if (m == null || Tangents.isErroneous(m)) {
        erroneous = true;
        return TypeName.DOUBLE;
      }
      if (denotable(m, 0)) {
        return sourceName(m);
      }
      TypeMirror erased = types.erasure(m);
      return denotable(erased, 0) ? TypeName.get(erased) : ClassName.OBJECT;
    }

    /** Whether generated code can name {@code type}: not a local or anonymous class, nor in one. */
    boolean writable(TypeElement type) {
      return denotable(type.asType(), 0);
    }

    /** A member of a local or anonymous class: reported once, where the class was. */
    Expr memberOfUnwritable(TreePath path, TypeElement owner) {
      for (Element e = owner; e instanceof TypeElement t; e = e.getEnclosingElement()) {
        if (rejectedTypes.contains(t)) {
          return placeholder(access.ref(path));
        }
      }
      return unsupported(path, "a member of " + undenotable(owner.asType()),
          "; declare the class outside the method");
    }

    /** Whether generated code can write {@code type}: no intersection, no local or anonymous class. */
    boolean denotable(TypeMirror type, int depth) {
      if (depth > 8) {
        return false;
      }
      switch (type.getKind()) {
        case BOOLEAN:
        case BYTE:
        case SHORT:
        case INT:
        case LONG:
        case CHAR:
        case FLOAT:
        case DOUBLE:
        case VOID:
        case TYPEVAR:
          return true;
        case ARRAY:
          return denotable(((ArrayType) type).getComponentType(), depth + 1);
        case WILDCARD:
          {
            WildcardType w = (WildcardType) type;
            return (w.getExtendsBound() == null || denotable(w.getExtendsBound(), depth + 1))
                && (w.getSuperBound() == null || denotable(w.getSuperBound(), depth + 1));
          }
        case DECLARED:
          {
            DeclaredType declared = (DeclaredType) type;
            for (Element e = declared.asElement(); e instanceof TypeElement t;
                e = e.getEnclosingElement()) {
              if (t.getNestingKind() == NestingKind.LOCAL
                  || t.getNestingKind() == NestingKind.ANONYMOUS) {
                return false;
              }
            }
            for (TypeMirror arg : declared.getTypeArguments()) {
              if (!denotable(arg, depth + 1)) {
                return false;
              }
            }
            return true;
          }
        default:
          return false; // intersection, union, null, ...
      }
    }

    Expr unsupported(TreePath path, String what, String advice) {
      SourceRef ref = access.ref(path);
      report.add(Message.UNSUPPORTED_CONSTRUCT, ref, capitalize(what), advice);
      return placeholder(ref);
    }

    Expr placeholder(SourceRef ref) {
      return new Expr.Literal(0.0, TypeName.DOUBLE, ref);
    }
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** "an intersection type", "an anonymous class", "the local class Scale". */
  private static String undenotable(TypeMirror type) {
    if (type.getKind() == TypeKind.INTERSECTION) {
      return "an intersection type";
    }
    if (type instanceof DeclaredType declared
        && declared.asElement() instanceof TypeElement t) {
      if (t.getNestingKind() == NestingKind.ANONYMOUS) {
        return "an anonymous class";
      }
      if (t.getNestingKind() == NestingKind.LOCAL) {
        return "the local class " + t.getSimpleName();
      }
    }
    return "type " + type;
  }

  /** A construct for a message: "an assert statement", "a synchronized block", "the name n". */
  private static String describe(Tree tree) {
    switch (tree.getKind()) {
      case ASSERT:
        return "an assert statement";
      case SYNCHRONIZED:
        return "a synchronized block";
      case BREAK:
        return "a break statement";
      case CONTINUE:
        return "a continue statement";
      case YIELD:
        return "a yield statement";
      case IDENTIFIER:
        return "the name " + ((IdentifierTree) tree).getName();
      case MEMBER_SELECT:
        return "the name " + ((MemberSelectTree) tree).getIdentifier();
      case PARENTHESIZED:
        return "a parenthesized expression";
      case CONDITIONAL_EXPRESSION:
        return "a conditional expression (c ? a : b)";
      case TYPE_CAST:
        return "a cast";
      default:
        String words = tree.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return ("aeiou".indexOf(words.charAt(0)) >= 0 ? "an " : "a ") + words;
    }
  }

  /**
   * Whether evaluating {@code e} has no effect: no call but of a {@code Math} function (a field or
   * an element it reads may still be changed by an effect elsewhere; see {@link #stable}).
   */
  private static boolean effectFree(Expr e) {
    boolean[] free = {true};
    IrWalker.forEachExpr(e, x -> free[0] &= x instanceof Expr.Literal || x instanceof Expr.Read
        || x instanceof Expr.Unary || x instanceof Expr.Binary || x instanceof Expr.Conditional
        || x instanceof Expr.Cast || x instanceof Expr.MathCall || x instanceof Expr.StopGradient
        || x instanceof Expr.ArrayRead || x instanceof Expr.ArrayLength
        || x instanceof Expr.FieldRead);
    return free[0];
  }

  /**
   * Whether no call can change the value of {@code e}: it reads only locals, parameters and the
   * elements of local arrays (which no unannotated method may receive), and has no effect itself.
   */
  private static boolean stable(Expr e) {
    boolean[] stable = {true};
    IrWalker.forEachExpr(e, x -> stable[0] &= x instanceof Expr.Literal || x instanceof Expr.Read
        || x instanceof Expr.Unary || x instanceof Expr.Binary || x instanceof Expr.Conditional
        || x instanceof Expr.Cast || x instanceof Expr.MathCall || x instanceof Expr.StopGradient
        || x instanceof Expr.ArrayLength
        || (x instanceof Expr.ArrayRead r && r.array().kind() == Variable.Kind.LOCAL));
    return stable[0];
  }

  /** "1 element", "2 elements". */
  private static String elements(int n) {
    return n + (n == 1 ? " element" : " elements");
  }

  /** How many dimensions an array type has: 0 for any other type. */
  private static int dimensions(TypeName type) {
    int n = 0;
    for (TypeName t = type; t instanceof ArrayTypeName array; t = array.componentType()) {
      n++;
    }
    return n;
  }

  /**
   * Whether a variable argument of a varargs call may be evaluated ahead of the rest of its
   * statement: it has no effect, and reads nothing an effect could change but array elements
   * (locals, parameters, elements, lengths and {@code Math} functions of them).
   */
  private static boolean packable(Expr e) {
    boolean[] ok = {true};
    IrWalker.forEachExpr(e, x -> ok[0] &= x instanceof Expr.Literal || x instanceof Expr.Read
        || x instanceof Expr.Unary || x instanceof Expr.Binary || x instanceof Expr.Conditional
        || x instanceof Expr.Cast || x instanceof Expr.MathCall || x instanceof Expr.StopGradient
        || x instanceof Expr.ArrayRead || x instanceof Expr.ArrayLength);
    return ok[0];
  }

  private static Expr castIfNeeded(Expr value, TypeName target, SourceRef ref) {
    return value.type().equals(target) ? value : new Expr.Cast(target, value, ref);
  }

  /** The type of {@code left op right} under Java's binary numeric promotion. */
  private static TypeName promoted(Expr.BinaryOp op, TypeName left, TypeName right) {
    TypeName l = left.isBoxedPrimitive() ? left.unbox() : left;
    TypeName r = right.isBoxedPrimitive() ? right.unbox() : right;
    if (l.equals(TypeName.BOOLEAN)) {
      return TypeName.BOOLEAN;
    }
    if (!l.isPrimitive()) {
      return l; // String +=
    }
    if (op == Expr.BinaryOp.SHL || op == Expr.BinaryOp.SHR || op == Expr.BinaryOp.USHR) {
      return l.equals(TypeName.LONG) ? TypeName.LONG : TypeName.INT;
    }
    for (TypeName t : List.of(TypeName.DOUBLE, TypeName.FLOAT, TypeName.LONG)) {
      if (l.equals(t) || r.equals(t)) {
        return t;
      }
    }
    return TypeName.INT;
  }

  private static Expr.BinaryOp compoundOp(Tree.Kind kind) {
    return switch (kind) {
      case PLUS_ASSIGNMENT -> Expr.BinaryOp.ADD;
      case MINUS_ASSIGNMENT -> Expr.BinaryOp.SUB;
      case MULTIPLY_ASSIGNMENT -> Expr.BinaryOp.MUL;
      case DIVIDE_ASSIGNMENT -> Expr.BinaryOp.DIV;
      case REMAINDER_ASSIGNMENT -> Expr.BinaryOp.REM;
      case AND_ASSIGNMENT -> Expr.BinaryOp.BIT_AND;
      case OR_ASSIGNMENT -> Expr.BinaryOp.BIT_OR;
      case XOR_ASSIGNMENT -> Expr.BinaryOp.XOR;
      case LEFT_SHIFT_ASSIGNMENT -> Expr.BinaryOp.SHL;
      case RIGHT_SHIFT_ASSIGNMENT -> Expr.BinaryOp.SHR;
      default -> Expr.BinaryOp.USHR;
    };
  }

  private static Expr.BinaryOp binaryOp(Tree.Kind kind) {
    return switch (kind) {
      case PLUS -> Expr.BinaryOp.ADD;
      case MINUS -> Expr.BinaryOp.SUB;
      case MULTIPLY -> Expr.BinaryOp.MUL;
      case DIVIDE -> Expr.BinaryOp.DIV;
      case REMAINDER -> Expr.BinaryOp.REM;
      case LESS_THAN -> Expr.BinaryOp.LT;
      case LESS_THAN_EQUAL -> Expr.BinaryOp.LE;
      case GREATER_THAN -> Expr.BinaryOp.GT;
      case GREATER_THAN_EQUAL -> Expr.BinaryOp.GE;
      case EQUAL_TO -> Expr.BinaryOp.EQ;
      case NOT_EQUAL_TO -> Expr.BinaryOp.NE;
      case CONDITIONAL_AND -> Expr.BinaryOp.AND;
      case CONDITIONAL_OR -> Expr.BinaryOp.OR;
      case AND -> Expr.BinaryOp.BIT_AND;
      case OR -> Expr.BinaryOp.BIT_OR;
      case XOR -> Expr.BinaryOp.XOR;
      case LEFT_SHIFT -> Expr.BinaryOp.SHL;
      case RIGHT_SHIFT -> Expr.BinaryOp.SHR;
      case UNSIGNED_RIGHT_SHIFT -> Expr.BinaryOp.USHR;
      default -> null;
    };
  }
}

package dev.adjoint.processor.step;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.codegen.AdjointClassWriter;
import dev.adjoint.processor.codegen.MethodSize;
import dev.adjoint.processor.codegen.Slots;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.MethodBody;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.JvpRule;
import dev.adjoint.processor.model.MethodModel;
import dev.adjoint.processor.model.Nested;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.model.VjpRule;
import dev.adjoint.processor.plan.CallGraph;
import dev.adjoint.processor.plan.ClassPlan;
import dev.adjoint.processor.plan.DerivativeRequest;
import dev.adjoint.processor.plan.ImpliedOrder;
import dev.adjoint.processor.plan.Planner;
import dev.adjoint.processor.source.BodyReader;
import dev.adjoint.processor.source.TreeAccess;
import dev.adjoint.processor.transform.analysis.Linearity;
import dev.adjoint.processor.transform.forward.ForwardDerivative;
import dev.adjoint.processor.transform.forward.ForwardMode;
import dev.adjoint.processor.transform.forward.VectorMode;
import dev.adjoint.processor.transform.normalize.Inliner;
import dev.adjoint.processor.transform.normalize.OutParams;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import dev.adjoint.processor.transform.reverse.ReverseMode;
import dev.adjoint.processor.transform.second.HvpSweep;
import dev.adjoint.processor.transform.second.ReverseOverForward;
import dev.adjoint.processor.transform.second.VjpRuleTangent;
import dev.adjoint.processor.validation.Annotations;
import dev.adjoint.processor.validation.MethodValidator;
import dev.adjoint.processor.validation.Orders;
import dev.adjoint.processor.validation.RuleValidator;
import dev.adjoint.processor.validation.SignatureReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * The processor: each round, collects the classes that declare annotated methods or rule
 * companions, checks them, lowers and plans their bodies, and writes one {@code CAdjoint} per
 * class. A class whose signatures or bodies mention types that do not exist yet is deferred by
 * name to the next round; what is still missing when processing is over is left to javac to
 * report. {@link #process} returns false: other processors may see our annotations too.
 */
@AutoService(Processor.class)
public final class AdjointProcessor extends AbstractProcessor {

  private static final List<String> ANNOTATIONS =
      List.of(
          Annotations.DIFFERENTIABLE, Annotations.CUSTOM_VJP, Annotations.FWD, Annotations.BWD,
          Annotations.CUSTOM_JVP, Annotations.JVP);

  /** Classes to look at again next round, by qualified name. */
  private final Set<String> deferred = new LinkedHashSet<>();
  /** Classes whose adjoint class this compilation writes (this round or earlier). */
  private final Set<ClassName> generatedHere = new HashSet<>();
  /** Classes already handled, by qualified name. */
  private final Set<String> done = new HashSet<>();
  /** The class each generated class is written for, by the generated class's name. */
  private final Map<ClassName, String> adjointOwners = new HashMap<>();
  /**
   * Classes of this compilation that generate nothing: their errors are reported, or javac
   * reports the types they lack. Their callers generate nothing either, and say nothing more.
   */
  private final Set<ClassName> failed = new HashSet<>();
  /**
   * Methods of this compilation given {@code order = 2} because an {@code order = 2} method calls
   * them ({@link ImpliedOrder}): each with that caller, for the message where their
   * second-order members cannot be made.
   */
  private final Map<Signature, Signature> impliedBy = new HashMap<>();
  /**
   * The custom rules, by qualified class name and method name, whose companions could not be
   * differentiated again for an order a caller implied, each with why (said at the caller's call).
   */
  private final Map<String, String> ruleWithout = new HashMap<>();

  /** Whether a method of this round's classes says {@code order = 2}. */
  private boolean roundAsksSecondOrder;
  /**
   * The simple names of the classes this round generates, which do not exist while it reads
   * bodies: a {@code var} local naming one crashes javac (BodyReader#checkClass).
   */
  private Set<String> roundGenerates = Set.of();
  /** Every type this compilation compiles from source (the root elements of every round). */
  private final Set<String> compiledHere = new HashSet<>();

  private Reporter reporter;
  private Optional<BodyReader> bodies;
  private Optional<TreeAccess> access = Optional.empty();

  /**
   * The classes deferred in the last round, which are never generated: javac reports the types
   * they miss, and {@link #reportCycles} the generated classes they wait for in a cycle.
   */
  private final Map<String, TypeElement> givenUp = new TreeMap<>();

  /**
   * The calls of other classes' annotated methods made by the {@code order = 2} methods of the
   * classes deferred this round, by callee class and name, each with its caller: {@link
   * ImpliedOrder} gives those callees {@code order = 2} in this round. Cleared every round.
   */
  private final Map<ClassName, Map<String, Signature>> waitingCalls = new HashMap<>();
  /**
   * The bodies of earlier rounds' methods, with writers' calls written in: a class deferred to a
   * later round may call a helper with out-parameters read in an earlier one.
   */
  private final List<OutParams.Method> earlierMethods = new ArrayList<>();
  private String whyNoTreeApi;
  private boolean reportedNoTreeApi;
  private RuleValidator rules;

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    TreeAccess.Result trees = TreeAccess.open(env);
    access = trees.access();
    bodies = trees.access().map(a -> new BodyReader(a, env.getElementUtils(), env.getTypeUtils()));
    whyNoTreeApi = trees.whyNot();
    Reporter.SourcePrinter printer =
        trees.access().isPresent() ? trees.access().get() : (kind, text, ref) -> false;
    reporter = new Reporter(env.getMessager(), printer);
    rules = new RuleValidator(env);
  }

  /**
   * Every annotation, so that javac calls the processor for every round: a method annotated in a
   * local or anonymous class is no element of a round, so a compilation whose only annotated
   * methods are there would otherwise never reach {@link #process} and be ignored in silence.
   * Nothing is claimed ({@link #process} returns false).
   */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("*");
  }

  /**
   * {@value #SPLIT_ABOVE}: the estimated bytecode size above which a derivative's sweeps are split
   * into methods of their own (default {@link MethodSize#SPLIT_ABOVE}); for tests, which set it
   * low to run the split form on short methods.
   */
  public static final String SPLIT_ABOVE = "adjoint.splitAbove";

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(SPLIT_ABOVE);
  }

  /**
   * Bytecode (estimated, {@link MethodSize}) that a reverse derivative with callees written in
   * may have: below HotSpot's 8 000-byte limit on methods it compiles at all
   * ({@code -XX:HugeMethodLimit}), so that writing a call in never costs the whole method its JIT.
   */
  private static final int INLINED_AT_MOST = 7_000;

  /**
   * {@code derived}, or the reverse derivative of the method's body with the calls it makes in
   * loops of small methods of its class written in ({@link Inliner.Policy#IN_LOOPS}), where that
   * derivative exists without any diagnostic and is small enough: then each trip records into
   * the method's own tape, not a new Vjp of the callee per call. Diagnostics are always those of
   * the body as written, which {@code derived} came from.
   */
  private ReverseDerivative inLoops(Unit unit, DerivativeRequest request,
      ReverseDerivative derived) {
    Optional<MethodBody> inlined = Inliner.inline(request.signature(), request.body(),
        callee -> writable(unit, callee), Inliner.Policy.IN_LOOPS);
    if (inlined.isEmpty()) {
      return derived;
    }
    ReverseMode.Result result = ReverseMode.derive(request.signature(), inlined.get());
    if (!result.report().items().isEmpty() || result.derivative().isEmpty()) {
      return derived;
    }
    int size = MethodSize.estimate(result.derivative().get());
    return size <= Math.min(INLINED_AT_MOST, splitAbove()) ? result.derivative().get() : derived;
  }

  /** The lowered body of {@code callee}, a method of the unit's class, if it may be written in. */
  private static Optional<MethodBody> writable(Unit unit, Signature callee) {
    return unit.plan.methods().stream()
        .filter(m -> !m.model().isCustom()
            && m.model().signature().name().equals(callee.name())
            && m.model().signature().params().equals(callee.params()))
        .findFirst().flatMap(ClassPlan.MethodPlan::body);
  }

  private int splitAbove() {
    String value = processingEnv.getOptions().get(SPLIT_ABOVE);
    try {
      return value == null ? MethodSize.SPLIT_ABOVE : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return MethodSize.SPLIT_ABOVE;
    }
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (Element root : round.getRootElements()) {
      if (root instanceof TypeElement type) {
        noteCompiledHere(type);
      }
    }
    bodies.ifPresent(reader -> {
      for (Element root : round.getRootElements()) {
        if (root instanceof TypeElement type) {
          try {
            reporter.print(reader.annotatedInLocalClasses(type));
          } catch (RuntimeException | Error e) {
            internalError(type, e);
          }
        }
      }
    });
    Map<String, TypeElement> classes = new TreeMap<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        classes.put(name, type);
      }
    }
    deferred.clear();
    waitingCalls.clear();
    for (String annotation : ANNOTATIONS) {
      TypeElement a = processingEnv.getElementUtils().getTypeElement(annotation);
      if (a == null) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(a)) {
        if (e.getEnclosingElement() instanceof TypeElement type) {
          String name = type.getQualifiedName().toString();
          if (!done.contains(name)) {
            classes.put(name, type);
          }
        }
      }
    }
    if (classes.isEmpty()) {
      return false;
    }
    if (bodies.isEmpty()) {
      if (!reportedNoTreeApi) {
        reportedNoTreeApi = true;
        reporter.printUnplaced(Message.TREE_API_UNAVAILABLE, whyNoTreeApi);
      }
      return false;
    }
    // A @CustomVjp rule's companions are read for second order only where some method of the
    // round asks for it (a caller may give the rule order = 2: plan.ImpliedOrder).
    roundGenerates = classes.values().stream()
        .map(t -> AdjointNames.adjointClass(ClassName.get(t)).simpleName())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    roundAsksSecondOrder = classes.values().stream()
        .flatMap(t -> ElementFilter.methodsIn(t.getEnclosedElements()).stream())
        .anyMatch(AdjointProcessor::asksSecondOrder);
    List<Unit> units = new ArrayList<>();
    for (TypeElement type : classes.values()) {
      try {
        Optional<Unit> unit = check(type, round.processingOver());
        unit.ifPresent(units::add);
      } catch (RuntimeException | Error e) {
        internalError(type, e);
        done.add(type.getQualifiedName().toString());
        failed.add(ClassName.get(type));
      }
    }
    units.removeIf(this::sharesItsAdjointName);
    waitForCallees(units);
    if (round.processingOver()) {
      reportCycles();
    }
    units.forEach(u -> reporter.print(u.notes));
    units.forEach(u -> generatedHere.add(u.plan.owner()));
    generate(units);
    return false;
  }

  /**
   * Callers wait for their callees. A class that calls a class deferred to the next round is
   * deferred with it, so that a callee whose body needs a type generated later is never taken for
   * one compiled without the processor. A class that calls a class of this compilation that
   * generates nothing is dropped without a message of its own: the callee's error (ours, or
   * javac's about a missing type) explains the failed build, and the caller's generated code
   * could only fail to compile.
   */
  private void waitForCallees(List<Unit> units) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Iterator<Unit> it = units.iterator(); it.hasNext(); ) {
        Unit unit = it.next();
        String name = unit.type.getQualifiedName().toString();
        CallGraph.Outcome outcome = CallGraph.outcome(
            unit.plan, failed::contains, c -> deferred.contains(c.canonicalName()));
        if (outcome == CallGraph.Outcome.FAILS) {
          it.remove();
          failed.add(unit.plan.owner());
          reporter.print(unit.notes);
          changed = true;
        } else if (outcome == CallGraph.Outcome.WAITS) {
          it.remove();
          done.remove(name);
          deferred.add(name);
          noteWaitingCalls(unit.type);
          changed = true;
        }
      }
    }
  }

  private void noteCompiledHere(TypeElement type) {
    compiledHere.add(type.getQualifiedName().toString());
    for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
      noteCompiledHere(nested);
    }
  }

  /**
   * The error for a class whose generated class name belongs to a class of another build on the
   * class path ({@code A_B.C} compiled now, {@code A.B_C} in a jar: both make {@code
   * A_B_CAdjoint}, and the class written now would replace the jar's, whose callers would then
   * fail with {@code NoSuchMethodError}). Classes of this compilation are compared by {@link
   * #sharesItsAdjointName} instead.
   */
  private Report adjointNameTakenByAnotherBuild(TypeElement type, ClassName adjoint) {
    Report.Builder report = Report.builder();
    String owner = type.getQualifiedName().toString();
    for (String candidate : AdjointNames.ownersOf(adjoint)) {
      if (candidate.equals(owner) || compiledHere.contains(candidate)) {
        continue;
      }
      TypeElement other = processingEnv.getElementUtils().getTypeElement(candidate);
      if (other != null && !MethodValidator.annotatedMethods(other).isEmpty()) {
        report.add(Message.NAME_TAKEN_BY_GENERATED, type, adjoint.simpleName(), owner, candidate);
      }
    }
    return report.build();
  }

  /**
   * True, after reporting it, when another class of this compilation already has the generated
   * class name of {@code unit}: {@code Outer.Inner} and a top-level {@code Outer_Inner} both make
   * {@code Outer_InnerAdjoint}.
   */
  private boolean sharesItsAdjointName(Unit unit) {
    ClassName adjoint = AdjointNames.adjointClass(unit.plan.owner());
    String owner = unit.type.getQualifiedName().toString();
    String first = adjointOwners.putIfAbsent(adjoint, owner);
    if (first == null || first.equals(owner)) {
      return false;
    }
    failed.add(unit.plan.owner());
    reporter.print(unit.notes);
    reporter.print(Report.builder()
        .add(Message.NAME_TAKEN_BY_GENERATED, unit.type, adjoint.simpleName(), owner, first)
        .build());
    return true;
  }

  /**
   * A checked class, ready to plan and generate, with the notes of its check (printed once it is
   * not deferred any more, so a class deferred for its callees' sake does not print them twice).
   */
  private record Unit(TypeElement type, ClassPlan plan, Report notes) {}

  /**
   * Checks and lowers one class; empty when it is deferred, has errors, or has nothing to
   * generate. Prints its errors; a unit keeps its notes for {@link #process} to print.
   */
  private Optional<Unit> check(TypeElement type, boolean lastRound) {
    String qualifiedName = type.getQualifiedName().toString();
    List<ExecutableElement> annotated = MethodValidator.annotatedMethods(type);
    for (Element e : type.getEnclosedElements()) {
      if (e instanceof ExecutableElement m
          && (annotated.contains(m) || isCompanion(m))
          && SignatureReader.hasErrorTypes(m)) {
        return defer(type, lastRound);
      }
    }
    ClassName adjoint = MethodValidator.adjointOf(type);
    Report.Builder report = Report.builder();
    report.addAll(MethodValidator.checkClass(type, annotated, adjoint, processingEnv.getElementUtils()));
    report.addAll(adjointNameTakenByAnotherBuild(type, adjoint));
    boolean classClean = report.isClean();
    Map<ExecutableElement, Signature> signatures = new LinkedHashMap<>();
    Map<ExecutableElement, Signature> customSignatures = new LinkedHashMap<>();
    Map<ExecutableElement, Integer> orders = new LinkedHashMap<>();
    for (ExecutableElement m : annotated) {
      Report methodReport = MethodValidator.checkMethod(m, adjoint);
      SignatureReader.Result read = SignatureReader.read(m);
      report.addAll(methodReport).addAll(read.report());
      if (Annotations.isCustom(m) && read.signature().filter(Signature::hasRecords).isPresent()) {
        // A rule's companions would take and return records: not yet.
        for (VariableElement p : m.getParameters()) {
          if (read.signature().get().records().containsKey(p.getSimpleName().toString())) {
            report.add(Message.RECORD_IN_RULE, p, p.getSimpleName(), Annotations.kindOf(m),
                m.getSimpleName(), p.asType());
          }
        }
        continue;
      }
      if (methodReport.isClean() && read.signature().isPresent()) {
        Orders.Result order = Orders.check(m, read.signature().get());
        report.addAll(order.report());
        orders.put(m, order.order());
        signatures.put(m, read.signature().get());
        if (Annotations.isCustom(m)) {
          customSignatures.put(m, read.signature().get());
        }
      }
    }
    RuleValidator.Result ruleResult = rules.check(type, customSignatures);
    report.addAll(ruleResult.report());

    // Lower the bodies: @Differentiable ones must be in the subset; custom rules' primals may be;
    // @Jvp rules must be, and linear in their tangents.
    Map<ExecutableElement, Optional<MethodBody>> lowered = new LinkedHashMap<>();
    Map<ExecutableElement, JvpRule> jvpRules = new LinkedHashMap<>();
    Map<ExecutableElement, MethodBody> ruleBodies = new LinkedHashMap<>();
    Set<Nested> nested = new LinkedHashSet<>();
    // The bodies of methods whose own signatures are valid are read even where another method's
    // signature or rule has an error, so that one compile reports both kinds (issue 11).
    if (classClean) {
      Report classBodies = bodies.orElseThrow().checkClass(type, adjoint, roundGenerates);
      report.addAll(classBodies);
      classClean = classBodies.isClean();
    }
    if (classClean) {
      BodyReader reader = bodies.orElseThrow();
      for (ExecutableElement m : annotated) {
        if (!signatures.containsKey(m)) {
          continue; // its signature has the error
        }
        BodyReader.Result body = reader.read(m, adjoint);
        if (body.hasErrorTypes()) {
          return defer(type, lastRound);
        }
        if (!Annotations.isCustom(m)) {
          report.addAll(body.report());
          replacedFieldArrays(m, report);
        }
        lowered.put(m, body.body().map(b -> withAliasedArrays(m, b)));
        nested.addAll(body.nested());
        ExecutableElement rule = ruleResult.jvpRules().get(m);
        if (rule != null && ruleResult.report().isClean()) {
          Signature primal = signatures.get(m);
          BodyReader.RuleResult ruleBody = reader.readJvpRule(
              rule, adjoint, !primal.result().equals(TypeName.DOUBLE));
          if (ruleBody.hasErrorTypes()) {
            return defer(type, lastRound);
          }
          report.addAll(ruleBody.report());
          if (ruleBody.body().isPresent()) {
            JvpRule jvp = jvpRule(primal, rule);
            MethodBody tangentMap = ruleBody.body().get();
            int n = primal.params().size();
            nested.addAll(ruleBody.nested());
            Map<Signature, String> linearCalls = new LinkedHashMap<>();
            ruleBody.nested().forEach(c -> linearCalls.put(c.function(), c.describe()));
            Map<Expr, Signature> linearValues = new LinkedHashMap<>();
            ruleBody.linearValues().forEach((e, c) -> linearValues.put(e, c.function()));
            report.addAll(Linearity.check(jvp.name(), tangentMap,
                tangentMap.params().subList(n, tangentMap.params().size()), ruleBody.values(),
                linearCalls, linearValues));
            jvpRules.put(m, jvp);
            ruleBodies.put(m, tangentMap);
          }
        }
        VjpRule vjpRule = ruleResult.rules().get(m);
        boolean bwdWritesResiduals = false;
        if (vjpRule != null) {
          ExecutableElement bwd = methodNamed(type, vjpRule.bwdName());
          reader.residualWrite(bwd).ifPresent(w -> report.add(Message.BWD_WRITES_RESIDUALS,
              w.ref(), bwd.getSimpleName(), bwd.getParameters().get(0).getSimpleName(),
              w.target()));
          bwdWritesResiduals = reader.residualWrite(bwd).isPresent();
        }
        if (vjpRule != null && ruleResult.report().isClean() && roundAsksSecondOrder
            && Orders.unsupported(signatures.get(m)) == null) {
          // Its second order differentiates bwd(fwd(x).residuals, 1): the companions lowered
          // as one tangent map, for an order = 2 method or one a caller may give order = 2.
          boolean asked = orders.getOrDefault(m, 1) == 2;
          BodyReader.VjpCompanions companions;
          try {
            companions = reader.readVjpCompanions(methodNamed(type, vjpRule.fwdName()),
                methodNamed(type, vjpRule.bwdName()), signatures.get(m), vjpRule, adjoint);
          } catch (RuntimeException e) {
            if (asked) {
              throw e; // an internal error, reported at the class
            }
            // Read only in case a caller gives the rule order = 2: a rule that did not ask for
            // it never fails for it (its callers' second order then says the call is not
            // supported).
            companions = new BodyReader.VjpCompanions(Optional.empty(), Optional.empty(),
                Report.empty(), false);
          }
          if (companions.hasErrorTypes() && asked) {
            return defer(type, lastRound);
          }
          // (a @Bwd that writes its residuals has its own error, at the same place)
          Report nonlinear = companions.bwd().isEmpty() || bwdWritesResiduals ? Report.empty()
              : Linearity.checkBwd(vjpRule.bwdName(), companions.bwd().get().body(),
                  companions.bwd().get().cotangent());
          if (companions.fwd().isPresent() && !nonlinear.isClean()) {
            if (asked) {
              report.addAll(nonlinear);
            } else {
              ruleWithout.put(qualifiedName + "." + m.getSimpleName(), reason(nonlinear));
            }
          } else if (companions.fwd().isPresent()) {
            BodyReader.FwdCompanion fwd = companions.fwd().get();
            BodyReader.BwdCompanion bwd = companions.bwd().orElseThrow();
            ruleBodies.put(m, VjpRuleTangent.of(fwd.body(), fwd.residuals(), bwd.body(),
                bwd.receiver(), bwd.residuals(), bwd.cotangent(), bwd.directions()));
          } else if (asked && !companions.hasErrorTypes()) {
            report.add(Message.SECOND_ORDER_VJP_RULE, m, m.getSimpleName(),
                vjpRule.fwdName(), vjpRule.bwdName(), reason(companions.report()));
          } else if (!companions.hasErrorTypes() && !companions.report().isClean()) {
            ruleWithout.put(qualifiedName + "." + m.getSimpleName(),
                "reverse mode cannot differentiate its companions " + vjpRule.fwdName() + " and "
                    + vjpRule.bwdName() + " as one function: " + reason(companions.report()));
          }
        }
      }
    }
    done.add(qualifiedName);
    Report finished = report.build();
    if (!finished.isClean() || annotated.isEmpty()) {
      reporter.print(finished);
      if (!finished.isClean()) {
        failed.add(ClassName.get(type));
      }
      return Optional.empty();
    }
    List<ClassPlan.MethodPlan> methods = new ArrayList<>();
    for (ExecutableElement m : annotated) {
      Signature signature = signatures.get(m);
      Optional<VjpRule> rule = Optional.ofNullable(ruleResult.rules().get(m));
      Optional<JvpRule> jvpRule = Optional.ofNullable(jvpRules.get(m));
      if (Annotations.has(m, Annotations.CUSTOM_VJP) && rule.isEmpty()
          || Annotations.has(m, Annotations.CUSTOM_JVP) && jvpRule.isEmpty()) {
        reporter.print(finished);
        failed.add(ClassName.get(type)); // its rule has errors, already reported
        return Optional.empty();
      }
      methods.add(new ClassPlan.MethodPlan(
          new MethodModel(signature, rule, jvpRule, orders.getOrDefault(m, 1)),
          lowered.get(m), Optional.ofNullable(ruleBodies.get(m))));
    }
    boolean isPublic = true;
    for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      // A protected nested class is reached from subclasses elsewhere: its adjoint is public.
      isPublic &= t.getModifiers().contains(Modifier.PUBLIC)
          || t.getModifiers().contains(Modifier.PROTECTED);
    }
    return Optional.of(
        new Unit(type, new ClassPlan(ClassName.get(type), isPublic, methods,
            new ArrayList<>(nested)), finished));
  }

  /**
   * The model of the {@code @Jvp} rule {@code rule} of {@code primal}: its tangent map takes the
   * rule's parameters, named as the rule names them, the primal ones constant and the tangents
   * differentiable (the validator has checked their types).
   */
  private static JvpRule jvpRule(Signature primal, ExecutableElement rule) {
    List<Param> params = new ArrayList<>();
    int n = primal.params().size();
    for (int i = 0; i < rule.getParameters().size(); i++) {
      VariableElement p = rule.getParameters().get(i);
      params.add(new Param(p.getSimpleName().toString(), TypeName.get(p.asType()), i >= n));
    }
    String name = rule.getSimpleName().toString();
    return new JvpRule(name,
        new Signature(primal.owner(), name, params, primal.result(), primal.isPublic()));
  }

  private Optional<Unit> defer(TypeElement type, boolean lastRound) {
    String qualifiedName = type.getQualifiedName().toString();
    if (!lastRound) {
      deferred.add(qualifiedName);
      noteWaitingCalls(type);
    } else {
      done.add(qualifiedName); // javac reports the missing types itself
      failed.add(ClassName.get(type));
      givenUp.put(qualifiedName, type);
    }
    return Optional.empty();
  }

  /**
   * Notes the calls of other classes' annotated methods that {@code type}'s {@code order = 2}
   * methods make, for {@link #waitingCalls}: the class waits for a type generated later, but its
   * callees are written now.
   */
  private void noteWaitingCalls(TypeElement type) {
    if (access.isEmpty()) {
      return;
    }
    for (ExecutableElement m : MethodValidator.annotatedMethods(type)) {
      if (!asksSecondOrder(m) || Annotations.isCustom(m)) {
        continue;
      }
      Optional<Signature> caller = SignatureReader.read(m).signature();
      if (caller.isEmpty()) {
        continue;
      }
      for (ExecutableElement callee : access.get().calledMethods(m)) {
        if (Annotations.isAnnotated(callee)
            && callee.getEnclosingElement() instanceof TypeElement owner
            && !owner.equals(type)) {
          waitingCalls.computeIfAbsent(ClassName.get(owner), o -> new HashMap<>())
              .putIfAbsent(callee.getSimpleName().toString(), caller.get());
        }
      }
    }
  }

  /**
   * Classes given up in the last round that use each other's generated classes (red team P11:
   * javac said only "cannot find symbol BAdjoint"): each waited for the other's generated class,
   * so none was written. At each class of a cycle, the first mention of a generated class it
   * waits for in the cycle gets {@link Message#GENERATED_CYCLE}, which names the cycle.
   */
  private void reportCycles() {
    if (access.isEmpty() || givenUp.size() < 2) {
      return;
    }
    Map<String, String> ownerOfAdjoint = new HashMap<>(); // simple name of XAdjoint -> X
    givenUp.forEach((name, type) ->
        ownerOfAdjoint.put(MethodValidator.adjointOf(type).simpleName(), name));
    Map<String, Map<String, SourceRef>> uses = new TreeMap<>(); // X -> (Y -> X's first YAdjoint)
    givenUp.forEach((name, type) -> {
      Map<String, SourceRef> mentions = new LinkedHashMap<>();
      access.get().firstMentions(type, ownerOfAdjoint.keySet()).forEach((adjoint, ref) -> {
        String other = ownerOfAdjoint.get(adjoint);
        if (!other.equals(name)) {
          mentions.put(other, ref);
        }
      });
      uses.put(name, mentions);
    });
    for (String name : uses.keySet()) {
      for (Map.Entry<String, SourceRef> use : uses.get(name).entrySet()) {
        List<String> back = path(uses, use.getKey(), name);
        if (back.isEmpty()) {
          continue;
        }
        List<String> cycle = new ArrayList<>();
        cycle.add(name);
        cycle.addAll(back);
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i + 1 < cycle.size(); i++) {
          chain.append(i == 0 ? "" : ", ").append(simple(cycle.get(i))).append(" uses ")
              .append(MethodValidator.adjointOf(givenUp.get(cycle.get(i + 1))).simpleName());
        }
        String adjoint = MethodValidator.adjointOf(givenUp.get(use.getKey())).simpleName();
        reporter.print(Report.builder()
            .add(Message.GENERATED_CYCLE, use.getValue(), adjoint, chain, adjoint).build());
        break; // one error per class: its first use in a cycle
      }
    }
  }

  /** A shortest path of uses from {@code from} to {@code to}, both included; empty if none. */
  private static List<String> path(Map<String, Map<String, SourceRef>> uses, String from,
      String to) {
    Map<String, String> previous = new HashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
    previous.put(from, from);
    while (!queue.isEmpty()) {
      String at = queue.removeFirst();
      if (at.equals(to)) {
        List<String> path = new ArrayList<>();
        for (String s = to; ; s = previous.get(s)) {
          path.add(0, s);
          if (s.equals(from)) {
            return path;
          }
        }
      }
      for (String next : uses.getOrDefault(at, Map.of()).keySet()) {
        if (previous.putIfAbsent(next, at) == null) {
          queue.addLast(next);
        }
      }
    }
    return List.of();
  }

  private static String simple(String qualifiedName) {
    return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
  }

  private static boolean isCompanion(ExecutableElement m) {
    return Annotations.isCompanion(m);
  }

  /** A unit with its derivatives, ready to write. */
  private record Derived(
      Unit unit,
      Map<String, ReverseDerivative> derived,
      Map<String, ReverseDerivative> fromBody,
      Map<String, ForwardDerivative> forward,
      Map<String, VectorMode.VectorDerivative> vectors,
      Map<String, ReverseDerivative> transposed,
      Map<String, HvpSweep> hvps) {}

  /**
   * Plans the round's classes together (calls may cross them), derives each, and writes those
   * whose derivation and callees' derivations succeeded.
   */
  private void generate(List<Unit> units) {
    writeInOutParams(units);
    ImpliedOrder.Result implied =
        ImpliedOrder.of(units.stream().map(Unit::plan).toList(), waitingCalls);
    for (int i = 0; i < units.size(); i++) {
      Unit u = units.get(i);
      units.set(i, new Unit(u.type, implied.plans().get(i), u.notes));
    }
    impliedBy.putAll(implied.impliedBy());
    List<ClassPlan> plans = units.stream().map(Unit::plan).toList();
    // The @CustomVjp methods of this round, for forward mode's note on array rules.
    Set<Signature> rules = new HashSet<>();
    for (ClassPlan plan : plans) {
      for (ClassPlan.MethodPlan m : plan.methods()) {
        if (m.model().hasVjpRule()) {
          rules.add(m.model().signature());
        }
      }
    }
    Report planReport =
        Planner.check(
            plans,
            generatedHere::contains,
            owner ->
                processingEnv.getElementUtils()
                        .getTypeElement(AdjointNames.adjointClass(owner).canonicalName())
                    != null,
            callee -> {
              TypeElement adjoint = processingEnv.getElementUtils()
                  .getTypeElement(callee.adjointClass().canonicalName());
              String vjp = AdjointNames.vjpMethod(callee);
              return adjoint == null || adjoint.getEnclosedElements().stream()
                  .anyMatch(e -> e.getSimpleName().contentEquals(vjp));
            });
    reporter.print(planReport);
    if (!planReport.isClean()) {
      units.forEach(u -> fail(u.plan.owner()));
      return;
    }
    units.sort(Comparator.comparing(u -> u.type.getQualifiedName().toString()));
    List<Derived> ready = new ArrayList<>();
    for (Unit unit : units) {
      try {
        Report.Builder report = Report.builder();
        Map<String, ReverseDerivative> derived = new LinkedHashMap<>();
        Map<String, ReverseDerivative> fromBody = new LinkedHashMap<>();
        Map<String, ForwardDerivative> forward = new LinkedHashMap<>();
        Map<String, VectorMode.VectorDerivative> vectors = new LinkedHashMap<>();
        Map<String, ReverseDerivative> transposed = new LinkedHashMap<>();
        Map<String, HvpSweep> hvps = new LinkedHashMap<>();
        // Nested functions that second order adds: calls of other classes' order = 2 methods.
        List<Nested> throughHvp = new ArrayList<>(unit.plan.nested());
        for (DerivativeRequest request : Planner.requests(unit.plan)) {
          String name = request.name();
          switch (request.mode()) {
            case REVERSE -> {
              ReverseMode.Result result = ReverseMode.derive(request.signature(), request.body());
              Optional<ReverseDerivative> d = result.derivative();
              if (!request.reference()) {
                report.addAll(result.report());
                d.map(r -> inLoops(unit, request, r)).ifPresent(r -> derived.put(name, r));
              } else if (d.isPresent() && MethodSize.estimate(d.get()) > splitAbove()) {
                // The rule is what callers use; a reference gradient too large to generate in
                // one method is left out rather than split.
                ExecutableElement primal = methodNamed(unit.type, name);
                report.add(Message.FROM_BODY_OMITTED, primal,
                    AdjointNames.adjointClass(unit.plan.owner()).simpleName(),
                    Annotations.kindOf(primal), name,
                    "its body is too long for the gradient to fit in one generated method");
              } else {
                d.ifPresent(r -> fromBody.put(name, r));
              }
            }
            case FORWARD -> {
              // What it cannot differentiate, reverse mode reports (one subset check). Without a
              // forward derivative, the JVP goes through the pullback.
              ForwardMode.Result result =
                  ForwardMode.derive(request.signature(), request.body(), rules::contains);
              if (!request.reference()) {
                report.addAll(result.notes());
              }
              result.derivative().ifPresent(f -> forward.put(name, f));
              if (!request.reference() && request.signature().result().equals(Expr.DOUBLE_ARRAY)) {
                // Jacobians with all the directions in one sweep, where it takes the method.
                result.derivative().flatMap(VectorMode::of).ifPresent(v -> vectors.put(name, v));
              }
            }
            case TRANSPOSE -> {
              // The rule's tangent map is linear (checked): its pullback is its transpose.
              ReverseMode.Result result = ReverseMode.derive(request.signature(), request.body());
              report.addAll(result.report());
              result.derivative().ifPresent(d -> transposed.put(name, d));
            }
            case HVP -> secondOrder(unit, request, forward.get(name), rules, plans, throughHvp,
                report).ifPresent(d -> hvps.put(name, d));
          }
        }
        Report built = report.build();
        reporter.print(built);
        if (built.isClean()) {
          Unit withNested = throughHvp.size() == unit.plan.nested().size() ? unit
              : new Unit(unit.type, new ClassPlan(unit.plan.owner(), unit.plan.isPublic(),
                  unit.plan.methods(), throughHvp), unit.notes);
          ready.add(new Derived(withNested, derived, fromBody, forward, vectors, transposed,
              hvps));
        } else {
          fail(unit.plan.owner());
        }
      } catch (RuntimeException | Error e) {
        internalError(unit.type, e);
        fail(unit.plan.owner());
      }
    }
    dropCallersOfFailed(ready);
    // Each class written, then checked against the JVM's limit on parameters (which javac would
    // report in generated code) before any file is: a class over it fails, and its callers.
    Map<Derived, TypeSpec> written = new LinkedHashMap<>();
    for (Derived d : ready) {
      try {
        TypeSpec type = AdjointClassWriter.write(d.unit.plan, d.derived, d.fromBody, d.forward,
            d.vectors, d.transposed, d.hvps, seesGenerated(d.unit.type), splitAbove());
        Optional<Slots.Over> over = Slots.over(type);
        if (over.isPresent()) {
          tooManyParameters(d.unit, over.get());
          fail(d.unit.plan.owner());
        } else {
          written.put(d, type);
        }
      } catch (RuntimeException | Error e) {
        internalError(d.unit.type, e);
        fail(d.unit.plan.owner());
      }
    }
    dropCallersOfFailed(written.keySet());
    for (Map.Entry<Derived, TypeSpec> w : written.entrySet()) {
      Unit unit = w.getKey().unit;
      try {
        TypeSpec.Builder type = w.getValue().toBuilder();
        type.addOriginatingElement(unit.type);
        calleeClasses(unit.plan).forEach(type::addOriginatingElement);
        JavaFile file =
            AdjointClassWriter.file(unit.plan.owner().packageName(), type.build());
        file.writeTo(processingEnv.getFiler());
      } catch (IOException e) {
        processingEnv.getMessager().printMessage(
            Diagnostic.Kind.ERROR,
            Message.INTERNAL_ERROR.format(unit.type.getQualifiedName(), e),
            unit.type);
      } catch (RuntimeException | Error e) {
        internalError(unit.type, e);
      }
    }
  }

  /** The calls of annotated methods (and of nested functions) in {@code body}. */
  private static List<Expr.DiffCall> calls(MethodBody body) {
    List<Expr.DiffCall> out = new ArrayList<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (e instanceof Expr.DiffCall c) {
        out.add(c);
      }
    });
    return out;
  }

  /**
   * Removes from {@code classes}, and fails, each class that calls a class that failed this round
   * (it would call a class never written), up to a fixpoint.
   */
  private void dropCallersOfFailed(Collection<Derived> classes) {
    for (boolean changed = true; changed; ) {
      changed = false;
      for (Iterator<Derived> it = classes.iterator(); it.hasNext(); ) {
        Derived d = it.next();
        if (CallGraph.outcome(d.unit.plan, failed::contains, c -> false)
            == CallGraph.Outcome.FAILS) {
          it.remove();
          fail(d.unit.plan.owner());
          changed = true;
        }
      }
    }
  }

  /**
   * The Hessian-vector product of the {@code order = 2} method {@code name}: reverse mode over its
   * forward derivative {@code forward}; empty, with an error in {@code report} saying why, where
   * it cannot be made (a half-made second order is never generated).
   */
  private Optional<HvpSweep> secondOrder(Unit unit, DerivativeRequest request,
      ForwardDerivative forward, Set<Signature> rules, List<ClassPlan> plans,
      List<Nested> functions, Report.Builder report) {
    Signature implied = impliedBy.get(request.signature());
    if (implied == null) {
      return secondOrderOf(unit, request, forward, rules, plans, functions, report);
    }
    // order = 2 given by a caller: why it cannot be had is said once, naming that caller.
    Report.Builder own = Report.builder();
    Optional<HvpSweep> made =
        secondOrderOf(unit, request, forward, rules, plans, functions, own);
    Report built = own.build();
    if (made.isEmpty() && !built.isClean()) {
      Signature s = request.method().model().signature();
      ExecutableElement method = methodNamed(unit.type, s.name());
      report.add(Message.SECOND_ORDER_IMPLIED, method, Annotations.kindOf(method), s.name(),
          implied.owner().simpleName() + "." + implied.name(), reason(built), s.name(),
          implied.name());
    } else {
      report.addAll(built);
    }
    return made;
  }

  private Optional<HvpSweep> secondOrderOf(Unit unit, DerivativeRequest request,
      ForwardDerivative forward, Set<Signature> rules, List<ClassPlan> plans,
      List<Nested> functions, Report.Builder report) {
    String name = request.name();
    ExecutableElement method = methodNamed(unit.type, name);
    Optional<JvpRule> rule = request.method().model().jvpRule();
    if (rule.isPresent()) {
      // A @CustomJvp method: reverse mode over its rule's tangent map, which is its JVP. A linear
      // call in the rule (hJvp(a, aDot).tangent()) takes a as a constant: its derivative in a,
      // which second order would need, is not generated.
      Set<Signature> linear = new HashSet<>();
      unit.plan.nested().stream().filter(Nested::linear).forEach(n -> linear.add(n.function()));
      Optional<Nested> linearCall = calls(request.body()).stream()
          .filter(c -> linear.contains(c.callee())).findFirst()
          .flatMap(c -> unit.plan.nested().stream()
              .filter(n -> n.function().equals(c.callee())).findFirst());
      if (linearCall.isPresent()) {
        report.add(Message.SECOND_ORDER_JVP_RULE, method, name, rule.get().name(),
            "it calls another rule's JVP (" + linearCall.get().describe() + "), whose"
                + " derivative with respect to its primal arguments is not generated");
        return Optional.empty();
      }
    }
    if (request.method().model().isCustom()) {
      // Reverse mode over the rule's tangent map, which is the method's JVP.
      ReverseOverForward.Result result =
          ReverseOverForward.ofRule(request.signature(), request.body());
      String why = result.derivative().isEmpty() ? reason(result.report())
          : MethodSize.estimate(result.derivative().get().derivative()) > splitAbove()
          ? "it is too long for its Hessian-vector product to fit in one generated method"
          : null;
      if (why != null && rule.isPresent()) {
        report.add(Message.SECOND_ORDER_JVP_RULE, method, name, rule.get().name(), why);
      } else if (why != null) {
        VjpRule vjp = request.method().model().rule().orElseThrow();
        report.add(Message.SECOND_ORDER_VJP_RULE, method, name, vjp.fwdName(), vjp.bwdName(),
            why);
      }
      return why == null ? result.derivative() : Optional.empty();
    }
    // A plain method that the body calls and that writes a field the body reads: the sweep reads
    // each field once, where it begins (Captures), so it would miss the change (red team, stop 28).
    if (access.isPresent() && method != null) {
      // Annotated methods are differentiated themselves; generated classes write no user field
      // (and reading their trees would make javac attribute them early, with lint warnings).
      List<TreeAccess.FieldWrite> writes = access.get().callsWritingFieldsRead(method,
          callee -> Annotations.isAnnotated(callee) || inGeneratedClass(callee),
          callee -> Annotations.isAnnotated(callee)
              && callee.getEnclosingElement().equals(method.getEnclosingElement()));
      for (TreeAccess.FieldWrite w : writes) {
        report.add(Message.SECOND_ORDER_CHANGED_FIELD, w.call(), name, w.field(), w.callee(),
            w.field());
      }
      if (!writes.isEmpty()) {
        return Optional.empty();
      }
      // Its second-order members copy the array arguments, which a caller may have passed as
      // the very array a field holds that the body writes through (red team of stop 29, 5).
      Optional<SourceRef> write = request.body().aliasedArrays().isEmpty()
          ? Optional.empty()
          : access.get().fieldArrayWrite(method, AdjointProcessor::inGeneratedClass);
      if (write.isPresent()) {
        report.add(Message.SECOND_ORDER_FIELD_ARRAY_WRITE, write.get(), name);
        return Optional.empty();
      }
    }
    // Calls of the class's own @Differentiable methods are written in place, where they can be.
    MethodBody body = request.body();
    Optional<MethodBody> inlined = Inliner.inline(request.signature(), body,
        callee -> writable(unit, callee), Inliner.Policy.SECOND_ORDER);
    if (inlined.isPresent()) {
      body = inlined.get();
      forward = ForwardMode.derive(request.signature(), body, rules::contains).derivative()
          .orElse(null);
    }
    if (forward == null) {
      if (report.isClean()) {
        report.add(Message.SECOND_ORDER_BODY, method, name,
            "forward mode, which its Hessian-vector product differentiates, cannot differentiate"
                + " it with the bodies of the methods it calls written in (a call of an annotated"
                + " method that has no JVP, or code outside the subset in a callee)");
      }
      return Optional.empty();
    }
    Map<Signature, String> nested = new LinkedHashMap<>();
    unit.plan.nested().forEach(n -> nested.put(n.function(), n.describe()));
    ReverseOverForward.Result result = ReverseOverForward.derive(forward, body, nested,
        throughHvp(unit, body, forward, plans, functions), ruleCallees(body, plans),
        rulesWithoutSecondOrder(body));
    if (result.derivative().isEmpty()) {
      boolean calls = result.report().items().stream()
          .anyMatch(i -> i.message() == Message.SECOND_ORDER_CALL);
      if (calls) {
        report.addAll(result.report());
      } else {
        report.add(Message.SECOND_ORDER_BODY, method, name,
            "reverse mode cannot differentiate its forward derivative (" + reason(result.report())
                + ")");
      }
      return Optional.empty();
    }
    if (MethodSize.estimate(result.derivative().get().derivative()) > splitAbove()) {
      report.add(Message.SECOND_ORDER_BODY, method, name, "it is too long for its"
          + " Hessian-vector product to fit in one generated method (long second-order methods"
          + " are not split yet)");
      return Optional.empty();
    }
    return result.derivative();
  }

  /**
   * Reports a generated member over the JVM's limit on parameters ({@link Slots}) at the annotated
   * method it belongs to: the one whose name begins the member's (or its class's) name, the
   * longest such, else the class.
   */
  private void tooManyParameters(Unit unit, Slots.Over over) {
    String[] path = over.member().split("\\.");
    String member = path[path.length - 1].equals("<init>") ? path[path.length - 2]
        : path.length > 2 ? path[path.length - 2] + "." + path[path.length - 1]
        : path[path.length - 1];
    ClassPlan.MethodPlan owner = null;
    for (ClassPlan.MethodPlan m : unit.plan.methods()) {
      String name = m.model().signature().name().toLowerCase(Locale.ROOT);
      boolean begins = false;
      for (int i = 1; i < path.length; i++) {
        begins |= path[i].toLowerCase(Locale.ROOT).startsWith(name);
      }
      if (begins && (owner == null
          || name.length() > owner.model().signature().name().length())) {
        owner = m;
      }
    }
    if (owner == null) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.TOO_MANY_PARAMETERS.format("a", unit.type.getSimpleName(), 0, member,
              over.slots()), unit.type);
      return;
    }
    Signature s = owner.model().signature();
    int slots = s.instance() ? 1 : 0;
    for (Param p : s.params()) { // flat: a record parameter's components
      slots += Slots.of(p.type());
    }
    ExecutableElement method = methodNamed(unit.type, s.name());
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
        Message.TOO_MANY_PARAMETERS.format(Annotations.kindOf(method), s.name(), slots, member,
            over.slots()), method);
  }

  /**
   * Why a derivative of generated code failed, from the first error of {@code report}, without its
   * tag or its fix (which speak of the user's code, not of the code second order differentiates).
   */
  private static String reason(Report report) {
    String text = report.items().stream().findFirst().map(Report.Item::text)
        .orElse("no reason given");
    if (text.startsWith("[") && text.contains("] ")) {
      text = text.substring(text.indexOf("] ") + 2);
    }
    int fix = text.lastIndexOf("; ");
    return fix > 0 ? text.substring(0, fix) : text;
  }

  /**
   * The callees of {@code body} that second order did not write in and whose Hessian-vector
   * products exist (an {@code order = 2} method of this round, of this class too, or one whose
   * generated class has {@code gHvp}), each with the {@link Nested.Kind#AT_TANGENT} and {@link
   * Nested.Kind#AT_VALUE} functions of the caller's class that second order differentiates its
   * calls through ({@link ReverseOverForward}): those of the same callee in {@code functions},
   * or new ones added there.
   */
  private Map<Signature, ReverseOverForward.Through> throughHvp(Unit unit, MethodBody body,
      ForwardDerivative forward, List<ClassPlan> plans, List<Nested> functions) {
    // The calls that forward mode differentiates (through the callee's JVP): varying ones.
    Set<SourceRef> varying = new HashSet<>();
    IrWalker.forEachStmt(forward.body(), st -> {
      if (st instanceof Stmt.Declare d && d.variable().kind() == Variable.Kind.CALL
          && d.init() != null) {
        varying.add(d.init().ref());
      }
    });
    Map<Signature, ReverseOverForward.Through> out = new LinkedHashMap<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (!(e instanceof Expr.DiffCall call) || !varying.contains(call.ref())
          || out.containsKey(call.callee())
          || !ReverseOverForward.NESTABLE.test(call.callee())
          || !hasSecondOrder(call.callee(), plans)) {
        return;
      }
      out.put(call.callee(), new ReverseOverForward.Through(
          atFunction(unit, Nested.Kind.AT_TANGENT, call.callee(), functions),
          atFunction(unit, Nested.Kind.AT_VALUE, call.callee(), functions)));
    });
    return out;
  }

  /** The function of {@code kind} ({@link Nested#at}) of the caller's class for {@code callee}. */
  private static Signature atFunction(Unit unit, Nested.Kind kind, Signature callee,
      List<Nested> functions) {
    Nested n = functions.stream()
        .filter(f -> f.kind() == kind && f.target().equals(callee))
        .findFirst().orElse(null);
    if (n == null) {
      Set<String> taken = new HashSet<>();
      unit.plan.methods().forEach(m -> taken.add(m.model().signature().name()));
      functions.forEach(f -> taken.add(f.function().name()));
      n = Nested.named(kind, callee, -1, unit.plan.owner(), taken, null);
      functions.add(n);
    }
    return n.function();
  }

  /**
   * The callees of {@code body} that are custom rules of this round (or an earlier one) that a
   * caller's implied order could not give second-order members, each with why.
   */
  private Map<Signature, String> rulesWithoutSecondOrder(MethodBody body) {
    Map<Signature, String> out = new LinkedHashMap<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (e instanceof Expr.DiffCall call) {
        String why = ruleWithout.get(
            call.callee().owner().canonicalName() + "." + call.callee().name());
        if (why != null) {
          out.put(call.callee(), why);
        }
      }
    });
    return out;
  }

  /**
   * The callees of {@code body} of other classes that are custom rules, each with its annotation's
   * simple name ({@code CustomVjp} or {@code CustomJvp}): of this round by their plans, of a jar
   * by the annotations of its method, so that a message asks for {@code order = 2} on the
   * annotation the rule has.
   */
  private Map<Signature, String> ruleCallees(MethodBody body, List<ClassPlan> plans) {
    Map<Signature, String> out = new LinkedHashMap<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (!(e instanceof Expr.DiffCall call) || out.containsKey(call.callee())) {
        return;
      }
      Signature callee = call.callee();
      for (ClassPlan plan : plans) {
        if (plan.owner().equals(callee.owner())) {
          plan.methods().stream()
              .filter(m -> m.model().signature().name().equals(callee.name())
                  && m.model().isCustom())
              .findFirst()
              .ifPresent(m -> out.put(callee,
                  m.model().hasJvpRule() ? "CustomJvp" : "CustomVjp"));
          return;
        }
      }
      TypeElement owner = processingEnv.getElementUtils()
          .getTypeElement(callee.owner().canonicalName());
      if (owner == null) {
        return;
      }
      for (ExecutableElement m : ElementFilter.methodsIn(owner.getEnclosedElements())) {
        if (!m.getSimpleName().contentEquals(callee.name())) {
          continue;
        }
        if (Annotations.has(m, Annotations.CUSTOM_VJP)) {
          out.put(callee, "CustomVjp");
        } else if (Annotations.has(m, Annotations.CUSTOM_JVP)) {
          out.put(callee, "CustomJvp");
        }
      }
    });
    return out;
  }

  /**
   * Whether {@code callee} has a Hessian-vector product: an {@code order = 2} method (a {@code
   * @Differentiable} or {@code @CustomJvp} one) of this round, or of a jar whose generated class
   * has it.
   */
  private boolean hasSecondOrder(Signature callee, List<ClassPlan> plans) {
    for (ClassPlan plan : plans) {
      if (plan.owner().equals(callee.owner())) {
        return plan.methods().stream().anyMatch(m -> m.model().signature().name()
            .equals(callee.name()) && m.model().secondOrder());
      }
    }
    TypeElement adjoint = processingEnv.getElementUtils()
        .getTypeElement(callee.adjointClass().canonicalName());
    String hvp = AdjointNames.hvpMethod(callee);
    return adjoint != null && ElementFilter.methodsIn(adjoint.getEnclosedElements()).stream()
        .anyMatch(m -> m.getSimpleName().contentEquals(hvp));
  }

  /** Whether a method's annotation says {@code order = 2} (checked by {@link Orders}). */
  private static boolean asksSecondOrder(ExecutableElement method) {
    for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
          : mirror.getElementValues().entrySet()) {
        if (e.getKey().getSimpleName().contentEquals("order")
            && Integer.valueOf(2).equals(e.getValue().getValue())) {
          return true;
        }
      }
    }
    return false;
  }

  private static ExecutableElement methodNamed(TypeElement type, String name) {
    return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
        .filter(m -> m.getSimpleName().contentEquals(name))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Writes the calls of helpers with out-parameters into their callers, across the round's
   * classes ({@link OutParams}); the helpers themselves leave the plans (they have no members of
   * their own), and a class with errors at such calls or writes fails, with what it calls.
   */
  private void writeInOutParams(List<Unit> units) {
    List<OutParams.Method> methods = new ArrayList<>();
    for (Unit unit : units) {
      for (ClassPlan.MethodPlan m : unit.plan.methods()) {
        if (m.body().isPresent()) {
          methods.add(new OutParams.Method(m.model().signature(), m.body().get(),
              m.model().isCustom()));
        }
      }
    }
    OutParams.Result result = OutParams.rewrite(methods, earlierMethods);
    for (OutParams.Method m : methods) {
      OutParams.Key key = OutParams.Key.of(m.signature());
      earlierMethods.add(new OutParams.Method(m.signature(), result.bodies().get(key)));
    }
    for (ListIterator<Unit> it = units.listIterator(); it.hasNext(); ) {
      Unit unit = it.next();
      boolean clean = true;
      List<ClassPlan.MethodPlan> kept = new ArrayList<>();
      for (ClassPlan.MethodPlan m : unit.plan.methods()) {
        OutParams.Key key = OutParams.Key.of(m.model().signature());
        Report problems = result.reports().getOrDefault(key, Report.empty());
        if (m.model().isCustom()) {
          // A rule's primal body is only FromBody's reference: where it writes into its
          // parameters or calls a helper that cannot be written in, it has none (as for any body
          // outside the subset).
          boolean usable = m.body().isPresent() && problems.isClean()
              && !result.writesParameters().contains(key);
          kept.add(new ClassPlan.MethodPlan(m.model(),
              usable ? Optional.of(result.bodies().get(key)) : Optional.empty(), m.ruleBody()));
          continue;
        }
        if (result.writers().contains(key) && m.model().secondOrder()) {
          // Its calls are written into its callers: order = 2 would ask for members it lacks.
          String name = m.model().signature().name();
          problems = Report.builder().addAll(problems).add(Message.SECOND_ORDER_OUT_PARAMETER,
              methodNamed(unit.type, name), name).build();
        }
        reporter.print(problems);
        clean &= problems.isClean();
        if (result.writers().contains(key) || m.body().isEmpty()) {
          if (!result.writers().contains(key)) {
            kept.add(m);
          }
          continue;
        }
        kept.add(new ClassPlan.MethodPlan(m.model(), Optional.of(result.bodies().get(key)),
            m.ruleBody()));
      }
      if (!clean) {
        it.remove();
        fail(unit.plan.owner());
      } else if (kept.isEmpty()) {
        it.remove(); // only helpers with out-parameters: nothing to generate
      } else {
        // (with its uses of other classes' generated APIs: dropping them lost the functions
        // that nested gradients are lowered to)
        it.set(new Unit(unit.type, new ClassPlan(unit.plan.owner(), unit.plan.isPublic(), kept,
            unit.plan.nested()),
            unit.notes));
      }
    }
  }

  /** Marks a class of this round as generating nothing. */
  private void fail(ClassName owner) {
    generatedHere.remove(owner);
    failed.add(owner);
  }

  /**
   * Whether {@code @javax.annotation.processing.Generated} is visible where {@code type} lives: on
   * the class path always; in a named module only if it reads {@code java.compiler} (Dagger's
   * GeneratedAnnotations rule).
   */
  private boolean seesGenerated(TypeElement type) {
    if (processingEnv.getElementUtils().getTypeElement("javax.annotation.processing.Generated")
        == null) {
      return false;
    }
    ModuleElement module = processingEnv.getElementUtils().getModuleOf(type);
    if (module == null || module.isUnnamed()) {
      return true;
    }
    return module.getDirectives().stream()
        .filter(d -> d.getKind() == ModuleElement.DirectiveKind.REQUIRES)
        .map(d -> ((ModuleElement.RequiresDirective) d).getDependency().getQualifiedName())
        .anyMatch(n -> n.contentEquals("java.compiler"));
  }

  /** The classes of the annotated methods a plan calls: originating elements of its file too. */
  private List<TypeElement> calleeClasses(ClassPlan plan) {
    Set<String> names = new TreeSet<>();
    for (ClassName owner : CallGraph.calleeOwners(plan)) {
      names.add(owner.canonicalName());
    }
    List<TypeElement> out = new ArrayList<>();
    for (String name : names) {
      TypeElement t = processingEnv.getElementUtils().getTypeElement(name);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private void internalError(TypeElement type, Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    processingEnv.getMessager().printMessage(
        Diagnostic.Kind.ERROR,
        Message.INTERNAL_ERROR.format(type.getQualifiedName(), trace),
        type);
  }

  /**
   * Reports each call in {@code m}'s body of a plain method (compiled here) that replaces an
   * array field the body reads: the derivatives read each array field once, where they begin.
   */
  private void replacedFieldArrays(ExecutableElement m, Report.Builder report) {
    if (access.isEmpty()) {
      return;
    }
    for (TreeAccess.FieldWrite w : access.get().callsReplacingArrayFieldsRead(m,
        callee -> Annotations.isAnnotated(callee) || inGeneratedClass(callee))) {
      report.add(Message.UNSUPPORTED_CONSTRUCT, w.call(), "A call of " + w.callee()
          + ", which replaces the array field " + w.field() + " that this method reads ("
          + w.field() + " = ...),", "; its derivatives read each array field once, where they begin, so they"
          + " would read the array it replaced: write into the array's elements instead, or pass"
          + " the array in as a parameter");
    }
  }

  /**
   * {@code body}, with its array parameters marked as perhaps written under another name ({@link
   * MethodBody#aliasedArrays}): all of them where the method (or one it calls) may write an
   * element of an array a field holds, since a caller may pass that very array as data (red team
   * of stop 29, finding 5); and each that has the type of another parameter the body gives to a
   * call that is not differentiated, since a caller may pass one array for both (red team of
   * stop 30: put(a, v) between two reads of b).
   */
  private MethodBody withAliasedArrays(ExecutableElement m, MethodBody body) {
    boolean fieldWrites = access.isPresent()
        && access.get().fieldArrayWrite(m, AdjointProcessor::inGeneratedClass).isPresent();
    Set<Variable> passed = new HashSet<>();
    IrWalker.forEachExpr(body.body(), e -> {
      if (e instanceof Expr.OpaqueCall c) {
        passed.addAll(Uses.passedArrays(c));
      }
    });
    Set<Variable> arrays = new LinkedHashSet<>();
    for (Variable p : body.params()) {
      if (!Expr.isArray(p.type()) && !Expr.isDiscreteArray(p.type())) {
        continue;
      }
      if (fieldWrites || body.params().stream()
          .anyMatch(q -> q != p && q.type().equals(p.type()) && passed.contains(q))) {
        arrays.add(p);
      }
    }
    return arrays.isEmpty() ? body : new MethodBody(body.params(), body.body(), arrays);
  }

  /** Whether {@code e} is declared in a class this processor generated. */
  private static boolean inGeneratedClass(Element e) {
    for (Element at = e; at != null; at = at.getEnclosingElement()) {
      if (at instanceof TypeElement type && MethodValidator.isGeneratedByUs(type)) {
        return true;
      }
    }
    return false;
  }
}

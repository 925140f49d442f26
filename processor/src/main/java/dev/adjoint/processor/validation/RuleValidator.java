package dev.adjoint.processor.validation;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.model.VjpRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks the custom rules of one class: pairs each {@code @CustomVjp} method with its {@code @Fwd}
 * and {@code @Bwd} companions, and each {@code @CustomJvp} method with its {@code @Jvp} companion,
 * and checks their shapes (DESIGN.md, "Rule shapes"). Whether a {@code @Jvp} rule's tangent is
 * linear is a question about its body, answered later ({@code transform.analysis.Linearity}).
 *
 * <p>Every problem is reported once, at the most precise place javac allows: the annotation value
 * for a name that does not resolve, the parameter for a wrong parameter type, the method for a
 * wrong return type. Each faulty companion, and each primal missing one, gets a note with the
 * signature expected of it. The companions of a primal whose own signature has errors are not
 * checked: their errors would follow from the primal's. Messages come out in source order.
 */
public final class RuleValidator {

  /**
   * The rules of the primals whose companions are valid, in source order, and the report.
   *
   * @param rules the VJP rule of each valid {@code @CustomVjp} method
   * @param jvpRules the {@code @Jvp} method of each valid {@code @CustomJvp} method
   */
  public record Result(
      Map<ExecutableElement, VjpRule> rules,
      Map<ExecutableElement, ExecutableElement> jvpRules,
      Report report) {}

  private static final String FWD_RESULT = "dev.adjoint.runtime.FwdResult";
  private static final String JVP_RESULT = "dev.adjoint.runtime.JvpResult";

  private final ProcessingEnvironment env;

  public RuleValidator(ProcessingEnvironment env) {
    this.env = env;
  }

  /**
   * Checks every {@code @Fwd} and {@code @Bwd} method of {@code type} and every {@code @CustomVjp}
   * method in {@code signatures}.
   *
   * @param type the class
   * @param signatures the {@code @CustomVjp} methods of the class whose own signatures are valid,
   *     in source order
   */
  public Result check(TypeElement type, Map<ExecutableElement, Signature> signatures) {
    return new ClassCheck(env.getTypeUtils(), env.getElementUtils(), type, signatures).run();
  }

  /** The companions of rules: the two halves of a VJP rule, and a JVP rule. */
  private enum Role {
    FWD("Fwd", Annotations.FWD, Annotations.CUSTOM_VJP),
    BWD("Bwd", Annotations.BWD, Annotations.CUSTOM_VJP),
    JVP("Jvp", Annotations.JVP, Annotations.CUSTOM_JVP);

    final String simpleName;
    final String annotation;
    /** The annotation of the primal it is a companion of. */
    final String primal;

    Role(String simpleName, String annotation, String primal) {
      this.simpleName = simpleName;
      this.annotation = annotation;
      this.primal = primal;
    }

    boolean ofJvp() {
      return this == JVP;
    }
  }

  /** A method annotated {@code @Fwd(target)} or {@code @Bwd(target)}. */
  private record Companion(
      ExecutableElement method,
      Role role,
      AnnotationMirror mirror,
      AnnotationValue value,
      String target) {
    String name() {
      return method.getSimpleName().toString();
    }
  }

  /** The companions that name one primal, in source order. */
  private static final class Companions {
    final List<Companion> fwds = new ArrayList<>();
    final List<Companion> bwds = new ArrayList<>();
    final List<Companion> jvps = new ArrayList<>();

    List<Companion> of(Role role) {
      return switch (role) {
        case FWD -> fwds;
        case BWD -> bwds;
        case JVP -> jvps;
      };
    }
  }

  /** A message waiting to be sorted into source order. */
  private record Pending(int order, int sequence, Consumer<Report.Builder> add) {}

  /** The check of one class; holds what its steps share. */
  private static final class ClassCheck {
    private final Types types;
    private final Elements elements;
    private final TypeElement type;
    private final Map<ExecutableElement, Signature> signatures;
    private final String adjointName;
    /** The methods of the class, in source order. */
    private final List<ExecutableElement> methods;
    /** The methods of the class by name, in source order. */
    private final Map<String, List<ExecutableElement>> byName = new LinkedHashMap<>();
    /** Methods whose form (static, private, ...) has been checked: each is reported once. */
    private final Set<ExecutableElement> formChecked = new HashSet<>();
    /**
     * "Fwd:f" when an {@code @Fwd} names no method and {@code f} is the suggestion: f's missing
     * {@code @Fwd} is then that same mistake, reported once, at the misspelled name.
     */
    private final Set<String> misspelled = new HashSet<>();

    private final List<Pending> pending = new ArrayList<>();
    private int errors;

    ClassCheck(
        Types types,
        Elements elements,
        TypeElement type,
        Map<ExecutableElement, Signature> signatures) {
      this.types = types;
      this.elements = elements;
      this.type = type;
      this.signatures = signatures;
      this.adjointName = MethodValidator.adjointOf(type).simpleName();
      this.methods = ElementFilter.methodsIn(type.getEnclosedElements());
      for (ExecutableElement m : methods) {
        byName.computeIfAbsent(m.getSimpleName().toString(), k -> new ArrayList<>()).add(m);
      }
    }

    Result run() {
      Map<ExecutableElement, Companions> attached = resolveTargets();
      Map<ExecutableElement, VjpRule> rules = new LinkedHashMap<>();
      Map<ExecutableElement, ExecutableElement> jvpRules = new LinkedHashMap<>();
      for (ExecutableElement primal : methods) {
        Signature signature = signatures.get(primal);
        if (signature == null
            || isCompanion(primal)
            || byName.get(primal.getSimpleName().toString()).size() > 1) {
          // Its own errors (or OVERLOAD's, reported with the class) come first.
          continue;
        }
        Companions companions = attached.getOrDefault(primal, new Companions());
        if (Annotations.has(primal, Annotations.CUSTOM_VJP)) {
          checkPrimal(primal, signature, companions).ifPresent(rule -> rules.put(primal, rule));
        } else if (Annotations.has(primal, Annotations.CUSTOM_JVP)) {
          checkJvpPrimal(primal, signature, companions)
              .ifPresent(rule -> jvpRules.put(primal, rule));
        }
      }
      pending.sort(Comparator.comparingInt(Pending::order).thenComparingInt(Pending::sequence));
      Report.Builder report = Report.builder();
      pending.forEach(p -> p.add().accept(report));
      return new Result(rules, jvpRules, report.build());
    }

    // ---------------------------------------------------------------- wiring

    /**
     * Finds the primal each companion names, reporting names that do not resolve to one
     * {@code @CustomVjp} method; returns the companions of each valid primal.
     */
    private Map<ExecutableElement, Companions> resolveTargets() {
      Map<ExecutableElement, Companions> attached = new LinkedHashMap<>();
      for (ExecutableElement m : methods) {
        for (Role role : Role.values()) {
          Optional<AnnotationMirror> mirror = Annotations.find(m, role.annotation);
          if (mirror.isEmpty()) {
            continue;
          }
          Optional<AnnotationValue> value = Annotations.value(mirror.get());
          if (value.isEmpty() || !(value.get().getValue() instanceof String target)) {
            continue; // javac reports a missing or unresolved value itself
          }
          Companion c = new Companion(m, role, mirror.get(), value.get(), target);
          resolve(c).ifPresent(primal ->
              attached.computeIfAbsent(primal, k -> new Companions()).of(role).add(c));
        }
      }
      return attached;
    }

    /** The valid primal {@code c} names, if any; reports why not where that is its fault. */
    private Optional<ExecutableElement> resolve(Companion c) {
      String kind = c.role.simpleName;
      List<ExecutableElement> named = byName.getOrDefault(c.target, List.of());
      if (named.isEmpty()) {
        Optional<String> suggestion = suggestion(c);
        suggestion.ifPresent(s -> misspelled.add(kind + ":" + s));
        error(c.role.ofJvp() ? Message.UNKNOWN_JVP_TARGET : Message.UNKNOWN_TARGET,
            c.method, c.mirror, c.value,
            kind, c.target, type.getSimpleName(), type.getSimpleName(), c.target,
            suggestion.map(s -> "; did you mean " + s + "?").orElse(""));
        checkForm(c);
        return Optional.empty();
      }
      if (named.size() > 1) {
        error(Message.AMBIGUOUS_TARGET, c.method, c.mirror, c.value,
            kind, c.target, c.target, named.size());
        checkForm(c);
        return Optional.empty();
      }
      ExecutableElement target = named.get(0);
      if (!Annotations.has(target, c.role.primal)) {
        String wanted = c.role.ofJvp() ? "@CustomJvp" : "@CustomVjp";
        String what;
        String fix;
        if (Annotations.has(target, Annotations.DIFFERENTIABLE)) {
          what = "@Differentiable, not " + wanted;
          fix = "replace @Differentiable with " + wanted + " to use the rule, or remove the"
              + " companion";
        } else if (Annotations.isCustom(target) && !isCompanion(target)) {
          what = Annotations.kindOf(target) + ", not " + wanted;
          fix = c.role.ofJvp()
              ? "a @CustomVjp method takes @Fwd and @Bwd companions, not @Jvp"
              : "a @CustomJvp method takes one @Jvp companion, not @Fwd or @Bwd";
        } else if (isCompanion(target)) {
          what = "itself a rule companion";
          fix = "name the " + wanted + " method the rule is for";
        } else {
          what = "not annotated " + wanted;
          fix = "annotate it " + wanted + ", or remove the companion";
        }
        error(c.role.ofJvp() ? Message.TARGET_NOT_CUSTOM_JVP : Message.TARGET_NOT_CUSTOM_VJP,
            c.method, c.mirror, c.value, kind, c.target, c.target, what, fix);
        checkForm(c);
        return Optional.empty();
      }
      if (!signatures.containsKey(target) || isCompanion(target)) {
        return Optional.empty(); // the primal has errors of its own, reported elsewhere
      }
      return Optional.of(target);
    }

    /** The nearest name to a target that does not resolve: a primal of the rule's kind first. */
    private Optional<String> suggestion(Companion c) {
      List<String> primals = new ArrayList<>();
      List<String> others = new ArrayList<>();
      for (Map.Entry<String, List<ExecutableElement>> e : byName.entrySet()) {
        ExecutableElement m = e.getValue().get(0);
        if (Annotations.has(m, c.role.primal)) {
          primals.add(e.getKey());
        } else if (!isCompanion(m)) {
          others.add(e.getKey());
        }
      }
      Optional<String> best = EditDistance.mostSimilar(c.target, primals);
      return best.isPresent() ? best : EditDistance.mostSimilar(c.target, others);
    }

    /** Checks one primal's companions; its rule when they are all valid. */
    private Optional<VjpRule> checkPrimal(
        ExecutableElement primal, Signature signature, Companions companions) {
      int errorsBefore = errors;
      // The bwd takes the residuals of the one fwd, when there is one with a valid return type.
      Optional<Companion> theFwd =
          companions.fwds.size() == 1 ? Optional.of(companions.fwds.get(0)) : Optional.empty();
      Optional<TypeMirror> residual = theFwd.flatMap(f -> residualOf(f.method));
      for (Role role : List.of(Role.FWD, Role.BWD)) {
        if (companions.of(role).isEmpty()
            && !misspelled.contains(role.simpleName + ":" + primal.getSimpleName())) {
          reportMissing(primal, signature, role, residual);
        }
      }
      for (Companion fwd : companions.fwds) {
        checkCompanion(fwd, companions.fwds, primal, signature, theFwd, residual);
      }
      Optional<List<VjpRule.Cotangent>> cotangents = Optional.empty();
      for (Companion bwd : companions.bwds) {
        cotangents = checkCompanion(bwd, companions.bwds, primal, signature, theFwd, residual);
      }
      if (errors != errorsBefore
          || companions.fwds.size() != 1
          || companions.bwds.size() != 1
          || isSplit(companions.fwds.get(0).method)
          || isSplit(companions.bwds.get(0).method)
          || residual.isEmpty()
          || cotangents.isEmpty()) {
        return Optional.empty();
      }
      ExecutableElement bwd = companions.bwds.get(0).method;
      return Optional.of(
          new VjpRule(
              companions.fwds.get(0).name(),
              bwd.getSimpleName().toString(),
              TypeName.get(residual.get()),
              TypeName.get(bwd.getReturnType()),
              cotangents.get()));
    }

    private void reportMissing(
        ExecutableElement primal, Signature signature, Role role, Optional<TypeMirror> residual) {
      String name = primal.getSimpleName().toString();
      String candidateName = name + role.simpleName;
      Optional<ExecutableElement> candidate = candidate(candidateName);
      String hint =
          candidate.isPresent()
              ? String.format(
                  "; did you forget @%s(\"%s\") on %s?", role.simpleName, name, candidateName)
              : "";
      error(role == Role.FWD ? Message.MISSING_FWD : Message.MISSING_BWD, primal, null, null,
          name, type.getSimpleName(), name, hint);
      note(primal, role == Role.FWD
          ? expectedFwd(primal, candidateName, residual)
          : expectedBwd(primal, signature, candidateName, residual, Optional.empty()));
      candidate.ifPresent(m ->
          error(Message.UNUSED_COMPANION_CANDIDATE, m, null, null,
              candidateName, role.simpleName, name, role.simpleName, name, candidateName));
    }

    /** An unannotated method called {@code name}: a companion whose annotation was forgotten. */
    private Optional<ExecutableElement> candidate(String name) {
      return byName.getOrDefault(name, List.of()).stream()
          .filter(m -> !isCompanion(m) && !Annotations.isAnnotated(m))
          .findFirst();
    }

    /**
     * Checks one companion of a valid primal: that it is the only one of its role, its form and
     * its shape; follows its errors with the expected signature. For a {@code @Bwd}, returns where
     * each cotangent is in its result when its return type is valid.
     */
    private Optional<List<VjpRule.Cotangent>> checkCompanion(
        Companion c,
        List<Companion> siblings,
        ExecutableElement primal,
        Signature signature,
        Optional<Companion> theFwd,
        Optional<TypeMirror> residual) {
      int errorsBefore = errors;
      if (siblings.indexOf(c) > 0) {
        error(Message.DUPLICATE_COMPANION, c.method, c.mirror, null,
            primal.getSimpleName(), c.role.simpleName, siblings.size(),
            siblings.stream().map(Companion::name).collect(Collectors.joining(", ")));
      }
      checkForm(c);
      Optional<List<VjpRule.Cotangent>> cotangents = Optional.empty();
      if (!isSplit(c.method)) {
        if (c.role == Role.FWD) {
          checkFwdShape(c, primal);
        } else {
          cotangents = checkBwdShape(c, primal, signature, theFwd, residual);
        }
      }
      if (errors != errorsBefore) {
        note(c.method, c.role == Role.FWD
            ? expectedFwd(primal, c.name(), residualOf(c.method))
            : expectedBwd(primal, signature, c.name(), residual,
                Optional.of(c.method.getReturnType())));
      }
      return isSplit(c.method) ? Optional.empty() : cotangents;
    }

    /**
     * What the generated class needs of any companion method, once per method: static, not
     * abstract, not generic, not private, no checked exceptions, and no other role.
     */
    private void checkForm(Companion c) {
      ExecutableElement m = c.method;
      if (!formChecked.add(m)) {
        return;
      }
      String kind = "@" + c.role.simpleName;
      String name = c.name();
      for (String other : List.of(
          Annotations.DIFFERENTIABLE, Annotations.CUSTOM_VJP, Annotations.CUSTOM_JVP)) {
        Optional<AnnotationMirror> mirror = Annotations.find(m, other);
        if (mirror.isPresent()) {
          String otherName = other.substring(other.lastIndexOf('.') + 1);
          error(Message.COMPANION_ALSO_ANNOTATED, m, mirror.get(), null,
              c.role.simpleName, name, otherName,
              "a companion gets no adjoint of its own, so remove @" + otherName);
        }
      }
      if (Annotations.has(m, Annotations.FWD) && Annotations.has(m, Annotations.BWD)) {
        // Not isSplit(m): that counts @Jvp too, and @Fwd with @Jvp has no @Bwd to point at.
        error(Message.COMPANION_ALSO_ANNOTATED, m,
            Annotations.find(m, Annotations.BWD).orElseThrow(), null,
            "Fwd", name, "Bwd",
            "one method cannot be both halves of a rule, so split it into an @Fwd and a @Bwd"
                + " method");
      }
      if (Annotations.has(m, Annotations.JVP)
          && (Annotations.has(m, Annotations.FWD) || Annotations.has(m, Annotations.BWD))) {
        String other = Annotations.has(m, Annotations.FWD) ? "Fwd" : "Bwd";
        error(Message.COMPANION_ALSO_ANNOTATED, m,
            Annotations.find(m, Annotations.JVP).orElseThrow(), null,
            other, name, "Jvp",
            "a method is a companion of one rule, so keep one annotation");
      }
      if (m.getModifiers().contains(Modifier.ABSTRACT)) {
        error(Message.ABSTRACT_METHOD, m, null, null, kind, name);
      } else if (!m.getModifiers().contains(Modifier.STATIC)) {
        error(c.role.ofJvp() ? Message.JVP_STATIC_MISMATCH : Message.STATIC_MISMATCH, m, null,
            null, c.role.simpleName, name);
      }
      if (!m.getTypeParameters().isEmpty()) {
        error(Message.TYPE_PARAMETERS, m, null, null, kind, name,
            m.getTypeParameters().stream()
                .map(t -> t.getSimpleName().toString())
                .collect(Collectors.joining(", ")));
      }
      if (m.getModifiers().contains(Modifier.PRIVATE)) {
        error(Message.INACCESSIBLE, m, null, null, kind + " method " + name, adjointName);
      }
      List<String> checked = new ArrayList<>();
      for (TypeMirror thrown : m.getThrownTypes()) {
        if (isChecked(thrown)) {
          checked.add(TypeText.of(thrown));
        }
      }
      if (!checked.isEmpty()) {
        error(Message.COMPANION_THROWS, m, null, null,
            c.role.simpleName, name, String.join(", ", checked));
      }
      // Advice, not a fault: @NoDiff means something only on the primal's parameters.
      List<? extends VariableElement> params = m.getParameters();
      for (int i = 0; i < params.size(); i++) {
        VariableElement p = params.get(i);
        Optional<AnnotationMirror> noDiff = Annotations.find(p, Annotations.NO_DIFF);
        if (noDiff.isPresent()) {
          List<ExecutableElement> primals = byName.getOrDefault(c.target, List.of());
          boolean known = c.role != Role.BWD && primals.size() == 1
              && i < primals.get(0).getParameters().size();
          String primalParam = known
              ? primals.get(0).getParameters().get(i).getSimpleName().toString() : null;
          // The whole fix: a valid rule differentiates the parameter, so moving @NoDiff alone
          // leaves a cotangent (AdjointBwdNondiffComponent) or a tangent (AdjointJvpParameters)
          // too many.
          String fix = (known
                  ? "mark its parameter " + primalParam + " @NoDiff instead"
                  : "mark the parameter of " + c.target + " @NoDiff instead")
              + (c.role.ofJvp()
                  ? ", and drop " + (known ? primalParam + "'s" : "its")
                      + " tangent from the @Jvp's parameters"
                  : ", and leave " + (known ? primalParam + "'s" : "its")
                      + " cotangent out of the @Bwd's result");
          add(c.role.ofJvp() ? Message.NO_DIFF_ON_JVP : Message.NO_DIFF_ON_COMPANION, p,
              noDiff.get(), null, new Object[] {
              p.getSimpleName(), c.role.simpleName, name, c.target, fix});
        }
      }
    }

    // ---------------------------------------------------------------- @Jvp

    /** Checks a {@code @CustomJvp} primal's one {@code @Jvp} companion; the rule, when valid. */
    private Optional<ExecutableElement> checkJvpPrimal(
        ExecutableElement primal, Signature signature, Companions companions) {
      int errorsBefore = errors;
      String name = primal.getSimpleName().toString();
      if (companions.jvps.isEmpty() && !misspelled.contains("Jvp:" + name)) {
        String candidateName = name + "Jvp";
        Optional<ExecutableElement> candidate = candidate(candidateName);
        error(Message.MISSING_JVP, primal, null, null, name, type.getSimpleName(), name,
            candidate.isPresent()
                ? String.format("; did you forget @Jvp(\"%s\") on %s?", name, candidateName)
                : "");
        note(primal, expectedJvp(primal, signature, candidateName));
        candidate.ifPresent(m ->
            error(Message.UNUSED_JVP_CANDIDATE, m, null, null,
                candidateName, "Jvp", name, "Jvp", name, candidateName));
      }
      for (Companion c : companions.jvps) {
        int before = errors;
        if (companions.jvps.indexOf(c) > 0) {
          error(Message.DUPLICATE_JVP, c.method, c.mirror, null,
              name, "Jvp", companions.jvps.size(),
              companions.jvps.stream().map(Companion::name).collect(Collectors.joining(", ")));
        }
        checkForm(c);
        if (!isSplit(c.method)) {
          checkJvpShape(c, primal, signature);
        }
        if (errors != before) {
          note(c.method, expectedJvp(primal, signature, c.name()));
        }
      }
      if (errors != errorsBefore || companions.jvps.size() != 1) {
        return Optional.empty();
      }
      return Optional.of(companions.jvps.get(0).method);
    }

    /**
     * The primal's parameters, then one tangent per differentiable parameter of the same type;
     * returns {@code JvpResult<O', T'>}, both the result type boxed.
     */
    private void checkJvpShape(Companion c, ExecutableElement primal, Signature signature) {
      ExecutableElement jvp = c.method;
      String name = c.name();
      String primalName = primal.getSimpleName().toString();
      List<TypeMirror> want = new ArrayList<>();
      List<String> wantNames = new ArrayList<>();
      for (VariableElement p : primal.getParameters()) {
        want.add(p.asType());
        wantNames.add(p.getSimpleName().toString());
      }
      for (Param p : signature.diffParams()) {
        want.add(parameter(primal, p).asType());
        wantNames.add(p.name() + "Dot");
      }
      List<? extends VariableElement> got = jvp.getParameters();
      if (got.size() != want.size()) {
        error(Message.JVP_PARAMETER_COUNT, jvp, null, null, name, primalName,
            expectedParameters(want, wantNames), typesOf(got));
      } else {
        int n = primal.getParameters().size();
        for (int i = 0; i < got.size(); i++) {
          VariableElement g = got.get(i);
          if (!types.isSameType(g.asType(), want.get(i))) {
            String what = i < n
                ? TypeText.of(want.get(i)) + " (parameter " + wantNames.get(i) + " of "
                    + primalName + ")"
                : TypeText.of(want.get(i)) + " (the tangent of "
                    + signature.diffParams().get(i - n).name() + ")";
            error(Message.JVP_PARAMETER_TYPE, g, null, null,
                name, what, i + 1, g.getSimpleName(), TypeText.of(g.asType()));
          }
        }
      }
      TypeMirror output = boxed(primal.getReturnType());
      TypeMirror returned = jvp.getReturnType();
      boolean valid = returned.getKind() == TypeKind.DECLARED
          && ((TypeElement) ((DeclaredType) returned).asElement()).getQualifiedName()
              .contentEquals(JVP_RESULT)
          && ((DeclaredType) returned).getTypeArguments().size() == 2
          && ((DeclaredType) returned).getTypeArguments().stream()
              .allMatch(t -> types.isSameType(t, output));
      if (!valid) {
        String text = TypeText.of(returned);
        if (returned.getKind() == TypeKind.DECLARED
            && ((DeclaredType) returned).getTypeArguments().isEmpty()
            && ((TypeElement) ((DeclaredType) returned).asElement()).getQualifiedName()
                .contentEquals(JVP_RESULT)) {
          text = "the raw type JvpResult";
        } else if (returned.getKind() == TypeKind.DECLARED && text.startsWith("JvpResult")
            && !((TypeElement) ((DeclaredType) returned).asElement()).getQualifiedName()
                .contentEquals(JVP_RESULT)) {
          text = ((TypeElement) ((DeclaredType) returned).asElement()).getQualifiedName()
              + text.substring("JvpResult".length()) + " (not " + JVP_RESULT + ")";
        }
        error(Message.JVP_RETURN, jvp, null, null, name, TypeText.of(output),
            TypeText.of(output), primalName, text);
      }
    }

    /** {@code @Jvp("f") static JvpResult<Double, Double> fJvp(double x, double xDot)}. */
    private String expectedJvp(ExecutableElement primal, Signature signature, String name) {
      List<String> params = new ArrayList<>();
      for (VariableElement p : primal.getParameters()) {
        params.add(TypeText.of(p.asType()) + " " + p.getSimpleName());
      }
      for (Param p : signature.diffParams()) {
        params.add(TypeText.of(parameter(primal, p).asType()) + " " + p.name() + "Dot");
      }
      String boxed = TypeText.of(boxed(primal.getReturnType()));
      return String.format("@Jvp(\"%s\") static JvpResult<%s, %s> %s(%s)",
          primal.getSimpleName(), boxed, boxed, name, String.join(", ", params));
    }

    private static String expectedParameters(List<TypeMirror> types, List<String> names) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < types.size(); i++) {
        out.add(TypeText.of(types.get(i)) + " " + names.get(i));
      }
      return String.join(", ", out);
    }

    // ---------------------------------------------------------------- @Fwd

    private void checkFwdShape(Companion c, ExecutableElement primal) {
      ExecutableElement fwd = c.method;
      String name = c.name();
      String primalName = primal.getSimpleName().toString();
      List<? extends VariableElement> got = fwd.getParameters();
      List<? extends VariableElement> want = primal.getParameters();
      if (got.size() != want.size()) {
        error(Message.FWD_PARAMETER_COUNT, fwd, null, null,
            name, primalName, typesOf(want), typesOf(got));
      } else {
        for (int i = 0; i < got.size(); i++) {
          VariableElement g = got.get(i);
          VariableElement w = want.get(i);
          if (!types.isSameType(g.asType(), w.asType())) {
            error(Message.FWD_PARAMETER_TYPE, g, null, null,
                name, primalName, i + 1, g.getSimpleName(), TypeText.of(g.asType()),
                primalName, TypeText.of(w.asType()), w.getSimpleName());
          }
        }
      }
      TypeMirror output = boxed(primal.getReturnType());
      TypeMirror returned = fwd.getReturnType();
      Optional<DeclaredType> fwdResult = asFwdResult(returned);
      if (fwdResult.isEmpty()
          || fwdResult.get().getTypeArguments().size() != 2
          || residualOf(fwd).isEmpty()) {
        error(Message.FWD_RETURN, fwd, null, null,
            name, TypeText.of(output), describeReturn(returned));
        return;
      }
      TypeMirror out = fwdResult.get().getTypeArguments().get(0);
      if (!types.isSameType(out, output)) {
        error(Message.FWD_OUTPUT_TYPE, fwd, null, null,
            name, TypeText.of(output), primalName, TypeText.of(out));
      }
      checkReachable(residualOf(fwd).orElseThrow(), fwd, "@Fwd method " + name);
    }

    /** The {@code R} of a method returning {@code FwdResult<O, R>}, unless raw or a wildcard. */
    private Optional<TypeMirror> residualOf(ExecutableElement fwd) {
      return asFwdResult(fwd.getReturnType())
          .filter(t -> t.getTypeArguments().size() == 2)
          .map(t -> (TypeMirror) t.getTypeArguments().get(1))
          .filter(r -> r.getKind() != TypeKind.WILDCARD);
    }

    private Optional<DeclaredType> asFwdResult(TypeMirror type) {
      if (type.getKind() == TypeKind.DECLARED
          && ((TypeElement) ((DeclaredType) type).asElement())
              .getQualifiedName()
              .contentEquals(FWD_RESULT)) {
        return Optional.of((DeclaredType) type);
      }
      return Optional.empty();
    }

    private String describeReturn(TypeMirror type) {
      Optional<DeclaredType> fwdResult = asFwdResult(type);
      if (fwdResult.isPresent() && fwdResult.get().getTypeArguments().isEmpty()) {
        return "the raw type FwdResult";
      }
      String text = TypeText.of(type);
      if (fwdResult.isEmpty()
          && type.getKind() == TypeKind.DECLARED
          && text.startsWith("FwdResult")) {
        // A FwdResult of the user's own: tell the two apart.
        return ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName()
            + text.substring("FwdResult".length())
            + " (not " + FWD_RESULT + ")";
      }
      return text;
    }

    // ---------------------------------------------------------------- @Bwd

    /** Checks a {@code @Bwd}'s parameters and result; where its cotangents are, when valid. */
    private Optional<List<VjpRule.Cotangent>> checkBwdShape(
        Companion c,
        ExecutableElement primal,
        Signature signature,
        Optional<Companion> theFwd,
        Optional<TypeMirror> residual) {
      ExecutableElement bwd = c.method;
      String name = c.name();
      String primalName = primal.getSimpleName().toString();
      TypeMirror cotangent = primal.getReturnType(); // the tangent of a double, or array, is itself
      List<? extends VariableElement> params = bwd.getParameters();
      if (params.size() != 2) {
        error(Message.BWD_PARAMETERS, bwd, null, null,
            name, residual.map(TypeText::of).orElse("R"), TypeText.of(cotangent),
            params.stream()
                .map(p -> TypeText.of(p.asType()) + " " + p.getSimpleName())
                .collect(Collectors.joining(", ")));
      } else {
        VariableElement first = params.get(0);
        if (residual.isPresent() && !acceptsResidual(first.asType(), residual.get())) {
          error(Message.BWD_RESIDUAL_TYPE, first, null, null,
              name, theFwd.orElseThrow().name(), TypeText.of(residual.get()),
              first.getSimpleName(),
              TypeText.of(first.asType()));
        }
        VariableElement second = params.get(1);
        if (!types.isSameType(second.asType(), cotangent)) {
          error(Message.BWD_COTANGENT_TYPE, second, null, null,
              name, primalName, TypeText.of(cotangent), second.getSimpleName(),
              TypeText.of(second.asType()));
        }
      }
      return checkBwdReturn(bwd, primal, signature);
    }

    private Optional<List<VjpRule.Cotangent>> checkBwdReturn(
        ExecutableElement bwd, ExecutableElement primal, Signature signature) {
      String name = bwd.getSimpleName().toString();
      String primalName = primal.getSimpleName().toString();
      List<Param> diff = signature.diffParams();
      TypeMirror returned = bwd.getReturnType();
      Optional<TypeElement> record = recordOf(returned);
      if (record.isEmpty()) {
        if (diff.size() == 1 && isTangentOf(returned, parameter(primal, diff.get(0)))) {
          return Optional.of(List.of(new VjpRule.Cotangent("", TypeName.get(returned))));
        }
        if (diff.size() == 1) {
          Param p = diff.get(0);
          error(Message.BWD_RETURN, bwd, null, null,
              name, p.name(), primalName, tangentText(parameter(primal, p), null),
              describeCotangents(returned));
        } else {
          error(Message.BWD_ARITY, bwd, null, null,
              name, primalName, names(diff), describeCotangents(returned));
        }
        return Optional.empty();
      }
      DeclaredType declared = (DeclaredType) returned;
      String recordName = record.get().getSimpleName().toString();
      checkReachable(returned, bwd, "@Bwd method " + name);
      // The components, less those of parameters that have no cotangent.
      List<String> componentNames = new ArrayList<>();
      List<TypeMirror> componentTypes = new ArrayList<>();
      boolean resolved = true;
      for (RecordComponentElement component :
          ElementFilter.recordComponentsIn(record.get().getEnclosedElements())) {
        String componentName = component.getSimpleName().toString();
        TypeMirror componentType =
            ((ExecutableType) types.asMemberOf(declared, component.getAccessor())).getReturnType();
        resolved &= !Tangents.isErroneous(componentType);
        Optional<Param> param =
            signature.params().stream().filter(p -> p.name().equals(componentName)).findFirst();
        if (param.isPresent() && !param.get().differentiable()) {
          VariableElement p = parameter(primal, param.get());
          error(Message.BWD_NONDIFF_COMPONENT, bwd, null, null,
              name, recordName, componentName, componentName, primalName,
              Annotations.has(p, Annotations.NO_DIFF)
                  ? "it is marked @NoDiff"
                  : TypeText.of(p.asType()) + " has no tangent");
          continue;
        }
        componentNames.add(componentName);
        componentTypes.add(componentType);
      }
      if (!resolved) {
        return Optional.empty(); // javac reports the missing type; no rule, no message of ours
      }
      if (componentNames.size() != diff.size()) {
        error(Message.BWD_ARITY, bwd, null, null,
            name, primalName, names(diff), describeCotangents(returned));
        return Optional.empty();
      }
      List<VjpRule.Cotangent> cotangents = new ArrayList<>();
      boolean valid = true;
      for (int i = 0; i < diff.size(); i++) {
        Param p = diff.get(i);
        VariableElement param = parameter(primal, p);
        String componentName = componentNames.get(i);
        TypeMirror componentType = componentTypes.get(i);
        if (!componentName.equals(p.name()) || !isTangentOf(componentType, param)) {
          valid = false;
          error(Message.BWD_COMPONENT, bwd, null, null,
              name, i + 1, tangentText(param, p.name()), p.name(), primalName,
              i + 1, recordName, TypeText.of(componentType) + " " + componentName);
        } else {
          cotangents.add(new VjpRule.Cotangent(componentName, TypeName.get(componentType)));
        }
      }
      return valid ? Optional.of(cotangents) : Optional.empty();
    }

    /** R itself, or its primitive where R is a boxed primitive ({@code double} for Double). */
    private boolean acceptsResidual(TypeMirror parameter, TypeMirror residual) {
      if (types.isSameType(parameter, residual)) {
        return true;
      }
      if (parameter.getKind().isPrimitive()) {
        return types.isSameType(boxed(parameter), residual);
      }
      return false;
    }

    /** The parameter's tangent type, or, for a primitive one, its box (where null means zero). */
    private boolean isTangentOf(TypeMirror type, VariableElement parameter) {
      TypeMirror tangent = parameter.asType();
      return types.isSameType(type, tangent)
          || (tangent.getKind().isPrimitive() && types.isSameType(type, boxed(tangent)));
    }

    /** {@code double, or Double where null means zero}, or {@code double y or Double y}. */
    private String tangentText(VariableElement parameter, String componentName) {
      TypeMirror tangent = parameter.asType();
      String suffix = componentName == null ? "" : " " + componentName;
      if (tangent.getKind().isPrimitive()) {
        return TypeText.of(tangent) + suffix + " or " + TypeText.of(boxed(tangent)) + suffix
            + (componentName == null ? " where null means zero" : "");
      }
      return TypeText.of(tangent) + suffix;
    }

    /** {@code FCot(double x)}, {@code FCot, which is not a record}, {@code double[]}. */
    private String describeCotangents(TypeMirror type) {
      Optional<TypeElement> record = recordOf(type);
      if (record.isPresent()) {
        return TypeText.of(type) + "(" + ElementFilter.recordComponentsIn(
                record.get().getEnclosedElements()).stream()
            .map(c -> TypeText.of(
                    ((ExecutableType) types.asMemberOf((DeclaredType) type, c.getAccessor()))
                        .getReturnType())
                + " " + c.getSimpleName())
            .collect(Collectors.joining(", ")) + ")";
      }
      if (type.getKind() == TypeKind.DECLARED && !isBoxed(type)) {
        return TypeText.of(type) + ", which is not a record";
      }
      return TypeText.of(type);
    }

    private Optional<TypeElement> recordOf(TypeMirror type) {
      if (type.getKind() == TypeKind.DECLARED
          && ((DeclaredType) type).asElement().getKind() == ElementKind.RECORD) {
        return Optional.of((TypeElement) ((DeclaredType) type).asElement());
      }
      return Optional.empty();
    }

    // ---------------------------------------------------------------- expected signatures

    /** {@code @Fwd("f") static FwdResult<Double, FRes> fFwd(double x, double y)}. */
    private String expectedFwd(
        ExecutableElement primal, String name, Optional<TypeMirror> residual) {
      return String.format("@Fwd(\"%s\") static FwdResult<%s, %s> %s(%s)",
          primal.getSimpleName(),
          TypeText.of(boxed(primal.getReturnType())),
          residual.map(TypeText::of).orElse("R"),
          name,
          primal.getParameters().stream()
              .map(p -> TypeText.of(p.asType()) + " " + p.getSimpleName())
              .collect(Collectors.joining(", ")));
    }

    /**
     * {@code @Bwd("f") static FCot fBwd(FRes residuals, double cotangent), with record FCot(double
     * x, double y)}; a single cotangent is returned directly unless the user chose a record.
     */
    private String expectedBwd(
        ExecutableElement primal,
        Signature signature,
        String name,
        Optional<TypeMirror> residual,
        Optional<TypeMirror> returned) {
      List<Param> diff = signature.diffParams();
      Optional<TypeElement> userRecord = returned.flatMap(this::recordOf);
      String result;
      String record = "";
      if (diff.size() == 1 && userRecord.isEmpty()) {
        result = TypeText.of(parameter(primal, diff.get(0)).asType());
      } else {
        result = userRecord.map(r -> r.getSimpleName().toString())
            .orElse(signature.capitalized() + "Cot");
        record = ", with record " + result + "(" + diff.stream()
            .map(p -> TypeText.of(parameter(primal, p).asType()) + " " + p.name())
            .collect(Collectors.joining(", ")) + ")";
      }
      return String.format("@Bwd(\"%s\") static %s %s(%s residuals, %s cotangent)%s",
          primal.getSimpleName(), result, name,
          residual.map(TypeText::of).orElse("R"),
          TypeText.of(primal.getReturnType()),
          record);
    }

    // ---------------------------------------------------------------- helpers

    /** Reports a private type anywhere in {@code type}: the generated class could not name it. */
    private void checkReachable(TypeMirror type, ExecutableElement user, String usedBy) {
      Optional<TypeElement> hidden = privateTypeIn(type, 0);
      hidden.ifPresent(t ->
          error(Message.INACCESSIBLE, user, null, null,
              "type " + t.getSimpleName() + ", used by " + usedBy + ",", adjointName));
    }

    private Optional<TypeElement> privateTypeIn(TypeMirror type, int depth) {
      if (depth > 8) {
        return Optional.empty();
      }
      if (type.getKind() == TypeKind.ARRAY) {
        return privateTypeIn(((ArrayType) type).getComponentType(), depth + 1);
      }
      if (type.getKind() != TypeKind.DECLARED) {
        return Optional.empty();
      }
      DeclaredType declared = (DeclaredType) type;
      for (Element e = declared.asElement(); e instanceof TypeElement t;
          e = e.getEnclosingElement()) {
        if (t.getModifiers().contains(Modifier.PRIVATE)) {
          return Optional.of(t);
        }
      }
      for (TypeMirror arg : declared.getTypeArguments()) {
        Optional<TypeElement> hidden = privateTypeIn(arg, depth + 1);
        if (hidden.isPresent()) {
          return hidden;
        }
      }
      return Optional.empty();
    }

    private boolean isChecked(TypeMirror thrown) {
      TypeElement runtime = elements.getTypeElement("java.lang.RuntimeException");
      TypeElement error = elements.getTypeElement("java.lang.Error");
      return !types.isAssignable(thrown, runtime.asType())
          && !types.isAssignable(thrown, error.asType());
    }

    private TypeMirror boxed(TypeMirror type) {
      return type.getKind().isPrimitive()
          ? types.boxedClass((PrimitiveType) type).asType()
          : type;
    }

    private boolean isBoxed(TypeMirror type) {
      try {
        types.unboxedType(type);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static VariableElement parameter(ExecutableElement primal, Param p) {
      for (VariableElement v : primal.getParameters()) {
        if (v.getSimpleName().contentEquals(p.name())) {
          return v;
        }
      }
      throw new IllegalStateException("no parameter " + p.name() + " in " + primal);
    }

    private static String names(List<Param> params) {
      return params.stream().map(Param::name).collect(Collectors.joining(", "));
    }

    private static String typesOf(List<? extends VariableElement> params) {
      return TypeText.list(params.stream().map(Element::asType).toList());
    }

    private static boolean isCompanion(ExecutableElement m) {
      return Annotations.isCompanion(m);
    }

    /** A method with two companion annotations: it cannot be checked as either. */
    private static boolean isSplit(ExecutableElement m) {
      int roles = 0;
      for (Role role : Role.values()) {
        roles += Annotations.has(m, role.annotation) ? 1 : 0;
      }
      return roles > 1;
    }

    // ---------------------------------------------------------------- reporting

    private void error(
        Message message,
        Element element,
        AnnotationMirror mirror,
        AnnotationValue value,
        Object... args) {
      errors++;
      add(message, element, mirror, value, args);
    }

    private void note(Element element, String expected) {
      add(Message.NOTE_EXPECTED_SIGNATURE, element, null, null, new Object[] {expected});
    }

    private void add(
        Message message,
        Element element,
        AnnotationMirror mirror,
        AnnotationValue value,
        Object[] args) {
      pending.add(new Pending(
          orderOf(element), pending.size(), r -> r.add(message, element, mirror, value, args)));
    }

    /** The position in the class of the method that is or holds {@code element}. */
    private int orderOf(Element element) {
      List<? extends Element> members = type.getEnclosedElements();
      for (Element e = element; e != null; e = e.getEnclosingElement()) {
        int i = members.indexOf(e);
        if (i >= 0) {
          return i;
        }
      }
      return members.size();
    }
  }
}

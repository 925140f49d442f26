package dev.adjoint.processor.validation;

import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Checks what every {@code @Differentiable}, {@code @CustomVjp} or {@code @CustomJvp} method, and the class that holds
 * them, must be so that a generated class can call them: static, with a body, not generic,
 * reachable, and with names that make unique generated members.
 */
public final class MethodValidator {
  private MethodValidator() {}

  /** Checks one annotated method's form (its types are checked by {@link SignatureReader}). */
  public static Report checkMethod(ExecutableElement method, ClassName adjoint) {
    Report.Builder report = Report.builder();
    String kind = Annotations.kindOf(method);
    String name = method.getSimpleName().toString();
    conflict(report, method, Annotations.CUSTOM_VJP, Annotations.DIFFERENTIABLE,
        Message.CONFLICTING_ANNOTATIONS);
    if (method.getModifiers().contains(Modifier.ABSTRACT)) {
      report.add(Message.ABSTRACT_METHOD, method, kind, name);
    } else if (!method.getModifiers().contains(Modifier.STATIC)) {
      instanceMethod(report, method, kind, name);
    }
    conflict(report, method, Annotations.CUSTOM_VJP, Annotations.CUSTOM_JVP, Message.BOTH_RULES);
    conflict(report, method, Annotations.CUSTOM_JVP, Annotations.DIFFERENTIABLE,
        Message.CONFLICTING_JVP_ANNOTATIONS);
    if (method.getModifiers().contains(Modifier.NATIVE) && !Annotations.isCustom(method)) {
      // A custom rule's primal may be native: its rule is called, never its body.
      report.add(Message.NATIVE_METHOD, method, name);
    }
    if (!method.getTypeParameters().isEmpty()) {
      report.add(
          Message.TYPE_PARAMETERS,
          method,
          kind,
          name,
          method.getTypeParameters().stream()
              .map(t -> t.getSimpleName().toString())
              .collect(Collectors.joining(", ")));
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      report.add(Message.INACCESSIBLE, method, kind + " method " + name, adjoint.simpleName());
    }
    return report.build();
  }

  /**
   * An instance method is differentiable where no override can replace the body differentiated:
   * a {@code @Differentiable} method that is final, or of a final class (records, and enums whose
   * constants have no bodies, are), in a class without type parameters (the generated static
   * members take the receiver as a parameter of the class's type).
   */
  private static void instanceMethod(
      Report.Builder report, ExecutableElement method, String kind, String name) {
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    if (!Annotations.has(method, Annotations.DIFFERENTIABLE)) {
      // Its companions must be static too (AdjointStaticMismatch), and take what it takes.
      report.add(Message.INSTANCE_METHOD, method, kind, name,
          "make it and its companions static, and pass the object as a parameter where they"
              + " read it, @NoDiff on " + name + " (custom rules on instance methods are not"
              + " supported yet)");
    } else if (!owner.getTypeParameters().isEmpty()) {
      report.add(Message.INSTANCE_METHOD, method, kind, name,
          "make it static (instance methods of a generic class are not supported yet)");
    } else if (owner.getKind().isInterface()) {
      // An interface method cannot be final, nor can its interface.
      report.add(Message.OVERRIDABLE_METHOD, method, name,
          "it is an instance method of an interface", "make it static");
    } else if (!method.getModifiers().contains(Modifier.FINAL)
        && !owner.getModifiers().contains(Modifier.FINAL)) {
      report.add(Message.OVERRIDABLE_METHOD, method, name,
          "neither it nor its class " + owner.getSimpleName() + " is final",
          "make the method final (or its class final, a record or an enum), or, if it does not"
              + " use this, static");
    }
  }

  /** Reports {@code message} at annotation {@code second} where the method has both. */
  private static void conflict(Report.Builder report, ExecutableElement method, String first,
      String second, Message message) {
    Annotations.find(method, second)
        .filter(mirror -> Annotations.has(method, first))
        .ifPresent(mirror -> report.add(message, method, mirror, null,
            method.getSimpleName().toString()));
  }

  /**
   * Checks the class that declares annotated methods: reachable from its package, no overloads or
   * case-only differences among annotated names, and no user type already named like the
   * generated class.
   */
  public static Report checkClass(
      TypeElement type, List<ExecutableElement> annotated, ClassName adjoint, Elements elements) {
    Report.Builder report = Report.builder();
    for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS) {
        // javac offers no elements of local classes to processors (the source layer finds
        // these by their trees); should one arrive, say the same.
        String where = t.getNestingKind() == NestingKind.ANONYMOUS
            ? "an anonymous class"
            : "the local class " + t.getSimpleName();
        for (ExecutableElement m : annotated) {
          report.add(Message.LOCAL_CLASS, m, Annotations.kindOf(m), m.getSimpleName(), where);
        }
        return report.build();
      }
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        report.add(
            Message.PRIVATE_CLASS, type, t.getSimpleName(), adjoint.simpleName(),
            t.getSimpleName());
      }
    }
    TypeElement existing = elements.getTypeElement(adjoint.canonicalName());
    if (existing != null && !isGeneratedByUs(existing)) {
      report.add(Message.NAME_TAKEN, existing, adjoint.simpleName(), existing.getQualifiedName());
    }
    // Overloads: generated members are named after the method, so two annotated methods may not
    // share a name; and companions name their rule's primal (@Fwd("f")), so a rule's primal may
    // not be overloaded at all. A plain method beside a @Differentiable one of its name is fine:
    // generated code calls the primal with arguments of its exact parameter types, which picks it.
    Map<String, List<ExecutableElement>> byName = new LinkedHashMap<>();
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      byName.computeIfAbsent(m.getSimpleName().toString(), k -> new ArrayList<>()).add(m);
    }
    Set<String> reported = new HashSet<>();
    for (ExecutableElement m : annotated) {
      List<ExecutableElement> same = byName.get(m.getSimpleName().toString());
      long annotatedSame = same.stream().filter(Annotations::isAnnotated).count();
      boolean clash = annotatedSame > 1 || (same.size() > 1 && Annotations.isCustom(m));
      if (clash && reported.add(m.getSimpleName().toString())) {
        report.add(
            Message.OVERLOAD, m, Annotations.kindOf(m), m.getSimpleName(), type.getSimpleName(),
            same.size(), m.getSimpleName(), m.getSimpleName() + "2");
      }
    }
    Map<String, ExecutableElement> byLowerCase = new LinkedHashMap<>();
    for (ExecutableElement m : annotated) {
      String lower = m.getSimpleName().toString().toLowerCase(Locale.ROOT);
      ExecutableElement first = byLowerCase.putIfAbsent(lower, m);
      if (first != null && !first.getSimpleName().contentEquals(m.getSimpleName())) {
        String stem = Character.toUpperCase(lower.charAt(0)) + m.getSimpleName().toString().substring(1);
        report.add(
            Message.CASE_CLASH, m, Annotations.kindOf(m), m.getSimpleName(), first.getSimpleName(),
            stem + "Grad, " + stem + "Vjp");
      }
    }
    // Other shared generated names: f and fValueAnd both make fValueAndGrad. Compared ignoring
    // case, as the class files of generated records are on case-insensitive file systems.
    Map<String, ExecutableElement> generatedBy = new LinkedHashMap<>();
    for (ExecutableElement m : annotated) {
      if (Annotations.isCompanion(m)) {
        continue; // a companion generates nothing (one also marked as a primal is an error)
      }
      List<String> clashes = new ArrayList<>();
      ExecutableElement other = null;
      for (String generated : generatedNames(type, m)) {
        ExecutableElement first =
            generatedBy.putIfAbsent(generated.toLowerCase(Locale.ROOT), m);
        if (first != null && first != m
            && !first.getSimpleName().toString().equalsIgnoreCase(m.getSimpleName().toString())
            && (other == null || other == first)) {
          other = first;
          clashes.add(generated);
        }
      }
      if (other != null) {
        report.add(
            Message.NAME_CLASH, m, Annotations.kindOf(m), m.getSimpleName(), other.getSimpleName(),
            String.join(", ", clashes), adjoint.simpleName());
      }
    }
    return report.build();
  }

  /** The names of the members that the generated class declares for method {@code m}. */
  private static List<String> generatedNames(TypeElement type, ExecutableElement m) {
    List<String> names = generatedNames(type, m.getSimpleName().toString(), m);
    if (SignatureReader.read(m).signature().filter(Signature::hasRecords).isPresent()) {
      // A method with record parameters also has members over their leaves, named mFlat...
      names.addAll(generatedNames(type, m.getSimpleName() + "Flat", m));
    }
    return names;
  }

  /** The names of the members named after {@code stem} that the generated class declares for m. */
  private static List<String> generatedNames(TypeElement type, String stem, ExecutableElement m) {
    Signature s = new Signature(ClassName.get(type), stem, List.of(), TypeName.DOUBLE, false);
    List<String> names = new ArrayList<>(List.of(
        AdjointNames.gradRecord(s),
        AdjointNames.vjpClass(s),
        AdjointNames.vjpMethod(s),
        AdjointNames.jvpRecord(s),
        AdjointNames.jvpMethod(s),
        AdjointNames.jvpWorkspaceClass(s),
        AdjointNames.jvpWorkspaceMethod(s)));
    if (m.getReturnType().getKind() != TypeKind.ARRAY) {
      // A gradient, a workspace and a function are of a scalar result only.
      names.addAll(List.of(
          AdjointNames.valueAndGradRecord(s),
          AdjointNames.gradMethod(s),
          AdjointNames.valueAndGradMethod(s),
          AdjointNames.functionMethod(s),
          AdjointNames.workspaceClass(s),
          AdjointNames.workspaceMethod(s)));
    } else {
      names.addAll(List.of(
          AdjointNames.jacobianMethod(s),
          AdjointNames.valueAndJacobianMethod(s),
          AdjointNames.valueAndJacobianRecord(s),
          AdjointNames.vectorFunctionMethod(s)));
    }
    return names;
  }

  /**
   * Whether {@code type} is the processor's own output: marked {@code @AdjointGenerated}, which
   * class files keep (an earlier build's output on the class path), or, from sources generated
   * before that marker existed, {@code @Generated} naming this processor.
   */
  public static boolean isGeneratedByUs(TypeElement type) {
    return type.getAnnotationMirrors().stream()
        .anyMatch(
            m -> m.getAnnotationType().toString().equals("dev.adjoint.AdjointGenerated")
                || (m.getAnnotationType().toString().endsWith(".Generated")
                    && m.getElementValues().values().stream()
                        .anyMatch(v -> v.getValue().toString().contains("dev.adjoint.processor"))));
  }

  /** The annotated methods of a class, in source order. */
  public static List<ExecutableElement> annotatedMethods(TypeElement type) {
    List<ExecutableElement> out = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (Annotations.isAnnotated(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The adjoint class for a type. */
  public static ClassName adjointOf(TypeElement type) {
    return AdjointNames.adjointClass(ClassName.get(type));
  }
}

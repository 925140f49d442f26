package dev.adjoint.processor.validation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.diagnostics.Message;
import dev.adjoint.processor.diagnostics.Report;
import dev.adjoint.processor.model.Param;
import dev.adjoint.processor.model.RecordShape;
import dev.adjoint.processor.model.Signature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;

/**
 * Reads the {@link Signature} of an annotated method from its element, checking its parameter and
 * result types: the same reading for methods compiled now and for callees in jars.
 */
public final class SignatureReader {
  private SignatureReader() {}

  /** A signature, or the report that explains why there is none. */
  public record Result(Optional<Signature> signature, Report report) {}

  /** True when the method's signature mentions a type that does not exist (yet). */
  public static boolean hasErrorTypes(ExecutableElement method) {
    if (Tangents.isErroneous(method.getReturnType())) {
      return true;
    }
    for (VariableElement p : method.getParameters()) {
      if (Tangents.isErroneous(p.asType())) {
        return true;
      }
    }
    return false;
  }

  public static Result read(ExecutableElement method) {
    Report.Builder report = Report.builder();
    String kind = Annotations.kindOf(method);
    String name = method.getSimpleName().toString();
    List<Param> params = new ArrayList<>();
    List<Param> surface = new ArrayList<>();
    Map<String, RecordShape> records = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>();
    method.getParameters().forEach(p -> taken.add(p.getSimpleName().toString()));
    for (VariableElement p : method.getParameters()) {
      boolean noDiff = Annotations.has(p, Annotations.NO_DIFF);
      Tangents.Kind tangent = Tangents.of(p.asType());
      RecordShapes.Result record = RecordShapes.of(p.asType());
      if (!noDiff && tangent == Tangents.Kind.UNSUPPORTED && record.shape().isPresent()) {
        // A differentiable record (our pytrees): the generated code sees its leaves.
        String pName = p.getSimpleName().toString();
        records.put(pName, record.shape().get());
        surface.add(new Param(pName, TypeName.get(p.asType()), true));
        params.addAll(RecordShapes.leaves(pName, record.shape().get(), taken));
        String adjoint =
            MethodValidator.adjointOf((TypeElement) method.getEnclosingElement()).simpleName();
        Tangents.privateTypeIn(p.asType()).ifPresent(t -> report.add(
            Message.INACCESSIBLE, p,
            "the type " + t.getSimpleName() + " of parameter " + p.getSimpleName(), adjoint));
        // The generated members over the leaves name each leaf's type.
        RecordShapes.privateComponentType(p.asType(), RecordShapes.packageOf(method)).ifPresent(hidden ->
            report.add(hidden.isPrivate() ? Message.INACCESSIBLE : Message.INACCESSIBLE_PACKAGE,
                p, hidden.where() + " of parameter " + p.getSimpleName(), adjoint));
        continue;
      }
      if (noDiff && tangent == Tangents.Kind.NONE) {
        report.add(
            Message.REDUNDANT_NO_DIFF,
            p,
            Annotations.find(p, Annotations.NO_DIFF).orElseThrow(),
            null,
            p.getSimpleName(),
            p.asType(),
            p.asType());
      }
      if (!noDiff && tangent == Tangents.Kind.TENSOR3 && Annotations.isCustom(method)) {
        report.add(Message.UNSUPPORTED_PARAMETER_TYPE, p, p.getSimpleName(), name, p.asType(),
            " in a custom rule yet (a double[][][] parameter needs a @Differentiable method)");
      }
      if (!noDiff && tangent == Tangents.Kind.UNSUPPORTED) {
        report.add(
            Message.UNSUPPORTED_PARAMETER_TYPE,
            p,
            p.getSimpleName(),
            name,
            p.asType(),
            RecordShapes.isRecord(p.asType())
                ? record.problem() : Tangents.unsupportedReason(p.asType()));
      }
      Tangents.privateTypeIn(p.asType()).ifPresent(t -> report.add(
          Message.INACCESSIBLE,
          p,
          "the type " + t.getSimpleName() + " of parameter " + p.getSimpleName(),
          MethodValidator.adjointOf((TypeElement) method.getEnclosingElement()).simpleName()));
      Param param = new Param(
          p.getSimpleName().toString(),
          TypeName.get(p.asType()),
          !noDiff && tangent != Tangents.Kind.NONE && tangent != Tangents.Kind.UNSUPPORTED);
      params.add(param);
      surface.add(param);
    }
    var result = method.getReturnType();
    switch (Tangents.of(result)) {
      case DOUBLE:
      case ARRAY:
        break;
      case MATRIX:
        // A derived method may return a matrix; a custom rule's companions do not take one yet.
        if (Annotations.isCustom(method)) {
          report.add(Message.UNSUPPORTED_RESULT_TYPE, method, kind, name, result,
              " (a double[][] result needs a @Differentiable method, not a custom rule)");
        }
        break;
      case TENSOR3:
        report.add(Message.UNSUPPORTED_RESULT_TYPE, method, kind, name, result,
            " (or double[][] from a @Differentiable method; a double[][][] result is not supported"
                + " yet: return a double[] of its elements in row-major order)");
        break;
      case UNSUPPORTED:
        report.add(Message.UNSUPPORTED_RESULT_TYPE, method, kind, name, result,
            " (or double[][] from a @Differentiable method)");
        break;
      case NONE:
        if (result.getKind() == TypeKind.VOID && Annotations.has(method, Annotations.DIFFERENTIABLE)
            && !Annotations.isCustom(method)
            && method.getParameters().stream().anyMatch(p -> p.asType().getKind() == TypeKind.ARRAY)) {
          // A helper that writes its results into array parameters (the BLAS style): its
          // callers differentiate through its body (OutParams); it has no members of its own.
          break;
        }
        report.add(
            Message.RESULT_NOT_DIFFERENTIABLE,
            method,
            kind,
            name,
            result.getKind() == TypeKind.VOID ? "void" : result.toString());
        break;
    }
    if (report.isClean() && params.stream().noneMatch(Param::differentiable)) {
      report.add(Message.NO_DIFFERENTIABLE_PARAMETER, method, kind, name);
    }
    if (!report.isClean()) {
      return new Result(Optional.empty(), report.build());
    }
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    boolean instance = !method.getModifiers().contains(Modifier.STATIC);
    if (instance) {
      Param receiver = new Param(receiverName(owner, surface, taken), ClassName.get(owner), false);
      params.add(0, receiver);
      surface.add(0, receiver);
    }
    return new Result(
        Optional.of(
            new Signature(ClassName.get(owner), name, params, TypeName.get(result),
                isPublic(method), instance, records.isEmpty() ? List.of() : surface, records,
                dataArrays(method, records))),
        report.build());
  }

  /**
   * Whether a parameter that is not flattened is a record with array components (nested records
   * included): its arrays are read as the method starts, like array parameters.
   */
  private static boolean dataArrays(ExecutableElement method, Map<String, RecordShape> records) {
    return method.getParameters().stream().anyMatch(p ->
        !records.containsKey(p.getSimpleName().toString()) && RecordShapes.holdsArrays(p.asType()));
  }

  /**
   * The name of an instance method's receiver in generated members: the class's name, lower-case
   * first ({@code model} for {@code Model}), or {@code receiver} where a parameter (or a record
   * parameter's leaf, in {@code leaves}) has that name.
   */
  public static String receiverName(TypeElement owner, List<Param> declared, Set<String> leaves) {
    String simple = owner.getSimpleName().toString();
    String name = Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    for (String candidate : List.of(name, "receiver", "receiver_")) {
      if (declared.stream().noneMatch(p -> p.name().equals(candidate))
          && !leaves.contains(candidate)
          && javax.lang.model.SourceVersion.isName(candidate)) {
        return candidate;
      }
    }
    return "receiver__";
  }

  /**
   * The method and every class around it are public, or protected: code in other packages
   * (subclasses) may call it, so its generated members must be public (there is no protected
   * top-level class).
   */
  private static boolean isPublic(ExecutableElement method) {
    for (Element e = method; e instanceof ExecutableElement || e instanceof TypeElement;
        e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)
          && !e.getModifiers().contains(Modifier.PROTECTED)) {
        return false;
      }
    }
    return true;
  }
}

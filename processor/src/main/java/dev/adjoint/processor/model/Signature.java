package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signature of a {@code @Differentiable} or {@code @CustomVjp} method, as the generated code
 * sees it.
 *
 * @param owner the class that declares the method
 * @param name the method's name
 * @param params every parameter, in order
 * @param result the result type ({@code double} for now)
 * @param isPublic whether generated members for it are public: the method and every class
 *     enclosing it are public or protected (otherwise they are package-private)
 * @param instance whether it is an instance method: then {@code params.get(0)} is its receiver
 *     (a parameter that is not differentiable, of the owner's type), which every generated
 *     member takes first, and the primal is called on it
 * @param surface the parameters as the method declares them (with the receiver first), where a
 *     differentiable record parameter stands for several of {@code params}, its leaves; empty
 *     when the method has no such parameter (then {@code params} is what it declares)
 * @param records the shapes of the differentiable record parameters, by the name of the
 *     parameter in {@code surface}; empty with {@code surface}
 * @param dataArrays whether a parameter that is not flattened (a {@code @NoDiff} record, a
 *     record with no floating-point data) has array components, which the body may read as
 *     arrays of its own and pass on: then, as with an array parameter, a Vjp a user gets keeps
 *     copies of them ({@link AdjointNames#hasSharing})
 */
public record Signature(ClassName owner, String name, List<Param> params, TypeName result,
    boolean isPublic, boolean instance, List<Param> surface, Map<String, RecordShape> records,
    boolean dataArrays) {

  public Signature {
    params = List.copyOf(params);
    surface = List.copyOf(surface);
    records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
  }

  /** A signature whose parameters hold no record with array components. */
  public Signature(ClassName owner, String name, List<Param> params, TypeName result,
      boolean isPublic, boolean instance, List<Param> surface, Map<String, RecordShape> records) {
    this(owner, name, params, result, isPublic, instance, surface, records, false);
  }

  /** A signature without record parameters. */
  public Signature(ClassName owner, String name, List<Param> params, TypeName result,
      boolean isPublic, boolean instance) {
    this(owner, name, params, result, isPublic, instance, List.of(), Map.of());
  }

  /** A static method's signature. */
  public Signature(
      ClassName owner, String name, List<Param> params, TypeName result, boolean isPublic) {
    this(owner, name, params, result, isPublic, false);
  }

  /** This signature with other (flat) parameters, for instance renamed ones. */
  public Signature withParams(List<Param> renamed) {
    return new Signature(owner, name, renamed, result, isPublic, instance, surface, records,
        dataArrays);
  }

  /**
   * Whether a parameter is a differentiable record: then the generated members named after the
   * method ({@code mGrad}, ...) take the records, and delegate to members over the leaves named
   * after {@link #stem()} ({@code mFlatGrad}, ...), which generated callers call.
   */
  public boolean hasRecords() {
    return !records.isEmpty();
  }

  /**
   * The stem of the names of the generated members that take {@link #params}: the method's name,
   * or {@code mFlat} for a method with record parameters.
   */
  public String stem() {
    return hasRecords() ? name + "Flat" : name;
  }

  /**
   * The signature as the method declares it: its surface parameters (records whole), named after
   * the method; only for the members that take records ({@link #hasRecords()}).
   */
  public Signature declaredForm() {
    return hasRecords() ? new Signature(owner, name, surface, result, isPublic, instance,
        List.of(), Map.of(), dataArrays) : this;
  }

  /** The parameters the method declares: {@code params} without the receiver. */
  public List<Param> declared() {
    return instance ? params.subList(1, params.size()) : params;
  }

  /** The differentiable parameters, in declaration order. */
  public List<Param> diffParams() {
    return params.stream().filter(Param::differentiable).toList();
  }

  /** The generated class that holds this method's adjoint. */
  public ClassName adjointClass() {
    return AdjointNames.adjointClass(owner);
  }

  /** {@link #stem()} with its first letter upper-cased, the stem of generated type names. */
  public String capitalized() {
    String stem = stem();
    return Character.toUpperCase(stem.charAt(0)) + stem.substring(1);
  }

  /** {@code owner.name}, as messages and Javadoc show it. */
  public String qualifiedName() {
    return owner.simpleNames().get(owner.simpleNames().size() - 1) + "." + name;
  }
}

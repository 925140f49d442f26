package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;

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
 */
public record Signature(ClassName owner, String name, List<Param> params, TypeName result,
    boolean isPublic, boolean instance) {

  public Signature {
    params = List.copyOf(params);
  }

  /** A static method's signature. */
  public Signature(
      ClassName owner, String name, List<Param> params, TypeName result, boolean isPublic) {
    this(owner, name, params, result, isPublic, false);
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

  /** {@code name} with its first letter upper-cased, the stem of generated type names. */
  public String capitalized() {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** {@code owner.name}, as messages and Javadoc show it. */
  public String qualifiedName() {
    return owner.simpleNames().get(owner.simpleNames().size() - 1) + "." + name;
  }
}

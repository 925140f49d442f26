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
 */
public record Signature(
    ClassName owner, String name, List<Param> params, TypeName result, boolean isPublic) {

  public Signature {
    params = List.copyOf(params);
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

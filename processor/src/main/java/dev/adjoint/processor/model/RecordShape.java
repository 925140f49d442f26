package dev.adjoint.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import java.util.Optional;

/**
 * A record type that is differentiable (our pytrees): its components in declaration order, each a
 * leaf ({@code double}, {@code double[]}, {@code double[][]}, differentiated; or a value with no
 * floating-point data, carried along) or a nested record of this kind. Generated code sees a
 * record parameter as its leaves, one flat parameter each, in this order.
 *
 * @param type the record class
 * @param components its components, in declaration order (the canonical constructor's order)
 */
public record RecordShape(ClassName type, List<Component> components) {

  public RecordShape {
    components = List.copyOf(components);
  }

  /**
   * A component of a record.
   *
   * @param name the component's name (its accessor's)
   * @param type its type
   * @param nested its shape where it is itself a differentiable record; else empty
   * @param differentiable whether it is a leaf with a tangent (false for a carried value or a
   *     nested record)
   */
  public record Component(
      String name, TypeName type, Optional<RecordShape> nested, boolean differentiable) {}

  /** The number of flat parameters the record stands for. */
  public int leaves() {
    int n = 0;
    for (Component c : components) {
      n += c.nested().map(RecordShape::leaves).orElse(1);
    }
    return n;
  }
}

package dev.adjoint.processor.codegen;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * The JVM's limit on a method's parameters: 255 slots, a {@code double} or {@code long} taking
 * two and {@code this} one. A method with many scalar parameters (or records of many components,
 * which generated members take flattened) is itself within the limit while a generated member that
 * takes a tangent or a direction beside each parameter ({@code mJvp}, {@code mHvp}) is not; javac
 * would reject the generated code, so the processor finds it first and reports it at the method.
 */
public final class Slots {
  private Slots() {}

  /** The JVM's limit (JVMS §4.3.3). */
  public static final int LIMIT = 255;

  /**
   * A generated method of {@code type} (or of its nested types) over the limit.
   *
   * @param member the member, as {@code Outer.Inner.name}
   * @param slots the slots it would take
   */
  public record Over(String member, int slots) {}

  /** The first method of {@code type} whose parameters take more than {@link #LIMIT} slots. */
  public static Optional<Over> over(TypeSpec type) {
    return over(type, type.name());
  }

  private static Optional<Over> over(TypeSpec type, String path) {
    if (type.kind() == TypeSpec.Kind.RECORD
        && type.methodSpecs().stream().noneMatch(MethodSpec::isConstructor)) {
      // The canonical constructor, of the record's components (its instance fields) and this.
      int slots = 1;
      for (var f : type.fieldSpecs()) {
        slots += f.modifiers().contains(Modifier.STATIC) ? 0 : of(f.type());
      }
      if (slots > LIMIT) {
        return Optional.of(new Over(path + ".<init>", slots));
      }
    }
    for (MethodSpec m : type.methodSpecs()) {
      int slots = m.modifiers().contains(Modifier.STATIC) ? 0 : 1;
      for (ParameterSpec p : m.parameters()) {
        slots += of(p.type());
      }
      if (slots > LIMIT) {
        return Optional.of(new Over(path + "." + (m.isConstructor() ? "<init>" : m.name()), slots));
      }
    }
    for (TypeSpec nested : type.typeSpecs()) {
      Optional<Over> found = over(nested, path + "." + nested.name());
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** The slots a value of {@code type} takes. */
  public static int of(TypeName type) {
    return type.equals(TypeName.DOUBLE) || type.equals(TypeName.LONG) ? 2 : 1;
  }
}

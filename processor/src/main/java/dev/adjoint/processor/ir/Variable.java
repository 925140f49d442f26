package dev.adjoint.processor.ir;

import com.palantir.javapoet.TypeName;

/**
 * A local of the IR: a parameter or local of the user's method, or one the transformer made. Compared
 * by identity; codegen gives each a unique Java name from its {@link #hint()}.
 */
public final class Variable {

  /** What a variable is for; codegen and the transformer treat kinds differently. */
  public enum Kind {
    /** A parameter of the user's method; keeps its name. */
    PARAM,
    /** A local of the user's method. */
    LOCAL,
    /** A value the transformer hoisted out of an expression; assigned once per execution. */
    TEMP,
    /** The old value of a local, saved before the forward sweep overwrites it. */
    SAVE,
    /** An adjoint (cotangent) accumulator, {@code xBar}. */
    ADJOINT,
    /** The method's result. */
    RESULT,
    /** A recorded branch condition. */
    FLAG,
    /** The augmented-forward object of a call to another annotated method. */
    CALL,
    /** A loop's trip count, or the reverse sweep's count down of it. */
    COUNTER,
    /** The call's tape, or the reader the reverse sweep reads it back through. */
    TAPE,
    /** The tangent of a variable, in forward mode. */
    TANGENT,
  }

  private final String hint;
  private final TypeName type;
  private final Kind kind;
  private final Variable shapeOf;

  public Variable(String hint, TypeName type, Kind kind) {
    this(hint, type, kind, null);
  }

  /** An array variable allocated with the length of {@code shapeOf} (an adjoint array). */
  public Variable(String hint, TypeName type, Kind kind, Variable shapeOf) {
    this.hint = hint;
    this.type = type;
    this.kind = kind;
    this.shapeOf = shapeOf;
  }

  /** For an adjoint array: the array whose length it has; else null. */
  public Variable shapeOf() {
    return shapeOf;
  }

  /** The preferred Java name. */
  public String hint() {
    return hint;
  }

  public TypeName type() {
    return type;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return hint + ":" + kind;
  }
}

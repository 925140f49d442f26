package dev.adjoint.processor.diagnostics;

import javax.tools.Diagnostic;

/**
 * The catalogue of every message the processor prints. Each has a stable tag, printed first as
 * {@code [AdjointTag]}; {@code docs/diagnostics.md} documents each one (example, cause, where it
 * points, fix) and each has a test asserting its file and line. Formats use {@link
 * String#format} placeholders.
 */
public enum Message {
  // ---- custom rules: wiring ----
  MISSING_FWD("MissingFwd", "@CustomVjp method %s must have a @Fwd companion, but no method of %s is annotated @Fwd(\"%s\")%s"),
  MISSING_BWD("MissingBwd", "@CustomVjp method %s must have a @Bwd companion, but no method of %s is annotated @Bwd(\"%s\")%s"),
  UNKNOWN_TARGET("UnknownTarget", "@%s(\"%s\") must name a @CustomVjp method of %s, but %s has no method called %s%s"),
  TARGET_NOT_CUSTOM_VJP("TargetNotCustomVjp", "@%s(\"%s\") must name a @CustomVjp method, but %s is %s; %s"),
  DUPLICATE_COMPANION("DuplicateCompanion", "@CustomVjp method %s must have exactly one @%s companion, but has %d (%s); remove all but one"),
  AMBIGUOUS_TARGET("AmbiguousTarget", "@%s(\"%s\") must name exactly one method, but %s is overloaded (%d methods); rename the overloads so the rule names one"),
  UNUSED_COMPANION_CANDIDATE("UnusedCompanion", "%s is named like the @%s companion of @CustomVjp method %s, but is not annotated, so the rule never uses it; did you forget @%s(\"%s\") on %s?"),
  COMPANION_THROWS("CompanionThrows", "@%s method %s must not throw checked exceptions, since the generated class calls it where none are declared, but it throws %s"),

  // ---- custom rules: @Fwd shape ----
  FWD_PARAMETER_COUNT("FwdParameters", "@Fwd method %s must take exactly the parameter types of %s (%s), but takes (%s)"),
  FWD_PARAMETER_TYPE("FwdParameters", "@Fwd method %s must take exactly the parameter types of %s, in order, but its parameter %d (%s) is %s where %s has %s %s"),
  FWD_RETURN("FwdReturn", "@Fwd method %s must return FwdResult<%s, R>, with R any residual type but a wildcard, but returns %s"),
  FWD_OUTPUT_TYPE("FwdOutputType", "@Fwd method %s must return FwdResult<%s, R>, whose output type is the result type of %s boxed, but its output type is %s"),

  // ---- custom rules: @Bwd shape ----
  BWD_PARAMETERS("BwdParameters", "@Bwd method %s must take exactly (%s residuals, %s cotangent), but takes (%s)"),
  BWD_RESIDUAL_TYPE("BwdResidualType", "@Bwd method %s must take the residual type of @Fwd method %s (%s) first, but its first parameter %s is %s"),
  BWD_COTANGENT_TYPE("BwdCotangentType", "@Bwd method %s must take the tangent type of the result of %s (%s) second, but its second parameter %s is %s"),
  BWD_RETURN("BwdReturn", "@Bwd method %s must return the cotangent of parameter %s of %s (%s), or a record with that one component, but returns %s"),
  BWD_WRITES_RESIDUALS("BwdWritesResiduals", "@Bwd method %s must not write into its residuals %s, but writes into %s here: generated code may call it any number of times for one call of @Fwd (each pullback of a Vjp, a Jacobian by pullbacks once per output), and the residuals may hold the caller's own arrays; write the cotangent into a new array (double[] out = new double[n]; ...; return out;)"),
  BWD_ARITY("BwdArity", "@Bwd method %s for @CustomVjp method %s must return one cotangent per differentiable parameter (%s), but returns %s"),
  BWD_COMPONENT("BwdComponent", "@Bwd method %s must return a record whose component %d is %s (the cotangent of parameter %s of %s), but component %d of %s is %s"),
  BWD_NONDIFF_COMPONENT("BwdNondiffComponent", "@Bwd method %s must return cotangents of differentiable parameters only, but %s has component %s for parameter %s of %s, which is not differentiable (%s); leave it out, where JAX would return None"),

  // ---- custom JVP rules ----
  MISSING_JVP("MissingJvp", "@CustomJvp method %s must have a @Jvp companion, but no method of %s is annotated @Jvp(\"%s\")%s"),
  UNKNOWN_JVP_TARGET("UnknownTarget", "@%s(\"%s\") must name a @CustomJvp method of %s, but %s has no method called %s%s"),
  TARGET_NOT_CUSTOM_JVP("TargetNotCustomJvp", "@%s(\"%s\") must name a @CustomJvp method, but %s is %s; %s"),
  DUPLICATE_JVP("DuplicateCompanion", "@CustomJvp method %s must have exactly one @%s companion, but has %d (%s); remove all but one"),
  UNUSED_JVP_CANDIDATE("UnusedCompanion", "%s is named like the @%s companion of @CustomJvp method %s, but is not annotated, so the rule never uses it; did you forget @%s(\"%s\") on %s?"),
  JVP_STATIC_MISMATCH("StaticMismatch", "@%s method %s must be static, like the @CustomJvp method whose rule it is, but is an instance method; make it static"),
  NO_DIFF_ON_JVP("NoDiffOnCompanion", "@NoDiff on parameter %s of @%s method %s has no effect: the parameters of the @CustomJvp method %s decide what is differentiated; %s"),
  JVP_PARAMETER_COUNT("JvpParameters", "@Jvp method %s must take the parameters of %s followed by one tangent per differentiable parameter (%s), but takes (%s)"),
  JVP_PARAMETER_TYPE("JvpParameters", "@Jvp method %s must take %s as its parameter %d (%s), but it is %s"),
  JVP_RETURN("JvpReturn", "@Jvp method %s must return JvpResult<%s, %s>, the value of %s and its tangent, both boxed, but returns %s"),
  BOTH_RULES("BothRules", "method %s must have one custom rule, but is both @CustomVjp and @CustomJvp; keep @CustomJvp (reverse mode transposes its rule) or @CustomVjp (forward mode takes pullbacks of it)"),
  CONFLICTING_JVP_ANNOTATIONS("ConflictingAnnotations", "method %s must be either @Differentiable or @CustomJvp, but is both; keep @CustomJvp to use the rule, or @Differentiable to derive the derivatives from the body"),
  JVP_RETURN_FORM("JvpReturnForm", "@Jvp method %s must return JvpResult.of(value, tangent) in every return statement, since reverse mode reads the tangent from it, but returns %s; build the result in the return statement"),
  JVP_NOT_LINEAR("JvpNotLinear", "the tangent of @Jvp method %s must be linear in its tangents (%s), since reverse mode transposes it, but %s; %s"),
  JVP_TANGENT_FREE_TERM("JvpTangentFreeTerm", "the tangent of @Jvp method %s must be linear in its tangents (%s), so every term of it must depend on a tangent, but %s; %s"),
  BWD_NOT_LINEAR("SecondOrderUnsupported", "order = 2 differentiates the gradient of a @CustomVjp rule as bwd(residuals, 1) scaled by the cotangent, which is the rule's gradient only if its @Bwd companion %s is linear in its cotangent (%s), but %s; make the @Bwd a sum of terms, each the cotangent times values free of it (a gradient clipped by min or max is not: keep such a rule first order), or remove order = 2"),
  BWD_TANGENT_FREE_TERM("SecondOrderUnsupported", "order = 2 differentiates the gradient of a @CustomVjp rule as bwd(residuals, 1) scaled by the cotangent, which is the rule's gradient only if every term of its @Bwd companion %s depends on its cotangent (%s), but %s; make every term of the @Bwd the cotangent times values free of it, or remove order = 2"),
  JVP_VALUE_USES_TANGENT("JvpValueUsesTangent", "the value of @Jvp method %s must not depend on its tangents (%s), but %s does; compute the value from the primal parameters only"),

  // ---- methods and classes ----
  CONFLICTING_ANNOTATIONS("ConflictingAnnotations", "method %s must be either @Differentiable or @CustomVjp, but is both; keep @CustomVjp to use the rule, or @Differentiable to derive the gradient from the body"),
  COMPANION_ALSO_ANNOTATED("ConflictingAnnotations", "@%s method %s must be a rule companion only, but is also @%s; %s"),
  INSTANCE_METHOD("InstanceMethod", "%s method %s must be static, but is an instance method; %s"),
  OVERRIDABLE_METHOD("OverridableMethod", "@Differentiable method %s must not be overridable, since an override would run a body other than the one differentiated, but %s; %s"),
  STATIC_MISMATCH("StaticMismatch", "@%s method %s must be static, like the @CustomVjp method whose rule it is, but is an instance method; make it static"),
  ABSTRACT_METHOD("AbstractMethod", "%s method %s must have a body, but is abstract or declared in an interface"),
  NATIVE_METHOD("AbstractMethod", "@Differentiable method %s must have a body to derive its gradient from, but is native; make it @CustomVjp with a rule instead"),
  TYPE_PARAMETERS("TypeParameters", "%s method %s must not declare type parameters (%s); generic methods are not supported yet"),
  INACCESSIBLE("Inaccessible", "%s must be reachable from the generated class %s, but is private; make it package-private"),
  INACCESSIBLE_PACKAGE("Inaccessible", "%s must be reachable from the generated class %s, but is not public and in another package; make it public"),
  NO_DIFFERENTIABLE_PARAMETER("NoDifferentiableParameter", "%s method %s must have at least one differentiable parameter (double), but has none"),
  RESULT_NOT_DIFFERENTIABLE("ResultNotDifferentiable", "%s method %s must return a value with a tangent (double), but returns %s"),
  UNSUPPORTED_PARAMETER_TYPE("UnsupportedType", "parameter %s of %s has type %s, which holds floating-point data but has no supported tangent%s; mark it @NoDiff to treat it as a constant"),
  UNSUPPORTED_RESULT_TYPE("UnsupportedType", "%s method %s returns %s, which is not supported yet; return double or double[]%s"),
  RECORD_IN_RULE("UnsupportedType", "parameter %s of %s method %s has the record type %s, which custom rules do not take as a differentiable parameter yet; take its components as parameters, or mark it @NoDiff"),
  RECORD_WRITTEN_OUT("RecordWrittenOut", "parameter %s has the record type %s, whose %s is written out; the gradient of a record is a record of its type, built through the canonical constructor and read through the accessors, so both must be the implicit ones: validate in a static factory instead, or mark the parameter @NoDiff"),
  REDUNDANT_NO_DIFF("RedundantNoDiff", "@NoDiff on parameter %s of type %s has no effect: a value of type %s has no tangent and is never differentiated"),
  NO_DIFF_ON_COMPANION("NoDiffOnCompanion", "@NoDiff on parameter %s of @%s method %s has no effect: the parameters of the @CustomVjp method %s decide what is differentiated; %s"),
  OVERLOAD("Overload", "%s method %s must have a name unique in %s, but %d methods are called %s; rename the overloads (for example %s)"),
  CASE_CLASH("CaseClash", "%s method %s and method %s differ only in case, so their generated members (%s) would clash; rename one"),
  NAME_TAKEN("NameTaken", "the generated class %s would replace the existing type %s; rename that type"),
  NAME_TAKEN_BY_GENERATED("NameTaken", "the generated class %s of %s must have a name of its own, but %s generates a class of that name too; rename one of the two classes"),
  NAME_CLASH("NameClash", "%s method %s and method %s must generate members with distinct names, but both would generate %s in %s; rename one"),
  PRIVATE_CLASS("Inaccessible", "class %s must be reachable from the generated class %s, but %s is private; make it package-private"),
  LOCAL_CLASS("LocalClass", "%s method %s must be declared in a top-level or member class, since generated code calls it by name, but it is declared in %s; move it to a top-level or member class"),

  // ---- bodies ----
  UNSUPPORTED_CONSTRUCT("UnsupportedConstruct", "%s is not supported in @Differentiable code yet%s"),
  UNSUPPORTED_CALL("UnsupportedCall", "call to %s must have no differentiable argument, but its argument depends on a differentiable input; annotate %s with @Differentiable or give it a @CustomVjp rule%s"),
  ARRAY_ARGUMENT("UnsupportedCall", "call to %s must not receive the array %s: the reverse sweep cannot see what it reads or writes there; Arrays.fill and System.arraycopy are supported, and @Differentiable methods may take arrays"),
  UNSUPPORTED_EXPRESSION_TYPE("UnsupportedType", "expression of type %s depends on a differentiable input; %s"),
  PRIVATE_MEMBER("Inaccessible", "%s is private, so the generated class %s cannot reach it; make it package-private"),
  PRIVATE_HELPER("Inaccessible", "method %s is private, so the generated class %s cannot reach it, and its argument %s may depend on a differentiable input, so the derivative must go through its body; annotate it @Differentiable and make it package-private (if the argument never depends on a differentiable input, making it package-private is enough)"),
  DETOUR("Detour", "%s must not make a double again of a value that went through %s, which has no tangent: the value depends on a differentiable input, so its derivative would silently be lost; keep it a double, or write Ad.stopGradient(...) where a zero derivative is meant"),
  ARRAY_ALIAS("ArrayAlias", "array %s must be created by new double[n] or an initializer ({a, b}), returned by a @Differentiable method, or be a row of a matrix (double[] row = m[i]), where it is declared, and never reassigned, so that no two names share one array (the reverse sweep keeps one cotangent array per name); copy elements instead"),
  ARRAY_INITIALIZER_ROW("ArrayAlias", "row %d of the matrix initializer of %s must be written out element by element ({a, b}), but is %s: a row that is an array of its own would be shared by two names (the reverse sweep keeps one cotangent array per name); write out its elements, or create the matrix with %s and copy the rows' elements into it"),
  ARRAY_RETURNS_PARAMETER("ArrayAlias", "a method that returns %s must return an array it created, not its parameter %s: its caller owns the array it gets and may write into it, which would write into the array it passed; copy it (%s y = %s; ...; return y;)"),
  ARRAY_RETURNS_PARAMETER_JVP("ArrayAlias", "@Jvp method %s must return as its tangent an array it created, not its parameter %s: the caller of the generated JVP owns the tangent it gets and may write into it, which would write into the array it passed; copy it (double[] t = new double[%s.length]; ...; return JvpResult.of(y, t);)"),
  ARRAY_PARAMETER_WRITE("ArrayParameterWrite", "parameter array %s must not be written: the reverse sweep needs its elements as they were passed, and the caller's array would change under it; copy it into a local first (double[] copy = new double[%s.length]; ...)"),
  DISCRETE_ARRAY_ALIAS("ArrayAlias", "array %s must be created by %s or an initializer ({a, b}) where it is declared, and never reassigned, so that no two names share one array (the reverse sweep restores what each write overwrote, through the name that wrote it); copy elements instead"),
  UNCALLED_PARAMETER_WRITE("ArrayParameterWrite", "parameter array %s must be written only in a helper that another @Differentiable method of this compilation calls (each caller is differentiated through the helper's body, written in place), but nothing calls %s; to differentiate %s itself, copy the array into a local first (%s copy = %s; ...)"),
  OUT_PARAMETER_CALL("OutParameterCall", "call of %s, which writes into its array parameter %s, %s"),
  DISCRETE_ARRAY_PARAMETER_WRITE("ArrayParameterWrite", "parameter array %s must not be written: the reverse sweep reads its elements as they were passed, and the caller's array would change under it; copy it into a local first (%s copy = %s; ...)"),
  FLOATING_OBJECT("FloatingObject", "an object created in @Differentiable code must hold no floating-point data, since a value kept in an object has no derivative, but new %s(...) would hold some: %s; keep the numbers in double locals and double[] arrays, or, if the object is a constant of the derivative, create it outside and pass it in as a @NoDiff parameter"),
  GENERATED_CYCLE("GeneratedCycle", "%s is never generated: %s. A class is generated only after the generated classes its bodies use, so classes that use each other's generated classes wait for each other forever; break the cycle by moving the methods that use %s into a class that no class of the cycle uses through its generated class"),
  MISSING_ADJOINT_CLASS("MissingAdjointClass", "%s is annotated for Adjoint, but its generated class %s is not on the class path; compile %s with the Adjoint processor"),

  // ---- second order ----
  ORDER_VALUE("Order", "%s method %s must have order = 1 or order = 2, but has order = %d"),
  SECOND_ORDER_VJP_RULE("SecondOrderUnsupported", "order = 2 on @CustomVjp method %s needs the derivative of its rule's gradient, bwd(fwd(x).residuals, 1), with respect to the primal's parameters, but reverse mode cannot differentiate its companions %s and %s as one function: %s; write them in the supported subset (the @Fwd companion with one return FwdResult.of(value, residuals) as its last statement, the residuals a double, double[], double[][] or a record of these), or remove order = 2"),
  SECOND_ORDER_OUT_PARAMETER("SecondOrderUnsupported", "order = 2 on @Differentiable method %s asks for second-order members, but it writes into an array parameter, so it has no generated members of its own: each call of it is written into its caller, and an order = 2 caller's second order goes through the writes; remove order = 2 here, and put it on the caller"),
  SECOND_ORDER_SIGNATURE("SecondOrderUnsupported", "order = 2 on @Differentiable method %s is not supported yet for %s: second-order members need a double result and differentiable parameters of type double, double[] or double[][]; remove order = 2"),
  SECOND_ORDER_CALL("SecondOrderUnsupported", "order = 2 method %s must call annotated methods only where their bodies can be written into it, but this call of %s is not such a call: second order writes in the body of a @Differentiable method of the same class (not a custom rule) that returns double, called with array arguments by name, where the call is evaluated unconditionally (not in a loop's condition, a branch of ?: or the right side of && or ||), in a statement that calls nothing else with effects, and goes through the Hessian-vector products of an order = 2 method of another class that returns double; other calls would go through the callee's generated JVP, which has no derivative; %s"),
  SECOND_ORDER_BODY("SecondOrderUnsupported", "order = 2 on @Differentiable method %s is not supported yet for its body: %s; remove order = 2"),
  SECOND_ORDER_CHANGED_FIELD("SecondOrderUnsupported", "order = 2 method %s reads the field %s, which %s, called here, writes: its second-order members read each field once, where their sweep begins (mHvpAt when it is made), so they would miss the change and give a wrong Hessian; pass %s in as a parameter (@NoDiff where it is data), or remove order = 2"),
  SECOND_ORDER_FIELD_ARRAY_WRITE("SecondOrderUnsupported", "order = 2 method %s takes arrays, and this call may write into an array that a field holds (itself, through a method it calls, or through an override of a method it calls): a caller may pass that very array, and the second-order members copy their array arguments, so they would not see the writes and would give a wrong Hessian; make the write before calling this method, or remove order = 2"),
  SECOND_ORDER_IMPLIED("SecondOrderUnsupported", "%s method %s needs second-order members of its own, since the order = 2 method %s calls it with an argument that depends on a differentiable input, but it cannot have them: %s; pass %s constants there, or remove order = 2 from %s"),
  SECOND_ORDER_JVP_RULE("SecondOrderUnsupported", "order = 2 on @CustomJvp method %s needs the derivative of the tangent of its @Jvp companion %s with respect to the primal's parameters, but reverse mode cannot differentiate that tangent: %s; write the tangent in the supported subset (a call of an annotated method in a rule is a plain call, so write its body in), or remove order = 2"),

  FROM_BODY_OMITTED("FromBodyOmitted", "%s.FromBody has no gradient of %s method %s derived from its body, since %s; the rule itself is generated and used as usual"),
  FORWARD_THROUGH_ARRAY_RULE("ForwardThroughArrayRule", "forward mode goes through @CustomVjp method %s here, which returns double[]: each JVP of %s (and each forward sweep of a Jacobian) takes one pullback of the rule per element of its result"),
  // ---- gradients inside differentiated code (issue 12) ----
  NESTED_OWN_CLASS("NestedOwnClass", "differentiated code must not call %s, a member of the generated class of its own class %s, since that class is generated from this very code; move %s into another class and call that class's generated class from here"),
  NESTED_ORDER("NestedOrder", "%s inside differentiated code needs the second-order members of %s, since its derivative is %s's Hessian times a direction, but %s has none; declare %s with @Differentiable(order = 2)"),
  NESTED_API("NestedApi", "differentiated code must use the generated %s only as %s, whose derivatives are exact, but this is %s; %s"),
  VAR_NAMING_GENERATED("VarBesideOwnAdjoint", "var locals must not name %s, which Adjoint generates in this compilation, in the classes around %s, since javac (17 to 25) crashes on them once Adjoint has read that class, but this one does; spell out its type"),
  VAR_BESIDE_OWN_ADJOINT("VarBesideOwnAdjoint", "var locals must not be used in a class that also uses its own generated %s, since javac (17 to 25) crashes on them once Adjoint has read the class, but this is one; spell out its type, or call %s from another class"),

  // ---- environment ----
  TREE_API_UNAVAILABLE("TreeApiUnavailable", "Adjoint reads method bodies through javac's Tree API (com.sun.source), which this compiler does not offer (%s); compile with javac (Maven, Gradle or javac itself), or delegate IntelliJ's build to Maven/Gradle"),
  TOO_MANY_PARAMETERS("TooManyParameters", "%s method %s has parameters of %d slots (a double or long takes two, a record its components' slots), so its generated %s would take %d, more than the 255 the JVM allows; take the values in a double[] (or in fewer, smaller records) instead"),
  INTERNAL_ERROR("InternalError", "Adjoint hit an internal error while processing %s; please report it with this trace:%n%s"),

  // ---- notes that follow an error ----
  NOTE_EXPECTED_SIGNATURE("Note", "expected: %s");

  private final String tag;
  private final String format;

  Message(String tag, String format) {
    this.tag = tag;
    this.format = format;
  }

  /** The stable tag, e.g. {@code AdjointBwdArity}. */
  public String tag() {
    return "Adjoint" + tag;
  }

  /** ERROR for faults, NOTE for the notes that follow them and for advice that is not a fault. */
  public Diagnostic.Kind kind() {
    if (this == NOTE_EXPECTED_SIGNATURE || this == REDUNDANT_NO_DIFF
        || this == NO_DIFF_ON_COMPANION || this == NO_DIFF_ON_JVP || this == FROM_BODY_OMITTED
        || this == FORWARD_THROUGH_ARRAY_RULE) {
      return Diagnostic.Kind.NOTE;
    }
    return Diagnostic.Kind.ERROR;
  }

  /** The full text: the tag in brackets, then the formatted message. */
  public String format(Object... args) {
    String body = String.format(format, args);
    return this == NOTE_EXPECTED_SIGNATURE ? body : "[" + tag() + "] " + body;
  }
}

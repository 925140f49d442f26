package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.adjoint.processor.ir.Expr;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * The fields that one generated class cannot read by name ({@code private final double strike} of
 * the user's class; {@code super.k}; a protected field of a base class in another package): the
 * generated class is not the field's nestmate nor a subclass, so it reads each through a
 * {@code static final VarHandle} of a nested class {@value #HOLDER}, found once, when a member
 * first reads one, by {@code MethodHandles.privateLookupIn} (allowed from any class of the
 * field's module, without {@code opens}). HotSpot folds a static final handle into a plain field
 * read. A renderer asks for a read ({@link #read}); the class writer adds the holder last ({@link
 * #holder}), with a handle for each field read, in the order of first use.
 */
final class PrivateFields {
  /**
   * The name of the nested class of the handles (with underscores added where a class that the
   * generated code names has it); a reserved name, so no variable obscures it.
   */
  static final String HOLDER = "PrivateFields";

  private static final ClassName VAR_HANDLE = ClassName.get(VarHandle.class);
  private static final ClassName METHOD_HANDLES = ClassName.get(MethodHandles.class);
  private static final TypeName CLASS = ParameterizedTypeName.get(ClassName.get(Class.class),
      WildcardTypeName.subtypeOf(Object.class));

  private final ClassName holder;
  private final NameAllocator names = new NameAllocator();
  /** Each field's handle name, by its owner and name. */
  private final Map<List<Object>, String> handles = new LinkedHashMap<>();
  private final Map<String, Expr.FieldRead> fields = new LinkedHashMap<>();

  /** @param holder the nested class of the handles ({@link #HOLDER}, unless a class has it) */
  PrivateFields(ClassName holder) {
    this.holder = holder;
  }

  /**
   * {@code f} read from {@code object} (ignored for a static field): {@code object.name}, or
   * where it needs a handle {@code (Type) PrivateFields.OWNER_NAME.get(object)}.
   */
  CodeBlock read(Expr.FieldRead f, CodeBlock object) {
    if (f.privateType() == null) {
      return f.receiver() == null
          ? CodeBlock.of("$T.$N", f.owner(), f.name())
          : CodeBlock.of("$L.$N", object, f.name());
    }
    String handle = handles.computeIfAbsent(List.of(f.owner(), f.name()), k -> {
      String simple = f.owner() instanceof ClassName c ? c.simpleName() : "field";
      String name = names.newName(snake(simple) + "_" + snake(f.name()));
      fields.put(name, f);
      return name;
    });
    // A VarHandle's get is signature-polymorphic: the cast gives the type it returns.
    return f.receiver() == null
        ? CodeBlock.of("($T) $T.$N.get()", f.type(), holder, handle)
        : CodeBlock.of("($T) $T.$N.get($L)", f.type(), holder, handle, object);
  }

  /** The holder of the handles, if any read needs one. */
  Optional<TypeSpec> holder() {
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    TypeSpec.Builder type = TypeSpec.classBuilder(holder)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Handles on the private fields that this class reads.\n")
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Map.Entry<String, Expr.FieldRead> e : fields.entrySet()) {
      Expr.FieldRead f = e.getValue();
      type.addField(FieldSpec.builder(VAR_HANDLE, e.getKey(), Modifier.STATIC, Modifier.FINAL)
          .initializer("find($T.class, $S, $T.class, $L)", f.owner(), f.name(),
              f.privateType(), f.receiver() == null)
          .build());
    }
    type.addMethod(MethodSpec.methodBuilder("find")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(VAR_HANDLE)
        .addParameter(CLASS, "owner")
        .addParameter(String.class, "name")
        .addParameter(CLASS, "type")
        .addParameter(TypeName.BOOLEAN, "isStatic")
        .beginControlFlow("try")
        .addStatement("$T.Lookup lookup = $T.privateLookupIn(owner, $T.lookup())",
            METHOD_HANDLES, METHOD_HANDLES, METHOD_HANDLES)
        .addStatement("return isStatic ? lookup.findStaticVarHandle(owner, name, type)"
            + " : lookup.findVarHandle(owner, name, type)")
        .nextControlFlow("catch ($T e)", ReflectiveOperationException.class)
        .addComment("The field was there when this class was generated: a class changed since,"
            + " or a module that does not open its package.")
        .addStatement("throw new $T($S + owner.getName() + $S + name + $S + e, e)",
            IllegalStateException.class, "the generated class cannot read the field ", ".",
            "; recompile both classes: ")
        .endControlFlow()
        .build());
    return Optional.of(type.build());
  }

  /** {@code strikePrice} as {@code STRIKE_PRICE}. */
  private static String snake(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }
}

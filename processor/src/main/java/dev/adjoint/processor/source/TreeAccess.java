package dev.adjoint.processor.source;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diagnostics.Reporter;
import dev.adjoint.processor.ir.SourceRef;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Our one door to javac's Tree API: finds a method's tree, makes javac attribute it, and prints
 * messages at tree nodes. Where the Tree API is absent (Eclipse's compiler) or wrapped (IntelliJ's
 * build process), {@link #open} says why in one line instead of failing later.
 */
public final class TreeAccess implements Reporter.SourcePrinter {

  private final Trees trees;

  private TreeAccess(Trees trees) {
    this.trees = trees;
  }

  /** The Tree API of this compiler, or a one-line reason why it cannot be had. */
  public static Result open(ProcessingEnvironment env) {
    try {
      return new Result(Optional.of(new TreeAccess(Trees.instance(env))), "");
    } catch (IllegalArgumentException | LinkageError notJavac) {
      Optional<ProcessingEnvironment> unwrapped = unwrapProxy(env);
      if (unwrapped.isPresent()) {
        try {
          return new Result(
              Optional.of(new TreeAccess(Trees.instance(unwrapped.get()))), "");
        } catch (IllegalArgumentException | LinkageError stillNot) {
          // fall through to the explanation
        }
      }
      return new Result(
          Optional.empty(), "processing environment " + env.getClass().getName());
    }
  }

  /** The Tree API, or why not. */
  public record Result(Optional<TreeAccess> access, String whyNot) {}

  /**
   * IntelliJ's build process hands processors a {@link Proxy} around javac's environment; its
   * invocation handler keeps the real one in a field.
   */
  private static Optional<ProcessingEnvironment> unwrapProxy(ProcessingEnvironment env) {
    if (!Proxy.isProxyClass(env.getClass())) {
      return Optional.empty();
    }
    InvocationHandler handler = Proxy.getInvocationHandler(env);
    for (Class<?> c = handler.getClass(); c != null; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (ProcessingEnvironment.class.isAssignableFrom(f.getType())) {
          try {
            f.setAccessible(true);
            return Optional.ofNullable((ProcessingEnvironment) f.get(handler));
          } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The attributed tree of a method with a body, or empty when it has none (from a class file). */
  Optional<TreePath> attributedMethod(ExecutableElement method) {
    TreePath path = trees.getPath(method);
    if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
      return Optional.empty();
    }
    BlockTree body = tree.getBody();
    TreePath bodyPath = new TreePath(path, body);
    // Trees.getElement on a node javac has not attributed yet makes it attribute the class.
    Tree probe = body.getStatements().isEmpty() ? body : body.getStatements().get(0);
    trees.getElement(new TreePath(bodyPath, probe));
    return Optional.of(path);
  }

  /**
   * The {@code var} locals of a class that also names its own generated class. javac (17 to 25)
   * crashes compiling such a {@code var} once the class was attributed before the generated class
   * existed, which reading the bodies requires; so these are reported instead. Must be called
   * before the class is attributed: {@code var} shows as a local without a type only until then.
   */
  public List<SourceRef> varsBesideOwnAdjoint(TypeElement type, String adjointSimpleName,
      Set<Tree> seen) {
    TreePath path = trees.getPath(type);
    if (path == null) {
      return List.of();
    }
    boolean[] mentions = {false};
    List<SourceRef> vars = new ArrayList<>();
    List<Tree> trees = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        mentions[0] |= tree.getName().contentEquals(adjointSimpleName);
        return super.visitIdentifier(tree, unused);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
        mentions[0] |= tree.getIdentifier().contentEquals(adjointSimpleName);
        return super.visitMemberSelect(tree, unused);
      }

      @Override
      public Void visitVariable(VariableTree tree, Void unused) {
        if (tree.getType() == null && tree.getInitializer() != null
            && getCurrentPath().getParentPath().getLeaf() instanceof BlockTree) {
          vars.add(ref(getCurrentPath()));
          trees.add(tree);
        }
        return super.visitVariable(tree, unused);
      }
    }.scan(path, null);
    if (!mentions[0]) {
      return List.of();
    }
    seen.addAll(trees);
    return vars;
  }

  /**
   * The {@code var} locals anywhere in the top-level class around {@code type} whose initializer
   * names one of {@code generated}, the classes Adjoint generates in this round: javac crashes on
   * those too, once Adjoint has read a class of the same top-level class (a {@code main} of the
   * enclosing class, a sibling nested class, another class's generated API). Locals in {@code
   * seen} are skipped, and those returned are added to it.
   */
  public List<NamedVar> varsNamingGenerated(TypeElement type, Set<String> generated,
      Set<Tree> seen) {
    TypeElement top = type;
    while (top.getEnclosingElement() instanceof TypeElement outer) {
      top = outer;
    }
    TreePath path = trees.getPath(top);
    if (path == null) {
      return List.of();
    }
    List<NamedVar> vars = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree tree, Void unused) {
        if (tree.getType() == null && tree.getInitializer() != null
            && getCurrentPath().getParentPath().getLeaf() instanceof BlockTree
            && named(tree.getInitializer(), generated) != null && seen.add(tree)) {
          vars.add(new NamedVar(ref(getCurrentPath()), named(tree.getInitializer(), generated)));
        }
        return super.visitVariable(tree, unused);
      }
    }.scan(path, null);
    return vars;
  }

  /** A {@code var} local and the generated class its value names. */
  public record NamedVar(SourceRef ref, String generated) {}

  /** The first of {@code simpleNames} that {@code tree} mentions, or null. */
  private static String named(Tree tree, Set<String> simpleNames) {
    String[] found = {null};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree t, Void unused) {
        note(t.getName().toString());
        return null;
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree t, Void unused) {
        note(t.getIdentifier().toString());
        return super.visitMemberSelect(t, unused);
      }

      private void note(String name) {
        if (found[0] == null && simpleNames.contains(name)) {
          found[0] = name;
        }
      }
    }.scan(tree, null);
    return found[0];
  }

  /**
   * Where the class first mentions each of {@code simpleNames} (as a name or a member select's
   * identifier), in source order; names it does not mention are absent.
   */
  public Map<String, SourceRef> firstMentions(TypeElement type, Set<String> simpleNames) {
    TreePath path = trees.getPath(type);
    Map<String, SourceRef> first = new LinkedHashMap<>();
    if (path == null) {
      return first;
    }
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        note(tree.getName().toString());
        return super.visitIdentifier(tree, unused);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
        note(tree.getIdentifier().toString());
        return super.visitMemberSelect(tree, unused);
      }

      private void note(String name) {
        if (simpleNames.contains(name) && !first.containsKey(name)) {
          first.put(name, ref(getCurrentPath()));
        }
      }
    }.scan(path, null);
    return first;
  }

  /**
   * The methods that {@code method}'s body calls and javac resolves, in source order (a body that
   * mentions a type not generated yet still resolves its other calls).
   */
  public List<ExecutableElement> calledMethods(ExecutableElement method) {
    TreePath path = trees.getPath(method);
    List<ExecutableElement> called = new ArrayList<>();
    if (path == null) {
      return called;
    }
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if (trees.getElement(getCurrentPath()) instanceof ExecutableElement e) {
          called.add(e);
        }
        return super.visitMethodInvocation(tree, unused);
      }
    }.scan(path, null);
    return called;
  }

  /**
   * Where {@code method} writes an element of an array that a field holds, or the first of its
   * calls whose method (or a method or constructor it calls, compiled here, not skipped) may
   * ({@link FieldArrayWrites}); empty if none.
   */
  public Optional<SourceRef> fieldArrayWrite(ExecutableElement method,
      Predicate<ExecutableElement> skip) {
    TreePath at = new FieldArrayWrites(trees, skip).firstWrite(method);
    return at == null ? Optional.empty() : Optional.of(ref(at));
  }

  /** A call in a method of a method that writes a field the calling method reads. */
  public record FieldWrite(SourceRef call, String callee, String field) {}

  /**
   * The calls in {@code method}'s body of methods and constructors compiled here that {@code skip}
   * does not exclude and that write (assign, compound-assign, increment, or write an element of) a
   * field that {@code method}'s body reads, in their own statements or in those of the methods and
   * constructors they call in turn (compiled here, not excluded); one per call, in source order.
   * The fields read include those read by the methods {@code writtenIn} accepts (the annotated
   * methods of the same class, whose bodies second order writes in; red team of stop 29).
   * (Only the callee's own statements were looked at before stop 29: a write one plain call
   * deeper escaped, and the Hessian was silently wrong.)
   */
  public List<FieldWrite> callsWritingFieldsRead(ExecutableElement method,
      Predicate<ExecutableElement> skip, Predicate<ExecutableElement> writtenIn) {
    return callsChangingFieldsRead(method, skip, writtenIn, false);
  }

  /**
   * As {@link #callsWritingFieldsRead}, for the calls that replace an array field the method
   * reads ({@code F = new double[] {v}}, not {@code F[0] = v}): every derivative reads an array
   * field once, where the method begins (BodyReader's field arrays), so it would not see the new
   * array, and even its value would differ from the method's (red team of stop 29).
   */
  public List<FieldWrite> callsReplacingArrayFieldsRead(ExecutableElement method,
      Predicate<ExecutableElement> skip) {
    return callsChangingFieldsRead(method, skip, m -> false, true);
  }

  private List<FieldWrite> callsChangingFieldsRead(ExecutableElement method,
      Predicate<ExecutableElement> skip, Predicate<ExecutableElement> writtenIn,
      boolean replacedArraysOnly) {
    TreePath path = trees.getPath(method);
    List<FieldWrite> out = new ArrayList<>();
    if (path == null) {
      return out;
    }
    Set<Element> read = new HashSet<>();
    fieldsRead(path, read, writtenIn, new HashSet<>(Set.of(method)));
    // per callee, the write it reaches (an empty callee name where none), worked out once
    Map<ExecutableElement, FieldWrite> byCallee = new HashMap<>();
    for (TreePath call : callsIn(path)) {
      if (!(trees.getElement(call) instanceof ExecutableElement callee) || skip.test(callee)) {
        continue;
      }
      FieldWrite found = byCallee.computeIfAbsent(callee, c -> {
        List<String> through = new ArrayList<>();
        Element written =
            fieldWritten(c, read, skip, new HashSet<>(), through, replacedArraysOnly);
        if (written == null) {
          return new FieldWrite(null, "", "");
        }
        String name = describe(c);
        if (!through.isEmpty()) {
          name += " (through " + String.join(", then ", through) + ")";
        }
        return new FieldWrite(null, name, written.getSimpleName().toString());
      });
      if (!found.callee().isEmpty()) {
        out.add(new FieldWrite(ref(call), found.callee(), found.field()));
      }
    }
    return out;
  }

  private static String describe(ExecutableElement method) {
    return method.getKind() == ElementKind.CONSTRUCTOR
        ? "the constructor of " + method.getEnclosingElement().getSimpleName()
        : method.getSimpleName().toString();
  }

  /**
   * Adds to {@code read} the fields that the body at {@code path} reads, and those read by the
   * methods it calls that {@code writtenIn} accepts (compiled here; each once: {@code seen}),
   * whose bodies second order writes into it.
   */
  private void fieldsRead(TreePath path, Set<Element> read,
      Predicate<ExecutableElement> writtenIn, Set<ExecutableElement> seen) {
    List<ExecutableElement> callees = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        noteField(getCurrentPath());
        return super.visitIdentifier(tree, unused);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, Void unused) {
        noteField(getCurrentPath());
        return super.visitMemberSelect(tree, unused);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if (trees.getElement(getCurrentPath()) instanceof ExecutableElement e
            && writtenIn.test(e)) {
          callees.add(e);
        }
        return super.visitMethodInvocation(tree, unused);
      }

      private void noteField(TreePath at) {
        Element e = trees.getElement(at);
        if (e != null && e.getKind() == ElementKind.FIELD) {
          read.add(e);
        }
      }
    }.scan(path, null);
    for (ExecutableElement callee : callees) {
      TreePath calleePath = seen.add(callee) ? trees.getPath(callee) : null;
      if (calleePath != null) {
        fieldsRead(calleePath, read, writtenIn, seen);
      }
    }
  }

  /**
   * Calls {@code target} with the target of each write under {@code path}: the variable of an
   * assignment or compound assignment, the operand of {@code ++} or {@code --} (an element {@code
   * a[i]} as it is written).
   */
  public static void forEachWrite(TreePath path, java.util.function.Consumer<TreePath> target) {
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        target.accept(new TreePath(getCurrentPath(), tree.getVariable()));
        return super.visitAssignment(tree, unused);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
        target.accept(new TreePath(getCurrentPath(), tree.getVariable()));
        return super.visitCompoundAssignment(tree, unused);
      }

      @Override
      public Void visitUnary(UnaryTree tree, Void unused) {
        Tree.Kind k = tree.getKind();
        if (k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.POSTFIX_INCREMENT
            || k == Tree.Kind.PREFIX_DECREMENT || k == Tree.Kind.POSTFIX_DECREMENT) {
          target.accept(new TreePath(getCurrentPath(), tree.getExpression()));
        }
        return super.visitUnary(tree, unused);
      }
    }.scan(path, null);
  }

  /**
   * The method calls, object creations and method references ({@code C::put}, which a call
   * under {@code path} may run) under {@code path}, in source order.
   */
  static List<TreePath> callsIn(TreePath path) {
    List<TreePath> calls = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        calls.add(getCurrentPath());
        return super.visitMethodInvocation(tree, unused);
      }

      @Override
      public Void visitNewClass(NewClassTree tree, Void unused) {
        calls.add(getCurrentPath());
        return super.visitNewClass(tree, unused);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree tree, Void unused) {
        calls.add(getCurrentPath());
        return super.visitMemberReference(tree, unused);
      }
    }.scan(path, null);
    return calls;
  }

  /**
   * The first field among {@code read} that {@code callee}'s body writes, or the body of a method
   * or constructor it calls (compiled here, not skipped, each looked at once: {@code seen}); null
   * if none. {@code through} gets the names of the methods the write was reached through.
   */
  private Element fieldWritten(ExecutableElement callee, Set<Element> read,
      Predicate<ExecutableElement> skip, Set<ExecutableElement> seen, List<String> through,
      boolean replacedArraysOnly) {
    TreePath calleePath = seen.add(callee) ? trees.getPath(callee) : null;
    if (calleePath == null) {
      return null;
    }
    Element[] written = {null};
    boolean constructor = callee.getKind() == ElementKind.CONSTRUCTOR;
    // A constructor runs its class's instance initializers too (red team of stop 30).
    List<TreePath> parts = new ArrayList<>(List.of(calleePath));
    if (constructor) {
      parts.addAll(FieldArrayWrites.initializers(calleePath));
    }
    for (TreePath part : parts) {
      forEachWrite(part, written0 -> {
        TreePath target = written0;
        boolean element = target.getLeaf() instanceof ArrayAccessTree;
        while (target.getLeaf() instanceof ArrayAccessTree a) {
          target = new TreePath(target, a.getExpression());
        }
        Element e = trees.getElement(target);
        if (replacedArraysOnly && (element || e == null
            || e.asType().getKind() != javax.lang.model.type.TypeKind.ARRAY)) {
          return;
        }
        // A constructor's writes of instance fields are the new object's (this.w = w)
        if (written[0] == null && e != null && read.contains(e) && (!constructor
            || e.getModifiers().contains(javax.lang.model.element.Modifier.STATIC))) {
          written[0] = e;
        }
      });
    }
    if (written[0] != null) {
      return written[0];
    }
    List<TreePath> calls = new ArrayList<>();
    parts.forEach(part -> calls.addAll(callsIn(part)));
    for (TreePath call : calls) {
      if (trees.getElement(call) instanceof ExecutableElement next && !skip.test(next)) {
        Element deeper = fieldWritten(next, read, skip, seen, through, replacedArraysOnly);
        if (deeper != null) {
          through.add(0, describe(next));
          return deeper;
        }
      }
    }
    return null;
  }

  /** A method annotated for Adjoint inside a local or anonymous class. */
  public record LocalMethod(SourceRef ref, String annotation, String method, String where) {}

  /** Compilation units already searched by {@link #annotatedInLocalClasses}. */
  private final Set<CompilationUnitTree> searched =
      Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * The methods annotated {@code @Differentiable}, {@code @CustomVjp}, {@code @Fwd} or {@code @Bwd}
   * that are declared in a local or anonymous class (or a class nested in one) of the compilation
   * unit of {@code root}, each unit searched once. javac never offers these to processors (local
   * classes are no elements of the round), so without this search they would be ignored in
   * silence. The bodies they sit in are not attributed yet, so an annotation is recognised by its
   * name: {@code dev.adjoint.Differentiable} written out, or a simple name that the unit imports
   * from {@code dev.adjoint}.
   */
  public List<LocalMethod> annotatedInLocalClasses(TypeElement root) {
    TreePath path = trees.getPath(root);
    if (path == null || !searched.add(path.getCompilationUnit())) {
      return List.of();
    }
    CompilationUnitTree unit = path.getCompilationUnit();
    Set<String> imported = new HashSet<>();
    boolean inPackage = unit.getPackageName() != null
        && unit.getPackageName().toString().equals(ANNOTATION_PACKAGE);
    for (ImportTree i : unit.getImports()) {
      String name = i.getQualifiedIdentifier().toString();
      if (i.isStatic() || !name.startsWith(ANNOTATION_PACKAGE + ".")) {
        continue;
      }
      String rest = name.substring(ANNOTATION_PACKAGE.length() + 1);
      if (rest.equals("*")) {
        imported.addAll(ANNOTATION_NAMES);
      } else if (ANNOTATION_NAMES.contains(rest)) {
        imported.add(rest);
      }
    }
    if (inPackage) {
      imported.addAll(ANNOTATION_NAMES);
    }
    List<LocalMethod> found = new ArrayList<>();
    new TreePathScanner<Void, String>() {
      @Override
      public Void visitClass(ClassTree tree, String where) {
        Tree parent = getCurrentPath().getParentPath().getLeaf();
        String inside = where;
        if (inside == null && parent instanceof NewClassTree) {
          inside = "an anonymous class";
        } else if (inside == null && !(parent instanceof CompilationUnitTree)
            && !(parent instanceof ClassTree)) {
          inside = "the local class " + tree.getSimpleName();
        } else if (inside != null) {
          inside = tree.getSimpleName().length() == 0
              ? inside
              : "class " + tree.getSimpleName() + ", inside " + inside;
        }
        return super.visitClass(tree, inside);
      }

      @Override
      public Void visitMethod(MethodTree tree, String where) {
        if (where != null) {
          for (AnnotationTree a : tree.getModifiers().getAnnotations()) {
            String name = ours(a.getAnnotationType(), imported);
            if (name != null) {
              found.add(new LocalMethod(
                  ref(getCurrentPath()), "@" + name, tree.getName().toString(), where));
              break;
            }
          }
        }
        return super.visitMethod(tree, where);
      }
    }.scan(new TreePath(unit), null);
    return found;
  }

  private static final String ANNOTATION_PACKAGE = "dev.adjoint";
  private static final Set<String> ANNOTATION_NAMES =
      Set.of("Differentiable", "CustomVjp", "Fwd", "Bwd", "CustomJvp", "Jvp");

  /** The simple name of our annotation that {@code type} names, or null. */
  private static String ours(Tree type, Set<String> imported) {
    if (type instanceof IdentifierTree id) {
      String name = id.getName().toString();
      return imported.contains(name) ? name : null;
    }
    if (type instanceof MemberSelectTree select) {
      String name = select.getIdentifier().toString();
      return ANNOTATION_NAMES.contains(name)
              && select.getExpression().toString().equals(ANNOTATION_PACKAGE)
          ? name
          : null;
    }
    return null;
  }

  Trees trees() {
    return trees;
  }

  TreeRef ref(TreePath path) {
    CompilationUnitTree unit = path.getCompilationUnit();
    SourcePositions positions = trees.getSourcePositions();
    long start = positions.getStartPosition(unit, path.getLeaf());
    int line = start < 0 ? 0 : (int) unit.getLineMap().getLineNumber(start);
    return new TreeRef(path, line);
  }

  @Override
  public boolean print(Diagnostic.Kind kind, String text, SourceRef ref) {
    if (!(ref instanceof TreeRef at)) {
      return false;
    }
    trees.printMessage(kind, text, at.path.getLeaf(), at.path.getCompilationUnit());
    return true;
  }
}

package dev.adjoint.processor.source;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;

/**
 * Whether a method, or a method or constructor it calls (compiled here, transitively), may write
 * an element of an array that a field holds: {@code shared[0] = v} in a plain {@code setShared},
 * {@code this.buffer[i] = ..}, a helper passed a field's array ({@code fill(TABLE)}), a local or a
 * returned array that is a field's ({@code double[] t = TABLE; t[0] = v}, {@code r.w()[0] = v}),
 * or a field's array handed to a method whose body is not here ({@code Arrays.fill(TABLE, v)}).
 *
 * <p>A caller may pass that very array as a {@code @NoDiff} argument: the derivative then sees
 * the argument change without a write of its own (red team of stop 29, finding 5: the a0 partial
 * 3x too large). Writes into arrays the method was passed by the differentiated method, and into
 * arrays it made itself ({@code new double[n]}, {@code Arrays.copyOf}), do not count, so the
 * BLAS-style helpers ({@code layer(w, x, out)}) and helpers that return new arrays leave their
 * callers' data alone. A call of an overridable method compiled here, or of a functional
 * interface's method, counts as a write (an override, or a lambda kept somewhere, may write
 * anything); a method from a jar counts where it is handed a field's array, and what it writes
 * through its own fields is not looked at.
 */
final class FieldArrayWrites {

  /** JDK methods that take arrays and write none of them, or return a new one. */
  private static final Set<String> READ_ONLY = Set.of(
      "java.util.Arrays.copyOf", "java.util.Arrays.copyOfRange", "java.util.Arrays.equals",
      "java.util.Arrays.deepEquals", "java.util.Arrays.toString", "java.util.Arrays.deepToString",
      "java.util.Arrays.hashCode", "java.util.Arrays.deepHashCode", "java.util.Arrays.stream",
      "java.util.Arrays.binarySearch", "java.util.Arrays.compare", "java.util.Arrays.mismatch");

  private final Trees trees;
  private final Predicate<ExecutableElement> skip;
  /** Each method with the indices of its parameters that may hold a field's array, once. */
  private final Set<Visit> visited = new HashSet<>();
  /** The methods whose returns are being looked at (recursion). */
  private final Set<ExecutableElement> returning = new HashSet<>();

  private record Visit(ExecutableElement method, Set<Integer> rooted) {}

  FieldArrayWrites(Trees trees, Predicate<ExecutableElement> skip) {
    this.trees = trees;
    this.skip = skip;
  }

  /**
   * Where {@code method} writes an element of a field's array, or the first of its calls whose
   * method does (or a method that one calls), or null.
   */
  TreePath firstWrite(ExecutableElement method) {
    return writes(method, Set.of());
  }

  /** As {@link #firstWrite}, where the parameters at {@code rootedParams} may hold fields' arrays. */
  private TreePath writes(ExecutableElement method, Set<Integer> rootedParams) {
    if (!visited.add(new Visit(method, rootedParams))) {
      return null; // looked at, or being looked at further up (recursion)
    }
    TreePath path = trees.getPath(method);
    if (path == null || !(path.getLeaf() instanceof MethodTree m) || m.getBody() == null) {
      return null;
    }
    List<TreePath> parts = new ArrayList<>(List.of(path));
    if (method.getKind() == ElementKind.CONSTRUCTOR) {
      parts.addAll(initializers(path)); // run by every constructor that calls no this(..)
    }
    for (TreePath part : parts) {
      TreePath found = writesIn(method, part, rootedParams);
      if (found != null) {
        return part == path ? found : path;
      }
    }
    return null;
  }

  /** The instance initializer blocks and field initializers of the class a constructor makes. */
  static List<TreePath> initializers(TreePath constructor) {
    List<TreePath> out = new ArrayList<>();
    TreePath owner = constructor.getParentPath();
    if (owner != null && owner.getLeaf() instanceof ClassTree c) {
      for (Tree member : c.getMembers()) {
        if (member instanceof BlockTree b && !b.isStatic()
            || member instanceof VariableTree v && v.getInitializer() != null
                && !v.getModifiers().getFlags().contains(Modifier.STATIC)) {
          out.add(new TreePath(owner, member));
        }
      }
    }
    return out;
  }

  private TreePath writesIn(ExecutableElement method, TreePath path, Set<Integer> rootedParams) {
    Scope scope = new Scope(method, path, rootedParams);
    TreePath[] found = {null};
    TreeAccess.forEachWrite(path, target -> {
      if (found[0] == null && target.getLeaf() instanceof ArrayAccessTree a
          && scope.rooted(new TreePath(target, a.getExpression()))) {
        found[0] = target;
      }
    });
    if (found[0] != null) {
      return found[0];
    }
    for (TreePath call : scope.calls()) {
      if (!(trees.getElement(call) instanceof ExecutableElement callee) || skip.test(callee)) {
        continue;
      }
      Set<Integer> rooted = new HashSet<>();
      if (call.getLeaf() instanceof MemberReferenceTree) {
        // C::put: called with arguments that are not seen here
        for (int k = 0; k < callee.getParameters().size(); k++) {
          rooted.add(k);
        }
      } else {
        List<? extends ExpressionTree> args = call.getLeaf() instanceof MethodInvocationTree i
            ? i.getArguments() : ((NewClassTree) call.getLeaf()).getArguments();
        boolean here = hasBody(callee);
        for (int k = 0; k < args.size(); k++) {
          TreePath arg = new TreePath(call, args.get(k));
          javax.lang.model.type.TypeMirror type = trees.getTypeMirror(arg);
          if (scope.rooted(arg) && (here || type != null && mayBeArray(type))) {
            rooted.add(Math.min(k, callee.getParameters().size() - 1)); // varargs: the last
          }
        }
      }
      if (overridable(callee) && (trees.getPath(callee) != null || functional(callee))) {
        // an override compiled here (perhaps anonymous), or a lambda run through a functional
        // interface (DoubleConsumer.accept), may write anything
        return call;
      }
      if (hasBody(callee) ? writes(callee, rooted) != null
          : !rooted.isEmpty() && !READ_ONLY.contains(qualified(callee))) {
        return call; // (a method whose body is not here, handed a field's array, may write it)
      }
    }
    return null;
  }

  /**
   * Whether a call of {@code method} may run another method's body: an instance method that is
   * not private, static or final, of a class that is not final (a record or enum is), or of an
   * interface.
   */
  private static boolean overridable(ExecutableElement method) {
    if (method.getKind() != ElementKind.METHOD) {
      return false;
    }
    Set<Modifier> modifiers = method.getModifiers();
    if (modifiers.contains(Modifier.STATIC) || modifiers.contains(Modifier.PRIVATE)
        || modifiers.contains(Modifier.FINAL)) {
      return false;
    }
    Element owner = method.getEnclosingElement();
    return !(owner.getModifiers().contains(Modifier.FINAL)
        || owner.getKind() == ElementKind.RECORD || owner.getKind() == ElementKind.ENUM);
  }

  /**
   * Whether a value of {@code type} may be (or hold) an array: not a primitive, a boxed one, a
   * string or an enum.
   */
  private static boolean mayHoldArray(javax.lang.model.type.TypeMirror type) {
    if (type.getKind().isPrimitive() || type.getKind() == TypeKind.VOID
        || type.getKind() == TypeKind.NULL) {
      return false;
    }
    if (type instanceof javax.lang.model.type.DeclaredType d
        && d.asElement() instanceof TypeElement t) {
      String name = t.getQualifiedName().toString();
      return t.getKind() != ElementKind.ENUM && !name.equals("java.lang.String")
          && !(name.startsWith("java.lang.") && Set.of("Double", "Float", "Long", "Integer",
              "Short", "Byte", "Character", "Boolean").contains(t.getSimpleName().toString()));
    }
    return true;
  }

  /** Whether {@code method} is the method of a functional interface, which runs a lambda. */
  private static boolean functional(ExecutableElement method) {
    return method.getEnclosingElement().getAnnotation(FunctionalInterface.class) != null
        && method.getModifiers().contains(Modifier.ABSTRACT);
  }

  /**
   * Whether a method whose body is not here may keep what it is handed where a field's array
   * could be: arrays, and values typed as Object (or a type variable) that may be one.
   */
  private static boolean mayBeArray(javax.lang.model.type.TypeMirror type) {
    if (type.getKind() == TypeKind.ARRAY || type.getKind() == TypeKind.TYPEVAR) {
      return true;
    }
    return type instanceof javax.lang.model.type.DeclaredType d
        && d.asElement() instanceof TypeElement t
        && Set.of("java.lang.Object", "java.lang.Cloneable", "java.io.Serializable")
            .contains(t.getQualifiedName().toString());
  }

  private boolean hasBody(ExecutableElement method) {
    TreePath path = trees.getPath(method);
    return path != null && path.getLeaf() instanceof MethodTree m && m.getBody() != null;
  }

  private static String qualified(ExecutableElement method) {
    return method.getEnclosingElement() instanceof TypeElement owner
        ? owner.getQualifiedName() + "." + method.getSimpleName() : "";
  }

  /** One method's body: which of its expressions may be (part of) an array a field holds. */
  private final class Scope {
    private final ExecutableElement method;
    private final TreePath path;
    private final Set<Integer> rootedParams;
    /** Per local array variable, the values assigned to it (its initializer too). */
    private final Map<Element, List<TreePath>> assigned = new HashMap<>();
    private final List<TreePath> calls = new ArrayList<>();
    private final Set<Element> deciding = new HashSet<>();

    Scope(ExecutableElement method, TreePath path, Set<Integer> rootedParams) {
      this.method = method;
      this.path = path;
      this.rootedParams = rootedParams;
      // Trees.getElement makes javac attribute a class it has not yet (a callee's), without
      // which the types asked for below are null.
      Tree first = path.getLeaf() instanceof MethodTree m && m.getBody() != null
          && !m.getBody().getStatements().isEmpty() ? m.getBody().getStatements().get(0) : null;
      trees.getElement(first == null ? path
          : new TreePath(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), first));
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree tree, Void unused) {
          if (tree.getInitializer() != null) {
            assign(getCurrentPath(), new TreePath(getCurrentPath(), tree.getInitializer()));
          }
          return super.visitVariable(tree, unused);
        }

        @Override
        public Void visitAssignment(AssignmentTree tree, Void unused) {
          assign(new TreePath(getCurrentPath(), tree.getVariable()),
              new TreePath(getCurrentPath(), tree.getExpression()));
          return super.visitAssignment(tree, unused);
        }

        @Override
        public Void visitEnhancedForLoop(EnhancedForLoopTree tree, Void unused) {
          // for (double[] row : m): each row is an element of m, a field's where m may be one
          assign(new TreePath(getCurrentPath(), tree.getVariable()),
              new TreePath(getCurrentPath(), tree.getExpression()));
          return super.visitEnhancedForLoop(tree, unused);
        }

        private void assign(TreePath target, TreePath value) {
          Element e = trees.getElement(target);
          if (e != null && e.getKind() == ElementKind.LOCAL_VARIABLE) {
            assigned.computeIfAbsent(e, k -> new ArrayList<>()).add(value);
          }
        }
      }.scan(path, null);
      calls.addAll(TreeAccess.callsIn(path));
    }

    List<TreePath> calls() {
      return calls;
    }

    /** Whether the array the expression at {@code at} evaluates to may be a field's. */
    boolean rooted(TreePath at) {
      Tree leaf = at.getLeaf();
      if (leaf instanceof ParenthesizedTree p) {
        return rooted(new TreePath(at, p.getExpression()));
      } else if (leaf instanceof TypeCastTree c) {
        return rooted(new TreePath(at, c.getExpression()));
      } else if (leaf instanceof ArrayAccessTree a) {
        return rooted(new TreePath(at, a.getExpression())); // a row of a field's matrix
      } else if (leaf instanceof ConditionalExpressionTree c) {
        return rooted(new TreePath(at, c.getTrueExpression()))
            || rooted(new TreePath(at, c.getFalseExpression()));
      } else if (leaf instanceof NewArrayTree n) {
        // new double[][] {shared}: a new array of fields' arrays
        return n.getInitializers() != null && n.getInitializers().stream()
            .anyMatch(e -> rooted(new TreePath(at, e)));
      } else if (leaf instanceof NewClassTree) {
        return false;
      } else if (leaf instanceof AssignmentTree a) {
        return rooted(new TreePath(at, a.getExpression()));
      }
      // Any reference may hold an array: an Object cast back ((double[]) box), a T, an Object[]
      javax.lang.model.type.TypeMirror type = trees.getTypeMirror(at);
      if (type != null && !mayHoldArray(type) || leaf instanceof LiteralTree) {
        return false;
      }
      if (leaf instanceof MethodInvocationTree) {
        return returnsRooted(at);
      }
      Element e = trees.getElement(at);
      if (e == null) {
        return true;
      }
      return switch (e.getKind()) {
        case FIELD -> true;
        // (a lambda's parameter is not the method's: it may be given anything)
        case PARAMETER -> !method.getParameters().contains(e)
            || rootedParams.contains(method.getParameters().indexOf(e));
        case LOCAL_VARIABLE -> {
          List<TreePath> values = assigned.getOrDefault(e, List.of());
          if (values.isEmpty()) {
            yield true; // a variable this scope does not assign (a pattern's, a resource's)
          }
          if (!deciding.add(e)) {
            yield false; // the other assignments decide
          }
          boolean any = false;
          for (TreePath value : values) {
            any |= rooted(value);
          }
          deciding.remove(e);
          yield any;
        }
        default -> true;
      };
    }

    /** Whether the array a call returns may be a field's: a method here that returns one. */
    private boolean returnsRooted(TreePath call) {
      if (!(trees.getElement(call) instanceof ExecutableElement callee)) {
        return true;
      }
      String name = qualified(callee);
      if (name.equals("java.util.Arrays.copyOf") || name.equals("java.util.Arrays.copyOfRange")
          || callee.getSimpleName().contentEquals("clone") || skip.test(callee)) {
        return false; // a new array (a generated member's too)
      }
      TreePath calleePath = trees.getPath(callee);
      if (calleePath == null || !(calleePath.getLeaf() instanceof MethodTree m)
          || m.getBody() == null) {
        return true; // a record's accessor, a getter in a jar: perhaps the object's own array
      }
      MethodInvocationTree invocation = (MethodInvocationTree) call.getLeaf();
      Set<Integer> rooted = new HashSet<>();
      for (int k = 0; k < invocation.getArguments().size(); k++) {
        if (rooted(new TreePath(call, invocation.getArguments().get(k)))) {
          rooted.add(Math.min(k, callee.getParameters().size() - 1));
        }
      }
      if (!returning.add(callee)) {
        return false; // recursion: its other returns decide
      }
      Scope inner = new Scope(callee, calleePath, rooted);
      boolean[] any = {false};
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitReturn(ReturnTree tree, Void unused) {
          if (tree.getExpression() != null) {
            any[0] |= inner.rooted(new TreePath(getCurrentPath(), tree.getExpression()));
          }
          return super.visitReturn(tree, unused);
        }

        @Override
        public Void visitClass(com.sun.source.tree.ClassTree tree, Void unused) {
          return null; // the returns of local classes' methods are theirs
        }

        @Override
        public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree tree,
            Void unused) {
          return null; // and those of lambdas
        }
      }.scan(calleePath, null);
      returning.remove(callee);
      return any[0];
    }
  }
}

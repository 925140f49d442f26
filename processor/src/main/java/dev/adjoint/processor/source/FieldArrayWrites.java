package dev.adjoint.processor.source;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
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
 * callers' data alone. Calls through interfaces or of methods from jars see only the arrays they
 * are handed; what such a method writes through its own fields is not looked at.
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
      List<? extends ExpressionTree> args = call.getLeaf() instanceof MethodInvocationTree i
          ? i.getArguments() : ((NewClassTree) call.getLeaf()).getArguments();
      Set<Integer> rooted = new HashSet<>();
      for (int k = 0; k < args.size(); k++) {
        if (scope.rooted(new TreePath(call, args.get(k)))) {
          rooted.add(Math.min(k, callee.getParameters().size() - 1)); // varargs: the last
        }
      }
      if (hasBody(callee) ? writes(callee, rooted) != null
          : !rooted.isEmpty() && !READ_ONLY.contains(qualified(callee))) {
        return call; // (a method whose body is not here, handed a field's array, may write it)
      }
    }
    return null;
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
        public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
          calls.add(getCurrentPath());
          return super.visitMethodInvocation(tree, unused);
        }

        @Override
        public Void visitNewClass(NewClassTree tree, Void unused) {
          calls.add(getCurrentPath());
          return super.visitNewClass(tree, unused);
        }

        private void assign(TreePath target, TreePath value) {
          Element e = trees.getElement(target);
          if (e != null && e.getKind() == ElementKind.LOCAL_VARIABLE) {
            assigned.computeIfAbsent(e, k -> new ArrayList<>()).add(value);
          }
        }
      }.scan(path, null);
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
      } else if (leaf instanceof NewArrayTree || leaf instanceof NewClassTree) {
        return false;
      } else if (leaf instanceof AssignmentTree a) {
        return rooted(new TreePath(at, a.getExpression()));
      }
      javax.lang.model.type.TypeMirror type = trees.getTypeMirror(at);
      if (type == null || type.getKind() != TypeKind.ARRAY) {
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
        case PARAMETER -> rootedParams.contains(method.getParameters().indexOf(e));
        case LOCAL_VARIABLE -> {
          if (!deciding.add(e)) {
            yield false; // the other assignments decide
          }
          boolean any = false;
          for (TreePath value : assigned.getOrDefault(e, List.of())) {
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

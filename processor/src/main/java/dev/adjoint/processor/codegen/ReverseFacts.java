package dev.adjoint.processor.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import dev.adjoint.processor.model.AdjointNames;
import dev.adjoint.processor.model.Signature;
import dev.adjoint.processor.transform.reverse.ReverseDerivative;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the writers ask of a reverse-mode derivative beyond its parts: which variables a Vjp keeps,
 * which of them a snapshot copies, which arrays the reverse sweep walks back, which a workspace
 * reuses, which classes the code names. The one place in codegen that reads such facts off the IR
 * (the writers only render it), so that when the transform comes to record them, only this class
 * changes. It writes nothing.
 */
final class ReverseFacts {
  private final ReverseDerivative d;
  private final List<Variable> kept;

  ReverseFacts(ReverseDerivative d) {
    this.d = d;
    this.kept = d.captured().stream().filter(v -> v != d.result()).toList();
  }

  /** The captured variables a Vjp keeps, other than the result (kept as its value). */
  List<Variable> kept() {
    return kept;
  }

  /** The local arrays whose elements the reverse sweep restores in place. */
  List<Variable> walkedBack() {
    Set<Variable> out = new LinkedHashSet<>();
    IrWalker.forEachStmt(d.reverse(), st -> {
      if (st instanceof Stmt.ArrayAssign a && a.array().kind() != Variable.Kind.ADJOINT
          && kept.contains(a.array())) {
        out.add(a.array());
      }
    });
    return List.copyOf(out);
  }

  /**
   * The parameter arrays whose elements the reverse sweep reads ({@code x[i]}, a row's length, a
   * matrix's shape for its cotangent): what a snapshot copies. A parameter array of which it reads
   * only the length needs no copy: no one can change an array's length.
   */
  Set<Variable> elementsRead() {
    Set<Variable> read = new LinkedHashSet<>();
    IrWalker.forEachExpr(d.reverse(), e -> {
      if (e instanceof Expr.ArrayRead a) {
        read.add(a.array());
      } else if (e instanceof Expr.ArrayLength a && !a.indices().isEmpty()) {
        read.add(a.array());
      } else if (e instanceof Expr.Read r && r.variable().type() instanceof ArrayTypeName) {
        read.add(r.variable());
      }
    });
    for (Variable a : d.adjoints()) {
      if (a.shapeOf() != null && Expr.rank(a.type()) >= 2) {
        read.add(a.shapeOf()); // its cotangent is made in the shape of its rows (or matrices)
      }
    }
    read.removeIf(v -> v.kind() != Variable.Kind.PARAM || !(v.type() instanceof ArrayTypeName));
    read.retainAll(kept);
    return read;
  }

  /**
   * Those of {@link #elementsRead} that the method read from an object: from a field ({@code
   * double[] t = C.TABLE}) or through an accessor ({@code int[] p_ix = p.ix()}, a record
   * argument's component). No caller passed them by name, so none keeps them as they were for a
   * Vjp that shares its arrays with its caller (a caller passes the record, and copies only the
   * arrays it reads itself); every Vjp copies them. A call with effects between two calls of the
   * method may change a field's (red team, stop 27); the user may change a record's component
   * after making the caller's Vjp (fuzzer version 17, stop 28).
   */
  Set<Variable> objectArraysRead() {
    Set<Variable> out = new LinkedHashSet<>();
    IrWalker.forEachStmt(d.forward(), st -> {
      if (st instanceof Stmt.Declare decl && fromObject(decl.init())) {
        out.add(decl.variable());
      } else if (st instanceof Stmt.Assign a && fromObject(a.value())) {
        out.add(a.variable());
      }
    });
    out.retainAll(elementsRead());
    return out;
  }

  /** A field read, or an accessor: a call without arguments on an object, not a constructor. */
  private static boolean fromObject(Expr e) {
    return e instanceof Expr.FieldRead
        || e instanceof Expr.OpaqueCall c && !c.isNew() && c.receiver() != null
            && c.args().isEmpty();
  }

  /**
   * The arrays a workspace keeps in fields and reuses from call to call: the local arrays the
   * forward sweep creates at its top level, and the cotangent arrays.
   */
  Set<Variable> pooled() {
    Set<Variable> pooled = new LinkedHashSet<>();
    for (Stmt st : d.forward().stmts()) {
      if (st instanceof Stmt.Declare decl && decl.init() instanceof Expr.NewArray
            && Expr.isArray(decl.variable().type())) { // a discrete array is made per call
        pooled.add(decl.variable());
      }
    }
    for (Variable a : d.adjoints()) {
      if (a.shapeOf() != null) {
        pooled.add(a);
      }
    }
    return pooled;
  }

  /** Every variable of either sweep, in order of first appearance. */
  Set<Variable> variables() {
    Set<Variable> out = new LinkedHashSet<>(d.params());
    out.add(d.result());
    out.add(d.seed());
    d.tape().ifPresent(out::add);
    d.reader().ifPresent(out::add);
    out.addAll(d.adjoints());
    for (Stmt.Block block : List.of(d.forward(), d.reverse())) {
      IrWalker.forEachStmt(block, st -> {
        if (st instanceof Stmt.Declare decl) {
          out.add(decl.variable());
        } else if (st instanceof Stmt.Assign a) {
          out.add(a.variable());
        } else if (st instanceof Stmt.ArrayAssign a) {
          out.add(a.array());
        }
      });
      IrWalker.forEachExpr(block, e -> {
        if (e instanceof Expr.Read read) {
          out.add(read.variable());
        } else if (e instanceof Expr.ArrayRead a) {
          out.add(a.array());
        } else if (e instanceof Expr.ArrayLength a) {
          out.add(a.array());
        }
      });
    }
    return out;
  }

  /**
   * The classes that the rendered sweeps name in expressions: the owners of {@code Math} functions,
   * of the methods and fields they call or read, and the Vjp classes of their callees.
   */
  List<ClassName> classesNamed() {
    List<ClassName> classes = new ArrayList<>();
    Expr.Visitor<Void> named = new ClassesNamed(classes);
    for (Stmt.Block block : List.of(d.forward(), d.reverse())) {
      IrWalker.forEachExpr(block, e -> e.accept(named));
    }
    return classes;
  }

  /** Adds the classes an expression node itself names; one arm per kind of expression. */
  private static final class ClassesNamed implements Expr.Visitor<Void> {
    private final List<ClassName> classes;

    ClassesNamed(List<ClassName> classes) {
      this.classes = classes;
    }

    private Void vjpClassOf(Signature callee) {
      classes.add(callee.adjointClass().nestedClass(AdjointNames.vjpClass(callee)));
      return null;
    }

    @Override
    public Void visitLiteral(Expr.Literal e) {
      if (e.value() instanceof Float) {
        classes.add(ClassName.get(Float.class)); // Float.NaN and the infinities
      }
      return null;
    }

    @Override
    public Void visitMathCall(Expr.MathCall e) {
      classes.add(e.owner());
      return null;
    }

    @Override
    public Void visitOpaqueCall(Expr.OpaqueCall e) {
      if (e.owner() instanceof ClassName owner) {
        classes.add(owner);
      }
      return null;
    }

    @Override
    public Void visitFieldRead(Expr.FieldRead e) {
      if (e.owner() instanceof ClassName owner) {
        classes.add(owner);
      }
      return null;
    }

    @Override
    public Void visitDiffCall(Expr.DiffCall e) {
      return vjpClassOf(e.callee());
    }

    @Override
    public Void visitVjpOf(Expr.VjpOf e) {
      return vjpClassOf(e.callee());
    }

    // Kinds that name no class (a cast's type, a new array's, are types, not names in an
    // expression that a variable could obscure).

    @Override
    public Void visitRead(Expr.Read e) {
      return null;
    }

    @Override
    public Void visitUnary(Expr.Unary e) {
      return null;
    }

    @Override
    public Void visitBinary(Expr.Binary e) {
      return null;
    }

    @Override
    public Void visitConditional(Expr.Conditional e) {
      return null;
    }

    @Override
    public Void visitCast(Expr.Cast e) {
      return null;
    }

    @Override
    public Void visitStopGradient(Expr.StopGradient e) {
      return null;
    }

    @Override
    public Void visitVjpValue(Expr.VjpValue e) {
      return null;
    }

    @Override
    public Void visitPullback(Expr.Pullback e) {
      return null;
    }

    @Override
    public Void visitComponent(Expr.Component e) {
      return null;
    }

    @Override
    public Void visitPop(Expr.Pop e) {
      return null;
    }

    @Override
    public Void visitArrayRead(Expr.ArrayRead e) {
      return null;
    }

    @Override
    public Void visitArrayLength(Expr.ArrayLength e) {
      return null;
    }

    @Override
    public Void visitNewArray(Expr.NewArray e) {
      return null;
    }
  }
}

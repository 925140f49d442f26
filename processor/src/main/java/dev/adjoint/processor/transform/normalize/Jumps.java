package dev.adjoint.processor.transform.normalize;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.SourceRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lowers {@code break}, {@code continue} and {@code return} inside loops to flags, so that the
 * reverse sweep sees only structured loops and branches. In each loop that needs them:
 *
 * <ul>
 *   <li>{@code skip} is cleared at the start of every trip and set by a jump; the statements
 *       after a statement that may jump run under {@code if (!skip)};
 *   <li>{@code broke} is set by {@code break} (and by a {@code return}); the loop condition
 *       becomes {@code !broke && condition}, and a for loop's update runs under {@code if
 *       (!broke)}, as Java skips it after a break;
 *   <li>a {@code return e} stores e in {@code returned} and sets {@code returning}; after the loop,
 *       {@code if (returning)} leaves the enclosing loop the same way, or returns from the method.
 * </ul>
 *
 * Flags are plain booleans: the transformer records them per trip like any other local.
 */
public final class Jumps {
  private Variable returning;
  private Variable returned;

  private Jumps() {}

  /** The body with no jump or return left inside a loop (a body without loops is unchanged). */
  public static Stmt.Block lower(Stmt.Block body) {
    Jumps j = new Jumps();
    List<Stmt> lowered = j.list(body.stmts(), null);
    if (j.returning == null) {
      return new Stmt.Block(lowered, body.ref());
    }
    List<Stmt> out = new ArrayList<>();
    out.add(new Stmt.Declare(j.returning, new Expr.Literal(false, TypeName.BOOLEAN, null), null));
    out.add(new Stmt.Declare(j.returned, new Expr.Literal(0.0, TypeName.DOUBLE, null), null));
    out.addAll(lowered);
    return new Stmt.Block(out, body.ref());
  }

  private void needReturnFlags() {
    if (returning == null) {
      returning = new Variable("returning", TypeName.BOOLEAN, Variable.Kind.LOCAL);
      returned = new Variable("returned", TypeName.DOUBLE, Variable.Kind.LOCAL);
    }
  }

  /** The flags of the loop being lowered; null at the method's top level. */
  private static final class Frame {
    Variable skip;
    Variable broke;

    Variable skip() {
      if (skip == null) {
        skip = new Variable("skip", TypeName.BOOLEAN, Variable.Kind.LOCAL);
      }
      return skip;
    }

    Variable broke() {
      if (broke == null) {
        broke = new Variable("broke", TypeName.BOOLEAN, Variable.Kind.LOCAL);
      }
      return broke;
    }
  }

  private List<Stmt> list(List<Stmt> stmts, Frame frame) {
    List<Stmt> out = new ArrayList<>();
    for (int i = 0; i < stmts.size(); i++) {
      Stmt s = stmts.get(i);
      boolean exits = frame != null && containsJumpOrReturn(s); // may end the trip early
      out.addAll(stmt(s, frame));
      if (exits && i + 1 < stmts.size()) {
        List<Stmt> rest = list(stmts.subList(i + 1, stmts.size()), frame);
        out.add(new Stmt.If(not(read(frame.skip())), Stmt.Block.of(rest), Stmt.Block.of(List.of()),
            rest.get(0).ref()));
        return out;
      }
    }
    return out;
  }

  private List<Stmt> stmt(Stmt s, Frame frame) {
    return s.accept(new Lower(frame));
  }

  /** One statement lowered inside {@code frame}'s loop (null: at the top level); one arm per kind. */
  private final class Lower implements Stmt.Visitor<List<Stmt>> {
    private final Frame frame;

    Lower(Frame frame) {
      this.frame = frame;
    }

    @Override
    public List<Stmt> visitJump(Stmt.Jump j) {
      if (frame == null) {
        return List.of(j);
      }
      List<Stmt> out = new ArrayList<>();
      out.add(set(frame.skip(), true, j.ref()));
      if (j.isBreak()) {
        out.add(set(frame.broke(), true, j.ref()));
      }
      return out;
    }

    @Override
    public List<Stmt> visitReturn(Stmt.Return r) {
      if (frame == null) {
        return List.of(r);
      }
      needReturnFlags();
      SourceRef ref = r.ref();
      return List.of(
          // return; of a void helper (OutParams) returns no value.
          new Stmt.Assign(returned,
              r.value() != null ? r.value() : new Expr.Literal(0.0, TypeName.DOUBLE, null), ref),
          set(returning, true, ref),
          set(frame.skip(), true, ref),
          set(frame.broke(), true, ref));
    }

    @Override
    public List<Stmt> visitIf(Stmt.If i) {
      return List.of(new Stmt.If(i.condition(),
          new Stmt.Block(list(i.then().stmts(), frame), i.then().ref()),
          new Stmt.Block(list(i.otherwise().stmts(), frame), i.otherwise().ref()), i.ref()));
    }

    @Override
    public List<Stmt> visitBlock(Stmt.Block b) {
      return list(b.stmts(), frame);
    }

    @Override
    public List<Stmt> visitLoop(Stmt.Loop l) {
      return loop(l, frame);
    }

    @Override
    public List<Stmt> visitDeclare(Stmt.Declare s) {
      return List.of(s);
    }

    @Override
    public List<Stmt> visitAssign(Stmt.Assign s) {
      return List.of(s);
    }

    @Override
    public List<Stmt> visitArrayAssign(Stmt.ArrayAssign s) {
      return List.of(s);
    }

    @Override
    public List<Stmt> visitEval(Stmt.Eval s) {
      return List.of(s);
    }

    @Override
    public List<Stmt> visitPush(Stmt.Push s) {
      return List.of(s);
    }
  }

  private List<Stmt> loop(Stmt.Loop l, Frame outer) {
    SourceRef ref = l.ref();
    if (!containsJumpOrReturn(l.body())) {
      Stmt.Block body = new Stmt.Block(list(l.body().stmts(), new Frame()), l.body().ref());
      return List.of(new Stmt.Loop(l.condition(), body, l.update(), l.testFirst(), ref));
    }
    boolean returns = containsReturn(l.body());
    if (returns) {
      needReturnFlags();
    }
    Frame frame = new Frame();
    List<Stmt> body = new ArrayList<>();
    body.add(set(frame.skip(), false, ref));
    body.addAll(list(l.body().stmts(), frame));
    List<Stmt> out = new ArrayList<>();
    out.add(new Stmt.Declare(frame.skip(), new Expr.Literal(false, TypeName.BOOLEAN, ref), ref));
    Expr condition = l.condition();
    Stmt.Block update = l.update();
    if (frame.broke != null) {
      out.add(new Stmt.Declare(frame.broke, new Expr.Literal(false, TypeName.BOOLEAN, ref), ref));
      condition = new Expr.Binary(Expr.BinaryOp.AND, not(read(frame.broke)), condition,
          TypeName.BOOLEAN, ref);
      if (!update.stmts().isEmpty()) {
        update = Stmt.Block.of(List.of(new Stmt.If(not(read(frame.broke)), update,
            Stmt.Block.of(List.of()), ref)));
      }
    }
    out.add(new Stmt.Loop(condition, Stmt.Block.of(body), update, l.testFirst(), ref));
    if (returns && outer == null && endless(l)) {
      // A loop that only a return leaves (while (true) with no break): the method's end is
      // unreachable in Java, so no return follows it; here the loop ends only when returning.
      out.add(new Stmt.Return(read(returned), ref));
    } else if (returns) {
      // Leave what encloses the loop too: the next loop out, or the method.
      List<Stmt> leave = outer == null
          ? List.of(new Stmt.Return(read(returned), ref))
          : List.of(set(outer.skip(), true, ref), set(outer.broke(), true, ref));
      out.add(new Stmt.If(read(returning), Stmt.Block.of(leave), Stmt.Block.of(List.of()), ref));
    }
    return out;
  }

  /**
   * Whether {@code l} cannot complete normally in Java (JLS 14.22): its condition is the constant
   * {@code true} and no break of its own leaves it.
   */
  private static boolean endless(Stmt.Loop l) {
    return l.condition() instanceof Expr.Literal c && Boolean.TRUE.equals(c.value())
        && !contains(l.body(), x -> x instanceof Stmt.Jump j && j.isBreak(), x -> false);
  }

  /**
   * A jump or return in {@code s}; inside a nested loop only a return counts (its breaks and
   * continues stay inside it).
   */
  private static boolean containsJumpOrReturn(Stmt s) {
    return contains(s, x -> x instanceof Stmt.Jump || x instanceof Stmt.Return,
        x -> x instanceof Stmt.Return);
  }

  private static boolean containsReturn(Stmt s) {
    return contains(s, x -> x instanceof Stmt.Return, x -> x instanceof Stmt.Return);
  }

  /** Whether {@code s} holds a statement matching {@code here}, or {@code inLoops} in a loop. */
  private static boolean contains(
      Stmt s, Predicate<Stmt> here, Predicate<Stmt> inLoops) {
    if (here.test(s)) {
      return true;
    }
    // A loop's update is a for's update: it holds no jump or return.
    Predicate<Stmt> nested = s instanceof Stmt.Loop ? inLoops : here;
    List<Stmt> children = s instanceof Stmt.Loop l ? List.of(l.body()) : IrWalker.nested(s);
    return children.stream().anyMatch(c -> contains(c, nested, inLoops));
  }

  private static Stmt set(Variable flag, boolean value, SourceRef ref) {
    return new Stmt.Assign(flag, new Expr.Literal(value, TypeName.BOOLEAN, ref), ref);
  }

  private static Expr read(Variable v) {
    return new Expr.Read(v, null);
  }

  private static Expr not(Expr e) {
    return new Expr.Unary(Expr.UnaryOp.NOT, e, TypeName.BOOLEAN, null);
  }
}

package dev.adjoint.processor.transform.reverse;

import static dev.adjoint.processor.ir.Ir.add;
import static dev.adjoint.processor.ir.Ir.neg;
import static dev.adjoint.processor.ir.Ir.read;

import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.IrWalker;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Uses;
import dev.adjoint.processor.ir.Variable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tidies the sweeps of a gradient (seed 1) before they are rendered, without changing what they
 * compute but for the sign of a zero and the rounding of regrouped sums:
 *
 * <ul>
 *   <li>the contributions to one element of a cotangent array, {@code xBar[i] += e1; ...; xBar[i]
 *       += e2}, summed in a local and added once ({@link #gathered});
 *   <li>a sum's cotangent taken and put back, {@code sBarIn = sBar; sBar = 0; ...; sBar +=
 *       sBarIn}, keeps only the copy: the cotangent stays as it was, and in a loop it is then
 *       plainly the same on every trip (which lets the JIT see a seed of 1 through it);
 *   <li>a scalar cotangent known to be zero where a contribution is added to it gets the
 *       contribution, {@code v = e} for {@code v += e}: no {@code 0.0 + e}, which the JIT may not
 *       fold (it is not {@code e} for {@code e = -0.0}). A cotangent is known zero where it was
 *       declared, after {@code v = 0}, and at the start of each trip of a loop it is zero before
 *       and whose trips leave it zero ({@link #keepsZero}).
 * </ul>
 */
final class Simplify {
  private Simplify() {}

  /**
   * {@code forward} then {@code reverse}, simplified; {@code zero}: the scalar cotangents that are
   * zero when the forward sweep starts (declared so before it or before the reverse sweep, which
   * is the same for a cotangent the forward sweep does not use).
   */
  static List<List<Stmt>> sweeps(List<Stmt> forward, List<Stmt> reverse, Set<Variable> zero) {
    Set<Variable> known = new HashSet<>(zero);
    List<Stmt> f = knownZeros(sameEachTrip(gathered(forward)), known);
    List<Stmt> r = knownZeros(sameEachTrip(gathered(reverse)), known);
    return List.of(f, r);
  }

  // ------------------------------------------------------------------ taken and put back

  /** Drops {@code sBar = 0} and {@code sBar += sBarIn} after {@code sBarIn = sBar}, per block. */
  private static List<Stmt> sameEachTrip(List<Stmt> stmts) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt st : stmts) {
      out.add(inner(st, Simplify::sameEachTrip));
    }
    Set<Stmt> drop = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<Variable, Integer> writeCounts = new HashMap<>();
    for (Stmt st : out) {
      IrWalker.forEachStmt(st, x -> Uses.writes(x, w -> writeCounts.merge(w, 1, Integer::sum)));
    }
    for (int k = 0; k < out.size(); k++) {
      if (!(out.get(k) instanceof Stmt.Declare d) || !(d.init() instanceof Expr.Read r)
          || r.variable().kind() != Variable.Kind.ADJOINT
          || !r.variable().type().equals(TypeName.DOUBLE)) {
        continue;
      }
      int[] triple = triple(out, k, r.variable(), d.variable());
      // vIn written by its declaration only
      if (triple != null && writeCounts.getOrDefault(d.variable(), 0) == 1) {
        drop.add(out.get(triple[0]));
        drop.add(out.get(triple[1]));
      }
    }
    if (drop.isEmpty()) {
      return out;
    }
    List<Stmt> kept = new ArrayList<>();
    for (Stmt st : out) {
      if (!drop.contains(st)) {
        kept.add(st);
      }
    }
    return kept;
  }

  /**
   * The places of {@code v = 0} and of {@code v += in} that close the triple {@code in = v} opens
   * at {@code k} (in that order, {@code v} mentioned nowhere else between), or null. Whether
   * {@code in} is written elsewhere is the caller's to check.
   */
  static int[] triple(List<Stmt> stmts, int k, Variable v, Variable in) {
    int zeroed = -1;
    for (int j = k + 1; j < stmts.size(); j++) {
      Stmt st = stmts.get(j);
      if (zeroed < 0 && isZeroing(st, v)) {
        zeroed = j;
      } else if (zeroed >= 0 && st instanceof Stmt.Assign a && a.variable() == v
          && a.value() instanceof Expr.Binary b && b.op() == Expr.BinaryOp.ADD
          && b.left() instanceof Expr.Read l && l.variable() == v
          && b.right() instanceof Expr.Read r && r.variable() == in) {
        return new int[] {zeroed, j};
      } else if (mentions(st, v)) {
        return null;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ one add per element

  /**
   * Per block, the contributions that one element of a cotangent array gathers, {@code xBar[i]
   * += e1; ...; xBar[i] += e2}, summed in a local and added once, where nothing in between reads
   * the array or writes what the index reads: one store in place of several, and none that later
   * reads of other arrays must wait for (the JIT cannot tell that the arrays differ).
   */
  private static List<Stmt> gathered(List<Stmt> stmts) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt st : stmts) {
      out.add(inner(st, Simplify::gathered));
    }
    Map<Stmt, List<Stmt>> replaced = new IdentityHashMap<>();
    Set<Stmt> grouped = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int k = 0; k < out.size(); k++) {
      Stmt first = out.get(k);
      if (grouped.contains(first) || gather(first) == null) {
        continue;
      }
      Stmt.ArrayAssign a = (Stmt.ArrayAssign) first;
      Set<Variable> indexReads = new HashSet<>();
      a.indices().forEach(i -> IrWalker.forEachExpr(i, e -> {
        Variable v = Uses.named(e);
        if (v != null) {
          indexReads.add(v);
        }
      }));
      List<Integer> group = new ArrayList<>(List.of(k));
      // a few dozen statements on: a long straight-line method would make this quadratic
      for (int j = k + 1; j < out.size() && j <= k + GATHER_REACH; j++) {
        Stmt st = out.get(j);
        Expr e = gather(st);
        if (e != null && ((Stmt.ArrayAssign) st).array() == a.array()) {
          if (same(((Stmt.ArrayAssign) st).indices(), a.indices())) {
            group.add(j);
          }
          continue; // another element's contribution: order does not matter
        }
        boolean[] stop = {false};
        IrWalker.forEachStmt(st, x -> Uses.writes(x, w -> stop[0] |= indexReads.contains(w)
            || w == a.array()));
        IrWalker.forEachExpr(st, x -> stop[0] |= Uses.named(x) == a.array());
        if (stop[0]) {
          break;
        }
      }
      if (group.size() < 2) {
        continue;
      }
      Variable sum = new Variable(a.array().hint() + "At", TypeName.DOUBLE, Variable.Kind.ADJOINT);
      for (int g = 0; g < group.size(); g++) {
        Stmt.ArrayAssign st = (Stmt.ArrayAssign) out.get(group.get(g));
        grouped.add(st);
        Expr e = signed(st);
        if (g == 0) {
          replaced.put(st, List.of(new Stmt.Declare(sum, e, st.ref())));
        } else if (g < group.size() - 1) {
          replaced.put(st, List.of(new Stmt.Assign(sum, add(read(sum), e), st.ref())));
        } else {
          replaced.put(st, List.of(
              new Stmt.Assign(sum, add(read(sum), e), st.ref()),
              new Stmt.ArrayAssign(st.array(), st.indices(),
                  add(new Expr.ArrayRead(st.array(), st.indices(), null), read(sum)), st.ref())));
        }
      }
    }
    List<Stmt> result = new ArrayList<>();
    for (Stmt st : out) {
      result.addAll(replaced.getOrDefault(st, List.of(st)));
    }
    return result;
  }

  /** How many statements on {@link #gathered} looks for more contributions to one element. */
  private static final int GATHER_REACH = 48;

  /** The contribution of {@code a[i] += e} (or {@code -= e}) to a cotangent array; else null. */
  private static Expr gather(Stmt st) {
    if (st instanceof Stmt.ArrayAssign a && a.array().kind() == Variable.Kind.ADJOINT
        && a.value() instanceof Expr.Binary b
        && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
        && b.left() instanceof Expr.ArrayRead r && r.array() == a.array()
        && same(r.indices(), a.indices()) && b.type().equals(TypeName.DOUBLE)
        && !mentions(b.right(), a.array())) {
      return b.right();
    }
    return null;
  }

  /** The same index expressions, wherever in the source each came from. */
  private static boolean same(List<Expr> a, List<Expr> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int k = 0; k < a.size(); k++) {
      if (!same(a.get(k), b.get(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(Expr a, Expr b) {
    if (a instanceof Expr.Read x && b instanceof Expr.Read y) {
      return x.variable() == y.variable();
    } else if (a instanceof Expr.Literal x && b instanceof Expr.Literal y) {
      return x.value().equals(y.value()) && x.type().equals(y.type());
    } else if (a instanceof Expr.Binary x && b instanceof Expr.Binary y) {
      return x.op() == y.op() && x.type().equals(y.type()) && same(x.left(), y.left())
          && same(x.right(), y.right());
    } else if (a instanceof Expr.Unary x && b instanceof Expr.Unary y) {
      return x.op() == y.op() && x.type().equals(y.type()) && same(x.operand(), y.operand());
    } else if (a instanceof Expr.ArrayLength x && b instanceof Expr.ArrayLength y) {
      return x.array() == y.array() && same(x.indices(), y.indices());
    }
    return false; // an element read, a call: not known to give the same value twice
  }

  private static Expr signed(Stmt.ArrayAssign st) {
    Expr.Binary b = (Expr.Binary) st.value();
    return b.op() == Expr.BinaryOp.ADD ? b.right() : neg(b.right());
  }

  // ------------------------------------------------------------------ known zeros

  /** {@code stmts} with {@code v += e} made {@code v = e} where {@code v} is known zero. */
  private static List<Stmt> knownZeros(List<Stmt> stmts, Set<Variable> zero) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt st : stmts) {
      out.add(knownZeros(st, zero));
    }
    return out;
  }

  private static Stmt knownZeros(Stmt st, Set<Variable> zero) {
    if (st instanceof Stmt.Assign a && isScalarCotangent(a.variable())) {
      Variable v = a.variable();
      if (isZeroing(a, v)) {
        zero.add(v);
        return st;
      }
      if (zero.contains(v) && a.value() instanceof Expr.Binary b
          && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
          && b.left() instanceof Expr.Read l && l.variable() == v && !mentions(b.right(), v)) {
        zero.remove(v);
        Expr value = b.op() == Expr.BinaryOp.ADD ? b.right() : neg(b.right());
        return new Stmt.Assign(v, value, a.ref());
      }
      zero.remove(v);
      return st;
    }
    if (st instanceof Stmt.If i) {
      Set<Variable> then = new HashSet<>(zero);
      Set<Variable> otherwise = new HashSet<>(zero);
      Stmt.Block t = new Stmt.Block(knownZeros(i.then().stmts(), then), i.then().ref());
      Stmt.Block o = new Stmt.Block(knownZeros(i.otherwise().stmts(), otherwise),
          i.otherwise().ref());
      zero.clear();
      zero.addAll(then);
      zero.retainAll(otherwise);
      return new Stmt.If(i.condition(), t, o, i.ref());
    }
    if (st instanceof Stmt.Loop l) {
      // Zero at every trip's start: zero before the loop, and unwritten or zeroed last by each
      // trip (the body's last top-level statement mentioning it, the update being empty).
      Set<Variable> written = new HashSet<>();
      l.body().stmts().forEach(b -> IrWalker.forEachStmt(b, x -> Uses.writes(x, written::add)));
      Set<Variable> trip = new HashSet<>();
      for (Variable v : zero) {
        if (!written.contains(v)
            || (l.update().stmts().isEmpty() && keepsZero(l.body().stmts(), v, true))) {
          trip.add(v);
        }
      }
      Set<Variable> inBody = new HashSet<>(trip);
      Stmt.Block body = new Stmt.Block(knownZeros(l.body().stmts(), inBody), l.body().ref());
      zero.clear();
      zero.addAll(trip);
      return new Stmt.Loop(l.condition(), body, l.update(), l.testFirst(), l.ref());
    }
    if (st instanceof Stmt.Block b) {
      return new Stmt.Block(knownZeros(b.stmts(), zero), b.ref());
    }
    if (st instanceof Stmt.Declare d && isScalarCotangent(d.variable())) {
      if (d.init() == null || isZeroLiteral(d.init())) {
        zero.add(d.variable());
      } else {
        zero.remove(d.variable());
      }
      return st;
    }
    IrWalker.forEachStmt(st, x -> Uses.writes(x, zero::remove));
    return st;
  }

  /**
   * Whether scalar {@code v} is zero after {@code stmts} if it is ({@code zero}) before them:
   * {@code v = 0} makes it zero, any other write may not, reads leave it; a loop keeps it zero if
   * its body does, an if if both branches do.
   */
  static boolean keepsZero(List<Stmt> stmts, Variable v, boolean zero) {
    boolean z = zero;
    for (Stmt st : stmts) {
      if (isZeroing(st, v)) {
        z = true;
      } else if (!mentions(st, v)) {
        continue;
      } else if (st instanceof Stmt.Loop l) {
        z = z && l.update().stmts().isEmpty() && keepsZero(l.body().stmts(), v, true);
      } else if (st instanceof Stmt.If i) {
        z = keepsZero(i.then().stmts(), v, z) && keepsZero(i.otherwise().stmts(), v, z);
      } else if (st instanceof Stmt.Block b) {
        z = keepsZero(b.stmts(), v, z);
      } else if (writes(st, v)) {
        z = false;
      }
    }
    return z;
  }

  // ------------------------------------------------------------------ helpers

  private interface BlockRewrite {
    List<Stmt> apply(List<Stmt> stmts);
  }

  /** {@code st} with the blocks nested directly in it rewritten. */
  private static Stmt inner(Stmt st, BlockRewrite f) {
    if (st instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), new Stmt.Block(f.apply(i.then().stmts()), i.then().ref()),
          new Stmt.Block(f.apply(i.otherwise().stmts()), i.otherwise().ref()), i.ref());
    }
    if (st instanceof Stmt.Loop l) {
      return new Stmt.Loop(l.condition(), new Stmt.Block(f.apply(l.body().stmts()),
          l.body().ref()), l.update(), l.testFirst(), l.ref());
    }
    if (st instanceof Stmt.Block b) {
      return new Stmt.Block(f.apply(b.stmts()), b.ref());
    }
    return st;
  }

  private static boolean isScalarCotangent(Variable v) {
    return v.kind() == Variable.Kind.ADJOINT && v.type().equals(TypeName.DOUBLE);
  }

  /** {@code v = 0}. */
  static boolean isZeroing(Stmt st, Variable v) {
    return st instanceof Stmt.Assign a && a.variable() == v && isZeroLiteral(a.value());
  }

  private static boolean isZeroLiteral(Expr e) {
    return e instanceof Expr.Literal l && l.value() instanceof Number n && n.doubleValue() == 0.0;
  }

  /** Whether {@code st}, or a statement in it, may write {@code v}. */
  static boolean writes(Stmt st, Variable v) {
    boolean[] found = {false};
    IrWalker.forEachStmt(st, x -> Uses.writes(x, w -> found[0] |= w == v));
    return found[0];
  }

  /** Whether {@code st} (or a statement in it) reads or writes {@code v}. */
  static boolean mentions(Stmt st, Variable v) {
    boolean[] found = {false};
    IrWalker.forEachStmt(st, x -> found[0] |= Uses.written(x).map(w -> w == v).orElse(false));
    IrWalker.forEachExpr(st, e -> found[0] |= Uses.named(e) == v);
    return found[0];
  }

  /** Whether {@code e} reads {@code v}. */
  static boolean mentions(Expr e, Variable v) {
    boolean[] found = {false};
    IrWalker.forEachExpr(e, x -> found[0] |= Uses.named(x) == v);
    return found[0];
  }
}

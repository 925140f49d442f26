package dev.adjoint.processor.fuzz;

import dev.adjoint.processor.fuzz.Program.Callee;
import dev.adjoint.processor.fuzz.Program.Component;
import dev.adjoint.processor.fuzz.Program.Kind;
import dev.adjoint.processor.fuzz.Program.Param;
import dev.adjoint.processor.fuzz.Program.RecordParam;
import dev.adjoint.processor.fuzz.Program.RecordType;
import dev.adjoint.processor.fuzz.Program.Unit;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Version 14: the arguments of {@code f}'s generated members where {@code f} takes records
 * ({@link RecordForms}). {@code FuzzTest} keeps working on the flat arguments (one object per
 * flat parameter of {@code f}, in its order: what the reference and the primal's checks see);
 * this class builds records around those very objects (so a record's arrays are the flat
 * arguments' arrays, and changing them changes the record's), in the order the processor's two
 * signatures take them:
 *
 * <ul>
 *   <li>the <em>surface</em>, as {@code f} declares its parameters: each record whole, where its
 *       first leaf was ({@code fValueAndGrad(q0, x1, d0)});
 *   <li>the <em>flat members</em> ({@code fFlatValueAndGrad}, ...): each differentiable record
 *       expanded into its leaves in place, {@code @NoDiff} records and records with no
 *       floating-point data still whole.
 * </ul>
 *
 * <p>Gradients (and workspaces' accessors) are mapped back to the flat parameters' order of
 * {@code f}, and the carried components of cotangent records (its ints and index arrays) are
 * checked against the primal's arguments.
 */
final class RecordArgs {
  private final Unit unit;
  private final Callee f;
  private final ClassLoader loader;
  private final List<RecordParam> mine;

  RecordArgs(Unit unit, ClassLoader loader) {
    this.unit = unit;
    this.f = unit.f();
    this.loader = loader;
    this.mine = unit.recordParams("f");
  }

  /** Whether {@code f} takes records: then its members take them. */
  boolean any() {
    return !mine.isEmpty();
  }

  /**
   * Whether {@code f} takes a differentiable record: then members named {@code fFlat...} take its
   * leaves (a method whose records are all {@code @NoDiff} or without floating-point data has only
   * the members named {@code f...}, which take those records).
   */
  boolean flatMembers() {
    return mine.stream().anyMatch(RecordParam::differentiable);
  }

  /**
   * The open processor bug (Generator.OPEN_BUGS) {@code recordVjpSnapshot}: {@code fVjp} (and
   * {@code fFlatVjp}) keeps no copy of an array component of a {@code @NoDiff} record, or of a
   * record with no floating-point data, that its pullback reads (a rule's argument: {@code
   * Rules.softmax(d0.da(), x1)}; an index a callee reads: {@code h0(x0, ya, k0)} reading {@code
   * yb[k0.ix()[1]]}, {@code hr(.., k0.ix(), ..)}), so a caller who changes the array after {@code
   * fVjp} changes the gradient; a parameter array is copied.
   */
  static final String VJP_SNAPSHOT = "recordVjpSnapshot";

  /**
   * The arguments FuzzTest changes after {@code fVjp} (a Vjp is a snapshot): {@code flat}, without
   * the arrays of records that are not differentiable ({@code @NoDiff}, or with no floating-point
   * data) unless {@code open} ({@link #VJP_SNAPSHOT}).
   */
  Object[] toScramble(Object[] flat, boolean open) {
    if (open) {
      return flat;
    }
    Object[] out = flat.clone();
    for (int i = 0; i < out.length; i++) {
      RecordParam r = holder(f.params().get(i).name());
      if (r != null && !r.differentiable()) {
        out[i] = null;
      }
    }
    return out;
  }

  /** The record holding flat parameter {@code name}, or null. */
  private RecordParam holder(String name) {
    for (RecordParam r : mine) {
      if (r.leaves().contains(name)) {
        return r;
      }
    }
    return null;
  }

  /** Whether flat parameter {@code p} is the first of its record's leaves in f's order. */
  private boolean first(Param p, RecordParam r) {
    return f.params().stream().filter(q -> r.leaves().contains(q.name())).findFirst()
        .orElseThrow() == p;
  }

  private Map<String, Object> byName(Object[] flat) {
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < flat.length; i++) {
      out.put(f.params().get(i).name(), flat[i]);
    }
    return out;
  }

  /** The arguments of the members that take records, from {@code f}'s flat arguments. */
  Object[] surface(Object[] flat) throws ReflectiveOperationException {
    Map<String, Object> values = byName(flat);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < flat.length; i++) {
      Param p = f.params().get(i);
      RecordParam r = holder(p.name());
      if (r == null) {
        out.add(flat[i]);
      } else if (first(p, r)) {
        out.add(build(r.type(), r.leaves(), values));
      }
    }
    return out.toArray();
  }

  /** The arguments of the {@code fFlat...} members, from {@code f}'s flat arguments. */
  Object[] flatMember(Object[] flat) throws ReflectiveOperationException {
    Map<String, Object> values = byName(flat);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < flat.length; i++) {
      Param p = f.params().get(i);
      RecordParam r = holder(p.name());
      if (r == null) {
        out.add(flat[i]);
      } else if (first(p, r)) {
        if (r.differentiable()) {
          for (String leaf : r.leaves()) {
            out.add(values.get(leaf));
          }
        } else {
          out.add(build(r.type(), r.leaves(), values));
        }
      }
    }
    return out.toArray();
  }

  /**
   * Whether each argument of {@link #flatMember} is differentiable (a {@code double}, {@code
   * double[]} or {@code double[][]} leaf or parameter).
   */
  boolean[] flatMemberDifferentiable() {
    List<Boolean> out = new ArrayList<>();
    for (Param p : f.params()) {
      RecordParam r = holder(p.name());
      if (r == null) {
        out.add(p.kind().differentiable());
      } else if (first(p, r)) {
        if (r.differentiable()) {
          for (String leaf : r.leaves()) {
            out.add(kind(leaf).differentiable());
          }
        } else {
          out.add(false);
        }
      }
    }
    boolean[] result = new boolean[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return result;
  }

  /**
   * The flat differentiable parameters of {@code f} in the order of the {@code fFlat...}
   * members' (a differentiable record's leaves where the record is).
   */
  List<String> flatMemberDiffNames() {
    List<String> out = new ArrayList<>();
    for (Param p : f.params()) {
      RecordParam r = holder(p.name());
      if (r == null) {
        if (p.kind().differentiable()) {
          out.add(p.name());
        }
      } else if (first(p, r) && r.differentiable()) {
        for (String leaf : r.leaves()) {
          if (kind(leaf).differentiable()) {
            out.add(leaf);
          }
        }
      }
    }
    return out;
  }

  /**
   * {@code coordinates}, the differentiable coordinates in {@code f}'s flat order, in the order of
   * the {@code fFlat...} members (an {@code fFlatFunction}'s point).
   */
  double[] toFlatMemberOrder(double[] coordinates) {
    Map<String, double[]> parts = split(coordinates);
    List<Double> out = new ArrayList<>();
    for (String name : flatMemberDiffNames()) {
      for (double d : parts.get(name)) {
        out.add(d);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The inverse of {@link #toFlatMemberOrder}. */
  double[] fromFlatMemberOrder(double[] coordinates) {
    Map<String, double[]> parts = new HashMap<>();
    int at = 0;
    for (String name : flatMemberDiffNames()) {
      int width = kind(name).width();
      parts.put(name, java.util.Arrays.copyOfRange(coordinates, at, at + width));
      at += width;
    }
    List<Double> out = new ArrayList<>();
    for (Param p : f.params()) {
      if (p.kind().differentiable()) {
        for (double d : parts.get(p.name())) {
          out.add(d);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private Map<String, double[]> split(double[] coordinates) {
    Map<String, double[]> parts = new HashMap<>();
    int at = 0;
    for (Param p : f.params()) {
      if (p.kind().differentiable()) {
        int width = p.kind().width();
        parts.put(p.name(), java.util.Arrays.copyOfRange(coordinates, at, at + width));
        at += width;
      }
    }
    return parts;
  }

  /**
   * The tangent arguments of the members that take records, from {@code tangents} (one per
   * differentiable flat parameter of {@code f}, in its order): a record of tangents for a
   * differentiable record (its carried components the primal's, from {@code flat}), or null
   * where every tangent in it is zero.
   */
  Object[] surfaceTangents(Object[] tangents, Object[] flat) throws ReflectiveOperationException {
    Map<String, Object> byName = tangentsByName(tangents);
    Map<String, Object> values = byName(flat);
    List<Object> out = new ArrayList<>();
    for (Param p : f.params()) {
      RecordParam r = holder(p.name());
      if (r == null) {
        if (p.kind().differentiable()) {
          out.add(byName.get(p.name()));
        }
      } else if (first(p, r) && r.differentiable()) {
        Map<String, Object> leaves = new HashMap<>(values);
        boolean zero = true;
        for (String leaf : r.leaves()) {
          if (kind(leaf).differentiable()) {
            Object t = byName.get(leaf);
            leaves.put(leaf, t);
            zero &= t == null || (t instanceof Double d && d == 0);
          }
        }
        out.add(zero ? null : build(r.type(), r.leaves(), leaves));
      }
    }
    return out.toArray();
  }

  /** The tangent arguments of the {@code fFlat...} members. */
  Object[] flatMemberTangents(Object[] tangents) {
    Map<String, Object> byName = tangentsByName(tangents);
    return flatMemberDiffNames().stream().map(byName::get).toArray();
  }

  private Map<String, Object> tangentsByName(Object[] tangents) {
    Map<String, Object> out = new HashMap<>();
    int at = 0;
    for (Param p : f.params()) {
      if (p.kind().differentiable()) {
        out.put(p.name(), tangents[at++]);
      }
    }
    return out;
  }

  /**
   * A gradient of the members that take records ({@code FGrad}, or a workspace's accessors
   * through {@code read}), flattened in {@code f}'s flat order; a cotangent record's carried
   * components must be the primal's ({@code flat}, as they are now), else a problem is added.
   */
  double[] gradient(Accessor read, Object[] flat, List<String> problems, String what)
      throws ReflectiveOperationException {
    Map<String, Object> cotangents = new HashMap<>();
    Map<String, Object> values = byName(flat);
    for (Param p : f.params()) {
      RecordParam r = holder(p.name());
      if (r == null) {
        if (p.kind().differentiable()) {
          cotangents.put(p.name(), read.get(p.name()));
        }
      } else if (first(p, r) && r.differentiable()) {
        Object record = read.get(r.name());
        if (record == null) {
          problems.add(what + ": the cotangent record " + r.name() + " is null");
          continue;
        }
        collect(r.type(), record, r.leaves(), 0, cotangents, values, problems,
            what + " " + r.name());
      }
    }
    List<Double> out = new ArrayList<>();
    for (Param p : f.params()) {
      if (p.kind().differentiable()) {
        appendElements(cotangents.get(p.name()), out);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** A gradient of an {@code fFlat...} member ({@code FFlatGrad}), in {@code f}'s flat order. */
  double[] flatMemberGradient(Object grad) throws ReflectiveOperationException {
    Map<String, Object> cotangents = new HashMap<>();
    for (Param p : f.params()) {
      RecordParam r = holder(p.name());
      if (r == null) {
        if (p.kind().differentiable()) {
          cotangents.put(p.name(), component(grad, p.name()));
        }
      } else if (first(p, r) && r.differentiable()) {
        List<String> names = r.type().paths(r.name(), true);
        for (int i = 0; i < r.leaves().size(); i++) {
          if (kind(r.leaves().get(i)).differentiable()) {
            cotangents.put(r.leaves().get(i), component(grad, names.get(i)));
          }
        }
      }
    }
    List<Double> out = new ArrayList<>();
    for (Param p : f.params()) {
      if (p.kind().differentiable()) {
        appendElements(cotangents.get(p.name()), out);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Reads a named part of a gradient: a record component or a workspace's accessor. */
  interface Accessor {
    Object get(String name) throws ReflectiveOperationException;
  }

  /** The components of a gradient record. */
  static Accessor ofRecord(Object grad) {
    return name -> component(grad, name);
  }

  /** The accessors of a workspace. */
  static Accessor ofWorkspace(Object workspace) {
    return name -> {
      Method m = workspace.getClass().getDeclaredMethod(name);
      m.setAccessible(true);
      return m.invoke(workspace);
    };
  }

  /** Walks a cotangent record of {@code type} whose leaves start at {@code leaves[from]}. */
  private int collect(RecordType type, Object record, List<String> leaves, int from,
      Map<String, Object> cotangents, Map<String, Object> values, List<String> problems,
      String what) throws ReflectiveOperationException {
    int at = from;
    for (Component c : type.components()) {
      Object v = component(record, c.name());
      if (c.nested() != null) {
        if (v == null) {
          problems.add(what + "." + c.name() + "() is null");
          at += c.nested().leaves().size();
        } else {
          at = collect(c.nested(), v, leaves, at, cotangents, values, problems,
              what + "." + c.name() + "()");
        }
        continue;
      }
      String leaf = leaves.get(at++);
      if (c.kind().differentiable()) {
        cotangents.put(leaf, v);
      } else {
        Object primal = values.get(leaf);
        boolean same = v instanceof int[] a && primal instanceof int[] b
            ? java.util.Arrays.equals(a, b) : java.util.Objects.equals(v, primal);
        if (!same) {
          problems.add(what + "." + c.name() + "(), a carried component, is "
              + show(v) + ", but the primal's argument is " + show(primal));
        }
      }
    }
    return at;
  }

  private static String show(Object v) {
    return v instanceof int[] a ? java.util.Arrays.toString(a) : String.valueOf(v);
  }

  private Kind kind(String name) {
    return f.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
        .kind();
  }

  /** A record of {@code type} whose leaves are {@code values} of {@code leaves}, in order. */
  private Object build(RecordType type, List<String> leaves, Map<String, Object> values)
      throws ReflectiveOperationException {
    int[] at = {0};
    return build(type, leaves, values, at);
  }

  private Object build(RecordType type, List<String> leaves, Map<String, Object> values,
      int[] at) throws ReflectiveOperationException {
    Class<?> c = loader.loadClass(unit.qualifiedName() + "$" + type.name());
    RecordComponent[] components = c.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      Component mine = type.components().get(i);
      args[i] = mine.nested() != null ? build(mine.nested(), leaves, values, at)
          : values.get(leaves.get(at[0]++));
    }
    Constructor<?> ctor = c.getDeclaredConstructor(types);
    ctor.setAccessible(true);
    return ctor.newInstance(args);
  }

  private static Object component(Object record, String name)
      throws ReflectiveOperationException {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      if (c.getName().equals(name)) {
        Method accessor = c.getAccessor();
        accessor.setAccessible(true);
        return accessor.invoke(record);
      }
    }
    throw new AssertionError(record.getClass() + " has no component " + name);
  }

  private static void appendElements(Object v, List<Double> out) {
    if (v instanceof double[][] matrix) {
      for (double[] row : matrix) {
        appendElements(row, out);
      }
    } else if (v instanceof double[] array) {
      for (double d : array) {
        out.add(d);
      }
    } else {
      out.add((double) v);
    }
  }
}

package dev.adjoint.processor.fuzz;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The minimal programs of the processor bugs version 14 of the fuzzer found, each a regression
 * test now that it is fixed (the names are in {@link Generator#FIXED_BUGS}, so their programs are
 * generated in every run again). A bug found later starts here disabled, its name in {@link
 * Generator#OPEN_BUGS}, until the processor is fixed.
 */
class OpenBugsTest {

  /**
   * {@code selfIndexedWrite}: found by run seed 1401 (program -6399408870354422276, a program with
   * no records; the processor of 17e41d3, before records, gives the same gradient). With {@code
   * jp0[0] == 0} in the loop, every trip reads {@code xa[0]}: the gradient is {@code [3, 0, 0]}.
   * The write {@code jp0[jp0[0]] = 1} after the loop changes {@code jp0[0]}; the generated
   * gradient has 0 for {@code xa[0]}: the reverse sweep reads the loop's index where the write put
   * it, not as the loop read it.
   */
  @Test
  void aWriteIntoAnIndexArrayAtAnIndexReadFromItself() throws Exception {
    String source = """
        package fuzz;

        import dev.adjoint.Differentiable;

        final class SelfIndexed {
          @Differentiable
          static double f(double[] xa, double x0, int n) {
            int[] jp0 = new int[3];
            for (int i0 = 0; i0 < 3; i0++) {
              x0 += xa[jp0[0]];
            }
            jp0[jp0[0]] = Math.floorMod(n, 3);
            return x0;
          }
        }
        """;
    ClassLoader loader = compile("fuzz.SelfIndexed", source);
    Method vg = method(loader.loadClass("fuzz.SelfIndexedAdjoint"), "fValueAndGrad");
    Object result = vg.invoke(null, new double[] {1.0, -1.25, -2.0}, -0.25, 1);
    Object grad = component(result, "grad");
    assertArrayEquals(new double[] {3, 0, 0}, (double[]) component(grad, "xa"));
    assertEquals(1.0, (double) component(grad, "x0"));
  }

  /**
   * {@code recordReadBeforeNestedCall}: found by version 14's first run (run seed 1401, programs
   * -1460056992985204918 and 5823947691298708730). A record's accessor before a {@code double[]}
   * call nested as an argument counts as an effect (BodyReader.hoistable), so the nested call is
   * not hoisted and a valid program is rejected: {@code [AdjointUnsupportedConstruct] Using the
   * array that h0 returns inside an expression is not supported}. Math's functions there are no
   * effect since 17e41d3; a record's implicit accessor of a parameter is none either (its read is
   * a leaf).
   */
  @Test
  void aRecordComponentReadBeforeANestedArrayCall() throws Exception {
    String source = """
        package fuzz;

        import dev.adjoint.Differentiable;

        final class ReadBeforeNested {
          record R0(double x0) {}

          @Differentiable
          static double[] h0(double a0, double[] aa) {
            double[] ya = new double[3];
            ya[1] = a0 * (aa[0] + aa[1]);
            return ya;
          }

          @Differentiable
          static double f(R0 q0, double[] xa) {
            double[] yb = h0(q0.x0(), h0(2.0, xa));
            return yb[1];
          }
        }
        """;
    ClassLoader loader = compile("fuzz.ReadBeforeNested", source);
    Class<?> r0 = loader.loadClass("fuzz.ReadBeforeNested$R0");
    var ctor = r0.getDeclaredConstructor(double.class);
    ctor.setAccessible(true);
    Object q0 = ctor.newInstance(1.5);
    Method grad = method(loader.loadClass("fuzz.ReadBeforeNestedAdjoint"), "fGrad");
    Object g = grad.invoke(null, q0, new double[] {4.0, 0, 0});
    // f = q0.x0 * 2 * (xa[0] + xa[1]) (the inner call's ya[0] is 0)
    assertEquals(8.0, (double) component(component(g, "q0"), "x0"));
    assertArrayEquals(new double[] {3.0, 3.0, 0}, (double[]) component(g, "xa"));
  }

  /**
   * {@code recordComponentMutated}: found by version 14's first soak (run seed 14001, program
   * 3479128960195093932: {@code xm[0][k0.ix()[..]]} read in a 600-step method, then {@code
   * java.util.Arrays.sort(k0.ix())}; d/dxm[1][0] 0 for 3.28). A record's array component changed by
   * an unannotated call after the body read it: the reverse sweep reads it changed, where a
   * parameter array is copied (its flat twin, {@code @NoDiff double[] da}, gives 3). The same with
   * an index array of a record with no floating-point data ({@code x0 * xm[0][k0.ix()[0]]}, then
   * {@code sort(k0.ix())} with {@code ix = {2, 0, 2}}: the gradient lands on {@code xm[0][0]}, not
   * {@code xm[0][2]}).
   */
  @Test
  void aDataRecordsArraySortedAfterItWasRead() throws Exception {
    String source = """
        package fuzz;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoDiff;

        final class Sorted {
          record D0(double[] da) {}

          @Differentiable
          static double f(double x0, @NoDiff D0 d0) {
            double t = x0 * d0.da()[0];
            java.util.Arrays.sort(d0.da());
            return t;
          }
        }
        """;
    ClassLoader loader = compile("fuzz.Sorted", source);
    Class<?> d0 = loader.loadClass("fuzz.Sorted$D0");
    var ctor = d0.getDeclaredConstructor(double[].class);
    ctor.setAccessible(true);
    Object data = ctor.newInstance((Object) new double[] {3.0, 1.0, 2.0});
    Method grad = method(loader.loadClass("fuzz.SortedAdjoint"), "fGrad");
    // d/dx0 = da[0] as f read it, 3 (the processor gives 1, the sorted array's)
    assertEquals(3.0, (double) component(grad.invoke(null, 0.5, data), "x0"));
  }

  /**
   * {@code recordVjpSnapshot}: found by version 14's second soak (run seed 14002, program
   * 6832786019448263242, shrunk to this). {@code fVjp} keeps no copy of a {@code @NoDiff} record's
   * array that its pullback reads (softmax's pullback reads its argument), so changing the array
   * after {@code fVjp} changes the gradient the pullback gives (with {@code @NoDiff double[] da}
   * instead of the record the Vjp keeps a copy, and it does not). The same with a record with no
   * floating-point data whose index array a callee's pullback reads (run seed 14004: {@code
   * h0(x0, ya, k0)} returning {@code yb[k0.ix()[1]]}).
   */
  @Test
  void aVjpKeepsADataRecordsArrayAsItWas() throws Exception {
    String source = """
        package fuzz;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoDiff;

        final class Snapshot {
          record D0(double[] da) {}

          @Differentiable
          static double f(@NoDiff D0 d0, double x1) {
            double[] yb = Rules.softmax(d0.da(), x1);
            return yb[2];
          }
        }
        """;
    ClassLoader loader = compile("fuzz.Snapshot", source);
    Class<?> d0 = loader.loadClass("fuzz.Snapshot$D0");
    var ctor = d0.getDeclaredConstructor(double[].class);
    ctor.setAccessible(true);
    double[] da = {-0.257644, -1.601204, 0.891422};
    Object data = ctor.newInstance((Object) da);
    Class<?> adjoint = loader.loadClass("fuzz.SnapshotAdjoint");
    double expected = (double) component(method(adjoint, "fGrad").invoke(null, data, 1.24264),
        "x1");
    Object vjp = method(adjoint, "fVjp").invoke(null, data, 1.24264);
    for (int k = 0; k < da.length; k++) {
      da[k] = 7.25 - 3 * da[k]; // the caller changes its array after fVjp
    }
    Method pullback = method(vjp.getClass(), "pullback");
    assertEquals(expected, (double) component(pullback.invoke(vjp, 1.0), "x1"));
  }

  private static ClassLoader compile(String name, String source) {
    Compilation compilation = javac().withProcessors(new AdjointProcessor())
        .withOptions("-Xlint:all,-processing")
        .compile(List.of(JavaFileObjects.forSourceString(name, source),
            JavaFileObjects.forSourceString(Rules.PACKAGE + "." + Rules.CLASS, Rules.source())));
    assertEquals(Compilation.Status.SUCCESS, compilation.status(),
        () -> compilation.diagnostics().toString());
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        String path = file.toUri().getPath();
        String binary = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(),
            path.length() - ".class".length()).replace('/', '.');
        try (InputStream in = file.openInputStream()) {
          classes.put(binary, in.readAllBytes());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
    return new ClassLoader(OpenBugsTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String n) throws ClassNotFoundException {
        byte[] bytes = classes.get(n);
        if (bytes == null) {
          throw new ClassNotFoundException(n);
        }
        return defineClass(n, bytes, 0, bytes.length);
      }
    };
  }

  private static Method method(Class<?> owner, String name) {
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        m.setAccessible(true);
        return m;
      }
    }
    throw new AssertionError(owner + " has no " + name);
  }

  private static Object component(Object record, String name) throws Exception {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      if (c.getName().equals(name)) {
        Method m = c.getAccessor();
        m.setAccessible(true);
        return m.invoke(record);
      }
    }
    throw new AssertionError(record.getClass() + " has no component " + name);
  }
}

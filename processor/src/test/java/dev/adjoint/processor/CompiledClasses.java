package dev.adjoint.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Runs what a compile-testing compilation generated: its classes, loaded from memory. */
final class CompiledClasses {
  private CompiledClasses() {}

  /** Calls a static method of the generated adjoint class of the compiled {@code test} class. */
  static Object call(Compilation c, String method, Object... args) throws Exception {
    ClassLoader loader = new Loader(c);
    String owner = c.sourceFiles().get(0).getName().replaceAll(".*/|\\.java$", "");
    Class<?> adjoint = loader.loadClass("test." + owner + "Adjoint");
    for (Method m : adjoint.getDeclaredMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        m.setAccessible(true);
        return m.invoke(null, args);
      }
    }
    throw new AssertionError("no method " + method + " in " + adjoint);
  }

  /** Calls a public method of a generated object (its class is not public). */
  static Object invoke(Object target, String method, Object... args) throws Exception {
    for (Method m : target.getClass().getDeclaredMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        m.setAccessible(true);
        return m.invoke(target, args);
      }
    }
    throw new AssertionError("no method " + method + " in " + target.getClass());
  }

  /** A record component of a generated record. */
  static Object get(Object record, String accessor) throws Exception {
    Method m = record.getClass().getDeclaredMethod(accessor);
    m.setAccessible(true);
    return m.invoke(record);
  }

  /** Loads the classes a compilation wrote. */
  private static final class Loader extends ClassLoader {
    private final Map<String, JavaFileObject> classes = new HashMap<>();

    Loader(Compilation c) {
      super(CompiledClasses.class.getClassLoader());
      for (JavaFileObject f : c.generatedFiles()) {
        if (f.getKind() == JavaFileObject.Kind.CLASS) {
          String path = f.toUri().getPath();
          String name = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length(),
              path.length() - ".class".length());
          classes.put(name.replace('/', '.'), f);
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      JavaFileObject f = classes.get(name);
      if (f == null) {
        throw new ClassNotFoundException(name);
      }
      try (InputStream in = f.openInputStream()) {
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

package dev.adjoint.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.adjoint.processor.Sources.source;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.step.AdjointProcessor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor under environments other than plain javac: wrapped as IntelliJ's build process
 * wraps it, without the Tree API, and with a fault inside, which must surface as one tagged error
 * rather than a stack trace from javac.
 */
class EnvironmentTest {

  private static final JavaFileObject SOURCE = source("Fns",
      "final class Fns {",
      "  @Differentiable static double f(double x) { return x * x; }",
      "}");

  /** A handler that forwards every call to the javac environment it keeps in a field. */
  static final class Forwarding implements InvocationHandler {
    private final ProcessingEnvironment delegate; // found by TreeAccess, as IntelliJ's is
    private final boolean failingElements;

    Forwarding(ProcessingEnvironment delegate, boolean failingElements) {
      this.delegate = delegate;
      this.failingElements = failingElements;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (failingElements && method.getName().equals("getElementUtils")) {
        Elements real = delegate.getElementUtils();
        return Proxy.newProxyInstance(
            Elements.class.getClassLoader(),
            new Class<?>[] {Elements.class},
            (p, m, a) -> {
              if (m.getName().equals("getTypeElement")
                  && String.valueOf(a[0]).endsWith("FnsAdjoint")) {
                throw new IllegalStateException("injected fault");
              }
              return call(real, m, a);
            });
      }
      return call(delegate, method, args);
    }
  }

  /** A handler that hides the javac environment where nothing can find it (not javac at all). */
  static final class Opaque implements InvocationHandler {
    private final Object hidden;

    Opaque(ProcessingEnvironment hidden) {
      this.hidden = hidden;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      return call(hidden, method, args);
    }
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Runs the AdjointProcessor with a wrapped environment. */
  static final class Wrapping extends AbstractProcessor {
    private final AdjointProcessor inner = new AdjointProcessor();
    private final java.util.function.Function<ProcessingEnvironment, InvocationHandler> wrap;

    Wrapping(java.util.function.Function<ProcessingEnvironment, InvocationHandler> wrap) {
      this.wrap = wrap;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      inner.init((ProcessingEnvironment) Proxy.newProxyInstance(
          ProcessingEnvironment.class.getClassLoader(),
          new Class<?>[] {ProcessingEnvironment.class},
          wrap.apply(env)));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return inner.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return inner.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return inner.process(annotations, round);
    }
  }

  @Test
  void wrappedEnvironmentIsUnwrapped() {
    Compilation c = javac().withProcessors(new Wrapping(env -> new Forwarding(env, false))).compile(SOURCE);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.FnsAdjoint");
  }

  @Test
  void noTreeApiIsOneClearError() {
    Compilation c =
        javac().withProcessors(new Wrapping(Opaque::new)).compile(SOURCE);
    assertThat(c).hadErrorContaining("[AdjointTreeApiUnavailable] Adjoint reads method bodies through javac's Tree API");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void unexpectedExceptionIsReportedOnTheClass() {
    Compilation c =
        javac().withProcessors(new Wrapping(env -> new Forwarding(env, true))).compile(SOURCE);
    assertThat(c).hadErrorContaining("[AdjointInternalError] Adjoint hit an internal error while processing test.Fns")
        .inFile(SOURCE).onLineContaining("final class Fns");
    assertThat(c).hadErrorContaining("injected fault");
  }
}

package dev.adjoint.gradbench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The eval modules a {@link Server} answers for, by name. */
final class Evals {
  private final Map<String, EvalModule> modules = new LinkedHashMap<>();

  Evals(List<EvalModule> modules) {
    for (EvalModule module : modules) {
      if (this.modules.putIfAbsent(module.name(), module) != null) {
        throw new IllegalArgumentException("two modules named " + module.name());
      }
    }
  }

  /** The evals this tool implements: hello, lse, llsq, gmm, kmeans, saddle and particle. */
  static Evals standard() {
    return new Evals(List.of(new Hello(), new Lse(), new Llsq(), new Gmm(), new Kmeans(),
        new Saddle(), new Particle()));
  }

  /** The module called {@code name}, if this tool implements it. */
  Optional<EvalModule> module(String name) {
    return Optional.ofNullable(modules.get(name));
  }

  /** The names of the modules, in the order they were given. */
  List<String> names() {
    return List.copyOf(modules.keySet());
  }
}

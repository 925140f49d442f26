package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One GradBench eval module as this tool implements it: a name (what GradBench's {@code define}
 * and {@code evaluate} messages call {@code module}) and its functions by name.
 */
interface EvalModule {

  /** The module's name in GradBench, such as {@code "gmm"}. */
  String name();

  /** The module's functions by their GradBench names, such as {@code "objective"}. */
  Map<String, Function> functions();

  /**
   * One function of a module. {@link #prepare} decodes an {@code evaluate} message's input and
   * makes everything the runs need (outside the timed region); the {@link Evaluation} it returns
   * is then run one or more times, each run timed.
   */
  @FunctionalInterface
  interface Function {

    /**
     * Decodes {@code input} and prepares the runs.
     *
     * @throws IllegalArgumentException if the input lacks a field or its shapes do not agree
     */
    Evaluation prepare(JsonNode input);
  }

  /** A prepared evaluation: what one timed run does, and the output of the last run. */
  interface Evaluation {

    /** One run: the work that GradBench times, and nothing else. */
    void run();

    /**
     * The output of the last {@link #run}, as Jackson writes it (a {@code Double}, a {@code
     * double[]}, a record of arrays).
     */
    Object output();
  }
}

package dev.adjoint.gradbench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The GradBench tool protocol: reads one JSON message per line, answers each with exactly one
 * JSON line carrying the same {@code id} (flushed at once), and returns at end of input or after
 * an {@code end} message, which gets no answer. Nothing but answers is written to the output;
 * logs go to the log stream.
 *
 * <ul>
 *   <li>{@code start} &rarr; {@code {"id", "tool": "adjoint"}};
 *   <li>{@code define {module}} &rarr; {@code {"id", "success"}}, with {@code error} when the
 *       module is not implemented;
 *   <li>{@code evaluate {module, function, input, description}} &rarr; {@code {"id", "success",
 *       "output", "timings": [{"name": "evaluate", "nanoseconds"}, ...]}}, one timing per run
 *       (see {@link Runs}); decoding the input and encoding the output are not timed. A module or
 *       function that is not implemented, an input that does not fit, or an exception in a run
 *       gives {@code {"id", "success": false, "error"}};
 *   <li>{@code analysis {of, valid, error}} &rarr; {@code {"id"}} (an invalid result is logged);
 *   <li>{@code end} &rarr; no answer; the server returns.
 * </ul>
 *
 * A line that is not a JSON object with an {@code id} gets {@code {"id": null, "success": false,
 * "error"}}, and a message of another kind {@code {"id", "success": false, "error"}}, so that an
 * eval waiting for an answer is never left hanging.
 */
public final class Server {
  /** The tool's name in GradBench's tables. */
  static final String TOOL = "adjoint";

  private final Evals evals;
  private final BufferedReader in;
  private final PrintStream out;
  private final PrintStream log;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * A server over the given streams.
   *
   * @param evals the modules it implements
   * @param in the eval's messages, one JSON object per line
   * @param out where the answers go, one JSON object per line
   * @param log where log lines go (standard error, for the real tool)
   */
  Server(Evals evals, Reader in, PrintStream out, PrintStream log) {
    this.evals = evals;
    this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
    this.out = out;
    this.log = log;
  }

  /** A server for the standard evals. */
  public static Server standard(Reader in, PrintStream out, PrintStream log) {
    return new Server(Evals.standard(), in, out, log);
  }

  /**
   * Answers messages until end of input or an {@code end} message.
   *
   * @throws UncheckedIOException if reading the input fails
   */
  public void run() {
    String line;
    while ((line = readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      Map<String, Object> answer = answer(line);
      if (answer == null) {
        return;
      }
      out.println(write(answer));
      out.flush();
    }
  }

  /** The answer to one line, or null for an {@code end} message. */
  private Map<String, Object> answer(String line) {
    JsonNode message;
    try {
      message = json.readTree(line);
    } catch (JsonProcessingException e) {
      return failure(null, "malformed message (not JSON): " + e.getOriginalMessage());
    }
    if (message == null || !message.isObject() || !message.has("id")) {
      return failure(null, "malformed message (not a JSON object with an id): " + line);
    }
    JsonNode id = message.get("id");
    String kind = message.path("kind").asText("");
    switch (kind) {
      case "start":
        return answer(id, "tool", TOOL);
      case "define":
        return define(id, message.path("module").asText(""));
      case "evaluate":
        return evaluate(id, message);
      case "analysis":
        if (!message.path("valid").asBoolean(true)) {
          log.println(
              "adjoint: the eval found the answer to message "
                  + message.path("of")
                  + " invalid: "
                  + message.path("error").asText(""));
        }
        return answer(id);
      case "end":
        return null;
      default:
        return failure(id, "unknown message kind: " + message.get("kind"));
    }
  }

  private Map<String, Object> define(JsonNode id, String module) {
    if (evals.module(module).isEmpty()) {
      return failure(id, "module " + module + " is not implemented; this tool has " + evals.names());
    }
    return answer(id, "success", true);
  }

  private Map<String, Object> evaluate(JsonNode id, JsonNode message) {
    String moduleName = message.path("module").asText("");
    String functionName = message.path("function").asText("");
    Optional<EvalModule> module = evals.module(moduleName);
    if (module.isEmpty()) {
      return failure(
          id, "module " + moduleName + " is not implemented; this tool has " + evals.names());
    }
    EvalModule.Function function = module.get().functions().get(functionName);
    if (function == null) {
      return failure(
          id,
          "module "
              + moduleName
              + " has no function "
              + functionName
              + "; it has "
              + module.get().functions().keySet().stream().sorted().toList());
    }
    JsonNode input = message.get("input");
    EvalModule.Evaluation evaluation;
    long[] times;
    try {
      evaluation = function.prepare(input);
      times = Runs.of(input).time(evaluation);
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      log.println("adjoint: " + moduleName + "::" + functionName + " failed:");
      e.printStackTrace(log);
      return failure(id, stackTrace(e));
    }
    List<Map<String, Object>> timings = new ArrayList<>(times.length);
    for (long nanoseconds : times) {
      Map<String, Object> timing = new LinkedHashMap<>();
      timing.put("name", "evaluate");
      timing.put("nanoseconds", nanoseconds);
      timings.add(timing);
    }
    Map<String, Object> answer = answer(id, "success", true);
    answer.put("output", evaluation.output());
    answer.put("timings", timings);
    return answer;
  }

  private static Map<String, Object> answer(JsonNode id, Object... fields) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", id);
    for (int i = 0; i < fields.length; i += 2) {
      answer.put((String) fields[i], fields[i + 1]);
    }
    return answer;
  }

  private Map<String, Object> failure(JsonNode id, String error) {
    log.println("adjoint: " + error.lines().findFirst().orElse(""));
    return answer(id, "success", false, "error", error);
  }

  private String write(Map<String, Object> answer) {
    try {
      return json.writeValueAsString(answer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an answer as JSON", e);
    }
  }

  private String readLine() {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String stackTrace(Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }
}

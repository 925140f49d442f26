package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scripted sessions through {@link Server}: every message kind, and every way one can fail. */
final class ServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a session wrote: its answers, one JSON object per line, and its log. */
  private record Transcript(List<JsonNode> answers, String output, String log) {}

  private static Transcript session(Evals evals, String... lines) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new Server(
            evals,
            new StringReader(String.join("\n", lines) + "\n"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8))
        .run();
    String output = out.toString(StandardCharsets.UTF_8);
    List<JsonNode> answers = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isEmpty()) {
        answers.add(JSON.readTree(line));
      }
    }
    return new Transcript(answers, output, log.toString(StandardCharsets.UTF_8));
  }

  private static Transcript session(String... lines) throws Exception {
    return session(Evals.standard(), lines);
  }

  @Test
  void helloSessionAsGradBenchSendsIt() throws Exception {
    Transcript t =
        session(
            "{\"id\": 0, \"kind\": \"start\", \"eval\": \"hello\"}",
            "{\"id\": 1, \"kind\": \"define\", \"module\": \"hello\"}",
            "{\"id\": 2, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"square\","
                + " \"input\": 1.5}",
            "{\"id\": 3, \"kind\": \"analysis\", \"of\": 2, \"valid\": true}",
            "{\"id\": 4, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"double\","
                + " \"input\": 2.25, \"description\": \"2.25\"}",
            "{\"id\": 5, \"kind\": \"analysis\", \"of\": 4, \"valid\": false, \"error\": \"no\"}",
            "{\"id\": 6, \"kind\": \"end\"}");
    assertThat(t.answers()).hasSize(6); // one per message but end
    for (int i = 0; i < 6; i++) {
      assertThat(t.answers().get(i).get("id").asInt()).isEqualTo(i);
    }
    assertThat(t.answers().get(0).get("tool").asText()).isEqualTo("adjoint");
    assertThat(t.answers().get(1).get("success").asBoolean()).isTrue();
    JsonNode square = t.answers().get(2);
    assertThat(square.get("success").asBoolean()).isTrue();
    assertThat(square.get("output").asDouble()).isEqualTo(2.25);
    assertThat(square.get("timings")).hasSize(1); // hello's inputs name no runs: once
    assertThat(square.get("timings").get(0).get("name").asText()).isEqualTo("evaluate");
    assertThat(square.get("timings").get(0).get("nanoseconds").isIntegralNumber()).isTrue();
    assertThat(t.answers().get(3).size()).isEqualTo(1); // analysis: {"id"} only
    assertThat(t.answers().get(4).get("output").asDouble()).isEqualTo(4.5);
    assertThat(t.log()).contains("invalid: no");
  }

  @Test
  void exitsAtEndOfInputWithoutAnEndMessage() throws Exception {
    Transcript t = session("{\"id\": 7, \"kind\": \"start\"}");
    assertThat(t.answers()).hasSize(1);
    assertThat(t.answers().get(0).get("id").asInt()).isEqualTo(7);
  }

  @Test
  void nothingAfterEndIsAnswered() throws Exception {
    Transcript t =
        session(
            "{\"id\": 0, \"kind\": \"end\"}", "{\"id\": 1, \"kind\": \"start\"}");
    assertThat(t.output()).isEmpty();
  }

  @Test
  void unknownModuleIsNotDefined() throws Exception {
    Transcript t =
        session(
            "{\"id\": 0, \"kind\": \"define\", \"module\": \"ba\"}",
            "{\"id\": 1, \"kind\": \"evaluate\", \"module\": \"ba\", \"function\": \"objective\","
                + " \"input\": {}}");
    assertThat(t.answers().get(0).get("success").asBoolean()).isFalse();
    assertThat(t.answers().get(0).get("error").asText()).contains("ba");
    assertThat(t.answers().get(1).get("success").asBoolean()).isFalse();
    assertThat(t.answers().get(1).has("output")).isFalse();
  }

  @Test
  void unknownFunctionFailsAndNamesTheOthers() throws Exception {
    Transcript t =
        session(
            "{\"id\": 0, \"kind\": \"evaluate\", \"module\": \"lse\", \"function\": \"hessian\","
                + " \"input\": {\"x\": [1]}}");
    JsonNode answer = t.answers().get(0);
    assertThat(answer.get("success").asBoolean()).isFalse();
    assertThat(answer.get("error").asText()).contains("[gradient, primal]");
  }

  @Test
  void exceptionInsideARunFailsThatMessageOnly() throws Exception {
    EvalModule failing =
        module(
            "failing",
            input ->
                evaluation(
                    () -> {
                      throw new ArithmeticException("boom");
                    }));
    Transcript t =
        session(
            new Evals(List.of(failing, new Hello())),
            "{\"id\": 0, \"kind\": \"evaluate\", \"module\": \"failing\", \"function\": \"f\","
                + " \"input\": {\"min_runs\": 3, \"min_seconds\": 0}}",
            "{\"id\": 1, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"square\","
                + " \"input\": 3}");
    JsonNode failed = t.answers().get(0);
    assertThat(failed.get("success").asBoolean()).isFalse();
    assertThat(failed.get("error").asText()).contains("ArithmeticException: boom");
    assertThat(failed.has("timings")).isFalse();
    assertThat(t.log()).contains("boom");
    assertThat(t.answers().get(1).get("output").asDouble()).isEqualTo(9.0);
  }

  @Test
  void inputOfTheWrongShapeFails() throws Exception {
    Transcript t =
        session(
            "{\"id\": 0, \"kind\": \"evaluate\", \"module\": \"gmm\", \"function\": \"objective\","
                + " \"input\": {\"d\": 2, \"k\": 1, \"n\": 1, \"m\": 0, \"gamma\": 1,"
                + " \"x\": [[1, 2]], \"alpha\": [0], \"mu\": [[0, 0]], \"q\": [[0, 0]],"
                + " \"l\": [[0, 1]]}}",
            "{\"id\": 1, \"kind\": \"evaluate\", \"module\": \"lse\", \"function\": \"primal\","
                + " \"input\": {\"y\": [1]}}",
            "{\"id\": 2, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"square\","
                + " \"input\": \"three\"}");
    assertThat(t.answers().get(0).get("error").asText())
        .contains("l[0] must have length 1, but has 2");
    assertThat(t.answers().get(1).get("error").asText()).contains("input has no field x");
    assertThat(t.answers().get(2).get("error").asText()).contains("must be a number");
    for (JsonNode answer : t.answers()) {
      assertThat(answer.get("success").asBoolean()).isFalse();
    }
  }

  @Test
  void malformedLinesAndUnknownKindsAreAnsweredNotIgnored() throws Exception {
    Transcript t =
        session(
            "{not json",
            "[1, 2]",
            "",
            "{\"id\": 3, \"kind\": \"reticulate\"}",
            "{\"id\": 4, \"kind\": \"start\"}");
    assertThat(t.answers()).hasSize(4); // the blank line is no message
    assertThat(t.answers().get(0).get("id").isNull()).isTrue();
    assertThat(t.answers().get(0).get("error").asText()).contains("not JSON");
    assertThat(t.answers().get(1).get("id").isNull()).isTrue();
    assertThat(t.answers().get(2).get("id").asInt()).isEqualTo(3);
    assertThat(t.answers().get(2).get("success").asBoolean()).isFalse();
    assertThat(t.answers().get(2).get("error").asText()).contains("reticulate");
    assertThat(t.answers().get(3).get("tool").asText()).isEqualTo("adjoint");
  }

  @Test
  void minRunsGivesOneTimingPerRun() throws Exception {
    int[] calls = {0};
    EvalModule counting = module("counting", input -> evaluation(() -> calls[0]++));
    Transcript t =
        session(
            new Evals(List.of(counting)),
            "{\"id\": 0, \"kind\": \"evaluate\", \"module\": \"counting\", \"function\": \"f\","
                + " \"input\": {\"min_runs\": 5, \"min_seconds\": 0}}");
    JsonNode answer = t.answers().get(0);
    assertThat(answer.get("timings")).hasSize(5);
    assertThat(calls[0]).isEqualTo(5);
    assertThat(answer.get("output").asInt()).isEqualTo(5); // the last run's output
  }

  @Test
  void minSecondsKeepsRunningUntilTheRunsAddUpToIt() throws Exception {
    EvalModule sleeping =
        module(
            "sleeping",
            input ->
                evaluation(
                    () -> {
                      try {
                        Thread.sleep(2);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
    Transcript t =
        session(
            new Evals(List.of(sleeping)),
            "{\"id\": 0, \"kind\": \"evaluate\", \"module\": \"sleeping\", \"function\": \"f\","
                + " \"input\": {\"min_runs\": 1, \"min_seconds\": 0.03}}");
    JsonNode timings = t.answers().get(0).get("timings");
    long total = 0;
    for (JsonNode timing : timings) {
      total += timing.get("nanoseconds").asLong();
    }
    long withoutLast = total - timings.get(timings.size() - 1).get("nanoseconds").asLong();
    assertThat(timings.size()).isAtLeast(2); // one 2 ms run cannot reach 30 ms
    assertThat(total).isAtLeast(30_000_000L);
    assertThat(withoutLast).isLessThan(30_000_000L); // and it stopped as soon as they did
  }

  @Test
  void gmmJacobianHasTheInputsShapes() throws Exception {
    int d = 3;
    int k = 4;
    JsonNode input = Workloads.withRuns(Workloads.gmm(5, d, k, 7), 2, 0);
    Transcript t =
        session(
            JSON.writeValueAsString(
                Map.of(
                    "id", 0,
                    "kind", "evaluate",
                    "module", "gmm",
                    "function", "jacobian",
                    "input", input,
                    "description", "3_4_7")));
    JsonNode output = t.answers().get(0).get("output");
    assertThat(t.answers().get(0).get("timings")).hasSize(2);
    for (String field : List.of("alpha", "mu", "q", "l")) {
      JsonNode gradient = output.get(field);
      JsonNode parameter = input.get(field);
      assertThat(gradient.size()).isEqualTo(parameter.size());
      for (int i = 0; i < parameter.size(); i++) {
        assertThat(gradient.get(i).size()).isEqualTo(parameter.get(i).size());
      }
    }
    assertThat(output.get("l").get(0)).hasSize(d * (d - 1) / 2);
    assertThat(output.size()).isEqualTo(4);
  }

  private static EvalModule module(String name, EvalModule.Function function) {
    return new EvalModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Map<String, Function> functions() {
        return Map.of("f", function);
      }
    };
  }

  private static EvalModule.Evaluation evaluation(Runnable run) {
    int[] runs = {0};
    return new EvalModule.Evaluation() {
      @Override
      public void run() {
        run.run();
        runs[0]++;
      }

      @Override
      public Object output() {
        return runs[0];
      }
    };
  }
}

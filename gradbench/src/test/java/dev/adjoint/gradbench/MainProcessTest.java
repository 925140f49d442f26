package dev.adjoint.gradbench;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tool as GradBench runs it: a separate process, answering each message as soon as it is
 * sent (one line, flushed), and exiting with status 0 after {@code end}.
 */
final class MainProcessTest {

  @Test
  void answersLineByLineAndExitsAfterEnd() throws Exception {
    Process tool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .start();
    ObjectMapper json = new ObjectMapper();
    try (Writer in = new OutputStreamWriter(tool.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> messages =
          List.of(
              "{\"id\": 0, \"kind\": \"start\", \"eval\": \"lse\"}",
              "{\"id\": 1, \"kind\": \"define\", \"module\": \"lse\"}",
              "{\"id\": 2, \"kind\": \"evaluate\", \"module\": \"lse\", \"function\": \"gradient\","
                  + " \"input\": {\"x\": [0, 0, 0, 0], \"min_runs\": 2, \"min_seconds\": 0}}");
      for (int id = 0; id < messages.size(); id++) {
        // The next message is sent only after the answer to this one has come: each answer must
        // be flushed as soon as it is written.
        in.write(messages.get(id) + "\n");
        in.flush();
        JsonNode answer = json.readTree(out.readLine());
        assertThat(answer.get("id").asInt()).isEqualTo(id);
        if (id == 2) {
          assertThat(answer.get("success").asBoolean()).isTrue();
          assertThat(json.treeToValue(answer.get("output"), double[].class))
              .usingExactEquality()
              .containsExactly(0.25, 0.25, 0.25, 0.25);
          assertThat(answer.get("timings")).hasSize(2);
        }
      }
      in.write("{\"id\": 3, \"kind\": \"end\"}\n");
      in.flush();
      assertThat(out.readLine()).isNull(); // nothing after end: the output closes
    }
    assertThat(tool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(tool.exitValue()).isEqualTo(0);
  }
}

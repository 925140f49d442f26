package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A timing harness that does what GradBench's evals do, without GradBench: for each eval it starts
 * the tool in a fresh JVM (as {@code gradbench run --tool} does), sends {@code start}, {@code
 * define} and, for each size in GradBench's order, {@code evaluate} of the primal and then of the
 * gradient, and prints a Markdown table per eval: the first (cold: interpreted and JIT-compiling)
 * run of each message apart from the median of the others (warm), and the ratio of the warm
 * medians.
 *
 * <pre>
 * java -cp gradbench/target/adjoint-gradbench.jar dev.adjoint.gradbench.Timings [options]
 *   --evals lse,llsq,gmm   the evals to run (default all three)
 *   --min-runs N           runs per message at least (default 3, so that every size has warm runs)
 *   --min-seconds S        seconds per message at least, summed over its runs (default 1, GradBench's)
 *   --lse-n N,...          lse sizes (default GradBench's)
 *   --llsq-n N,...         llsq sizes, with m = 128 (default GradBench's)
 *   --gmm-d D,... --gmm-k K,... --gmm-n N   gmm sizes (default GradBench's, n = 1000)
 *   --jvm ARG              an option for the tool's JVM (repeatable), e.g. --jvm -Xmx8g
 * </pre>
 */
public final class Timings {
  private static final long SEED = 31337;

  private final ObjectMapper json = new ObjectMapper();
  private final PrintStream out;
  private final List<String> jvmOptions;
  private final int minRuns;
  private final double minSeconds;

  private Timings(PrintStream out, List<String> jvmOptions, int minRuns, double minSeconds) {
    this.out = out;
    this.jvmOptions = jvmOptions;
    this.minRuns = minRuns;
    this.minSeconds = minSeconds;
  }

  /** Runs the evals named on the command line and prints their tables. */
  public static void main(String[] args) throws IOException, InterruptedException {
    List<String> evals = List.of("lse", "llsq", "gmm");
    int minRuns = 3;
    double minSeconds = 1;
    int[] lseSizes = Workloads.LSE_SIZES;
    int[] llsqSizes = Workloads.LLSQ_SIZES;
    int[] gmmD = Workloads.GMM_D;
    int[] gmmK = Workloads.GMM_K;
    int gmmN = Workloads.GMM_N;
    List<String> jvm = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--evals" -> evals = List.of(value.split(","));
        case "--min-runs" -> minRuns = Integer.parseInt(value);
        case "--min-seconds" -> minSeconds = Double.parseDouble(value);
        case "--lse-n" -> lseSizes = integers(value);
        case "--llsq-n" -> llsqSizes = integers(value);
        case "--gmm-d" -> gmmD = integers(value);
        case "--gmm-k" -> gmmK = integers(value);
        case "--gmm-n" -> gmmN = Integer.parseInt(value);
        case "--jvm" -> jvm.add(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Timings timings = new Timings(System.out, jvm, minRuns, minSeconds);
    timings.header();
    for (String eval : evals) {
      List<Workload> workloads = new ArrayList<>();
      switch (eval) {
        case "lse" -> {
          for (int n : lseSizes) {
            workloads.add(new Workload("n = " + n, "primal", "gradient", Workloads.lse(SEED, n)));
          }
        }
        case "llsq" -> {
          for (int n : llsqSizes) {
            workloads.add(
                new Workload(
                    "n = " + n + ", m = " + Workloads.LLSQ_M,
                    "primal",
                    "gradient",
                    Workloads.llsq(SEED, n, Workloads.LLSQ_M)));
          }
        }
        case "gmm" -> {
          List<int[]> sizes = new ArrayList<>();
          for (int d : gmmD) {
            for (int k : gmmK) {
              sizes.add(new int[] {d, k});
            }
          }
          // GradBench's order: by d·k, ties in the order of the lists.
          sizes.sort((a, b) -> Integer.compare(a[0] * a[1], b[0] * b[1]));
          for (int[] size : sizes) {
            workloads.add(
                new Workload(
                    "d = " + size[0] + ", k = " + size[1] + ", n = " + gmmN,
                    "objective",
                    "jacobian",
                    Workloads.gmm(SEED, size[0], size[1], gmmN)));
          }
        }
        default -> throw new IllegalArgumentException("unknown eval " + eval);
      }
      timings.run(eval, workloads);
    }
  }

  /** One size of an eval: its primal and gradient function names and its input. */
  private record Workload(String description, String primal, String gradient, ObjectNode input) {}

  private void header() {
    out.printf(
        Locale.ROOT,
        "Java %s (%s), %d processors; min_runs %d, min_seconds %s per message.%n%n",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(),
        minRuns,
        minSeconds);
  }

  /** Runs one eval's session in a fresh tool process and prints its table. */
  private void run(String eval, List<Workload> workloads) throws IOException, InterruptedException {
    Process tool = startTool();
    try (Writer toTool = new OutputStreamWriter(tool.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader fromTool =
            new BufferedReader(
                new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
      Session session = new Session(toTool, fromTool);
      session.send(json.createObjectNode().put("kind", "start").put("eval", eval));
      JsonNode defined = session.send(json.createObjectNode().put("kind", "define").put("module", eval));
      if (!defined.path("success").asBoolean()) {
        throw new IllegalStateException("the tool did not define " + eval + ": " + defined);
      }
      out.printf("### %s%n%n", eval);
      out.println(
          "| size | primal, first run | primal, median of the rest | gradient, first run"
              + " | gradient, median of the rest | gradient / primal | runs |");
      out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (Workload workload : workloads) {
        long[] primal = evaluate(session, eval, workload.primal(), workload);
        long[] gradient = evaluate(session, eval, workload.gradient(), workload);
        if (primal == null || gradient == null) {
          out.printf(
              "| %s | %s | | %s | | | |%n",
              workload.description(),
              primal == null ? "failed" : duration(primal[0]),
              gradient == null ? "failed" : duration(gradient[0]));
          continue;
        }
        out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s | %s | %d / %d |%n",
            workload.description(),
            duration(primal[0]),
            duration(warmMedian(primal)),
            duration(gradient[0]),
            duration(warmMedian(gradient)),
            ratio(warmMedian(gradient), warmMedian(primal)),
            primal.length,
            gradient.length);
        out.flush();
      }
      out.println();
      session.send(json.createObjectNode().put("kind", "end"), false);
    }
    tool.waitFor();
  }

  /** The run times of one evaluate message, or null if it failed. */
  private long[] evaluate(Session session, String eval, String function, Workload workload)
      throws IOException {
    ObjectNode message = json.createObjectNode();
    message.put("kind", "evaluate");
    message.put("module", eval);
    message.put("function", function);
    message.set("input", Workloads.withRuns(workload.input(), minRuns, minSeconds));
    message.put("description", workload.description());
    JsonNode answer = session.send(message);
    if (!answer.path("success").asBoolean()) {
      // The tool has logged the error (its standard error is this process's); the table says
      // "failed" and the session goes on, as GradBench's does.
      return null;
    }
    JsonNode timings = answer.get("timings");
    long[] nanoseconds = new long[timings.size()];
    for (int i = 0; i < nanoseconds.length; i++) {
      nanoseconds[i] = timings.get(i).get("nanoseconds").asLong();
    }
    return nanoseconds;
  }

  private Process startTool() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The eval's side of a session: numbered messages, one answer each. */
  private final class Session {
    private final Writer toTool;
    private final BufferedReader fromTool;
    private int id;

    Session(Writer toTool, BufferedReader fromTool) {
      this.toTool = toTool;
      this.fromTool = fromTool;
    }

    JsonNode send(ObjectNode message) throws IOException {
      return send(message, true);
    }

    JsonNode send(ObjectNode message, boolean answered) throws IOException {
      ObjectNode numbered = json.createObjectNode().put("id", id++);
      numbered.setAll(message);
      toTool.write(json.writeValueAsString(numbered));
      toTool.write('\n');
      toTool.flush();
      if (!answered) {
        return null;
      }
      String line = fromTool.readLine();
      if (line == null) {
        throw new IllegalStateException("the tool closed its output");
      }
      JsonNode answer = json.readTree(line);
      if (answer.path("id").asInt(-1) != numbered.get("id").asInt()) {
        throw new IllegalStateException("expected an answer to " + numbered.get("id") + ": " + line);
      }
      return answer;
    }
  }

  /** The median of all runs but the first; -1 when there is only one run. */
  static long warmMedian(long[] nanoseconds) {
    if (nanoseconds.length < 2) {
      return -1;
    }
    long[] warm = Arrays.copyOfRange(nanoseconds, 1, nanoseconds.length);
    Arrays.sort(warm);
    int middle = warm.length / 2;
    return warm.length % 2 == 1 ? warm[middle] : (warm[middle - 1] + warm[middle]) / 2;
  }

  /** A duration with three significant digits and its unit: 812 ns, 5.97 µs, 1.21 ms, 2.40 s. */
  static String duration(long nanoseconds) {
    if (nanoseconds < 0) {
      return "—";
    }
    String[] units = {"ns", "µs", "ms", "s"};
    double value = nanoseconds;
    int unit = 0;
    while (unit < units.length - 1 && value >= 999.5) {
      value /= 1000;
      unit++;
    }
    return significant(value) + " " + units[unit];
  }

  private static String ratio(long numerator, long denominator) {
    return numerator < 0 || denominator <= 0 ? "—" : significant((double) numerator / denominator);
  }

  private static String significant(double value) {
    if (value >= 99.95) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return String.format(Locale.ROOT, value >= 9.995 ? "%.1f" : "%.2f", value);
  }

  private static int[] integers(String list) {
    return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}

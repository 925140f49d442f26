package dev.adjoint.tests;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static java.util.stream.Collectors.joining;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Maven snippet, pasted into a fresh project outside the reactor and built by the
 * plain {@code mvn} on the path (Maven 3.8.7 on the project's machines), as a new user would.
 *
 * <p>Everything the fresh project is made of is read from README.md itself, so the two cannot
 * drift apart: the pom is a bare project skeleton around the first {@code xml} block under "##
 * Using it", the sources are the {@code Losses} class of the first {@code java} block under "##
 * Example", and a {@code Main} that runs the lines below it and prints each expression that has
 * its value in a comment ({@code vg.value(); // 4.0}), which must match to the digits written.
 *
 * <p>This build's annotations, runtime, processor and parent pom are copied into a throw-away
 * local repository (as {@code install} would lay them out), so the user's local repository gets no
 * snapshot of this tree. Everything else, Maven's own plugins among them, is read from the outer
 * build's local repository, declared to the fresh project as a {@code file:} repository, and,
 * when the outer build is online, from Maven Central. An offline outer build ({@code -o}) makes
 * the fresh build offline too, with the {@code file:} protocol still allowed.
 *
 * <p>Runs in the {@code integration-test} phase (after the jars are packaged): {@code ./mvnw
 * verify}.
 */
@Tag("readme-snippet")
final class ReadmeMavenSnippetIT {

  /** Each build takes a few seconds; a hung one fails the test instead of the CI run. */
  private static final long TIMEOUT_MINUTES = 4;
  private static final String PROCESSOR_CLASS = "dev.adjoint.processor.step.AdjointProcessor";

  private static Path root;
  private static String version;
  private static String readme;

  @TempDir static Path repository;

  @BeforeAll
  static void installThisBuild() throws IOException {
    root = Path.of(property("adjoint.root")).toAbsolutePath().normalize();
    version = property("adjoint.version");
    readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
    install("adjoint-parent", root.resolve("pom.xml"), null);
    install(
        "adjoint-annotations",
        root.resolve("annotations/pom.xml"),
        jarOf("dev.adjoint.Differentiable"));
    install("adjoint-runtime", root.resolve("runtime/pom.xml"), jarOf("dev.adjoint.runtime.Ad"));
    install("adjoint-processor", root.resolve("processor/pom.xml"), jarOf(PROCESSOR_CLASS));
  }

  @Test
  void theSnippetNamesThisBuildsArtifactsAndVersion() {
    String snippet = mavenSnippet();
    Matcher coordinates =
        Pattern.compile(
                "<groupId>dev\\.adjoint</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                    + "<version>([^<]+)</version>")
            .matcher(snippet);
    List<String> artifacts = new ArrayList<>();
    while (coordinates.find()) {
      artifacts.add(coordinates.group(1));
      assertWithMessage("version of %s in the README's Maven snippet", coordinates.group(1))
          .that(coordinates.group(2))
          .isEqualTo(version);
    }
    assertThat(artifacts)
        .containsExactly("adjoint-annotations", "adjoint-runtime", "adjoint-processor");

    String gradle = fencedBlock("## Using it", "groovy");
    Matcher gradleCoordinates =
        Pattern.compile("'dev\\.adjoint:([^:']+):([^']+)'").matcher(gradle);
    List<String> gradleArtifacts = new ArrayList<>();
    while (gradleCoordinates.find()) {
      gradleArtifacts.add(gradleCoordinates.group(1));
      assertWithMessage("version of %s in the README's Gradle snippet", gradleCoordinates.group(1))
          .that(gradleCoordinates.group(2))
          .isEqualTo(version);
    }
    assertThat(gradleArtifacts)
        .containsExactly("adjoint-annotations", "adjoint-runtime", "adjoint-processor");
  }

  @Test
  void aFreshProjectFromTheSnippetCompilesTheExampleAndPrintsItsNumbers(@TempDir Path project)
      throws Exception {
    Example example = example();
    writeProject(project, pom(mavenSnippet(), ""), example);

    Result build = mvn(project, "compile");
    if (build.exitCode() != 0) {
      fail("mvn compile of the README's snippet failed (exit " + build.exitCode() + "):\n"
          + build.tail());
    }
    assertWithMessage("generated by the processor")
        .that(Files.isRegularFile(
            project.resolve("target/generated-sources/annotations/LossesAdjoint.java")))
        .isTrue();

    Path classes = project.resolve("target/classes");
    Result run = java(project, "Main", classes, artifactPath("adjoint-runtime", "jar"));
    assertWithMessage("java Main exited with %s; output:\n%s", run.exitCode(), run.output())
        .that(run.exitCode())
        .isEqualTo(0);
    List<String> lines = run.output().lines().toList();
    assertWithMessage("Main's output").that(lines).hasSize(example.expected().size());
    for (int i = 0; i < lines.size(); i++) {
      Expectation expected = example.expected().get(i);
      String[] printed = lines.get(i).split("\t", 2);
      assertThat(printed[0]).isEqualTo(expected.expression());
      double actual = Double.parseDouble(printed[1]);
      assertWithMessage("%s (README: %s)", expected.expression(), expected.value())
          .that(actual)
          .isWithin(expected.tolerance())
          .of(expected.value().doubleValue());
    }
  }

  /**
   * The failure, kept reproducible: without the pinned version Maven 3.8 compiles with
   * maven-compiler-plugin 3.1, which ignores {@code annotationProcessorPaths}. It ignores {@code
   * release} too, and its default {@code -source 1.5} would stop javac before the missing class,
   * so this project sets source and target, as the project must have.
   */
  @Test
  void withoutThePinnedCompilerPluginMaven38NeverRunsTheProcessor(@TempDir Path project)
      throws Exception {
    String snippet = mavenSnippet();
    String unpinned =
        snippet.replaceFirst(
            "(<artifactId>maven-compiler-plugin</artifactId>)\\s*<version>[^<]*</version>", "$1");
    assertWithMessage("the README's snippet pins maven-compiler-plugin's version")
        .that(unpinned)
        .isNotEqualTo(snippet);
    writeProject(
        project,
        pom(
            unpinned,
            "  <properties>\n"
                + "    <maven.compiler.source>17</maven.compiler.source>\n"
                + "    <maven.compiler.target>17</maven.compiler.target>\n"
                + "  </properties>\n"),
        example());

    Result build = mvn(project, "compile");
    Matcher plugin =
        Pattern.compile("maven-compiler-plugin:([0-9][^:]*):compile").matcher(build.output());
    assertWithMessage("the compiler plugin in the log:\n%s", build.tail()).that(plugin.find())
        .isTrue();
    assumeTrue(
        plugin.group(1).equals("3.1"),
        "this mvn's default maven-compiler-plugin is " + plugin.group(1)
            + ", not 3.1 (Maven 3.8's): the failure the pin prevents does not happen with it");
    assertWithMessage("exit code of mvn compile without the pin; log:\n%s", build.tail())
        .that(build.exitCode())
        .isNotEqualTo(0);
    assertThat(build.output()).contains("cannot find symbol");
    assertThat(build.output()).contains("symbol:   variable LossesAdjoint");
    assertWithMessage("generated although the processor should not have run")
        .that(Files.exists(
            project.resolve("target/generated-sources/annotations/LossesAdjoint.java")))
        .isFalse();
  }

  // ---- the README ------------------------------------------------------------------------------

  private static String mavenSnippet() {
    return fencedBlock("## Using it", "xml");
  }

  /** The first fenced block of the language after the heading, within its section. */
  private static String fencedBlock(String heading, String language) {
    int start = readme.indexOf("\n" + heading + "\n");
    assertWithMessage("README.md has a heading %s", heading).that(start).isAtLeast(0);
    int next = readme.indexOf("\n## ", start + heading.length() + 1);
    String section = readme.substring(start, next < 0 ? readme.length() : next);
    Matcher block =
        Pattern.compile("\n```" + Pattern.quote(language) + "\n(.*?)\n```\n", Pattern.DOTALL)
            .matcher(section);
    assertWithMessage("README.md has a ```%s block under %s", language, heading)
        .that(block.find())
        .isTrue();
    return block.group(1);
  }

  private record Expectation(String expression, BigDecimal value) {
    /** Half a unit in the last digit written: "4.9e-16" means 4.85e-16 to 4.95e-16. */
    double tolerance() {
      return value.ulp().doubleValue() / 2;
    }
  }

  private record Example(String losses, String main, List<Expectation> expected) {}

  /**
   * The example under "## Example": the class above the line "// LossesAdjoint is generated...",
   * and the lines below it, in a {@code main} that prints each expression with a value comment.
   */
  private static Example example() {
    String block = fencedBlock("## Example", "java");
    Matcher split = Pattern.compile("\n// LossesAdjoint is generated[^\n]*\n").matcher(block);
    assertWithMessage("the README's example has the line // LossesAdjoint is generated ...")
        .that(split.find())
        .isTrue();
    String losses = block.substring(0, split.start()) + "\n";
    Pattern withValue = Pattern.compile("^(\\S.*?);\\s*//\\s*([-+]?[0-9][0-9.eE+-]*)\\b.*$");
    StringBuilder main = new StringBuilder("public final class Main {\n")
        .append("  public static void main(String[] args) {\n");
    List<Expectation> expected = new ArrayList<>();
    for (String line : block.substring(split.end()).split("\n")) {
      Matcher m = withValue.matcher(line);
      if (m.matches()) {
        String expression = m.group(1);
        expected.add(new Expectation(expression, new BigDecimal(m.group(2))));
        main.append("    System.out.println(\"")
            .append(expression.replace("\\", "\\\\").replace("\"", "\\\""))
            .append("\\t\" + (")
            .append(expression)
            .append("));\n");
      } else {
        main.append("    ").append(line).append("\n");
      }
    }
    main.append("  }\n}\n");
    assertWithMessage("expressions with their values in the README's example")
        .that(expected)
        .isNotEmpty();
    return new Example(losses, main.toString(), expected);
  }

  // ---- the fresh project -----------------------------------------------------------------------

  /** A bare project around the snippet; reads from the outer build's local repository too. */
  private static String pom(String snippet, String properties) {
    String outerRepository = Path.of(property("adjoint.localRepository")).toUri().toString();
    String repository =
        "    <id>outer-build-local</id>\n"
            + "    <url>" + outerRepository + "</url>\n"
            + "    <releases><checksumPolicy>ignore</checksumPolicy></releases>\n"
            + "    <snapshots><enabled>false</enabled></snapshots>\n";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
        + "  <modelVersion>4.0.0</modelVersion>\n"
        + "  <groupId>example</groupId>\n"
        + "  <artifactId>readme-snippet</artifactId>\n"
        + "  <version>1.0</version>\n"
        + properties
        + "  <repositories>\n  <repository>\n" + repository + "  </repository>\n  </repositories>\n"
        + "  <pluginRepositories>\n  <pluginRepository>\n" + repository
        + "  </pluginRepository>\n  </pluginRepositories>\n"
        + snippet.indent(2)
        + "</project>\n";
  }

  private static void writeProject(Path project, String pom, Example example) throws IOException {
    Files.writeString(project.resolve("pom.xml"), pom, StandardCharsets.UTF_8);
    Path sources = Files.createDirectories(project.resolve("src/main/java"));
    Files.writeString(sources.resolve("Losses.java"), example.losses(), StandardCharsets.UTF_8);
    Files.writeString(sources.resolve("Main.java"), example.main(), StandardCharsets.UTF_8);
  }

  /** What a command printed (standard output and error) and how it ended. */
  private record Result(int exitCode, String output) {
    String tail() {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
  }

  /** The plain {@code mvn} on the path, with this test's JDK, on the throw-away repository. */
  private static Result mvn(Path project, String goal) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        "mvn", "-B", "-ntp",
        "-Dmaven.repo.local=" + repository,
        "-Daether.offline.protocols=file"));
    if (Boolean.parseBoolean(property("adjoint.offline"))) {
      command.add("-o");
    }
    command.add(goal);
    try {
      return run(project, command, "build.log");
    } catch (IOException e) {
      throw new AssertionError(
          "this test builds the README's snippet with the plain `mvn` on the PATH, as a user "
              + "would, but could not start it (" + e.getMessage() + "): install Maven 3.8.7 or "
              + "later (the README's quick start needs it too)", e);
    }
  }

  private static Result java(Path project, String mainClass, Path... classpath)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String path =
        Arrays.stream(classpath).map(Path::toString).collect(joining(File.pathSeparator));
    return run(project, List.of(java, "-cp", path, mainClass), "run.log");
  }

  private static Result run(Path directory, List<String> command, String log)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve(log).toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in " + TIMEOUT_MINUTES + " minutes");
    }
    return new Result(process.exitValue(), Files.readString(directory.resolve(log)));
  }

  // ---- this build's artifacts ------------------------------------------------------------------

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isEmpty()) {
      fail("system property " + name + " is not set: run this test through Maven (tests/pom.xml "
          + "sets it in the readme-snippet execution of Surefire)");
    }
    return value;
  }

  /** The jar a class of this build was loaded from (the reactor's, after package). */
  private static Path jarOf(String className) {
    Path location;
    try {
      location = Path.of(Class.forName(className).getProtectionDomain().getCodeSource()
          .getLocation().toURI());
    } catch (ClassNotFoundException | URISyntaxException e) {
      throw new AssertionError("cannot locate " + className + " on the test class path", e);
    }
    if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
      fail(className + " was loaded from " + location + ", not from a jar: run this test in the "
          + "integration-test phase (./mvnw verify), after the modules are packaged");
    }
    return location;
  }

  private static Path artifactPath(String artifactId, String extension) {
    return repository.resolve("dev/adjoint/" + artifactId + "/" + version + "/" + artifactId + "-"
        + version + "." + extension);
  }

  /** Lays the artifact out as {@code install} does in the throw-away local repository. */
  private static void install(String artifactId, Path pom, Path jar) throws IOException {
    assertWithMessage("artifactId in %s", pom)
        .that(Files.readString(pom))
        .contains("<artifactId>" + artifactId + "</artifactId>");
    Files.createDirectories(artifactPath(artifactId, "pom").getParent());
    Files.copy(pom, artifactPath(artifactId, "pom"));
    if (jar != null) {
      Files.copy(jar, artifactPath(artifactId, "jar"));
    }
  }
}

package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.diagnostics.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diagnostics catalogue, {@code docs/diagnostics.md}, compiled (issue 11 §4, "messages that
 * lead somewhere"): every tagged section's example reports its tag, and every section's fixed
 * version of its example, the example with the section's <b>Fix</b> applied, compiles with no
 * error or warning and generates its {@code …Adjoint} class.
 *
 * <p>The catalogue's conventions, stated at its top, are what this test applies: a section is a
 * heading {@code ## AdjointTag}; its examples are its {@code ```java} blocks, and its fixed
 * versions those of them whose first line is {@code // fixed}. Each block is compiled as a file
 * of {@code package test} importing {@code dev.adjoint.*}, {@code dev.adjoint.runtime.FwdResult}
 * and {@code dev.adjoint.runtime.JvpResult}; a block that does not begin with a top-level type
 * declaration is a list of members of {@code final class Fns}. In an example (never in a fixed
 * version) a body written {@code { ... }} stands for one that does not matter, and is compiled as
 * {@code { throw new UnsupportedOperationException(); }}.
 */
class CatalogueTest {

  /**
   * Sections whose example (if any) cannot report its tag in one compilation here, and why. An
   * example of theirs is compiled all the same, and must not report it: one that does belongs
   * off this list.
   */
  private static final Map<String, String> NO_EXAMPLE = Map.of(
      "AdjointMissingAdjointClass",
          "needs a library compiled in an earlier build without the processor",
      "AdjointTreeApiUnavailable", "needs a compiler other than javac",
      "AdjointInternalError", "a bug in Adjoint has no example to keep",
      "AdjointFromBodyOmitted", "the example elides the 1 200 steps that make its body too long");

  /** Sections with no fixed version, and why. Each must indeed have none. */
  private static final Map<String, String> NO_FIX = Map.of(
      "AdjointMissingAdjointClass", "the fix is in another build (compile the library with Adjoint)",
      "AdjointTreeApiUnavailable", "the fix is to compile with javac",
      "AdjointInternalError", "the fix is a report to Adjoint's maintainers",
      "AdjointFromBodyOmitted", "a NOTE that needs no fix");

  /** The fewest sections a healthy catalogue checks, so that a parser gone wrong cannot pass. */
  private static final int MINIMUM_SECTIONS = 50;

  private static final Pattern HEADING = Pattern.compile("^## (\\S+)(.*)$");
  private static final Pattern TAG = Pattern.compile("^Adjoint\\w+$");
  private static final Pattern FIXED = Pattern.compile("^// fixed\\b");
  private static final Pattern ELIDED_BODY = Pattern.compile("\\{ \\.\\.\\. }");
  private static final Pattern TYPE_FIRST = Pattern.compile(
      "^(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|enum|record)\\s+(\\w+)");
  private static final Pattern COMMENT_OR_STRING =
      Pattern.compile("//[^\\n]*|/\\*.*?\\*/|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'",
          Pattern.DOTALL);
  private static final Pattern STRUCTURE = Pattern.compile(
      "\\b(?:class|interface|enum|record)\\s+(\\w+)|@(Differentiable|CustomVjp|CustomJvp)\\b|[{}]");

  private static final String HEADER = String.join("\n",
      "package test;",
      "",
      "import dev.adjoint.*;",
      "import dev.adjoint.runtime.FwdResult;",
      "import dev.adjoint.runtime.JvpResult;",
      "",
      "");

  /** A section of the catalogue: its tag, where it starts, and its Java blocks. */
  record Section(String tag, boolean retired, int line, List<Block> examples, List<Block> fixes) {}

  /** A {@code ```java} block: its section's tag, its first line in the file, its text. */
  record Block(String tag, int line, String text) {
    @Override
    public String toString() {
      return tag + " (diagnostics.md:" + line + ")";
    }
  }

  // ---------------------------------------------------------------- the checks

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleReportsItsTag(Block example) {
    Compilation c = Sources.compile(files(example.text().replaceAll(
        ELIDED_BODY.pattern(), "{ throw new UnsupportedOperationException(); }")));
    String report = example + "\n" + describe(c);
    assertNoInternalError(c, report);
    Diagnostic.Kind kind = kindOf(example.tag());
    boolean reported = c.diagnostics().stream().anyMatch(d -> d.getKind() == kind
        && d.getMessage(Locale.ROOT).startsWith("[" + example.tag() + "] "));
    if (NO_EXAMPLE.containsKey(example.tag())) {
      assertWithMessage("[%s], listed in NO_EXAMPLE (%s), reported by %s", example.tag(),
          NO_EXAMPLE.get(example.tag()), report).that(reported).isFalse();
      return;
    }
    assertWithMessage("%s of [%s] in %s", kind, example.tag(), report).that(reported).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixes")
  void fixedVersionCompilesCleanly(Block fixed) {
    Compilation c = Sources.compile(files(fixed.text()));
    String report = fixed + "\n" + describe(c);
    assertNoInternalError(c, report);
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      String text = d.getMessage(Locale.ROOT);
      assertWithMessage("a fixed version reports its own tag, in %s", report)
          .that(text).doesNotContain("[" + fixed.tag() + "]");
      assertWithMessage("an error or warning in a fixed version, in %s", report)
          .that(d.getKind() == Diagnostic.Kind.NOTE || d.getKind() == Diagnostic.Kind.OTHER)
          .isTrue();
    }
    assertWithMessage("status of %s", report).that(c.status()).isEqualTo(Compilation.Status.SUCCESS);
    Set<String> generated = adjointClasses(fixed.text());
    for (String name : generated) {
      assertThat(c).generatedSourceFile("test." + name);
    }
  }

  @Test
  void everySectionHasExamplesAndFixesOrSaysWhyNot() {
    assertWithMessage("NO_EXAMPLE, kept short").that(NO_EXAMPLE.size()).isAtMost(4);
    assertWithMessage("NO_FIX, kept short").that(NO_FIX.size()).isAtMost(4);
    List<Section> sections = sections();
    assertWithMessage("tagged sections").that(sections.size()).isAtLeast(MINIMUM_SECTIONS);
    Set<String> tags = new TreeSet<>();
    for (Section s : sections) {
      tags.add(s.tag());
      if (s.retired()) {
        assertWithMessage("java blocks in the retired section %s", s.tag())
            .that(s.examples().size() + s.fixes().size()).isEqualTo(0);
        continue;
      }
      if (!NO_EXAMPLE.containsKey(s.tag())) {
        assertWithMessage("examples of %s (or a reason in NO_EXAMPLE)", s.tag())
            .that(s.examples()).isNotEmpty();
      }
      assertWithMessage("%s has a fixed version, or is listed in NO_FIX", s.tag())
          .that(!s.fixes().isEmpty()).isNotEqualTo(NO_FIX.containsKey(s.tag()));
    }
    assertWithMessage("tags excluded but without a section")
        .that(tags).containsAtLeastElementsIn(NO_EXAMPLE.keySet());
    assertWithMessage("tags excluded but without a section")
        .that(tags).containsAtLeastElementsIn(NO_FIX.keySet());
    Set<String> printed = Stream.of(Message.values())
        .filter(m -> m != Message.NOTE_EXPECTED_SIGNATURE)
        .map(Message::tag)
        .collect(Collectors.toCollection(TreeSet::new));
    assertWithMessage("tags the processor prints, each with a section")
        .that(tags).containsAtLeastElementsIn(printed);
    long checked = sections.stream().filter(s -> !s.fixes().isEmpty()).count();
    assertWithMessage("sections with a fixed version").that(checked).isAtLeast(MINIMUM_SECTIONS);
  }

  @Test
  void adjointClassesAreFoundWhereAnnotatedMethodsAre() {
    assertWithMessage("members of Fns")
        .that(adjointClasses("@Differentiable static double f(double x) { return x; }"))
        .containsExactly("FnsAdjoint");
    assertWithMessage("a nested class, a record and a comment").that(adjointClasses(String.join("\n",
            "final class Outer {",
            "  record Res(double x) {}",
            "  static final class Inner {",
            "    // @CustomVjp in a comment",
            "    @CustomJvp static double g(double x) { return x; }",
            "  }",
            "}")))
        .containsExactly("Outer_InnerAdjoint");
    assertWithMessage("none").that(adjointClasses("static double h(double x) { return x; }"))
        .isEmpty();
  }

  // ---------------------------------------------------------------- the catalogue

  static Stream<Block> examples() {
    return sections().stream().filter(s -> !s.retired()).flatMap(s -> s.examples().stream());
  }

  static Stream<Block> fixes() {
    return sections().stream().filter(s -> !s.retired()).flatMap(s -> s.fixes().stream());
  }

  /** The tagged sections of docs/diagnostics.md, in order. */
  static List<Section> sections() {
    List<String> lines = catalogue();
    List<Section> sections = new ArrayList<>();
    String tag = null;
    boolean retired = false;
    int start = 0;
    List<Block> examples = new ArrayList<>();
    List<Block> fixes = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        if (tag != null) {
          sections.add(new Section(tag, retired, start, examples, fixes));
        }
        boolean tagged = TAG.matcher(heading.group(1)).matches();
        tag = tagged ? heading.group(1) : null;
        retired = tagged && heading.group(2).contains("(retired)");
        start = i + 1;
        examples = new ArrayList<>();
        fixes = new ArrayList<>();
      } else if (line.startsWith("```")) {
        String info = line.substring(3).trim();
        int first = i + 1;
        StringBuilder text = new StringBuilder();
        for (i = first; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        if (tag != null && info.equals("java")) {
          Block block = new Block(tag, first, text.toString());
          (FIXED.matcher(text).lookingAt() ? fixes : examples).add(block);
        }
      }
    }
    if (tag != null) {
      sections.add(new Section(tag, retired, start, examples, fixes));
    }
    return sections;
  }

  private static List<String> catalogue() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docs/diagnostics.md"))) {
      dir = dir.getParent();
    }
    assertWithMessage("docs/diagnostics.md above %s", Path.of("").toAbsolutePath())
        .that(dir).isNotNull();
    try {
      return Files.readAllLines(dir.resolve("docs/diagnostics.md"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- compiling a block

  /** The block as a compilation unit: itself if it begins with a type, else members of Fns. */
  private static JavaFileObject files(String text) {
    String code = stripComments(text).strip();
    Matcher type = TYPE_FIRST.matcher(code);
    if (type.lookingAt()) {
      return JavaFileObjects.forSourceString("test." + type.group(1), HEADER + text);
    }
    return JavaFileObjects.forSourceString("test.Fns",
        HEADER + "final class Fns {\n" + text.indent(2) + "}\n");
  }

  /**
   * The generated classes a block's annotated methods must give: {@code CAdjoint} for each class
   * {@code C} (nested: {@code Outer_Inner}) with a {@code @Differentiable}, {@code @CustomVjp} or
   * {@code @CustomJvp} method.
   */
  static Set<String> adjointClasses(String text) {
    String code = stripComments(text).strip();
    boolean wrapped = !TYPE_FIRST.matcher(code).lookingAt();
    if (wrapped) {
      code = "final class Fns {\n" + code + "\n}";
    }
    Set<String> classes = new LinkedHashSet<>();
    Deque<String> nesting = new ArrayDeque<>();
    String pending = null;
    Matcher m = STRUCTURE.matcher(code);
    while (m.find()) {
      if (m.group(1) != null) {
        pending = m.group(1);
      } else if (m.group(2) != null) {
        List<String> names = new ArrayList<>();
        nesting.descendingIterator().forEachRemaining(n -> {
          if (!n.isEmpty()) {
            names.add(n);
          }
        });
        classes.add(String.join("_", names) + "Adjoint");
      } else if (m.group().equals("{")) {
        nesting.push(pending == null ? "" : pending);
        pending = null;
      } else if (!nesting.isEmpty()) {
        nesting.pop();
      }
    }
    return classes;
  }

  private static String stripComments(String text) {
    return COMMENT_OR_STRING.matcher(text).replaceAll(r -> r.group().startsWith("/") ? " " : "\"\"");
  }

  private static Diagnostic.Kind kindOf(String tag) {
    return Stream.of(Message.values())
        .filter(m -> m.tag().equals(tag))
        .map(Message::kind)
        .findFirst()
        .orElse(Diagnostic.Kind.ERROR);
  }

  private static void assertNoInternalError(Compilation c, String report) {
    for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
      assertWithMessage("internal error in %s", report)
          .that(d.getMessage(Locale.ROOT)).doesNotContain("[AdjointInternalError]");
    }
  }

  private static String describe(Compilation c) {
    return c.diagnostics().stream()
        .map(d -> d.getKind() + " at " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
        .collect(Collectors.joining("\n"));
  }
}

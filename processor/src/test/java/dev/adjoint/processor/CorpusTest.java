package dev.adjoint.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.step.AdjointProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus (issue 4): malformed or unsupported inputs, one case per file (or per
 * directory, for a case of several files) under {@code src/test/resources/corpus/}, each compiled
 * with the processor as {@link Sources#compile} does.
 *
 * <p>Case files end in {@code .java.txt}, so javac never finds them on the class path and compiles
 * them implicitly. Each states its expectations as a trailing comment on the line where a
 * diagnostic must point; several on one line are separated by {@code ;} (before the next kind):
 *
 * <ul>
 *   <li>{@code // error: [AdjointTag]}, {@code // warning: [AdjointTag]}, {@code // note:
 *       [AdjointTag]}: one diagnostic of ours, of that kind and tag, in this file, on this line
 *       (repeat it for two);
 *   <li>{@code // javac-error} or {@code // javac-error: text}: at least one error of javac's own
 *       (not tagged) on this line, containing the text if given; likewise {@code javac-warning}.
 * </ul>
 *
 * <p>For each case the test asserts that no exception escaped the processor (compile-testing
 * rethrows one; no diagnostic is our internal error or holds a stack trace), that every expected
 * diagnostic appears, that our tagged errors and warnings are exactly the expected ones (tagged
 * notes are checked only where marked), and that javac's own errors and warnings fall only on
 * lines marked for them, so the processor adds no noise around javac's.
 */
class CorpusTest {

  private static final String CORPUS = "corpus";
  private static final String SUFFIX = ".java.txt";
  private static final int MINIMUM_CASES = 60;

  /** A trailing expectation comment: code, then {@code //}, then the expectations. */
  private static final Pattern TRAILING =
      Pattern.compile("^\\s*(?!//|/\\*|\\*)(\\S.*?)\\s//\\s*((?:error|warning|note|javac-error"
          + "|javac-warning)\\b.*)$");

  /** Between two expectations on one line: a {@code ;} before the next one's kind. */
  private static final Pattern SEPARATOR =
      Pattern.compile(";\\s*(?=(?:error|warning|note|javac-error|javac-warning)\\b)");

  private static final Pattern OURS =
      Pattern.compile("^(error|warning|note): \\[(Adjoint\\w+)]$");
  private static final Pattern JAVACS =
      Pattern.compile("^javac-(error|warning)(?:: (.+))?$");
  private static final Pattern TAG = Pattern.compile("^\\[(Adjoint\\w+)] ");
  private static final Pattern STACK_FRAME = Pattern.compile("\\n\\s*at [\\w$.]+\\(");
  private static final Pattern TYPE_DECLARATION =
      Pattern.compile("^(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|enum|record|@interface)\\s+(\\w+)", Pattern.MULTILINE);
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;",
      Pattern.MULTILINE);

  // ---------------------------------------------------------------- the cases

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void caseHasExactlyItsExpectedDiagnostics(Case c) {
    Compilation compilation = Sources.compile(c.sources().toArray(JavaFileObject[]::new));
    List<Diagnostic<? extends JavaFileObject>> all = compilation.diagnostics();
    String report = c.name() + "\n" + describe(all);

    for (Diagnostic<? extends JavaFileObject> d : all) {
      String text = d.getMessage(Locale.ROOT);
      assertWithMessage("internal error in %s", report)
          .that(text).doesNotContain("[AdjointInternalError]");
      assertWithMessage("stack trace in a diagnostic of %s", report)
          .that(STACK_FRAME.matcher(text).find()).isFalse();
    }

    // Ours: the tagged errors and warnings are exactly the expected ones.
    List<String> expectedOurs = new ArrayList<>();
    List<String> expectedNotes = new ArrayList<>();
    for (Expectation e : c.expectations()) {
      if (e.tag() != null) {
        (e.kind().equals("note") ? expectedNotes : expectedOurs).add(e.key());
      }
    }
    List<String> actualOurs = new ArrayList<>();
    List<String> actualNotes = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : all) {
      Matcher tag = TAG.matcher(d.getMessage(Locale.ROOT));
      if (!tag.find()) {
        continue;
      }
      String key = kindOf(d) + ": [" + tag.group(1) + "] at " + place(d);
      (kindOf(d).equals("note") ? actualNotes : actualOurs).add(key);
    }
    assertWithMessage("tagged errors and warnings of %s", report)
        .that(actualOurs).containsExactlyElementsIn(expectedOurs);
    assertWithMessage("tagged notes of %s", report)
        .that(actualNotes).containsAtLeastElementsIn(expectedNotes);

    // Javac's own: each marked line has one; none falls on a line not marked for it.
    for (Expectation e : c.expectations()) {
      if (e.tag() != null) {
        continue;
      }
      boolean found = all.stream().anyMatch(d ->
          !TAG.matcher(d.getMessage(Locale.ROOT)).lookingAt()
              && kindOf(d).equals(e.kind())
              && place(d).equals(e.file() + ":" + e.line())
              && (e.text() == null || d.getMessage(Locale.ROOT).contains(e.text())));
      assertWithMessage("javac's %s%s at %s:%s in %s", e.kind(),
          e.text() == null ? "" : " containing \"" + e.text() + "\"", e.file(), e.line(), report)
          .that(found).isTrue();
    }
    for (Diagnostic<? extends JavaFileObject> d : all) {
      String kind = kindOf(d);
      if (TAG.matcher(d.getMessage(Locale.ROOT)).lookingAt() || kind.equals("note")) {
        continue;
      }
      boolean marked = c.expectations().stream().anyMatch(e ->
          e.tag() == null && e.kind().equals(kind) && place(d).equals(e.file() + ":" + e.line()));
      assertWithMessage("unexpected %s of javac's at %s in %s", kind, place(d), report)
          .that(marked).isTrue();
    }
  }

  @Test
  void corpusHasAtLeastSixtyCasesEachExpectingSomething() {
    List<Case> cases = cases().toList();
    assertWithMessage("cases in the corpus").that(cases.size()).isAtLeast(MINIMUM_CASES);
    for (Case c : cases) {
      assertWithMessage("expectations of %s (a case must assert something)", c.name())
          .that(c.expectations()).isNotEmpty();
    }
  }

  @Test
  void expectationParserReadsEveryForm() {
    Case c = parse("parser", List.of(new Source("Fns.java.txt", String.join("\n",
        "// A header comment: error: [AdjointNotAnExpectation] is not read here.",
        "package corpus;",
        "final class Fns { // error: [AdjointOne]; note: [AdjointTwo]",
        "  Missing m; // javac-error: cannot find symbol",
        "  String s = \"// error: [AdjointInString]\";",
        "  int x; // an ordinary comment",
        "  int y; // javac-warning",
        "  int z // javac-error: ';' expected; error: [AdjointThree]",
        "}"))));
    assertWithMessage("parsed").that(c.expectations()).containsExactly(
        new Expectation("error", "AdjointOne", null, "corpus/Fns.java", 3),
        new Expectation("note", "AdjointTwo", null, "corpus/Fns.java", 3),
        new Expectation("error", null, "cannot find symbol", "corpus/Fns.java", 4),
        new Expectation("warning", null, null, "corpus/Fns.java", 7),
        new Expectation("error", null, "';' expected", "corpus/Fns.java", 8),
        new Expectation("error", "AdjointThree", null, "corpus/Fns.java", 8));
  }

  /**
   * Not a file of the corpus, since it needs a second processor: a class whose callee's body uses
   * a type generated in a later round waits for the callee, instead of taking it for a class
   * compiled without Adjoint (valid code once failed with AdjointMissingAdjointClass).
   */
  @Test
  void callerWaitsForACalleeDeferredToALaterRound() {
    JavaFileObject loss = Sources.source("Loss",
        "final class Loss {",
        "  @Differentiable static double loss(double x) { return Model.predict(x, 3) * 2; }",
        "}");
    JavaFileObject model = Sources.source("Model",
        "final class Model {",
        "  @Differentiable static double predict(double x, int n) { return x * Scales.of(n); }",
        "}");
    Compilation c = javac()
        .withProcessors(new AdjointProcessor(), new RoundsTest.GeneratesConfig())
        .withOptions("-Xlint:all,-processing")
        .compile(loss, model);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.ModelAdjoint");
    assertThat(c).generatedSourceFile("test.LossAdjoint").contentsAsUtf8String()
        .contains("ModelAdjoint");
  }

  // ---------------------------------------------------------------- reading the corpus

  /** One case: its name (file or directory), its sources, and what they expect. */
  record Case(String name, List<JavaFileObject> sources, List<Expectation> expectations) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * One expected diagnostic. {@code tag} is null for javac's own, whose {@code text} (may be
   * null) must be part of the message.
   */
  record Expectation(String kind, String tag, String text, String file, long line) {
    String key() {
      return kind + ": [" + tag + "] at " + file + ":" + line;
    }
  }

  /** A case file's name (without its directory) and contents. */
  record Source(String fileName, String text) {}

  static Stream<Case> cases() {
    Path root = corpusRoot();
    try (Stream<Path> entries = Files.list(root)) {
      List<Case> out = new ArrayList<>();
      for (Path entry : entries.sorted(Comparator.comparing(Path::toString)).toList()) {
        String name = entry.getFileName().toString();
        if (Files.isDirectory(entry)) {
          List<Source> sources = new ArrayList<>();
          try (Stream<Path> files = Files.list(entry)) {
            for (Path f : files.sorted(Comparator.comparing(Path::toString)).toList()) {
              assertWithMessage("file of case %s", name)
                  .that(f.getFileName().toString()).endsWith(SUFFIX);
              sources.add(read(f));
            }
          }
          out.add(parse(name, sources));
        } else {
          assertWithMessage("corpus file").that(name).endsWith(SUFFIX);
          out.add(parse(name.substring(0, name.length() - SUFFIX.length()), List.of(read(entry))));
        }
      }
      return out.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path corpusRoot() {
    URL url = CorpusTest.class.getClassLoader().getResource(CORPUS);
    assertWithMessage("the corpus directory on the test class path").that(url).isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Source read(Path file) throws IOException {
    return new Source(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** A case's sources as compilation units named after their package and first type. */
  private static Case parse(String name, List<Source> files) {
    List<JavaFileObject> sources = new ArrayList<>();
    List<Expectation> expectations = new ArrayList<>();
    for (Source s : files) {
      String qualified = qualifiedName(s);
      String path = qualified.replace('.', '/') + ".java";
      sources.add(JavaFileObjects.forSourceString(qualified, s.text()));
      List<String> lines = s.text().lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = TRAILING.matcher(lines.get(i));
        if (!m.matches()) {
          continue;
        }
        for (String part : SEPARATOR.split(m.group(2))) {
          expectations.add(expectation(part.trim(), path, i + 1, name));
        }
      }
    }
    return new Case(name, List.copyOf(sources), List.copyOf(expectations));
  }

  private static Expectation expectation(String text, String file, long line, String caseName) {
    Matcher ours = OURS.matcher(text);
    if (ours.matches()) {
      return new Expectation(ours.group(1), ours.group(2), null, file, line);
    }
    Matcher javacs = JAVACS.matcher(text);
    if (javacs.matches()) {
      return new Expectation(javacs.group(1), null, javacs.group(2), file, line);
    }
    throw new AssertionError(
        "case " + caseName + ", " + file + ":" + line + ": cannot read the expectation '" + text
            + "'");
  }

  /**
   * {@code pkg.Name} of a case file: its package and the first type declared at the start of a
   * line; the file name (without {@code .java.txt}) when there is no such type.
   */
  private static String qualifiedName(Source s) {
    Matcher pkg = PACKAGE.matcher(s.text());
    String prefix = pkg.find() ? pkg.group(1) + "." : "";
    Matcher type = TYPE_DECLARATION.matcher(s.text());
    String simple = type.find()
        ? type.group(1)
        : s.fileName().substring(0, s.fileName().length() - SUFFIX.length());
    return prefix + simple;
  }

  // ---------------------------------------------------------------- diagnostics

  private static String kindOf(Diagnostic<?> d) {
    return switch (d.getKind()) {
      case ERROR -> "error";
      case WARNING, MANDATORY_WARNING -> "warning";
      default -> "note";
    };
  }

  /** {@code corpus/Fns.java:12}, or {@code (no place)}. */
  private static String place(Diagnostic<? extends JavaFileObject> d) {
    if (d.getSource() == null || d.getLineNumber() == Diagnostic.NOPOS) {
      return "(no place)";
    }
    String path = d.getSource().toUri().getPath();
    return path.replaceFirst("^/", "") + ":" + d.getLineNumber();
  }

  private static String describe(List<Diagnostic<? extends JavaFileObject>> all) {
    if (all.isEmpty()) {
      return "  (no diagnostics)";
    }
    StringBuilder out = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : all) {
      out.append("  ").append(kindOf(d)).append(" at ").append(place(d)).append(": ")
          .append(Optional.ofNullable(d.getMessage(Locale.ROOT)).orElse("").replace("\n", "\n    "))
          .append('\n');
    }
    return out.toString();
  }
}

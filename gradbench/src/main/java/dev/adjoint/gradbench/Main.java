package dev.adjoint.gradbench;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The GradBench tool: {@code java -jar adjoint-gradbench.jar} speaks GradBench's protocol on
 * standard input and output (see {@link Server}) and exits at end of input or on an {@code end}
 * message. Standard output carries the answers only: anything else that writes to {@code
 * System.out} goes to standard error.
 */
public final class Main {
  private Main() {}

  /** Runs the tool on standard input and output. */
  public static void main(String[] args) {
    PrintStream answers =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Server.standard(
            new InputStreamReader(System.in, StandardCharsets.UTF_8), answers, System.err)
        .run();
    answers.flush();
  }
}

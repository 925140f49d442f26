package dev.adjoint.processor.diagnostics;

import dev.adjoint.processor.ir.SourceRef;
import javax.annotation.processing.Messager;
import javax.tools.Diagnostic;

/** Prints reports: elements through the {@link Messager}, body nodes through a {@link SourcePrinter}. */
public final class Reporter {

  /** Prints at a node of a method body; implemented by the {@code source} layer. */
  public interface SourcePrinter {
    /** Prints {@code text} at {@code ref}; returns false when the place can no longer be found. */
    boolean print(Diagnostic.Kind kind, String text, SourceRef ref);
  }

  private final Messager messager;
  private final SourcePrinter sourcePrinter;

  public Reporter(Messager messager, SourcePrinter sourcePrinter) {
    this.messager = messager;
    this.sourcePrinter = sourcePrinter;
  }

  /** Prints every item of {@code report}, in order. */
  public void print(Report report) {
    for (Report.Item item : report.items()) {
      if (item.place() instanceof Report.AtElement at) {
        if (at.value() != null) {
          messager.printMessage(item.kind(), item.text(), at.element(), at.mirror(), at.value());
        } else if (at.mirror() != null) {
          messager.printMessage(item.kind(), item.text(), at.element(), at.mirror());
        } else {
          messager.printMessage(item.kind(), item.text(), at.element());
        }
      } else if (item.place() instanceof Report.AtSource at) {
        if (!sourcePrinter.print(item.kind(), item.text(), at.ref())) {
          messager.printMessage(item.kind(), item.text() + " (line " + at.ref().line() + ")");
        }
      }
    }
  }

  /** Prints one message with no place (used only for environment problems). */
  public void printUnplaced(Message message, Object... args) {
    messager.printMessage(message.kind(), message.format(args));
  }
}

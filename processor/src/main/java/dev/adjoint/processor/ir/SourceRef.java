package dev.adjoint.processor.ir;

/**
 * Where an IR node came from. Opaque to every layer but {@code source}, which makes it, and the
 * diagnostics printer, which hands it back to {@code source} to place a caret; codegen reads only
 * the line, for the comment on each adjoint statement.
 */
public interface SourceRef {
  /** The 1-based line in the user's source file. */
  int line();
}

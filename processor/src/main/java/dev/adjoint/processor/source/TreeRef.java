package dev.adjoint.processor.source;

import com.sun.source.util.TreePath;
import dev.adjoint.processor.ir.SourceRef;

/** A {@link SourceRef} that remembers the tree path it came from, to print a caret at it. */
final class TreeRef implements SourceRef {
  final TreePath path;
  private final int line;

  TreeRef(TreePath path, int line) {
    this.path = path;
    this.line = line;
  }

  @Override
  public int line() {
    return line;
  }

  @Override
  public String toString() {
    return "line " + line;
  }
}

package dev.adjoint.samples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A small titled text table, as every sample prints its results. */
final class Table {
  private final String title;
  private final List<String[]> rows = new ArrayList<>();

  Table(String title, String... header) {
    this.title = title;
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] text = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      text[i] = String.valueOf(cells[i]);
    }
    rows.add(text);
    return this;
  }

  void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    out.println("== " + title + " ==");
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = rows.get(r)[i];
        line.append(i == 0 ? String.format("%-" + width[i] + "s", cell)
            : String.format("  %" + width[i] + "s", cell));
      }
      out.println(line.toString().stripTrailing());
      if (r == 0) {
        out.println("-".repeat(line.toString().stripTrailing().length()));
      }
    }
    out.println();
  }
}

package dev.adjoint.processor.diagnostics;

import dev.adjoint.processor.ir.SourceRef;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * An immutable list of messages with their places, made by a validator or by the body reader.
 * Nothing is printed until {@link Reporter#print} is called, once; callers go on only while {@link
 * #isClean()}.
 */
public final class Report {

  /** Where a message points: an element, optionally one of its annotations and a value of it. */
  public sealed interface Place permits AtElement, AtSource {}

  /** An element, optionally narrowed to an annotation mirror and one of its values. */
  public record AtElement(Element element, AnnotationMirror mirror, AnnotationValue value)
      implements Place {}

  /** A node inside a method body. */
  public record AtSource(SourceRef ref) implements Place {}

  /** One message. */
  public record Item(Message message, String text, Place place) {
    public Diagnostic.Kind kind() {
      return message.kind();
    }
  }

  private static final Report EMPTY = new Report(List.of());

  private final List<Item> items;

  private Report(List<Item> items) {
    this.items = List.copyOf(items);
  }

  public static Report empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Item> items() {
    return items;
  }

  /** True when no item is an error (notes are allowed). */
  public boolean isClean() {
    return items.stream().noneMatch(i -> i.kind() == Diagnostic.Kind.ERROR);
  }

  /** This report followed by {@code other}. */
  public Report plus(Report other) {
    if (other.items.isEmpty()) {
      return this;
    }
    List<Item> all = new ArrayList<>(items);
    all.addAll(other.items);
    return new Report(all);
  }

  /** Collects items in the order they are found. */
  public static final class Builder {
    private final List<Item> items = new ArrayList<>();

    private Builder() {}

    /** A message on an element. */
    public Builder add(Message message, Element element, Object... args) {
      return add(message, element, null, null, args);
    }

    /** A message on an annotation of an element, or one of its values when {@code value} is set. */
    public Builder add(
        Message message,
        Element element,
        AnnotationMirror mirror,
        AnnotationValue value,
        Object... args) {
      items.add(
          new Item(message, message.format(args), new AtElement(element, mirror, value)));
      return this;
    }

    /** A message on a node of a method body. */
    public Builder add(Message message, SourceRef ref, Object... args) {
      items.add(new Item(message, message.format(args), new AtSource(ref)));
      return this;
    }

    public Builder addAll(Report report) {
      items.addAll(report.items);
      return this;
    }

    /** How many messages so far. */
    public int size() {
      return items.size();
    }

    public boolean isClean() {
      return items.stream().noneMatch(i -> i.kind() == Diagnostic.Kind.ERROR);
    }

    public Report build() {
      return items.isEmpty() ? EMPTY : new Report(items);
    }
  }
}

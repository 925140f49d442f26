package dev.adjoint.gradbench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the fields of an {@code evaluate} message's {@code input}: numbers, lists of numbers and
 * lists of lists of numbers, with a message naming the field when one is missing or has the wrong
 * shape.
 */
final class Inputs {
  private Inputs() {}

  /** The input itself as a number (the {@code hello} eval's inputs are bare numbers). */
  static double number(JsonNode input) {
    if (input == null || !input.isNumber()) {
      throw new IllegalArgumentException("input must be a number, but is " + input);
    }
    return input.asDouble();
  }

  /** The number in {@code field}. */
  static double number(JsonNode input, String field) {
    JsonNode node = field(input, field);
    if (!node.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number, but is " + node);
    }
    return node.asDouble();
  }

  /** The integer in {@code field}. */
  static int integer(JsonNode input, String field) {
    JsonNode node = field(input, field);
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new IllegalArgumentException(field + " must be an integer, but is " + node);
    }
    return node.asInt();
  }

  /** The list of numbers in {@code field}. */
  static double[] vector(JsonNode input, String field) {
    return numbers(field(input, field), field);
  }

  /** The list of lists of numbers in {@code field} (rows may differ in length). */
  static double[][] matrix(JsonNode input, String field) {
    JsonNode node = field(input, field);
    if (!node.isArray()) {
      throw new IllegalArgumentException(field + " must be a list of lists of numbers");
    }
    double[][] rows = new double[node.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = numbers(node.get(i), field + "[" + i + "]");
    }
    return rows;
  }

  private static double[] numbers(JsonNode node, String name) {
    if (!node.isArray()) {
      throw new IllegalArgumentException(name + " must be a list of numbers, but is " + node);
    }
    double[] values = new double[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode element = node.get(i);
      if (!element.isNumber()) {
        throw new IllegalArgumentException(
            name + "[" + i + "] must be a number, but is " + element);
      }
      values[i] = element.asDouble();
    }
    return values;
  }

  private static JsonNode field(JsonNode input, String field) {
    JsonNode node = input == null ? null : input.get(field);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("input has no field " + field);
    }
    return node;
  }
}

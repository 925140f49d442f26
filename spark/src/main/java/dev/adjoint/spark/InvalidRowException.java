package dev.adjoint.spark;

/**
 * A row of the data that {@link Blocks} cannot take: features of the wrong width, a missing
 * ({@code null}) features vector or label, or a feature or label that is NaN or infinite. Thrown on
 * the driver, with the row's place in the data, when the blocks are made.
 */
public final class InvalidRowException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An exception with this message. */
  public InvalidRowException(String message) {
    super(message);
  }

  /** An exception with this message, which another exception (Spark's, on the driver) carried. */
  public InvalidRowException(String message, Throwable cause) {
    super(message, cause);
  }
}

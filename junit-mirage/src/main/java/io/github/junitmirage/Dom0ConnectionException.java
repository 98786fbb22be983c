package io.github.junitmirage;

/** The dom0 could not be reached, refused us, or the connection to it was lost. */
public class Dom0ConnectionException extends MirageException {
  /**
   * Creates one with its cause.
   *
   * @param message what happened, for people
   * @param cause the underlying failure
   */
  public Dom0ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates one.
   *
   * @param message what happened, for people
   */
  public Dom0ConnectionException(String message) {
    super(message);
  }
}

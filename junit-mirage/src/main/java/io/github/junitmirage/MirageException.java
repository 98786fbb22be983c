package io.github.junitmirage;

/** Base of every exception junit-mirage throws; its subtypes say which part failed. */
public class MirageException extends RuntimeException {
  /**
   * Creates one.
   *
   * @param message what happened, for people
   */
  public MirageException(String message) {
    super(message);
  }

  /**
   * Creates one with its cause.
   *
   * @param message what happened, for people
   * @param cause the underlying failure
   */
  public MirageException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.github.junitmirage;

/** Base of every exception junit-mirage throws; its subtypes say which part failed. */
public class MirageException extends RuntimeException {
  public MirageException(String message) {
    super(message);
  }

  public MirageException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.github.junitmirage.dom0;

import io.github.junitmirage.MirageException;

/** The dom0 could not be reached, refused us, or the connection to it was lost. */
public class Dom0ConnectionException extends MirageException {
  public Dom0ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }

  public Dom0ConnectionException(String message) {
    super(message);
  }
}

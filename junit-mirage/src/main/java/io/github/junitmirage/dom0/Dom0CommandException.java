package io.github.junitmirage.dom0;

import io.github.junitmirage.MirageException;

/** A command on dom0 failed or did not finish in time; carries its exit status and output. */
public class Dom0CommandException extends MirageException {
  private final ExecResult result;

  public Dom0CommandException(String message, ExecResult result) {
    super(message);
    this.result = result;
  }

  /** The failed command's result, or null when it never finished. */
  public ExecResult result() {
    return result;
  }
}

package io.github.junitmirage.dom0;

import java.util.List;

/** What a finished command on dom0 left: its argument list, exit status, stdout and stderr. */
public record ExecResult(List<String> command, int exitStatus, String stdout, String stderr) {
  public ExecResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitStatus == 0;
  }

  /** Throws a {@link Dom0CommandException} describing the failure unless the status is 0. */
  public ExecResult orThrow(String what) {
    if (succeeded()) {
      return this;
    }
    throw new Dom0CommandException(
        what + " failed on dom0 (exit status " + exitStatus + ")\n  command: "
            + ShellQuoting.join(command) + "\n  stderr: " + stderr.strip(),
        this);
  }
}

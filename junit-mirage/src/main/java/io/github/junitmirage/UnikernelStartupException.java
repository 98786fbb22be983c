package io.github.junitmirage;

import java.util.List;

/**
 * A unikernel did not become ready. The message names the unikernel, the dom0, the phase, the
 * domain's state and ends with the last console lines; subtypes say why.
 */
public class UnikernelStartupException extends MirageException {
  private final String domain;
  private final Phase phase;
  private final List<String> consoleTail;

  /** Where in the start the failure happened. */
  public enum Phase {
    UPLOAD, CREATE, BOOT, LEASE, READINESS
  }

  public UnikernelStartupException(String message, String domain, Phase phase,
      List<String> consoleTail, Throwable cause) {
    super(message, cause);
    this.domain = domain;
    this.phase = phase;
    this.consoleTail = List.copyOf(consoleTail);
  }

  public String domain() {
    return domain;
  }

  public Phase phase() {
    return phase;
  }

  public List<String> consoleTail() {
    return consoleTail;
  }

  /** The console printed a failure (exception, abort, trap) or xl shows the domain crashed. */
  public static class Crashed extends UnikernelStartupException {
    public Crashed(String message, String domain, Phase phase, List<String> tail) {
      super(message, domain, phase, tail, null);
    }
  }

  /** The unikernel exited, shut down or vanished before it was ready. */
  public static class Exited extends UnikernelStartupException {
    public Exited(String message, String domain, Phase phase, List<String> tail) {
      super(message, domain, phase, tail, null);
    }
  }

  /** What was awaited did not happen in time; the domain may still be running. */
  public static class TimedOut extends UnikernelStartupException {
    public TimedOut(String message, String domain, Phase phase, List<String> tail) {
      super(message, domain, phase, tail, null);
    }
  }

  /** {@code xl create} itself failed: bad kernel, bridge, memory, name. */
  public static class CreateFailed extends UnikernelStartupException {
    public CreateFailed(String message, String domain, List<String> tail) {
      super(message, domain, Phase.CREATE, tail, null);
    }
  }

  /** The connection to dom0 was lost while the unikernel was starting. */
  public static class ConnectionLost extends UnikernelStartupException {
    public ConnectionLost(String message, String domain, Phase phase, List<String> tail,
        Throwable cause) {
      super(message, domain, phase, tail, cause);
    }
  }
}

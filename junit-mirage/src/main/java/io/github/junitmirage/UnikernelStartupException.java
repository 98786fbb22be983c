package io.github.junitmirage;

import java.util.List;

/**
 * A unikernel did not become ready. The message names the unikernel, the dom0, the phase, the
 * domain's state and ends with the last console lines; subtypes say why.
 */
public class UnikernelStartupException extends MirageException {
  private final String domain;
  private final Phase phase;
  private final List<String> console;
  private java.time.Duration detectedAfter;

  /** Where in the start the failure happened. */
  public enum Phase {
    UPLOAD, CREATE, BOOT, LEASE, READINESS
  }

  public UnikernelStartupException(String message, String domain, Phase phase,
      List<String> console, Throwable cause) {
    super(message, cause);
    this.domain = domain;
    this.phase = phase;
    this.console = List.copyOf(console);
  }

  public String domain() {
    return domain;
  }

  public Phase phase() {
    return phase;
  }

  /**
   * How long after its cause (the failure line's arrival, the console's end, the poll that saw
   * the state, the deadline) this failure was raised; null where not measured.
   */
  public java.time.Duration detectedAfter() {
    return detectedAfter;
  }

  /** Records {@link #detectedAfter()} from the cause's {@link System#nanoTime()}. */
  public UnikernelStartupException causedAt(long nanoTime) {
    this.detectedAfter = java.time.Duration.ofNanos(Math.max(0, System.nanoTime() - nanoTime));
    return this;
  }

  /** Every console line printed before the failure. */
  public List<String> console() {
    return console;
  }

  /** The console printed a failure (exception, abort, trap) or xl shows the domain crashed. */
  public static class Crashed extends UnikernelStartupException {
    public Crashed(String message, String domain, Phase phase, List<String> console) {
      super(message, domain, phase, console, null);
    }
  }

  /** The unikernel exited, shut down or vanished before it was ready. */
  public static class Exited extends UnikernelStartupException {
    public Exited(String message, String domain, Phase phase, List<String> console) {
      super(message, domain, phase, console, null);
    }
  }

  /** What was awaited did not happen in time; the domain may still be running. */
  public static class TimedOut extends UnikernelStartupException {
    public TimedOut(String message, String domain, Phase phase, List<String> console) {
      super(message, domain, phase, console, null);
    }
  }

  /** {@code xl create} itself failed: bad kernel, bridge, memory, name. */
  public static class CreateFailed extends UnikernelStartupException {
    public CreateFailed(String message, String domain, List<String> console) {
      super(message, domain, Phase.CREATE, console, null);
    }
  }

  /** The connection to dom0 was lost while the unikernel was starting. */
  public static class ConnectionLost extends UnikernelStartupException {
    public ConnectionLost(String message, String domain, Phase phase, List<String> console,
        Throwable cause) {
      super(message, domain, phase, console, cause);
    }
  }
}

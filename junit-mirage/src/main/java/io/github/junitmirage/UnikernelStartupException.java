package io.github.junitmirage;

import java.util.List;

/**
 * A unikernel did not become ready. The message names the unikernel, the dom0, the phase, the
 * domain's state and ends with the last console lines; subtypes say why.
 */
public class UnikernelStartupException extends MirageException {
  /** The Xen domain name. */
  private final String domain;
  /** Where in the start the failure happened. */
  private final Phase phase;
  /** Every console line printed before the failure. */
  private final List<String> console;
  /** How long after its cause the failure was raised; null where not measured. */
  private java.time.Duration detectedAfter;

  /** Where in the start the failure happened. */
  public enum Phase {
    /** Copying the kernel (and ramdisk) to dom0. */
    UPLOAD,
    /** {@code xl create}. */
    CREATE,
    /** From {@code xl create} to the first console output. */
    BOOT,
    /** Waiting for the address line. */
    LEASE,
    /** Waiting for the HTTP readiness check. */
    READINESS
  }

  /**
   * Creates one.
   *
   * @param message what happened, for people
   * @param domain the Xen domain name
   * @param phase where in the start it happened
   * @param console every console line printed before the failure
   * @param cause the underlying failure, or null
   */
  public UnikernelStartupException(String message, String domain, Phase phase,
      List<String> console, Throwable cause) {
    super(message, cause);
    this.domain = domain;
    this.phase = phase;
    this.console = List.copyOf(console);
  }

  /** {@return the Xen domain name} */
  public String domain() {
    return domain;
  }

  /** {@return where in the start the failure happened} */
  public Phase phase() {
    return phase;
  }

  /**
   * {@return how long after its cause this failure was raised, or null where not measured} The
   * cause is the failure line's arrival, the console's end, the poll that saw the state or the
   * deadline.
   */
  public java.time.Duration detectedAfter() {
    return detectedAfter;
  }

  /**
   * Records {@link #detectedAfter()}; junit-mirage calls it when it raises the exception.
   *
   * @param nanoTime the cause's {@link System#nanoTime()}
   * @return this exception
   */
  public UnikernelStartupException causedAt(long nanoTime) {
    this.detectedAfter = java.time.Duration.ofNanos(Math.max(0, System.nanoTime() - nanoTime));
    return this;
  }

  /** {@return every console line printed before the failure} */
  public List<String> console() {
    return console;
  }

  /** The console printed a failure (exception, abort, trap) or xl shows the domain crashed. */
  public static class Crashed extends UnikernelStartupException {
    /**
     * Creates one.
     *
     * @param message what happened, for people
     * @param domain the Xen domain name
     * @param phase where in the start it happened
     * @param console every console line printed before the failure
     */
    public Crashed(String message, String domain, Phase phase, List<String> console) {
      super(message, domain, phase, console, null);
    }
  }

  /** The unikernel exited, shut down or vanished before it was ready. */
  public static class Exited extends UnikernelStartupException {
    /**
     * Creates one.
     *
     * @param message what happened, for people
     * @param domain the Xen domain name
     * @param phase where in the start it happened
     * @param console every console line printed before the failure
     */
    public Exited(String message, String domain, Phase phase, List<String> console) {
      super(message, domain, phase, console, null);
    }
  }

  /** What was awaited did not happen in time; the domain may still be running. */
  public static class TimedOut extends UnikernelStartupException {
    /**
     * Creates one.
     *
     * @param message what happened, for people
     * @param domain the Xen domain name
     * @param phase where in the start it happened
     * @param console every console line printed before the failure
     */
    public TimedOut(String message, String domain, Phase phase, List<String> console) {
      super(message, domain, phase, console, null);
    }
  }

  /** {@code xl create} itself failed: bad kernel, bridge, memory, name. */
  public static class CreateFailed extends UnikernelStartupException {
    /**
     * Creates one, in phase {@link Phase#CREATE}.
     *
     * @param message what happened, for people
     * @param domain the Xen domain name
     * @param console every console line printed before the failure
     */
    public CreateFailed(String message, String domain, List<String> console) {
      super(message, domain, Phase.CREATE, console, null);
    }
  }

  /** The connection to dom0 was lost while the unikernel was starting. */
  public static class ConnectionLost extends UnikernelStartupException {
    /**
     * Creates one.
     *
     * @param message what happened, for people
     * @param domain the Xen domain name
     * @param phase where in the start it happened
     * @param console every console line printed before the failure
     * @param cause the underlying failure
     */
    public ConnectionLost(String message, String domain, Phase phase, List<String> console,
        Throwable cause) {
      super(message, domain, phase, console, cause);
    }
  }
}

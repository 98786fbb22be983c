package io.github.junitmirage.boot;

import java.time.Duration;

/**
 * Deadlines for dom0 work, all scaled by one factor (for slow hosts such as nested Xen or QEMU
 * without acceleration).
 *
 * @param factor the scale factor
 * @param command deadline of one command on dom0
 * @param upload deadline of one upload
 * @param watchdogGrace how long dom0's watchdog waits without a heartbeat from this JVM, or for a
 *     broken connection to come back, before it destroys the run's domains
 */
public record Timeouts(double factor, Duration command, Duration upload, Duration watchdogGrace) {
  /** The watchdog's default grace, before scaling. */
  public static final Duration DEFAULT_WATCHDOG_GRACE = Duration.ofSeconds(30);

  public Timeouts {
    if (!(factor > 0) || factor > 100) {
      throw new IllegalArgumentException("timeout factor must be > 0 and <= 100: " + factor);
    }
    if (watchdogGrace.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("watchdog grace must be at least 1 s: " + watchdogGrace);
    }
  }

  public static Timeouts of(double factor) {
    return new Timeouts(factor, scale(Duration.ofSeconds(30), factor),
        scale(Duration.ofMinutes(5), factor), scale(DEFAULT_WATCHDOG_GRACE, factor));
  }

  /** {@return these deadlines with another watchdog grace (not scaled)} */
  public Timeouts withWatchdogGrace(Duration grace) {
    return new Timeouts(factor, command, upload, grace);
  }

  public Duration scale(Duration d) {
    return scale(d, factor);
  }

  private static Duration scale(Duration d, double factor) {
    return Duration.ofMillis(Math.round(d.toMillis() * factor));
  }
}

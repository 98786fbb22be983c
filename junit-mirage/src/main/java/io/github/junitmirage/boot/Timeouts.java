package io.github.junitmirage.boot;

import java.time.Duration;

/**
 * Deadlines for dom0 work, all scaled by one factor (for slow hosts such as nested Xen or QEMU
 * without acceleration).
 */
public record Timeouts(double factor, Duration command, Duration upload) {
  public Timeouts {
    if (!(factor > 0) || factor > 100) {
      throw new IllegalArgumentException("timeout factor must be > 0 and <= 100: " + factor);
    }
  }

  public static Timeouts of(double factor) {
    return new Timeouts(factor, scale(Duration.ofSeconds(30), factor),
        scale(Duration.ofMinutes(5), factor));
  }

  public Duration scale(Duration d) {
    return scale(d, factor);
  }

  private static Duration scale(Duration d, double factor) {
    return Duration.ofMillis(Math.round(d.toMillis() * factor));
  }
}

package io.github.junitmirage.util;

import java.time.Duration;

/** A point in time computed once from a budget; every blocking call asks how much is left. */
public final class Deadline {
  private final long endNanos;

  private Deadline(long endNanos) {
    this.endNanos = endNanos;
  }

  public static Deadline after(Duration budget) {
    if (budget.isNegative()) {
      throw new IllegalArgumentException("budget < 0: " + budget);
    }
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  public boolean expired() {
    return System.nanoTime() - endNanos >= 0;
  }

  public Duration remaining() {
    long left = endNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** Remaining milliseconds as an int for APIs that take one, never below {@code floor}. */
  public int remainingMillisAtLeast(int floor) {
    return (int) Math.max(floor, Math.min(Integer.MAX_VALUE, remaining().toMillis()));
  }
}

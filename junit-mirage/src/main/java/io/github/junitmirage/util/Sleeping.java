package io.github.junitmirage.util;

import io.github.junitmirage.MirageException;

/** Sleeps that turn an interrupt into an exception while keeping the interrupt flag. */
public final class Sleeping {
  private Sleeping() {}

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MirageException("interrupted", e);
    }
  }
}

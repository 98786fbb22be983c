package io.github.junitmirage.boot;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * This test run's tag, {@code jm} and 10 hex digits. Every domain name ends in {@code -<tag>}, so
 * domains of dead runs can be told from ours and from domains junit-mirage did not create.
 */
public record RunTag(String value) {
  public RunTag {
    if (!value.matches("jm[0-9a-f]{10}")) {
      throw new IllegalArgumentException("not a run tag (jm + 10 hex digits): " + value);
    }
  }

  public static RunTag random() {
    byte[] bytes = new byte[5];
    new SecureRandom().nextBytes(bytes);
    return new RunTag("jm" + HexFormat.of().formatHex(bytes));
  }

  /** {@code www} becomes {@code www-jm0123456789}. */
  public String domainName(String base) {
    return base + "-" + value;
  }

  @Override
  public String toString() {
    return value;
  }
}

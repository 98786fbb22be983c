package io.github.junitmirage.junit;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * junit-mirage relies on JUnit Jupiter 5.13 or newer: store values that are {@link AutoCloseable}
 * are closed by JUnit (that close is the {@code xl destroy}) and files are published to the
 * report. With an older Jupiter, unikernels would silently outlive their tests.
 */
final class JupiterVersion {
  static final String MINIMUM = "5.13";

  private JupiterVersion() {}

  /** Fails with what to change when the Jupiter API on the class path is older than 5.13. */
  static void require() {
    String found = ExtensionContext.class.getPackage().getImplementationVersion();
    if (found != null && isOlder(found, MINIMUM)) {
      throw new ExtensionConfigurationException("junit-mirage needs JUnit Jupiter " + MINIMUM
          + " or newer (5.13+ or 6.x), found " + found + ": import org.junit:junit-bom 5.13.4 "
          + "or 6.x in your build");
    }
  }

  /** Whether dotted version {@code v} is older than {@code minimum}; qualifiers are ignored. */
  static boolean isOlder(String v, String minimum) {
    String[] a = v.split("[.-]");
    String[] b = minimum.split("[.-]");
    for (int i = 0; i < b.length; i++) {
      int x = i < a.length ? number(a[i]) : 0;
      int y = number(b[i]);
      if (x != y) {
        return x < y;
      }
    }
    return false;
  }

  private static int number(String part) {
    String digits = part.replaceFirst("^(\\d*).*$", "$1");
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }
}

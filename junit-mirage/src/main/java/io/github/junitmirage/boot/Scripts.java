package io.github.junitmirage.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The shell scripts junit-mirage runs on dom0, passed as one argument of {@code sh -c}. */
final class Scripts {
  static final String WATCHDOG = load("watchdog.sh");
  static final String OPEN = load("open.sh");
  static final String CREATE = load("create.sh");

  private Scripts() {}

  private static String load(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream("/io/github/junitmirage/dom0/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

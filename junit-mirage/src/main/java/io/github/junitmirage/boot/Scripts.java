package io.github.junitmirage.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The shell scripts junit-mirage runs on dom0, passed as one argument of {@code sh -c}: their first
 * line (which names the script in dom0's process list) and their code, without the other comment
 * lines, which dom0's shell would only read past. A watchdog's command line stays short enough for
 * tools that read only its first 4 KiB.
 */
final class Scripts {
  static final String WATCHDOG = load("watchdog.sh");
  static final String OPEN = load("open.sh");
  static final String CREATE = load("create.sh");

  private Scripts() {}

  static String withoutComments(String script) {
    String[] lines = script.split("\n", -1);
    StringBuilder code = new StringBuilder(lines[0]);
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].strip().startsWith("#")) {
        code.append('\n').append(lines[i]);
      }
    }
    return code.toString();
  }

  private static String load(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream("/io/github/junitmirage/dom0/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return withoutComments(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.github.junitmirage.console;

import java.util.regex.Pattern;

/** Cleans a raw console line: ANSI escapes, carriage returns and xenconsoled timestamps go. */
public final class ConsoleLines {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
  private static final Pattern XENCONSOLED_TIMESTAMP =
      Pattern.compile("^\\[\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}] ");

  private ConsoleLines() {}

  public static String clean(String raw) {
    String line = ANSI.matcher(raw).replaceAll("");
    line = line.replace("\r", "");
    return XENCONSOLED_TIMESTAMP.matcher(line).replaceFirst("");
  }
}

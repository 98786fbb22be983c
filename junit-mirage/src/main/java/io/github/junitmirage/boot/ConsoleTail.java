package io.github.junitmirage.boot;

import io.github.junitmirage.console.ConsoleTranscript;
import java.util.List;

/** The last console lines, laid out to end a failure message. */
public final class ConsoleTail {
  static final int LINES = 20;

  private ConsoleTail() {}

  public static String format(ConsoleTranscript transcript) {
    List<String> tail = transcript.tail(LINES);
    if (tail.isEmpty()) {
      return "\n--- console: (nothing printed) ---";
    }
    return "\n--- last " + tail.size() + " console lines ---\n" + String.join("\n", tail);
  }
}

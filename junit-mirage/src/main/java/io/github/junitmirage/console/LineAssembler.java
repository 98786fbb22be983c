package io.github.junitmirage.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns console bytes that arrive in arbitrary pieces into cleaned lines.
 *
 * <p>A line longer than {@code maxLineLength} bytes is cut there and continued as a new line, so
 * a guest that never prints a newline cannot exhaust memory.
 */
public final class LineAssembler {
  private final int maxLineLength;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  public LineAssembler(int maxLineLength) {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength < 1: " + maxLineLength);
    }
    this.maxLineLength = maxLineLength;
  }

  /** Feeds bytes; returns the lines they completed, cleaned. */
  public List<String> feed(byte[] bytes, int offset, int length) {
    List<String> lines = new ArrayList<>();
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        lines.add(take());
      } else {
        pending.write(b);
        if (pending.size() >= maxLineLength) {
          lines.add(take());
        }
      }
    }
    return lines;
  }

  /** The unterminated rest, when the stream ended; empty when there is none. */
  public List<String> finish() {
    return pending.size() == 0 ? List.of() : List.of(take());
  }

  private String take() {
    String line = pending.toString(StandardCharsets.UTF_8);
    pending.reset();
    return ConsoleLines.clean(line);
  }
}

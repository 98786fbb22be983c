package io.github.junitmirage.util;

import java.util.Arrays;

/** Small text helpers for messages and evidence. */
public final class Texts {
  private Texts() {}

  /** The last {@code lines} lines of a text (carriage returns dropped). */
  public static String tail(String text, int lines) {
    String[] all = text.replace("\r", "").split("\n");
    return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }
}

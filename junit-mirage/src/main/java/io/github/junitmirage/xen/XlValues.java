package io.github.junitmirage.xen;

import java.util.regex.Pattern;

/** Quoting and checking of values in xl configuration files. */
public final class XlValues {
  private static final Pattern EXTRA_LINE = Pattern.compile("\\s*([a-z_][a-z0-9_]*)\\s*=\\s*(\\S.*)");
  static final int MAX_VALUE_LENGTH = 4096;

  private XlValues() {}

  /** Single quotes, or double quotes for a value with a single quote in it. */
  public static String quote(String value) {
    return value.indexOf('\'') < 0 ? "'" + value + "'" : "\"" + value + "\"";
  }

  static void requireQuotable(String what, String value) {
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(what + " is longer than " + MAX_VALUE_LENGTH
          + " characters (" + value.length() + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(what + " contains a control character (U+"
            + String.format("%04X", (int) c) + ") at index " + i + ": xl files cannot carry it");
      }
    }
    if (value.indexOf('\\') >= 0 || (value.indexOf('\'') >= 0 && value.indexOf('"') >= 0)) {
      throw new IllegalArgumentException(what + " contains a backslash, or both ' and \": "
          + "xl files cannot quote that safely: " + value);
    }
  }

  /**
   * A raw extra line must be one {@code key = value} line in xl's grammar, with a key that is safe
   * or explicitly allowed, and must not redefine our keys.
   */
  static void requireExtraLine(String line, java.util.Set<String> dangerousKeys) {
    var m = EXTRA_LINE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("extra xl line is not of the form key = value: " + line);
    }
    if (XlConfig.OWN_KEYS.contains(m.group(1))) {
      throw new IllegalArgumentException("extra xl line sets '" + m.group(1)
          + "', which junit-mirage writes itself: use the annotation's attribute instead: " + line);
    }
    requireQuotable("extra xl line", line.replace("\\", "").replace("\"", ""));
    XlLine.parse(line, dangerousKeys);
  }
}

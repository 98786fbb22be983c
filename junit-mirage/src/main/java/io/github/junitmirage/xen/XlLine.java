package io.github.junitmirage.xen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code KEY = VALUE} line of an xl config, read with xl's own grammar: VALUE is a quoted
 * string, a number, or a list of them in {@code [ ]}; {@code ;} (which ends a statement, so a
 * second one could follow) and {@code +=} are refused, and so is every key outside
 * {@link #SAFE_KEYS} unless the caller names it as allowed.
 *
 * @param key the setting's name
 * @param items the value's strings and numbers, unquoted; one for a plain value
 * @param list whether the value was a list
 */
public record XlLine(String key, List<String> items, boolean list) {
  /**
   * Keys that neither run a program on dom0, nor give the guest dom0's devices or files, nor
   * rename the domain. Everything else ({@code bootloader}, {@code device_model_*}, {@code pci},
   * {@code usb*}, {@code channel}, {@code p9}, {@code iomem}, {@code ioports}, {@code irqs},
   * {@code vfb}, {@code vtpm}, a non-empty {@code disk}, ...) needs an explicit opt-in.
   */
  public static final Set<String> SAFE_KEYS = Set.of("vcpus", "maxvcpus", "cpus", "cpus_soft",
      "cpu_weight", "cap", "maxmem", "on_poweroff", "on_reboot", "on_watchdog", "on_soft_reset",
      "uuid", "nomigrate", "max_grant_frames", "max_maptrack_frames", "max_grant_version",
      "localtime", "rtc_timeoffset", "tsc_mode", "disk");
  private static final Set<String> ACTIONS = Set.of("destroy", "restart", "preserve",
      "coredump-destroy", "coredump-restart", "soft-reset");

  /**
   * Parses and checks one line.
   *
   * @param line the line, without its newline
   * @param allowed keys outside {@link #SAFE_KEYS} the user explicitly accepted
   * @return the parsed line
   * @throws IllegalArgumentException naming what is wrong and what to do
   */
  public static XlLine parse(String line, Set<String> allowed) {
    XlLine parsed = new Reader(line).line();
    parsed.requireSafe(line, allowed);
    return parsed;
  }

  private void requireSafe(String line, Set<String> allowed) {
    if (allowed.contains(key)) {
      return;
    }
    if (!SAFE_KEYS.contains(key)) {
      throw new IllegalArgumentException("xl line sets '" + key + "', which junit-mirage does not "
          + "pass to xl: it can run a program on dom0 as root, give the guest dom0's devices or "
          + "files, or rename the domain out of junit-mirage's reach. If this dom0 is yours and you "
          + "need it, allow it by name: @MirageUnikernel(allowDangerousXlKeys = \"" + key
          + "\") or MirageUnikernelContainer.withDangerousXlKey(\"" + key + "\"): " + line);
    }
    if (key.equals("disk") && !(list && items.isEmpty())) {
      throw new IllegalArgumentException("xl line gives the guest a disk, which can hand it "
          + "dom0's block devices or files; only 'disk = [ ]' (what mirage configure writes) "
          + "passes unless you allow it: allowDangerousXlKeys = \"disk\": " + line);
    }
    if (key.startsWith("on_") && !(items.size() == 1 && ACTIONS.contains(items.get(0)))) {
      throw new IllegalArgumentException("xl line sets " + key + " to " + items + "; accepted: "
          + String.join(", ", new java.util.TreeSet<>(ACTIONS)) + " (rename-restart would "
          + "rename the domain out of junit-mirage's reach): " + line);
    }
  }

  /** A hand-written reader for the one-line subset of xl's grammar. */
  private static final class Reader {
    private final String text;
    private int at;

    Reader(String text) {
      this.text = text;
    }

    XlLine line() {
      blanks();
      int start = at;
      while (at < text.length() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
        at++;
      }
      String key = text.substring(start, at);
      if (key.isEmpty() || !Character.isLetter(key.charAt(0))) {
        throw fail("a setting's name (letters, digits, '_')");
      }
      blanks();
      if (text.startsWith("+=", at)) {
        throw fail("'=' ('+=' appends to a setting junit-mirage wrote)");
      }
      expect('=');
      blanks();
      List<String> items = new ArrayList<>();
      boolean list = peek() == '[';
      if (list) {
        at++;
        blanks();
        while (peek() != ']') {
          items.add(atom());
          blanks();
          if (peek() == ',') {
            at++;
            blanks();
          } else if (peek() != ']') {
            throw fail("',' or ']'");
          }
        }
        at++;
      } else {
        items.add(atom());
      }
      blanks();
      if (at < text.length() && peek() != '#') {
        throw fail(peek() == ';' ? "the end of the line (';' would start a second setting)"
            : "the end of the line");
      }
      return new XlLine(key, List.copyOf(items), list);
    }

    private String atom() {
      char c = peek();
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, at + 1);
        if (end < 0) {
          throw fail("a closing " + c);
        }
        String value = text.substring(at + 1, end);
        if (value.indexOf('\\') >= 0) {
          throw fail("a string without backslashes");
        }
        at = end + 1;
        return value;
      }
      int start = at;
      while (at < text.length() && (Character.isDigit(peek()) || peek() == '.')) {
        at++;
      }
      if (start == at) {
        throw fail("a quoted string, a number or a list");
      }
      return text.substring(start, at);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw fail("'" + c + "'");
      }
      at++;
    }

    private void blanks() {
      while (at < text.length() && (peek() == ' ' || peek() == '\t')) {
        at++;
      }
    }

    private char peek() {
      return at < text.length() ? text.charAt(at) : '\0';
    }

    private IllegalArgumentException fail(String expected) {
      return new IllegalArgumentException("xl line is not one KEY = VALUE setting: expected "
          + expected + " at column " + (at + 1) + ": " + text);
    }
  }
}

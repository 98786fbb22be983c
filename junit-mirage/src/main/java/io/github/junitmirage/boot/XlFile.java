package io.github.junitmirage.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code key = value} settings of an xl file such as {@code mirage configure -t xen}
 * writes, keeping each value's raw text (lists may span lines).
 */
public final class XlFile {
  private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)$");
  private static final Pattern QUOTED = Pattern.compile("^\\s*(['\"])(.*)\\1\\s*;?\\s*$");
  private static final Pattern BRIDGE = Pattern.compile("bridge=([A-Za-z0-9_.-]+)");

  private final Map<String, String> settings;

  private XlFile(Map<String, String> settings) {
    this.settings = settings;
  }

  public static XlFile parse(String text) {
    Map<String, String> settings = new LinkedHashMap<>();
    String key = null;
    StringBuilder value = new StringBuilder();
    int depth = 0;
    for (String raw : text.split("\n")) {
      String line = stripComment(raw);
      if (depth == 0) {
        Matcher m = SETTING.matcher(line);
        if (!m.matches()) {
          if (!line.isBlank()) {
            throw new IllegalArgumentException("not an xl setting (key = value): " + raw);
          }
          continue;
        }
        key = m.group(1);
        value.setLength(0);
        line = m.group(2);
      } else {
        value.append('\n');
      }
      value.append(line.strip());
      depth += count(line, '[') - count(line, ']');
      if (depth <= 0) {
        settings.put(key, value.toString());
        depth = 0;
      }
    }
    if (depth > 0) {
      throw new IllegalArgumentException("unclosed '[' in the value of " + key);
    }
    return new XlFile(settings);
  }

  private static String stripComment(String line) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static int count(String s, char c) {
    return (int) s.chars().filter(x -> x == c).count();
  }

  public Map<String, String> settings() {
    return settings;
  }

  /** A string setting without its quotes. */
  public Optional<String> string(String key) {
    String raw = settings.get(key);
    if (raw == null) {
      return Optional.empty();
    }
    Matcher m = QUOTED.matcher(raw);
    return Optional.of(m.matches() ? m.group(2) : raw.strip());
  }

  /** A number setting; empty when absent or a placeholder such as {@code @MEMORY@}. */
  public Optional<Integer> number(String key) {
    return string(key).filter(v -> v.matches("\\d+")).map(Integer::parseInt);
  }

  /** The bridge of the first vif entry, when it names one. */
  public Optional<String> bridge() {
    String vif = settings.get("vif");
    if (vif == null) {
      return Optional.empty();
    }
    Matcher m = BRIDGE.matcher(vif);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}

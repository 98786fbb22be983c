package io.github.junitmirage.dom0;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place where argument lists become a shell line for an SSH exec request.
 *
 * <p>Every argument is single-quoted unless it consists only of characters that are never special
 * to a POSIX shell. Arguments holding NUL cannot be passed through a shell at all and are rejected.
 */
public final class ShellQuoting {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ShellQuoting() {}

  public static String quote(String argument) {
    if (argument.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("argument contains NUL, which no shell can pass: "
          + argument.replace("\0", "\\0"));
    }
    if (PLAIN.matcher(argument).matches()) {
      return argument;
    }
    return "'" + argument.replace("'", "'\\''") + "'";
  }

  public static String join(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    StringBuilder line = new StringBuilder();
    for (String argument : command) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(quote(argument));
    }
    return line.toString();
  }
}

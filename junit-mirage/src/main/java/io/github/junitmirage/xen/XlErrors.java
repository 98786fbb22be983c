package io.github.junitmirage.xen;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns xl's stderr into one sentence saying what went wrong and what to do about it. */
public final class XlErrors {
  private static final Pattern MISSING_FILE =
      Pattern.compile("failed to open file '([^']*)': No such file or directory");
  private static final Pattern MISSING_BRIDGE = Pattern.compile("Could not find bridge device (\\S+)");

  private XlErrors() {}

  public static Optional<String> diagnose(String stderr) {
    Matcher m;
    if (stderr.contains("already exists")) {
      return Optional.of("a domain with this name already exists on dom0: destroy it "
          + "(xl destroy NAME) or choose another name");
    } else if ((m = MISSING_FILE.matcher(stderr)).find()) {
      return Optional.of("the kernel " + m.group(1) + " does not exist on dom0");
    } else if ((m = MISSING_BRIDGE.matcher(stderr)).find()) {
      return Optional.of("dom0 has no bridge " + m.group(1)
          + ": create it or set junit.mirage.bridge / the bridge attribute to one that exists");
    } else if (stderr.contains("failed to free memory") || stderr.contains("Not enough memory")
        || stderr.toLowerCase(java.util.Locale.ROOT).contains("allocate memory")
        || stderr.contains("can't allocate low memory")) {
      return Optional.of("dom0 does not have enough free memory for the domain: lower memoryMb "
          + "or destroy other domains (xl list)");
    } else if (stderr.contains("a password is required") || stderr.contains("sudo: a terminal")) {
      return Optional.of("sudo on dom0 asks for a password: allow the user to run xl without "
          + "one (NOPASSWD in sudoers) or set junit.mirage.dom0.sudo=false when it is root");
    } else if (stderr.contains("xl: command not found") || stderr.contains("xl: not found")
        || stderr.contains("sudo: xl: command not found")) {
      return Optional.of("xl is not installed on dom0 or not on the PATH of a non-interactive "
          + "SSH session: install the Xen tools (xen-utils) or link xl into /usr/local/sbin");
    } else if (stderr.contains("permission denied") || stderr.contains("Permission denied")
        || stderr.contains("must be run as root")) {
      return Optional.of("xl needs root on dom0: set junit.mirage.dom0.sudo=true or log in as root");
    } else if (stderr.contains("invalid domain identifier")) {
      return Optional.of("the domain does not exist (any more)");
    }
    return Optional.empty();
  }
}

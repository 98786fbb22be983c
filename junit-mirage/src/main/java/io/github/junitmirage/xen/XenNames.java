package io.github.junitmirage.xen;

import java.util.regex.Pattern;

/** What may be used as a domain name, bridge or MAC: checked before anything runs on dom0. */
public final class XenNames {
  /** Letters, digits, '-', '_', '.'; starts with a letter or digit; at most 64 characters. */
  private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

  private XenNames() {}

  public static String requireDomainName(String name) {
    if (name == null || !DOMAIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid domain name " + printable(name) + ": use 1 to 64 "
          + "letters, digits, '-', '_' or '.', starting with a letter or digit");
    }
    return name;
  }

  public static String requireBridge(String bridge) {
    if (bridge == null || !BRIDGE.matcher(bridge).matches()) {
      throw new IllegalArgumentException("invalid bridge name " + printable(bridge) + ": use 1 to 15 "
          + "letters, digits, '-', '_' or '.' (a Linux interface name such as br0)");
    }
    return bridge;
  }

  public static String requireMac(String mac) {
    if (mac == null || !MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("invalid MAC address " + printable(mac)
          + ": use six lower-case hex pairs separated by ':' such as 02:16:3e:00:00:01");
    }
    if ((Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
      throw new IllegalArgumentException("MAC address " + mac + " is a multicast address "
          + "(lowest bit of the first octet set): a guest needs a unicast one");
    }
    return mac;
  }

  /** A value shown in a message: quoted, with control characters escaped, cut when long. */
  public static String printable(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    value.codePoints().limit(80).forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    out.append(value.codePointCount(0, value.length()) > 80 ? "...\"" : "\"");
    return out.toString();
  }
}

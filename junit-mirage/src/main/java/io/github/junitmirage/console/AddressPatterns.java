package io.github.junitmirage.console;

import io.github.junitmirage.console.AddressLine.Kind;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the lines in which a MirageOS unikernel of any generation reports its IPv4 address:
 * Mirage 2.x on Mini-OS, 3.x on Mini-OS, 3.x/4.x on Solo5 (see CONSOLE-FORMATS.md).
 *
 * <p>{@code 0.0.0.0} is never an address: older stacks print it before they have a lease.
 */
public final class AddressPatterns {
  private static final String IP = "(?<ip>\\d{1,3}(?:\\.\\d{1,3}){3})";
  private static final String GW = "(?<gw>\\d{1,3}(?:\\.\\d{1,3}){3})?";

  private record Rule(Kind kind, Pattern pattern) {}

  private static final List<Rule> RULES = List.of(
      // Mirage 2.x: DHCP offer received and bound to A nm M gw [G]
      rule(Kind.DHCP_LEASE, "DHCP offer received and bound to " + IP
          + " nm (?<nm>[\\d.]+) gw \\[" + GW + "]"),
      // Mirage 3.x (2017): [dhcp_client] Lease obtained! IP A network N gateway G
      rule(Kind.DHCP_LEASE, "Lease obtained! IP " + IP
          + "(?: network [\\d.]+(?:/(?<len>\\d{1,2}))?)?(?: gateway " + GW + ")?"),
      // Mirage 3.x/4.x: [dhcp_client_lwt] Lease obtained! IP: A, routers: R
      rule(Kind.DHCP_LEASE, "Lease obtained! IP: " + IP + "(?:, routers: " + GW + ")?"),
      // Mirage 3.x: stack assembled: mac=M,ip=A; 4.x: (Dual |TCP/IP V4 )stack assembled: ...ip=A/len
      rule(Kind.STACK_ASSEMBLED, "stack assembled: mac=[0-9a-fA-F:]+,ip=" + IP
          + "(?:/(?<len>\\d{1,2}))?"),
      // Mirage 2.x static: Manager: Interface to A nm M gw [G]
      rule(Kind.STATIC, "Manager: Interface to " + IP + " nm (?<nm>[\\d.]+) gw \\[" + GW + "]"),
      rule(Kind.STATIC, "ARP: sending gratuitous from " + IP),
      rule(Kind.STATIC, "Sending gratuitous ARP for " + IP),
      // Mirage 3.x: UDP interface connected on A; 4.x: UDP layer connected on A/len
      rule(Kind.UDP_CONNECTED, "UDP (?:interface|layer) connected on " + IP
          + "(?:/(?<len>\\d{1,2}))?"));

  private AddressPatterns() {}

  private static Rule rule(Kind kind, String regex) {
    return new Rule(kind, Pattern.compile(regex));
  }

  /** The address a cleaned console line reports, if it is an address line. */
  public static Optional<AddressLine> match(String line) {
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(line);
      if (m.find() && isUsable(m.group("ip"))) {
        return Optional.of(new AddressLine(rule.kind(), m.group("ip"),
            group(m, "nm").or(() -> group(m, "len").map(l -> netmask(Integer.parseInt(l)))),
            group(m, "len").map(Integer::parseInt).or(() -> group(m, "nm").map(AddressPatterns::prefix)),
            group(m, "gw"), line));
      }
    }
    return Optional.empty();
  }

  /** The better of two address lines of one boot: by kind, and the earlier line on a tie. */
  public static AddressLine preferred(AddressLine current, AddressLine candidate) {
    if (current == null) {
      return candidate;
    }
    return candidate.kind().ordinal() < current.kind().ordinal() ? candidate : current;
  }

  static boolean isUsable(String ip) {
    String[] octets = ip.split("\\.");
    for (String octet : octets) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return !ip.equals("0.0.0.0");
  }

  private static Optional<String> group(Matcher m, String name) {
    try {
      return Optional.ofNullable(m.group(name)).filter(s -> !s.isEmpty());
    } catch (IllegalArgumentException noSuchGroup) {
      return Optional.empty();
    }
  }

  static String netmask(int prefixLength) {
    long mask = prefixLength == 0 ? 0 : (0xFFFFFFFFL << (32 - prefixLength)) & 0xFFFFFFFFL;
    return (mask >> 24) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
  }

  static int prefix(String netmask) {
    int bits = 0;
    for (String octet : netmask.split("\\.")) {
      bits += Integer.bitCount(Integer.parseInt(octet) & 255);
    }
    return bits;
  }
}

package io.github.junitmirage.console;

import java.util.Optional;

/**
 * A console line that told the unikernel's IPv4 address.
 *
 * @param kind what sort of line it was; decides which line wins when a boot prints several
 * @param address the IPv4 address
 * @param netmask the netmask in dotted form, when the line has one
 * @param prefixLength the prefix length, when the line has one
 * @param gateway the gateway or first router, when the line has one
 * @param line the cleaned line itself
 */
public record AddressLine(
    Kind kind,
    String address,
    Optional<String> netmask,
    Optional<Integer> prefixLength,
    Optional<String> gateway,
    String line) {

  /** The kinds of address line, most trusted first. */
  public enum Kind {
    DHCP_LEASE,
    STACK_ASSEMBLED,
    STATIC,
    UDP_CONNECTED
  }
}

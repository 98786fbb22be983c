package io.github.junitmirage.console;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Console lines in which a DHCP client gives up on a round and starts over: a unikernel that
 * prints them is alive and asking, but no usable offer reaches it.
 */
public final class DhcpRetries {
  // Mirage 3.x/4.x (charrua): [dhcp_client_lwt] Timeout expired without a usable lease!  Starting over...
  private static final Pattern RETRY = Pattern.compile("Timeout expired without a usable lease");

  private DhcpRetries() {}

  public static boolean isRetry(String line) {
    return RETRY.matcher(line).find();
  }

  /** How many of {@code lines} are DHCP retries. */
  public static long count(List<String> lines) {
    return lines.stream().filter(DhcpRetries::isRetry).count();
  }

  /** What to tell a user whose unikernel retried DHCP {@code retries} times without a lease. */
  public static String diagnosis(long retries) {
    return "its DHCP client started over " + retries + " time" + (retries == 1 ? "" : "s")
        + " without a usable lease. Likely causes: no DHCP server answers on its bridge (is "
        + "dnsmasq or dhcpd serving it on dom0?), or dom0 sends the offers with TX checksum "
        + "offload, leaving partial UDP checksums that MirageOS drops (Linux guests accept them); "
        + "fix the latter on dom0 with 'ethtool -K vif<domid>.0 tx off' for each guest interface "
        + "(for example in /etc/xen/scripts/vif-bridge), or once with 'iptables -t mangle -A "
        + "POSTROUTING -p udp --dport 68 -j CHECKSUM --checksum-fill'";
  }
}

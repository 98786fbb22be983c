package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.junit.MirageUnikernel;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The address is read from the console whatever the Mirage generation prints: one unikernel per
 * test, each in another dialect, and the injected IP must be the one on its console. Mirage 4 is
 * the real www; Mirage 2 and 3 (Mini-OS, PV) are the lab's stand-in printing their formats, since
 * their toolchains cannot be built here. Each test has a unikernel of its own, so the three boot
 * side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
class ConsoleDialectsIT {

  @Test
  @MirageUnikernel(name = "mirage2", kernel = StandIn.KERNEL, ramdisk = StandIn.RAMDISK,
      cmdline = StandIn.CONSOLE + "mirage.dialect=2")
  void mirage2MiniOs(Unikernel u, InetAddress ip) {
    assertThat(u.readyLine()).isEqualTo("DHCP offer received and bound to " + ip.getHostAddress()
        + " nm 255.255.255.0 gw [192.168.56.1]");
    assertThat(u.netmask()).contains("255.255.255.0");
    assertThat(u.console()).contains("MirageOS booting...");
  }

  @Test
  @MirageUnikernel(name = "mirage3", kernel = StandIn.KERNEL, ramdisk = StandIn.RAMDISK,
      cmdline = StandIn.CONSOLE + "mirage.dialect=3")
  void mirage3MiniOs(Unikernel u, InetAddress ip) {
    assertThat(u.readyLine()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d -00:00: INF "
        + "\\[dhcp_client_lwt] Lease obtained! IP: " + ip.getHostAddress().replace(".", "\\.")
        + ", routers: 192\\.168\\.56\\.1");
    // The ANSI colour codes around the banner are gone from the transcript.
    assertThat(u.console()).contains("MirageOS booting...");
  }

  @Test
  @MirageUnikernel(name = "mirage4", kernel = RealMirage.WWW)
  void mirage4Solo5(Unikernel u, InetAddress ip) {
    assertThat(u.readyLine()).endsWith("[INFO] [dhcp_client_lwt] Lease obtained! IP: "
        + ip.getHostAddress() + ", routers: 192.168.56.1");
    assertThat(u.console()).contains("Solo5: Bindings version v0.8.0");
  }
}

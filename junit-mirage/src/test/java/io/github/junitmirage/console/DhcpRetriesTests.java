package io.github.junitmirage.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpRetriesTests {

  @Test
  void countsCharruasStartOverLines() {
    List<String> console = List.of(
        "2026-11-24T23:56:54-00:00: [INFO] [ipv6] IP6: Started with fe80::ff:fe00:dead",
        "2026-11-24T23:56:57-00:00: [INFO] [dhcp_client_lwt] Timeout expired without a usable lease!  Starting over...",
        "2026-11-24T23:57:01-00:00: [INFO] [dhcp_client_lwt] Timeout expired without a usable lease!  Starting over...",
        "2026-11-24T23:57:02-00:00: [INFO] [dhcp_client_lwt] Lease obtained! IP: 192.168.56.146, routers: 192.168.56.1");
    assertThat(DhcpRetries.count(console)).isEqualTo(2);
  }

  @Test
  void diagnosisNamesBothCausesAndTheFix() {
    assertThat(DhcpRetries.diagnosis(1)).startsWith("its DHCP client started over 1 time without")
        .contains("no DHCP server answers on its bridge", "TX checksum offload",
            "ethtool -K vif<domid>.0 tx off", "CHECKSUM --checksum-fill");
  }
}

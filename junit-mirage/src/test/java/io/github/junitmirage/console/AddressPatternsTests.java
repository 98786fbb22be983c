package io.github.junitmirage.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.console.AddressLine.Kind;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPatternsTests {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      # Mirage 2.x on Mini-OS
      DHCP offer received and bound to 192.168.56.101 nm 255.255.255.0 gw [192.168.56.1] | DHCP_LEASE | 192.168.56.101 | 255.255.255.0 | 24 | 192.168.56.1
      DHCP offer received and bound to 10.0.0.2 nm 255.255.0.0 gw [] | DHCP_LEASE | 10.0.0.2 | 255.255.0.0 | 16 | -
      Manager: Interface to 10.0.0.2 nm 255.255.255.0 gw [10.0.0.1] | STATIC | 10.0.0.2 | 255.255.255.0 | 24 | 10.0.0.1
      ARP: sending gratuitous from 10.0.0.2 | STATIC | 10.0.0.2 | - | - | -
      # Mirage 3.x on Mini-OS
      2017-03-01 10:00:00 -00:00: INF [dhcp_client] Lease obtained! IP 10.0.0.5 network 10.0.0.0/24 gateway 10.0.0.1 | DHCP_LEASE | 10.0.0.5 | 255.255.255.0 | 24 | 10.0.0.1
      2019-01-01 10:00:00 -00:00: INF [dhcp_client_lwt] Lease obtained! IP: 10.0.0.6, routers: 10.0.0.1 | DHCP_LEASE | 10.0.0.6 | - | - | 10.0.0.1
      2019-01-01 10:00:00 -00:00: INF [tcpip-stack-direct] stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.7 | STACK_ASSEMBLED | 10.0.0.7 | - | - | -
      2019-01-01 10:00:00 -00:00: INF [udp] UDP interface connected on 10.0.0.8 | UDP_CONNECTED | 10.0.0.8 | - | - | -
      # Mirage 3.x/4.x on Solo5
      2023-05-01T10:00:00-00:00: [INFO] [ARP] Sending gratuitous ARP for 10.0.0.9 (02:00:00:00:00:01) | STATIC | 10.0.0.9 | - | - | -
      2023-05-01T10:00:00-00:00: [INFO] [udp] UDP layer connected on 10.0.0.10/24 | UDP_CONNECTED | 10.0.0.10 | 255.255.255.0 | 24 | -
      2023-05-01T10:00:00-00:00: [INFO] [tcpip-stack-direct] Dual TCP/IP stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.11/24, fe80::1/64 | STACK_ASSEMBLED | 10.0.0.11 | 255.255.255.0 | 24 | -
      2023-05-01T10:00:00-00:00: [INFO] [tcpip-stack-direct] TCP/IP V4 stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.12/16 | STACK_ASSEMBLED | 10.0.0.12 | 255.255.0.0 | 16 | -
      2023-05-01T10:00:00-00:00: [INFO] [dhcp_client_lwt] Lease obtained! IP: 10.0.0.13, routers: 10.0.0.1 | DHCP_LEASE | 10.0.0.13 | - | - | 10.0.0.1
      """)
  void recognisesEveryGeneration(String line, Kind kind, String ip, String netmask, Integer prefix,
      String gateway) {
    AddressLine a = AddressPatterns.match(line).orElseThrow();
    assertThat(a.kind()).isEqualTo(kind);
    assertThat(a.address()).isEqualTo(ip);
    assertThat(a.netmask()).isEqualTo(Optional.ofNullable(netmask));
    assertThat(a.prefixLength()).isEqualTo(Optional.ofNullable(prefix));
    assertThat(a.gateway()).isEqualTo(Optional.ofNullable(gateway));
    assertThat(a.line()).isEqualTo(line);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DHCP offer received and bound to 0.0.0.0 nm 0.0.0.0 gw []",
      "2019-01-01 10:00:00 -00:00: INF [udp] UDP interface connected on 0.0.0.0",
      "2019-01-01 10:00:00 -00:00: INF [dhcp_client_lwt] Timeout expired without a usable lease! Starting over...",
      "Lease obtained! IP: 999.1.1.1, routers: 10.0.0.1",
      "MirageOS booting...",
      ""})
  void ignoresLinesWithoutAUsableAddress(String line) {
    assertThat(AddressPatterns.match(line)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void prefersLeaseOverStackOverStaticOverUdp() {
    AddressLine udp = AddressPatterns.match("UDP layer connected on 10.0.0.1/24").orElseThrow();
    AddressLine arp = AddressPatterns.match("Sending gratuitous ARP for 10.0.0.2 (m)").orElseThrow();
    AddressLine stack = AddressPatterns.match("stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.3").orElseThrow();
    AddressLine lease = AddressPatterns.match("Lease obtained! IP: 10.0.0.4, routers: 10.0.0.1").orElseThrow();
    assertThat(AddressPatterns.preferred(null, udp)).isSameAs(udp);
    assertThat(AddressPatterns.preferred(udp, arp)).isSameAs(arp);
    assertThat(AddressPatterns.preferred(arp, stack)).isSameAs(stack);
    assertThat(AddressPatterns.preferred(stack, lease)).isSameAs(lease);
    assertThat(AddressPatterns.preferred(lease, udp)).isSameAs(lease);
  }
}

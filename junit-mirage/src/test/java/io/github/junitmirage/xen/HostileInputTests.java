package io.github.junitmirage.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every user-supplied string that reaches an xl file or a dom0 command, with hostile values: each
 * is rejected with a message naming it, or passes through to the file exactly as given.
 * (Shell quoting of command arguments is tested against a real shell in ShellQuotingTests.)
 */
class HostileInputTests {
  private static final XlConfig.Vif VIF = new XlConfig.Vif("02:16:3e:00:00:01", "br0");
  static final String LONG = "a".repeat(5000);

  @ParameterizedTest
  @ValueSource(strings = {"www; rm -rf /", "www$(id)", "`id`", "www'", "w\"w", "www\nname='x'", "../www",
      "-www", "www name", "wwwé", "\u2603", "", "a\u0000b"})
  void domainNames(String name) {
    assertThatThrownBy(() -> XenNames.requireDomainName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid domain name \"")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"br0;reboot", "br0,script=/tmp/x", "br'0", "br 0", "../br0", "br0\n",
      "averyverylongbridgename", ""})
  void bridges(String bridge) {
    assertThatThrownBy(() -> new XlConfig.Vif("02:16:3e:00:00:01", bridge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid bridge name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"02:16:3e:00:00:01,bridge=evil", "02:16:3E:00:00:01", "02-16-3e-00-00-01",
      "02:16:3e:00:00", "zz:16:3e:00:00:01", "02:16:3e:00:00:01\n", ""})
  void macs(String mac) {
    assertThatThrownBy(() -> new XlConfig.Vif(mac, "br0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid MAC address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff"})
  void multicastMacs(String mac) {
    assertThatThrownBy(() -> new XlConfig.Vif(mac, "br0"))
        .hasMessageContaining("is a multicast address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--ipv4=10.0.0.2/24\nkernel='/evil'", "a\rb", "tab\there", "x\u0000y",
      "back\\slash", "both ' and \"", "esc\u001B[0m"})
  void commandLinesThatXlCannotCarry(String cmdline) {
    assertThatThrownBy(() -> new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), cmdline, List.of(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cmdline contains");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--ipv4=10.0.0.2/24 $(reboot) `id` ; | & > < *", "-l '*:debug'",
      "say \"hi\"", "unicode \u00e9\u2603", "../../etc/passwd"})
  void commandLinesPassedThroughExactly(String cmdline) {
    String text = new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), cmdline, List.of(), Set.of()).render();
    assertThat(text).contains("cmdline = " + XlValues.quote(cmdline) + "\n");
    assertThat(text.lines().filter(l -> l.startsWith("cmdline")).count()).isEqualTo(1);
  }

  @org.junit.jupiter.api.Test
  void veryLongValues() {
    assertThatThrownBy(() -> XenNames.requireDomainName("x".repeat(65)))
        .hasMessageStartingWith("invalid domain name \"" + "x".repeat(65) + "\": use 1 to 64");
    assertThatThrownBy(() -> XenNames.requireDomainName("y".repeat(100)))
        .hasMessageStartingWith("invalid domain name \"" + "y".repeat(80) + "...\": use 1 to 64");
    assertThatThrownBy(() -> new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), LONG, List.of(), Set.of()))
        .hasMessage("cmdline is longer than 4096 characters (5000)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"vcpus = 2\nkernel = '/evil'", "just text", "= 3", "Name = 'x'",
      "memory = 4", "vif = []", "on_crash = 'destroy'", "extra = 'x'"})
  void extraLines(String line) {
    assertThatThrownBy(() -> new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), "", List.of(line), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("extra xl line");
  }
}

package io.github.junitmirage.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XlOutputTests {

  @Test
  void parsesXlList() {
    List<DomainInfo> domains = XlList.parse("""
        Name                                        ID   Mem VCPUs\tState\tTime(s)
        Domain-0                                     0  1024     2     r-----      22.0
        www-jm0123456789                             3    96     1     -b----       6.1
        crashed-jm0123456789                         4   128     1     ---sc-       1.0
        """);
    assertThat(domains).containsExactly(
        new DomainInfo("Domain-0", 0, 1024, 2, new DomainState("r-----")),
        new DomainInfo("www-jm0123456789", 3, 96, 1, new DomainState("-b----")),
        new DomainInfo("crashed-jm0123456789", 4, 128, 1, new DomainState("---sc-")));
  }

  @Test
  void describesXlNetworkListInWords() {
    // Xen 4.17's xl network-list: a vif connected, one whose guest never got past the start.
    assertThat(XlNetworkList.describe("""
        Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path
        0   0  02:00:00:00:11:22      0     4     10   768/769         /local/domain/0/backend/vif/5/0
        1   0  02:00:00:00:11:23      1     1     -1    -1/-1          /local/domain/0/backend/vif/5/1
        """)).isEqualTo("vif 0: Connected (4), event channel 10, rings 768/769, "
        + "vif 1: Initialising (1), event channel -1, rings -1/-1");
    assertThat(XlNetworkList.describe("Idx BE Mac Addr. handle state evt-ch tx-/rx-ring-ref BE-path\n"))
        .isEqualTo("no vif listed");
    assertThat(XlNetworkList.describe("something else\u001b[0m")).isEqualTo("vif: something else?[0m");
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> XlList.parse("Name ID\nwww 3 96 1 weird! 0.1\n"))
        .hasMessage("unexpected xl list line: www 3 96 1 weird! 0.1");
    assertThatThrownBy(() -> XlList.parse("garbage\n"))
        .hasMessage("unexpected xl list line (want 6 columns): garbage");
  }

  @ParameterizedTest
  @CsvSource({
      "r-----, true,  false, false, running (r-----)",
      "-b----, true,  false, false, blocked (-b----)",
      "---sc-, false, true,  true,  crashed (---sc-)",
      "---s--, false, false, true,  shut down (---s--)",
      "---sr-, false, false, true,  rebooted (---sr-)",
      "--p---, false, false, false, paused (--p---)",
      "-----d, false, false, false, dying (-----d)"})
  void readsStates(String letters, boolean alive, boolean crashed, boolean shutDown, String text) {
    DomainState s = new DomainState(letters);
    assertThat(s.isAlive()).isEqualTo(alive);
    assertThat(s.isCrashed()).isEqualTo(crashed);
    assertThat(s.isShutDown()).isEqualTo(shutDown);
    assertThat(s.describe()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      libxl: error: libxl_domain.c:123:libxl__domain_rename: Domain 4:Domain with name "www" already exists. | a domain with this name already exists on dom0: destroy it (xl destroy NAME) or choose another name
      libxl: error: libxl_dom.c:1:x: failed to open file '/root/does-not-exist': No such file or directory | the kernel /root/does-not-exist does not exist on dom0
      libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /etc/xen/scripts/vif-bridge online [2345] exited with error status 1 / script: Could not find bridge device nobr | dom0 has no bridge nobr: create it or set junit.mirage.bridge / the bridge attribute to one that exists
      libxl: error: libxl_mem.c:1:x: failed to free memory for the domain | dom0 does not have enough free memory for the domain: lower memoryMb or destroy other domains (xl list)
      xc: error: panic: xg_dom_boot.c:119: xc_dom_boot_mem_init: can't allocate low memory for domain: Out of memory | dom0 does not have enough free memory for the domain: lower memoryMb or destroy other domains (xl list)
      sudo: a password is required | sudo on dom0 asks for a password: allow the user to run xl without one (NOPASSWD in sudoers) or set junit.mirage.dom0.sudo=false when it is root
      bash: line 1: xl: command not found | xl is not installed on dom0 or not on the PATH of a non-interactive SSH session: install the Xen tools (xen-utils) or link xl into /usr/local/sbin
      www is an invalid domain identifier (rc=-6) | the domain does not exist (any more)
      """)
  void diagnosesXlErrors(String stderr, String diagnosis) {
    assertThat(XlErrors.diagnose(stderr)).contains(diagnosis);
  }

  @Test
  void saysNothingAboutUnknownErrors() {
    assertThat(XlErrors.diagnose("libxl: error: something new")).isEmpty();
  }
}

package io.github.junitmirage.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Raw xl lines, read with xl's grammar: every known injection is refused, mirage's own lines pass. */
class XlLineTests {
  private static final XlConfig.Vif VIF = new XlConfig.Vif("02:16:3e:00:00:01", "br0");

  @ParameterizedTest
  @ValueSource(strings = {"vcpus = 1; name = 'other'", "vcpus = 1 ;", "on_poweroff = 'destroy';x=1",
      "vcpus = 1 2", "vcpus = one", "vcpus =", "= 1", "1vcpus = 1", "vcpus = '1", "cpus = [ '0' '1' ]",
      "cpus = [ '0',", "cap = '\\x41'"})
  void notOneSettingInXlGrammar(String line) {
    assertThatThrownBy(() -> XlLine.parse(line, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("xl line is not one KEY = VALUE setting: expected ")
        .hasMessageEndingWith(": " + line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vif += [ 'bridge=br0,script=/tmp/x' ]", "disk += [ '/dev/sda,raw,xvda,rw' ]",
      "vcpus+=1"})
  void appendingIsRefused(String line) {
    assertThatThrownBy(() -> XlLine.parse(line, Set.of()))
        .hasMessageContaining("expected '=' ('+=' appends to a setting junit-mirage wrote)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootloader = '/bin/sh'", "bootloader_args = [ '-c', 'id' ]",
      "device_model_override = '/tmp/x'", "device_model_version = 'qemu-xen'",
      "device_model_stubdomain_override = 1", "pci = [ '01:00.0' ]", "usbdev = [ 'hostbus=1' ]",
      "usbctrl = [ 'version=3' ]", "channel = [ 'connection=socket,path=/root/x' ]",
      "p9 = [ 'tag=r,security_model=none,path=/' ]", "iomem = [ 'fee00,1' ]", "ioports = [ '3f8-3ff' ]",
      "irqs = [ 4 ]", "vfb = [ 'vnc=1' ]", "vtpm = [ 'backend=0' ]", "dtdev = [ '/x' ]",
      "device_tree = '/etc/shadow'", "e820_host = 1", "stubdomain_kernel = '/x'", "seclabel = 'x'"})
  void keysThatRunProgramsOrHandOverDom0AreRefusedNamingTheOptIn(String line) {
    String key = line.substring(0, line.indexOf(' '));
    assertThatThrownBy(() -> XlLine.parse(line, Set.of()))
        .hasMessageStartingWith("xl line sets '" + key + "', which junit-mirage does not pass to xl")
        .hasMessageContaining("allowDangerousXlKeys = \"" + key + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"disk = [ '/dev/sda,raw,xvda,rw' ]", "disk = [ 'target=/dev/sda' ]",
      "disk = '/etc/passwd'"})
  void disksAreRefusedUnlessEmpty(String line) {
    assertThatThrownBy(() -> XlLine.parse(line, Set.of()))
        .hasMessageStartingWith("xl line gives the guest a disk");
  }

  @Test
  void renameRestartIsRefused() {
    assertThatThrownBy(() -> XlLine.parse("on_reboot = 'rename-restart'", Set.of()))
        .hasMessageContaining("rename-restart would rename the domain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"disk = [  ]", "disk = []", "vcpus = 2", "maxmem = 512",
      "on_poweroff = 'destroy'", "on_reboot = \"restart\"", "cpus = [ '0', '1' ]",
      "cpus = '0-1'  # both", "max_grant_frames = 64", "tsc_mode = 'native'"})
  void whatMirageConfigureAndCarefulUsersWriteIsAccepted(String line) {
    assertThat(XlLine.parse(line, Set.of()).key()).isEqualTo(line.substring(0, line.indexOf(' ')));
  }

  @Test
  void anExplicitlyAllowedKeyPassesButStillInXlGrammar() {
    assertThat(XlLine.parse("bootloader = 'pygrub'", Set.of("bootloader")).items())
        .containsExactly("pygrub");
    assertThat(XlLine.parse("disk = [ 'target=/dev/sdb' ]", Set.of("disk")).list()).isTrue();
    assertThatThrownBy(() -> XlLine.parse("bootloader = 'pygrub'; name = 'x'", Set.of("bootloader")))
        .hasMessageContaining("';' would start a second setting");
  }

  @Test
  void xlConfigChecksEveryExtraLine() {
    assertThatThrownBy(() -> new XlConfig("a", "pvh", "/k", "", 64, List.of(VIF), "",
        List.of("vcpus = 1", "vcpus = 1; name = 'other'"), Set.of()))
        .hasMessageContaining("';' would start a second setting");
    String text = new XlConfig("a", "pvh", "/k", "", 64, List.of(VIF), "",
        List.of("bootloader = 'pygrub'"), Set.of("bootloader")).render();
    assertThat(text).contains("\nbootloader = 'pygrub'\n");
  }
}

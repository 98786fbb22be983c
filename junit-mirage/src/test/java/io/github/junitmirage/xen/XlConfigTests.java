package io.github.junitmirage.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class XlConfigTests {
  private static final XlConfig.Vif VIF = new XlConfig.Vif("02:16:3e:00:00:01", "br0");

  @Test
  void rendersEverySetting() {
    XlConfig c = new XlConfig("www-jm0123456789", "pvh", "/w/images/ab/www.xen", "/w/images/cd/initrd",
        256, List.of(VIF), "--ipv4=10.0.0.2/24 -l '*:debug'", List.of("vcpus = 2", "disk = [ ]"), Set.of());
    assertThat(c.render()).isEqualTo("""
        # written by junit-mirage
        name = 'www-jm0123456789'
        type = 'pvh'
        kernel = '/w/images/ab/www.xen'
        ramdisk = '/w/images/cd/initrd'
        memory = 256
        vif = [ 'mac=02:16:3e:00:00:01,bridge=br0' ]
        cmdline = "--ipv4=10.0.0.2/24 -l '*:debug'"
        on_crash = 'preserve'
        on_reboot = 'preserve'
        vcpus = 2
        disk = [ ]
        """);
  }

  @Test
  void leavesOutEmptyCmdlineAndRamdisk() {
    String text = new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), "", List.of(), Set.of()).render();
    assertThat(text).doesNotContain("cmdline", "ramdisk");
  }

  /** Kept, not restarted by xl under the same name: a unikernel that reboots has crashed. */
  @Test
  void aRebootIsPreservedUnlessTheUserSaysOtherwise() {
    assertThat(new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), "", List.of(), Set.of())
        .render()).contains("on_reboot = 'preserve'\n");
    String own = new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), "",
        List.of("on_reboot = 'destroy'"), Set.of()).render();
    assertThat(own).contains("on_reboot = 'destroy'\n");
    assertThat(own.lines().filter(l -> l.startsWith("on_reboot"))).hasSize(1);
  }

  @Test
  void extraLinesMayNotRedefineOwnKeys() {
    assertThatThrownBy(() -> new XlConfig("a", "pv", "/k", "", 64, List.of(VIF), "",
        List.of("name = 'evil'"), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extra xl line sets 'name', which junit-mirage writes itself: use the "
            + "annotation's attribute instead: name = 'evil'");
  }

  @Test
  void rejectsWrongTypeAndMemory() {
    assertThatThrownBy(() -> new XlConfig("a", "hvm", "/k", "", 64, List.of(VIF), "", List.of(), Set.of()))
        .hasMessage("guest type must be 'pv' or 'pvh': hvm");
    assertThatThrownBy(() -> new XlConfig("a", "pv", "/k", "", 8, List.of(VIF), "", List.of(), Set.of()))
        .hasMessage("memoryMb out of range 16..1048576: 8");
  }
}

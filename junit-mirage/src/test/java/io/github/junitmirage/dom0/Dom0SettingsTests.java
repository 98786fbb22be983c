package io.github.junitmirage.dom0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dom0 settings a user gives: hostile work folders and host keys are refused up front. */
class Dom0SettingsTests {

  @ParameterizedTest
  @ValueSource(strings = {"tmp/junit-mirage", "/tmp/a b", "/tmp/x;reboot", "/tmp/$(id)", "/tmp/../etc",
      "/tmp/x\n", "/tmp/\u00e9", "/tmp/'q'"})
  void refusesWorkFoldersThatAreNotPlainAbsolutePaths(String workDir) {
    assertThatThrownBy(() -> settings(workDir, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workDir must be an absolute path of letters, digits, '_', '-', '.' and '/': " + workDir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAAAC3NzaC1lZDI1NTE5", "ssh-ed25519", "rm -rf / AAAA", "ssh-ed25519 !!notbase64!!"})
  void refusesHostKeysThatAreNotPublicKeyLines(String line) {
    assertThatThrownBy(() -> PinnedHostKey.parse(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("junit.mirage.dom0.hostKey ");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536})
  void refusesPortsOutOfRange(int port) {
    assertThatThrownBy(() -> new Dom0Settings("h", port, "u", Path.of("k"), null, null, false, true,
        "/tmp", Duration.ofSeconds(1))).hasMessage("port out of range 1..65535: " + port);
  }

  @org.junit.jupiter.api.Test
  void describesItselfAsUserAtHostAndPort() {
    assertThat(settings("/tmp/junit-mirage", null).describe()).isEqualTo("mirage@virtualxen.local:22");
  }

  private static Dom0Settings settings(String workDir, String hostKey) {
    return new Dom0Settings("virtualxen.local", 22, "mirage", Path.of("/k"), null, hostKey, false,
        true, workDir, Duration.ofSeconds(1));
  }
}

package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.Dom0ConnectionException;
import io.github.junitmirage.boot.Timeouts;
import io.github.junitmirage.dom0.Dom0Settings;
import io.github.junitmirage.dom0.FakeDom0;
import io.github.junitmirage.dom0.SshDom0;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dom0 reached as the user's own ssh would: a host alias from ~/.ssh/config, its settings. */
class SshConfigTests {
  private FakeDom0 fake;
  private Path dir;
  private Path config;

  @BeforeEach
  void start() throws Exception {
    fake = FakeDom0.start((argv, in, out, err) -> 0);
    dir = Files.createTempDirectory("ssh-config-");
    Path knownHosts = dir.resolve("known_hosts_lab");
    Files.writeString(knownHosts, "[127.0.0.1]:" + fake.port() + " " + fake.hostKeyLine() + "\n");
    config = dir.resolve("config");
    Files.writeString(config, """
        Host elsewhere
          HostName 192.0.2.1
          User nobody

        Host virtualxen
          HostName 127.0.0.1
          Port %d
          User mirage
          IdentityFile /nonexistent/first_key
          IdentityFile %s
          UserKnownHostsFile %s
          IdentityAgent none
        """.formatted(fake.port(), fake.clientKey(), knownHosts));
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  @Test
  void aHostAliasFromTheSshConfigReachesDom0() {
    Dom0Settings s = RunResources.configuredDom0(MirageSettings.of(Map.of(
        MirageSettings.DOM0_SSH_CONFIG, config.toString())), "virtualxen", Timeouts.of(1));

    assertThat(s.describe()).isEqualTo("mirage@127.0.0.1:" + fake.port());
    assertThat(s.keyFile()).as("the first IdentityFile that exists").isEqualTo(fake.clientKey());
    assertThat(s.knownHosts()).isEqualTo(dir.resolve("known_hosts_lab"));
    assertThat(s.agentSocket()).isNull();
    assertThat(s.workDir()).isEqualTo("/tmp/junit-mirage-mirage");
    try (SshDom0 dom0 = SshDom0.connect(s)) {
      assertThat(dom0.isConnected()).isTrue();
    }
  }

  @Test
  void junitMirageSettingsWinOverTheSshConfig() {
    Dom0Settings s = RunResources.configuredDom0(MirageSettings.of(Map.of(
        MirageSettings.DOM0_SSH_CONFIG, config.toString(),
        MirageSettings.DOM0_PORT, "2222",
        MirageSettings.DOM0_USER, "tester",
        MirageSettings.DOM0_SSH_AGENT, "/run/agent.sock")), "virtualxen", Timeouts.of(1));

    assertThat(s.describe()).isEqualTo("tester@127.0.0.1:2222");
    assertThat(s.agentSocket()).isEqualTo(Path.of("/run/agent.sock"));
  }

  @Test
  void noneIgnoresTheSshConfig() {
    Dom0Settings s = RunResources.configuredDom0(MirageSettings.of(Map.of(
        MirageSettings.DOM0_SSH_CONFIG, "none", MirageSettings.DOM0_SSH_AGENT, "none")),
        "virtualxen", Timeouts.of(1));

    assertThat(s.describe()).isEqualTo("mirage@virtualxen:22");
  }

  @Test
  void aTokenJunitMirageDoesNotExpandIsNamed() throws Exception {
    Files.writeString(config, "Host virtualxen\n  IdentityFile ~/.ssh/id_%C\n");

    assertThatThrownBy(() -> RunResources.configuredDom0(MirageSettings.of(Map.of(
        MirageSettings.DOM0_SSH_CONFIG, config.toString())), "virtualxen", Timeouts.of(1)))
        .isInstanceOf(Dom0ConnectionException.class)
        .hasMessage("the SSH client configuration uses %C in '~/.ssh/id_%C', which junit-mirage "
            + "does not expand (it knows %d %h %r %u %%): write the path out, or set the "
            + "junit.mirage.dom0.* setting it stands for");
  }
}

package io.github.junitmirage.dom0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.Dom0ConnectionException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connecting to dom0: host keys verified by default, and every wrong setting named. */
class SshDom0Tests {
  private FakeDom0 fake;

  @BeforeEach
  void start() throws Exception {
    fake = FakeDom0.start((argv, in, out, err) -> {
      FakeDom0.print(out, String.join("|", argv) + "\n");
      FakeDom0.print(err, "to stderr\n");
      return argv.get(0).equals("false") ? 3 : 0;
    });
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  @Test
  void runsCommandsWithPinnedHostKey() {
    try (SshDom0 dom0 = SshDom0.connect(fake.settings())) {
      ExecResult r = dom0.exec(List.of("echo", "two words", "it's"), Duration.ofSeconds(5));
      assertThat(r.stdout()).isEqualTo("echo|two words|it's\n");
      assertThat(r.stderr()).isEqualTo("to stderr\n");
      assertThat(r.exitStatus()).isZero();
      assertThat(dom0.exec(List.of("false"), Duration.ofSeconds(5)).exitStatus()).isEqualTo(3);
      assertThat(dom0.describe()).isEqualTo("mirage@127.0.0.1:" + fake.port());
    }
  }

  @Test
  void aPinnedRsaHostKeyIsVerifiedWithRsaSha2() throws Exception {
    try (FakeDom0 rsa = FakeDom0.startWithRsaHostKey((argv, in, out, err) -> {
      FakeDom0.print(out, "ok\n");
      return 0;
    })) {
      assertThat(rsa.hostKeyLine()).startsWith("ssh-rsa ");
      try (SshDom0 dom0 = SshDom0.connect(rsa.settings())) {
        assertThat(dom0.exec(List.of("true"), Duration.ofSeconds(10)).stdout()).isEqualTo("ok\n");
      }
    }
  }

  @Test
  void refusesAChangedHostKey() throws Exception {
    try (FakeDom0 other = FakeDom0.start((argv, in, out, err) -> 0)) {
      Dom0Settings s = fake.settings();
      Dom0Settings wrongKey = new Dom0Settings(s.host(), s.port(), s.user(), s.keyFile(), null,
          other.hostKeyLine(), false, true, s.workDir(), s.connectTimeout());
      assertThatThrownBy(() -> SshDom0.connect(wrongKey)).isInstanceOf(Dom0ConnectionException.class)
          .hasMessageStartingWith("the host key of dom0 mirage@127.0.0.1:" + fake.port() + " does not "
              + "match the expected one; if dom0 was reinstalled, update junit.mirage.dom0.hostKey or "
              + "known_hosts, otherwise someone may be intercepting the connection (");
    }
  }

  @Test
  void verifiesAgainstKnownHosts() throws Exception {
    Path knownHosts = Files.createTempFile("known_hosts", "");
    Files.writeString(knownHosts, "[127.0.0.1]:" + fake.port() + " " + fake.hostKeyLine() + "\n");
    try (SshDom0 dom0 = SshDom0.connect(withKnownHosts(knownHosts))) {
      assertThat(dom0.isConnected()).isTrue();
    }
  }

  @Test
  void refusesAHostMissingFromKnownHosts() throws Exception {
    Path knownHosts = Files.createTempFile("known_hosts", "");
    assertThatThrownBy(() -> SshDom0.connect(withKnownHosts(knownHosts)))
        .isInstanceOf(Dom0ConnectionException.class)
        .hasMessageStartingWith("the host key of dom0 mirage@127.0.0.1:" + fake.port() + " is not in "
            + knownHosts + ": add it with ssh-keyscan -p " + fake.port() + " 127.0.0.1 >> " + knownHosts);
  }

  @Test
  void refusesAChangedHostKeyInKnownHosts() throws Exception {
    try (FakeDom0 other = FakeDom0.start((argv, in, out, err) -> 0)) {
      Path knownHosts = Files.createTempFile("known_hosts", "");
      Files.writeString(knownHosts, "[127.0.0.1]:" + fake.port() + " " + other.hostKeyLine() + "\n");
      assertThatThrownBy(() -> SshDom0.connect(withKnownHosts(knownHosts)))
          .isInstanceOf(Dom0ConnectionException.class)
          .hasMessageContaining("does not match the expected one");
    }
  }

  @Test
  void namesAKeyThatDom0Refuses() throws Exception {
    try (FakeDom0 other = FakeDom0.start((argv, in, out, err) -> 0)) {
      Dom0Settings s = fake.settings();
      Dom0Settings wrongUserKey = new Dom0Settings(s.host(), s.port(), s.user(), other.clientKey(),
          null, s.pinnedHostKey(), false, true, s.workDir(), s.connectTimeout());
      assertThatThrownBy(() -> SshDom0.connect(wrongUserKey))
          .isInstanceOf(Dom0ConnectionException.class)
          .hasMessageStartingWith("dom0 mirage@127.0.0.1:" + fake.port() + " refused the key "
              + other.clientKey() + ": append " + other.clientKey() + ".pub to ~mirage/.ssh/"
              + "authorized_keys on dom0");
    }
  }

  @Test
  void saysWhenNothingListens() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Dom0Settings s = fake.settings();
    Dom0Settings nowhere = new Dom0Settings("127.0.0.1", closed, "mirage", s.keyFile(), null,
        s.pinnedHostKey(), false, true, s.workDir(), s.connectTimeout());
    assertThatThrownBy(() -> SshDom0.connect(nowhere)).isInstanceOf(Dom0ConnectionException.class)
        .hasMessageStartingWith("nothing listens on dom0 mirage@127.0.0.1:" + closed
            + ": is dom0 up and sshd running?");
  }

  @Test
  void namesAMissingKeyFile() {
    Dom0Settings s = fake.settings();
    Dom0Settings noKey = new Dom0Settings(s.host(), s.port(), s.user(), Path.of("/nonexistent/id"),
        null, s.pinnedHostKey(), false, true, s.workDir(), s.connectTimeout());
    assertThatThrownBy(() -> SshDom0.connect(noKey)).isInstanceOf(Dom0ConnectionException.class)
        .hasMessage("SSH key /nonexistent/id for dom0 mirage@127.0.0.1:" + fake.port()
            + " does not exist or is not readable: set junit.mirage.dom0.key to your private key");
  }

  @Test
  void acceptsAnyHostKeyOnlyWhenToldLoudly() {
    Dom0Settings s = fake.settings();
    Dom0Settings insecure = new Dom0Settings(s.host(), s.port(), s.user(), s.keyFile(), null, null,
        true, true, s.workDir(), s.connectTimeout());
    try (SshDom0 dom0 = SshDom0.connect(insecure)) {
      assertThat(dom0.isConnected()).isTrue();
    }
    Dom0Settings neither = new Dom0Settings(s.host(), s.port(), s.user(), s.keyFile(),
        Path.of("/nonexistent/known_hosts"), null, false, true, s.workDir(), s.connectTimeout());
    assertThatThrownBy(() -> SshDom0.connect(neither)).hasMessage("cannot verify the host key of "
        + "dom0 mirage@127.0.0.1:" + fake.port() + ": known_hosts file /nonexistent/known_hosts is "
        + "not readable; set junit.mirage.dom0.hostKey to dom0's public host key line, or add it "
        + "with ssh-keyscan -p " + fake.port() + " 127.0.0.1 >> ~/.ssh/known_hosts");
  }

  private Dom0Settings withKnownHosts(Path knownHosts) {
    Dom0Settings s = fake.settings();
    return new Dom0Settings(s.host(), s.port(), s.user(), s.keyFile(), knownHosts, null, false, true,
        s.workDir(), s.connectTimeout());
  }
}

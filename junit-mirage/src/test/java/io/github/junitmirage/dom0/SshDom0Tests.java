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
  void connectionsClosedBeforeTheGreetingAreTriedAgain() throws Exception {
    try (SilentRelay maxStartups = SilentRelay.to(fake.port())) {
      maxStartups.dropNext(3);
      try (SshDom0 dom0 = SshDom0.connect(withConnectTimeout(fake.settings(), maxStartups.port(),
          Duration.ofSeconds(20)))) {
        assertThat(dom0.exec(List.of("echo", "in"), Duration.ofSeconds(5)).stdout())
            .isEqualTo("echo|in\n");
      }
    }
  }

  @Test
  void aDom0ThatClosesEveryConnectionBeforeTheGreetingIsNamed() throws Exception {
    try (SilentRelay maxStartups = SilentRelay.to(fake.port())) {
      maxStartups.dropNext(Integer.MAX_VALUE);
      assertThatThrownBy(() -> SshDom0.connect(withConnectTimeout(fake.settings(),
          maxStartups.port(), Duration.ofSeconds(2))))
          .isInstanceOf(Dom0ConnectionException.class)
          .hasMessageContaining("closed all")
          .hasMessageContaining("before its SSH greeting")
          .hasMessageContaining("MaxStartups");
    }
  }

  private static Dom0Settings withConnectTimeout(Dom0Settings s, int port, Duration timeout) {
    return new Dom0Settings(s.host(), port, s.user(), s.keyFile(), s.knownHosts(),
        s.pinnedHostKey(), s.insecureAcceptAnyHostKey(), s.sudo(), s.workDir(), timeout,
        s.aliveInterval(), s.keyPassphrase(), s.agentSocket());
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
  void hostPatternsInKnownHostsMatchAsOpenSshMatchesThem() throws Exception {
    String key = fake.hostKeyLine();
    int port = fake.port();
    for (String hosts : List.of("[127.0.0.*]:" + port, "[127.0.0.?]:" + port,
        "other.example,[127.0.0.1]:" + port, "!other.example,[127.*]:*")) {
      Path knownHosts = Files.createTempFile("known_hosts", "");
      Files.writeString(knownHosts, hosts + " " + key + "\n");
      try (SshDom0 dom0 = SshDom0.connect(withKnownHosts(knownHosts))) {
        assertThat(dom0.isConnected()).as(hosts).isTrue();
      }
    }
    Path negated = Files.createTempFile("known_hosts", "");
    Files.writeString(negated, "!127.0.0.1,!" + "[127.0.0.1]:" + port + ",* " + key + "\n");
    assertThatThrownBy(() -> SshDom0.connect(withKnownHosts(negated)))
        .hasMessageStartingWith("the host key of dom0 mirage@127.0.0.1:" + port + " is not in");
  }

  @Test
  void aRevokedHostKeyIsNeverAcceptedWhateverItsPattern() throws Exception {
    String key = fake.hostKeyLine();
    for (String revoked : List.of("[127.0.0.1]:" + fake.port(), "*")) {
      Path knownHosts = Files.createTempFile("known_hosts", "");
      Files.writeString(knownHosts, "@revoked " + revoked + " " + key + "\n[127.0.0.1]:"
          + fake.port() + " " + key + "\n");
      assertThatThrownBy(() -> SshDom0.connect(withKnownHosts(knownHosts)))
          .as(revoked).isInstanceOf(Dom0ConnectionException.class)
          .hasMessage("the host key dom0 [127.0.0.1]:" + fake.port() + " presented is marked "
              + "@revoked in " + knownHosts + ": it must never be accepted; if dom0 has a new key, "
              + "put that one in known_hosts");
    }
  }

  @Test
  void aHostCertificateSignedByAKnownAuthorityIsAccepted() throws Exception {
    try (FakeDom0 certified = FakeDom0.startWithHostCertificate((argv, in, out, err) -> 0);
        FakeDom0 otherCa = FakeDom0.startWithHostCertificate((argv, in, out, err) -> 0)) {
      Path knownHosts = Files.createTempFile("known_hosts", "");
      Files.writeString(knownHosts, certified.certificateAuthorityLine() + "\n");
      Dom0Settings s = certified.settings();
      try (SshDom0 dom0 = SshDom0.connect(new Dom0Settings(s.host(), s.port(), s.user(),
          s.keyFile(), knownHosts, null, false, true, s.workDir(), s.connectTimeout()))) {
        assertThat(dom0.isConnected()).isTrue();
      }
      Dom0Settings o = otherCa.settings();
      assertThatThrownBy(() -> SshDom0.connect(new Dom0Settings(o.host(), o.port(), o.user(),
          o.keyFile(), knownHosts, null, false, true, o.workDir(), o.connectTimeout())))
          .as("a certificate signed by another authority")
          .isInstanceOf(Dom0ConnectionException.class);
    }
    // A plain host key where known_hosts has only an authority: said as it is.
    Path caOnly = Files.createTempFile("known_hosts", "");
    Files.writeString(caOnly, "@cert-authority * " + fake.hostKeyLine() + "\n");
    assertThatThrownBy(() -> SshDom0.connect(withKnownHosts(caOnly)))
        .hasMessageStartingWith("dom0 [127.0.0.1]:" + fake.port() + " presented a plain host key, "
            + "and " + caOnly + " vouches for it only through @cert-authority lines");
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
            + " does not exist or is not readable, and no ssh-agent is configured: set "
            + "junit.mirage.dom0.key to your private key, or run ssh-agent (SSH_AUTH_SOCK)");
  }

  @Test
  void aKeyWithAPassphraseIsOpenedWithItAndNamedWithoutIt() throws Exception {
    Path key = newKey("s3cret pass");
    fake.authorize(Path.of(key + ".pub"));
    Dom0Settings s = fake.settings();

    assertThatThrownBy(() -> SshDom0.connect(s.withKey(key, null, null)))
        .isInstanceOf(Dom0ConnectionException.class)
        .hasMessage("the SSH key " + key + " for dom0 mirage@127.0.0.1:" + fake.port() + " is "
            + "protected by a passphrase: load it into ssh-agent (ssh-add " + key + ") or set "
            + "junit.mirage.dom0.keyPassphrase (environment: JUNIT_MIRAGE_DOM0_KEY_PASSPHRASE)");
    assertThatThrownBy(() -> SshDom0.connect(s.withKey(key, "wrong", null)))
        .hasMessage("the passphrase given for the SSH key " + key
            + " (junit.mirage.dom0.keyPassphrase) does not open it");
    try (SshDom0 dom0 = SshDom0.connect(s.withKey(key, "s3cret pass", null))) {
      assertThat(dom0.exec(List.of("true"), Duration.ofSeconds(5)).exitStatus()).isZero();
    }
  }

  @Test
  void keysHeldByAnSshAgentLogIn() throws Exception {
    Path key = newKey("agent only");
    fake.authorize(Path.of(key + ".pub"));
    Path socket = Files.createTempDirectory("agent-").resolve("sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      org.awaitility.Awaitility.await("ssh-agent's socket").atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(socket));
      ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      add.environment().put("SSH_ASKPASS_REQUIRE", "force");
      add.environment().put("SSH_ASKPASS", askpass("agent only").toString());
      add.environment().put("DISPLAY", "none");
      Process added = add.start();
      assertThat(added.waitFor()).as(new String(added.getInputStream().readAllBytes())).isZero();
      Dom0Settings s = fake.settings();

      // The passphrase-protected file is skipped (the agent holds its key) ...
      try (SshDom0 dom0 = SshDom0.connect(s.withKey(key, null, socket))) {
        assertThat(dom0.exec(List.of("true"), Duration.ofSeconds(5)).exitStatus()).isZero();
      }
      // ... and with no key file at all the agent's keys are offered.
      try (SshDom0 dom0 = SshDom0.connect(s.withKey(Path.of("/nonexistent/id"), null, socket))) {
        assertThat(dom0.isConnected()).isTrue();
      }
      // Without the agent the same settings fail.
      assertThatThrownBy(() -> SshDom0.connect(s.withKey(Path.of("/nonexistent/id"), null, null)))
          .isInstanceOf(Dom0ConnectionException.class);
    } finally {
      agent.destroy();
    }
  }

  private static Path newKey(String passphrase) throws Exception {
    Path key = Files.createTempDirectory("key-").resolve("id_ecdsa");
    Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", passphrase,
        "-f", key.toString()).redirectErrorStream(true).start();
    assertThat(keygen.waitFor()).isZero();
    return key;
  }

  /** An SSH_ASKPASS program that answers with the passphrase. */
  private static Path askpass(String passphrase) throws Exception {
    Path script = Files.createTempFile("askpass-", ".sh");
    Files.writeString(script, "#!/bin/sh\necho '" + passphrase + "'\n");
    script.toFile().setExecutable(true);
    return script;
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

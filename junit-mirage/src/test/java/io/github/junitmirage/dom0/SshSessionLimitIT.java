package io.github.junitmirage.dom0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.Dom0ConnectionException;
import io.github.junitmirage.lab.QemuXenLab;
import io.github.junitmirage.lab.TestLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab's real OpenSSH told to allow fewer sessions per connection than junit-mirage's budget
 * of {@value SshDom0#CHANNELS_PER_CONNECTION}, as an administrator may set it. OpenSSH refuses
 * the channel over the limit and keeps the connection (MINA, behind FakeDom0, ends the whole
 * session instead, so only a real sshd shows this). And told to let fewer connections log in at
 * once than a build opens, which it answers by closing them before its greeting.
 */
@org.junit.jupiter.api.parallel.Isolated("it reloads the shared lab's sshd with a low MaxSessions or MaxStartups")
class SshSessionLimitIT {
  private static final String DROP_IN = "/etc/ssh/sshd_config.d/00-junit-mirage-test.conf";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private QemuXenLab lab;
  private SshDom0 admin;

  @BeforeEach
  void connect() {
    lab = TestLab.shared();
    admin = lab.connect();
  }

  @AfterEach
  void restoreStockLimits() {
    try {
      admin.exec(List.of("rm", "-f", DROP_IN), WAIT).orThrow("rm " + DROP_IN);
      reloadSshd();
    } finally {
      admin.close();
    }
  }

  @Test
  void channelsOverALowMaxSessionsOpenOnMoreConnections() {
    limitSessions(3);
    List<Dom0.RemoteProcess> held = new ArrayList<>();
    try (SshDom0 dom0 = lab.connect()) {
      for (int i = 0; i < 7; i++) {
        held.add(dom0.start(List.of("sh", "-c", "echo up; exec sleep 300")));
      }
      assertThat(dom0.exec(List.of("echo", "still answering"), WAIT).orThrow("echo").stdout())
          .isEqualTo("still answering\n");
      for (Dom0.RemoteProcess p : held) {
        assertThat(p.isOpen()).isTrue();
        assertThat(firstLine(p)).isEqualTo("up");
      }
      // 7 long-lived channels, 3 per connection: 3 connections (the echo fit beside them).
      assertThat(dom0.connectionCount()).isEqualTo(3);
    } finally {
      held.forEach(Dom0.RemoteProcess::close);
    }
  }

  @Test
  void anSshdThatAllowsNoSessionAtAllIsNamed() {
    limitSessions(0);
    try (SshDom0 dom0 = lab.connect()) {
      assertThatThrownBy(() -> dom0.exec(List.of("true"), WAIT))
          .isInstanceOf(Dom0ConnectionException.class)
          .hasMessageContaining("refused a session channel on a connection that carried none")
          .hasMessageContaining("MaxSessions 0");
    }
  }

  @Test
  void aConnectionDroppedPastMaxStartupsIsTriedAgainUntilSshdTakesIt() throws Exception {
    // One unauthenticated connection at a time, and a raw TCP one holding that place: sshd closes
    // every other connection before its greeting, as it does past its default of 10 at random.
    limit("MaxStartups 1");
    List<String> drops = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("junit-mirage.dom0");
    java.util.logging.Handler seen = new java.util.logging.Handler() {
      @Override public void publish(java.util.logging.LogRecord r) {
        if (r.getMessage().contains("before its SSH greeting")) {
          drops.add(r.getMessage());
        }
      }
      @Override public void flush() {}
      @Override public void close() {}
    };
    log.addHandler(seen);
    java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (java.net.Socket hog = new java.net.Socket("127.0.0.1", lab.sshPort())) {
      hog.setSoTimeout((int) WAIT.toMillis());
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(hog.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine()).startsWith("SSH-2.0-");
      java.util.concurrent.Future<String> answer = thread.submit(() -> {
        try (SshDom0 dom0 = lab.connect()) {
          return dom0.exec(List.of("echo", "in"), WAIT).orThrow("echo").stdout();
        }
      });
      org.awaitility.Awaitility.await("sshd dropping junit-mirage's connection").atMost(WAIT)
          .until(() -> !drops.isEmpty() || answer.isDone());
      assertThat(answer.isDone()).as("connected while sshd's only place was taken").isFalse();
      hog.close();
      assertThat(answer.get()).isEqualTo("in\n");
    } finally {
      log.removeHandler(seen);
      thread.shutdownNow();
    }
  }

  private void limitSessions(int max) {
    limit("MaxSessions " + max);
  }

  private void limit(String line) {
    admin.exec(List.of("sh", "-c", "echo \"" + line + "\" >" + DROP_IN), WAIT)
        .orThrow("writing " + DROP_IN);
    reloadSshd();
  }

  /** SIGHUP; sshd removes its pid file and writes it again once it listens with the new config. */
  private void reloadSshd() {
    admin.exec(List.of("sh", "-c", "touch /run/junit-mirage-reload && kill -HUP $(cat /run/sshd.pid)"
        + " && for i in $(seq 600); do [ /run/sshd.pid -nt /run/junit-mirage-reload ] && exit 0;"
        + " sleep 0.1; done; echo sshd did not restart >&2; exit 1"), WAIT).orThrow("reloading sshd");
  }

  private static String firstLine(Dom0.RemoteProcess p) {
    StringBuilder line = new StringBuilder();
    try {
      for (int b = p.stdout().read(); b != -1 && b != '\n'; b = p.stdout().read()) {
        line.append((char) b);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return line.toString();
  }
}

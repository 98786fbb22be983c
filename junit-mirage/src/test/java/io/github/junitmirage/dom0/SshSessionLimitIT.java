package io.github.junitmirage.dom0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.Dom0ConnectionException;
import io.github.junitmirage.lab.QemuXenLab;
import io.github.junitmirage.lab.TestLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real OpenSSH told to allow fewer sessions per connection than junit-mirage's budget of
 * {@value SshDom0#CHANNELS_PER_CONNECTION}, as an administrator may set it. OpenSSH refuses the
 * channel over the limit and keeps the connection (MINA, behind FakeDom0, ends the whole session
 * instead, so only a real sshd shows this). And told to let fewer connections log in at once than
 * a build opens, which it answers by closing them before its greeting.
 *
 * <p>Each test starts an sshd of its own in the shared lab's dom0 (the lab's configuration and
 * host key, its own port on dom0's loopback and the limit under test on its command line) and
 * reaches it through a loopback port whose connections the lab's SSH connection carries to it; the
 * lab's own sshd, which every other test uses, is left as it is.
 */
class SshSessionLimitIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static QemuXenLab lab;
  private static SshDom0 admin;

  @BeforeAll
  static void connect() {
    lab = TestLab.shared();
    admin = lab.connect();
  }

  @AfterAll
  static void disconnect() {
    admin.close();
  }

  @Test
  void channelsOverALowMaxSessionsOpenOnMoreConnections() throws Exception {
    List<Dom0.RemoteProcess> held = new ArrayList<>();
    try (OwnSshd sshd = sshd(2201, "MaxSessions 3"); SshDom0 dom0 = sshd.connect()) {
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
  void anSshdThatAllowsNoSessionAtAllIsNamed() throws Exception {
    try (OwnSshd sshd = sshd(2202, "MaxSessions 0"); SshDom0 dom0 = sshd.connect()) {
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
    try (OwnSshd sshd = sshd(2203, "MaxStartups 1");
        java.net.Socket hog = new java.net.Socket("127.0.0.1", sshd.port())) {
      hog.setSoTimeout((int) WAIT.toMillis());
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(hog.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine()).startsWith("SSH-2.0-");
      java.util.concurrent.Future<String> answer = thread.submit(() -> {
        try (SshDom0 dom0 = sshd.connect()) {
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

  /**
   * Starts an sshd on dom0's {@code 127.0.0.1:port} with {@code option} and returns a loopback
   * port that reaches it; closing the result stops both.
   */
  private static OwnSshd sshd(int port, String option) throws java.io.IOException {
    String pid = "/run/sshd-limit-" + port + ".pid";
    admin.exec(List.of("sh", "-c", "rm -f \"$1\" && /usr/sbin/sshd -p \"$2\" -o ListenAddress=127.0.0.1"
        + " -o PidFile=\"$1\" -o \"$3\" && for i in $(seq 600); do [ -s \"$1\" ] && exit 0;"
        + " sleep 0.1; done; echo sshd wrote no pid file >&2; exit 1", "sshd", pid,
        Integer.toString(port), option), WAIT).orThrow("starting sshd with " + option);
    return new OwnSshd(port, pid);
  }

  /** A test's own sshd on dom0 and the loopback port whose connections the lab's carries to it. */
  private static final class OwnSshd implements AutoCloseable {
    private final java.net.ServerSocket local =
        new java.net.ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
    private final String pidFile;

    OwnSshd(int dom0Port, String pidFile) throws java.io.IOException {
      this.pidFile = pidFile;
      java.net.InetSocketAddress target = new java.net.InetSocketAddress("127.0.0.1", dom0Port);
      Thread acceptor = new Thread(() -> {
        while (!local.isClosed()) {
          try {
            java.net.Socket socket = local.accept();
            try {
              admin.carry(socket, target, WAIT);
            } catch (java.io.IOException | RuntimeException e) {
              socket.close();
            }
          } catch (java.io.IOException e) {
            return; // closed
          }
        }
      }, "sshd-" + dom0Port + "-relay");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return local.getLocalPort();
    }

    SshDom0 connect() {
      Dom0Settings s = lab.settings();
      return SshDom0.connect(s.with(port(), s.aliveInterval()));
    }

    @Override
    public void close() throws java.io.IOException {
      local.close();
      admin.exec(List.of("sh", "-c", "kill $(cat \"$1\") && rm -f \"$1\"", "stop", pidFile), WAIT)
          .orThrow("stopping the test's sshd");
    }
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

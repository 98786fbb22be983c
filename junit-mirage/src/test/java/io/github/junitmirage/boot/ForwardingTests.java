package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.dom0.FakeDom0;
import io.github.junitmirage.dom0.SshDom0;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The injected HTTP client reaches its target through dom0's SSH forwarding, not directly. */
class ForwardingTests {

  @Test
  void requestsTravelThroughDom0() throws Exception {
    try (FakeDom0 fake = FakeDom0.start((argv, in, out, err) -> 0);
         SshDom0 dom0 = SshDom0.connect(fake.settings());
         MockWebServer server = new MockWebServer()) {
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      server.enqueue(new MockResponse.Builder().body("Hello Mirage World!\n").build());
      server.enqueue(new MockResponse.Builder().body("again").build());
      OkHttpClient http = HttpClients.throughDom0(dom0, Timeouts.of(1));
      String url = "http://127.0.0.1:" + server.getPort() + "/index.html";
      try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
      }
      try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(r.body().string()).isEqualTo("again");
      }
      RecordedRequest recorded = server.takeRequest();
      assertThat(recorded.getTarget()).isEqualTo("/index.html");
      assertThat(fake.forwarded()).contains("127.0.0.1:" + server.getPort());
    }
  }

  /** Before, a target dom0 could not reach was a socket closed at once: "unexpected end of stream". */
  @Test
  void aTargetDom0CannotReachFailsTheConnectSayingWhy() throws Exception {
    int closed = freePort(); // nothing listens there (yet)
    // What a real dom0 says when asked again (its ARP entry, a second connect's error).
    FakeDom0.Script dom0Says = (argv, in, out, err) -> {
      if (argv.size() > 3 && argv.get(3).equals("neighbour")) {
        FakeDom0.print(out, argv.get(4) + " dev lo lladdr 00:00:00:00:00:00 REACHABLE\n");
      }
      if (argv.size() > 3 && argv.get(3).equals("probe")) {
        FakeDom0.print(out, "ARP entry: none\nconnecting again: Connection refused\n");
      }
      return 0;
    };
    try (FakeDom0 fake = FakeDom0.start(dom0Says);
         SshDom0 dom0 = SshDom0.connect(fake.settings())) {
      OkHttpClient http = HttpClients.throughDom0(dom0, Timeouts.of(1));
      assertThatThrownBy(() -> http.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + closed + "/").build()).execute())
          .isInstanceOf(java.net.ConnectException.class)
          .rootCause().isInstanceOf(com.jcraft.jsch.JSchException.class);
      assertThatThrownBy(() -> http.newCall(new Request.Builder()
          .url("http://127.0.0.1:" + closed + "/").build()).execute())
          .satisfies(e -> assertThat(causes(e)).anyMatch(m -> m.contains("dom0 "
              + dom0.describe() + " cannot connect to 127.0.0.1:" + closed + ": dom0 could not "
              + "connect (nothing listens on that port, or the address is unreachable from dom0); "
              + "dom0 now: ARP entry: none; connecting again: Connection refused")));
      assertThat(fake.commands()).anySatisfy(c -> assertThat(c).containsSubsequence("sh", "-c")
          .contains("probe", "127.0.0.1", Integer.toString(closed)));
      // This fake's sshd forwards to loopback only, as a real one may forbid forwarding.
      assertThatThrownBy(() -> http.newCall(new Request.Builder()
          .url("http://192.168.56.101/").build()).execute())
          .satisfies(e -> assertThat(causes(e)).anyMatch(m -> m.contains("cannot connect to "
              + "192.168.56.101:80: its sshd does not allow TCP forwarding")));
      assertThat(fake.forwarded()).contains("192.168.56.101:80");
    }
  }

  /**
   * A unikernel that got its lease a moment ago may leave dom0's ARP requests unanswered for a
   * few seconds (seen in the lab: "ARP entry: INCOMPLETE; connecting again: connected"); while
   * dom0 has not found the target, the connect is tried again within its timeout.
   */
  @Test
  void aTargetDom0HasNotFoundYetIsTriedAgainWithinTheConnectTimeout() throws Exception {
    int port = freePort(); // nothing listens there (yet)
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    FakeDom0.Script stillLooking = (argv, in, out, err) -> {
      if (argv.size() > 3 && argv.get(3).equals("neighbour")) {
        asked.incrementAndGet();
        FakeDom0.print(out, argv.get(4) + " dev br0 INCOMPLETE\n");
      }
      return 0;
    };
    try (FakeDom0 fake = FakeDom0.start(stillLooking);
         SshDom0 dom0 = SshDom0.connect(fake.settings());
         MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().body("found").build());
      Thread later = new Thread(() -> {
        try {
          Thread.sleep(1_500);
          server.start(java.net.InetAddress.getByName("127.0.0.1"), port);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      later.start();
      OkHttpClient http = HttpClients.throughDom0(dom0, Timeouts.of(1));
      try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/")
          .build()).execute()) {
        assertThat(r.body().string()).isEqualTo("found");
      }
      later.join();
      assertThat(asked.get()).isPositive();
    }
  }

  /** dom0 found the target only after the connect failed (a late ARP reply): tried once more. */
  @Test
  void aTargetFoundJustAfterTheConnectFailedIsTriedOnceMore() throws Exception {
    int port = freePort(); // nothing listens there (yet)
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().body("found late").build());
      FakeDom0.Script foundMeanwhile = (argv, in, out, err) -> {
        if (argv.size() > 3 && argv.get(3).equals("neighbour")) {
          if (!server.getStarted()) {
            server.start(java.net.InetAddress.getByName("127.0.0.1"), port);
          }
          FakeDom0.print(out, argv.get(4) + " dev br0 lladdr 02:00:00:00:00:01 REACHABLE\n");
        }
        return 0;
      };
      try (FakeDom0 fake = FakeDom0.start(foundMeanwhile);
           SshDom0 dom0 = SshDom0.connect(fake.settings())) {
        OkHttpClient http = HttpClients.throughDom0(dom0, Timeouts.of(1));
        try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/")
            .build()).execute()) {
          assertThat(r.body().string()).isEqualTo("found late");
        }
      }
    }
  }

  /** A port on 127.0.0.1 that was free a moment ago. */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static java.util.List<String> causes(Throwable e) {
    java.util.List<String> messages = new java.util.ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }
}

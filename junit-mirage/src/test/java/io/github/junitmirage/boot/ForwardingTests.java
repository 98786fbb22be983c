package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;

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
}

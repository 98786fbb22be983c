package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.junit.MirageUnikernel;
import java.io.IOException;
import java.net.InetAddress;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * A real MirageOS 4 static website, tested as its developer would: boot, fetch /, compare. No type
 * given: the kernel's ELF notes say PVH.
 */
@MirageUnikernel(name = "www", kernel = RealMirage.WWW)
class StaticWebsiteIT {

  @Test
  void servesHelloMirageWorld(OkHttpClient http, InetAddress ip) throws IOException {
    Request home = new Request.Builder().url("http://" + ip.getHostAddress() + "/").build();
    try (Response response = http.newCall(home).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("Hello Mirage World!\n");
    }
  }

  @Test
  void injectedAddressIsTheOneTheConsoleReported(Unikernel www, InetAddress ip) {
    assertThat(www.ip()).isEqualTo(ip);
    assertThat(www.readyLine()).contains("Lease obtained! IP: " + ip.getHostAddress());
    assertThat(www.gateway()).contains("192.168.56.1");
    assertThat(www.domainName()).matches("www(-[0-9]+)?-jm[0-9a-f]{10}"); // -2 after a retry
    assertThat(www.isRunning()).isTrue();
    assertThat(www.xlConfig()).contains("type = 'pvh'\n");
    assertThat(www.console()).contains("Solo5: Bindings version v0.8.0")
        .anyMatch(l -> l.endsWith("[INFO] [net-xen frontend] MAC: " + www.mac()));
    assertThat(www.xlConfig()).contains("type = 'pvh'\n");
    assertThat(www.console()).contains("Solo5: Bindings version v0.8.0")
        .anyMatch(l -> l.endsWith("[INFO] [net-xen frontend] MAC: " + www.mac()));
  }
}

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
 * A static address given on the kernel command line, Mirage 4 style, instead of DHCP: outside the
 * lab's DHCP range (192.168.56.20-250), which the examples beside it draw from.
 */
@MirageUnikernel(name = "static", kernel = RealMirage.WWW_STATIC,
    cmdline = "--ipv4=192.168.56.254/24 --ipv4-gateway=192.168.56.1", readyHttpPath = "/")
class StaticAddressIT {

  @Test
  void usesTheAddressFromTheCommandLine(Unikernel u, InetAddress ip) throws Exception {
    assertThat(ip).isEqualTo(InetAddress.getByName("192.168.56.254"));
    // Mirage 4.4.2 prints the address without its prefix length: "ip=192.168.56.254, fe80::...".
    assertThat(u.readyLine()).contains("Dual TCP/IP stack assembled: mac=" + u.mac()
        + ",ip=192.168.56.254, fe80::");
  }

  @Test
  void answersOnIt(OkHttpClient http) throws IOException {
    Request home = new Request.Builder().url("http://192.168.56.254/").build();
    try (Response r = http.newCall(home).execute()) {
      assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
    }
  }
}

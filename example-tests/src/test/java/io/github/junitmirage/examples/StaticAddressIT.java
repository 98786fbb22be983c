package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.junit.MirageUnikernel;
import io.github.junitmirage.junit.Unikernel;
import java.io.IOException;
import java.net.InetAddress;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** A static address given on the kernel command line, Mirage 4 style, instead of DHCP. */
@MirageUnikernel(name = "static", kernel = StandIn.KERNEL, ramdisk = StandIn.RAMDISK,
    cmdline = StandIn.CONSOLE + "mirage.dialect=4 --ipv4=192.168.56.20/24 --ipv4-gateway=192.168.56.1",
    readyHttpPath = "/")
class StaticAddressIT {

  @Test
  void usesTheAddressFromTheCommandLine(Unikernel u, InetAddress ip) throws Exception {
    assertThat(ip).isEqualTo(InetAddress.getByName("192.168.56.20"));
    assertThat(u.readyLine()).contains("ip=192.168.56.20/24");
    assertThat(u.captured()).containsEntry("prefixLength", "24");
  }

  @Test
  void answersOnIt(OkHttpClient http) throws IOException {
    Request home = new Request.Builder().url("http://192.168.56.20/").build();
    try (Response r = http.newCall(home).execute()) {
      assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
    }
  }
}

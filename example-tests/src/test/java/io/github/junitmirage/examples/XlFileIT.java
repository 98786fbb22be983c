package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.junit.MirageUnikernel;
import io.github.junitmirage.junit.Unikernel;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Boots from an existing xl file, as a Mirage project has one, with the memory set here. */
@MirageUnikernel(name = "fromfile", xlFile = "src/test/resources/www.xl", memoryMb = 112)
class XlFileIT {

  @Test
  void bootsWhatTheXlFileDescribes(Unikernel u) throws IOException {
    assertThat(u.xlConfig()).contains("memory = 112\n", "type = 'pv'\n", "vcpus = 1\n",
        "vif = [ 'mac=" + u.mac() + ",bridge=br0' ]", "name = '" + u.domainName() + "'");
    assertThat(u.readyLine()).contains("INF [dhcp_client_lwt] Lease obtained! IP: " + u.ip().getHostAddress());
    try (Response r = u.httpClient().newCall(new Request.Builder().url(u.url("/")).build()).execute()) {
      assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
    }
  }
}

package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.junit.MirageUnikernel;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Boots from the xl files that {@code mirage configure -t xen} wrote, as a Mirage project has
 * them: {@code www.xl} (kernel beside it, memory 256, bridge br0) and its template {@code
 * www.xl.in} (with {@code @NAME@}, {@code @KERNEL@}, {@code @MEMORY@}, {@code @NETWORK:0@}). The
 * two tests boot side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
class XlFileIT {

  @Test
  @MirageUnikernel(name = "fromxl", xlFile = RealMirage.WWW_XL, memoryMb = 64)
  void bootsTheXlFileMirageConfigureWrote(Unikernel u) throws IOException {
    assertThat(u.xlConfig()).contains("memory = 64\n", "type = 'pvh'\n", "disk = [  ]\n",
        "vif = [ 'mac=" + u.mac() + ",bridge=br0' ]", "name = '" + u.domainName() + "'");
    assertThat(u.readyLine()).contains("[dhcp_client_lwt] Lease obtained! IP: " + u.ip().getHostAddress());
    assertServesHello(u);
  }

  @Test
  @MirageUnikernel(name = "fromtemplate", xlFile = RealMirage.WWW_XL_IN)
  void bootsItsTemplateWithThePlaceholdersFilledIn(Unikernel u) throws IOException {
    assertThat(u.xlConfig()).contains("memory = 128\n", "type = 'pvh'\n",
        "vif = [ 'mac=" + u.mac() + ",bridge=br0' ]").doesNotContain("@");
    assertThat(u.xlConfig().lines().filter(l -> l.startsWith("kernel = ")).findFirst().orElseThrow())
        .endsWith("/www.xen'");
    assertServesHello(u);
  }

  private static void assertServesHello(Unikernel u) throws IOException {
    try (Response r = u.httpClient().newCall(new Request.Builder().url(u.url("/")).build()).execute()) {
      assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
    }
  }
}

package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.lab.QemuXenLab;
import io.github.junitmirage.lab.TestLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The classic set-up, configured rather than defaulted: the lab's dom0 reached as user
 * {@code mirage} with {@code sudo -n xl}, host key from a known_hosts file, the default work
 * folder, and the kernel uploaded, as junit-mirage would run against a VirtualBox VM.
 */
class ConfiguredDom0IT {

  @Test
  @org.junit.jupiter.api.parallel.ResourceLock(TestLab.MIRAGE_WORK_FOLDER)
  void mirageUserWithSudoAndKnownHosts() throws IOException {
    QemuXenLab lab = TestLab.shared();
    Path knownHosts = Files.createTempFile("known_hosts", "");
    Files.writeString(knownHosts, "[127.0.0.1]:" + lab.sshPort() + " " + lab.image().hostKey() + "\n");
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
        .configurationParameter(MirageSettings.DOM0_HOST, "127.0.0.1")
        .configurationParameter(MirageSettings.DOM0_PORT, Integer.toString(lab.sshPort()))
        .configurationParameter(MirageSettings.DOM0_KEY, lab.image().file("ssh.key").toString())
        .configurationParameter(MirageSettings.DOM0_KNOWN_HOSTS, knownHosts.toString())
        .configurationParameter("www.kernel", TestLab.unikernel("www.xen").toString())
        .selectors(selectClass(ClassicTestCase.class)).execute();
    assertThat(results.allEvents().failed().stream()
        .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
            .getThrowable().map(Throwable::getMessage).orElse("?")))
        .as("failures").isEmpty();
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
  }

  @MirageUnikernel(name = "classic", kernel = "${www.kernel}")
  static class ClassicTestCase {
    @Test
    void test(Unikernel u, OkHttpClient http) throws IOException {
      assertThat(u.dom0()).startsWith("mirage@127.0.0.1:");
      assertThat(u.xlConfig()).contains("kernel = '/tmp/junit-mirage-mirage/images/");
      assertThat(u.readyLine()).contains("[dhcp_client_lwt] Lease obtained! IP: " + u.ip().getHostAddress());
      try (Response r = http.newCall(new Request.Builder().url(u.baseUrl()).build()).execute()) {
        assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
      }
    }
  }
}

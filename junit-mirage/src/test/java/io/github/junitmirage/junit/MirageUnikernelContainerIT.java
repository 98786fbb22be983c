package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.lab.TestLab;
import java.nio.file.Path;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.testcontainers.lifecycle.Startable;

/** A unikernel driven as a Testcontainers Startable, outside the annotation. */
class MirageUnikernelContainerIT {
  private static final Path WWW = TestLab.unikernel("www.xen");

  @Test
  void startsServesAndStops() throws Exception {
    MirageUnikernelContainer www = new MirageUnikernelContainer("tc", WWW).withMemoryMb(32);
    try (Startable startable = www) {
      startable.start();
      Unikernel u = www.unikernel();
      assertThat(u.domainName()).startsWith("tc-jm");
      assertThat(u.xlConfig()).as("type read from the kernel's ELF notes").contains("type = 'pvh'\n");
      try (Response r = u.httpClient().newCall(new Request.Builder().url(u.baseUrl()).build()).execute()) {
        assertThat(r.body().string()).isEqualTo("Hello Mirage World!\n");
      }
      assertThatThrownBy(() -> www.withMemoryMb(64)).isInstanceOf(IllegalStateException.class)
          .hasMessage("unikernel tc is already started: change its settings before start()");
      startable.stop();
      assertThat(u.isRunning()).isFalse();
      assertThatThrownBy(www::unikernel).hasMessage("unikernel tc is not started: call start() first");
    }
  }

  @Test
  void refusesWhatCannotWork() {
    assertThatThrownBy(() -> new MirageUnikernelContainer("www", Path.of("/nonexistent.xen")))
        .hasMessage("kernel /nonexistent.xen does not exist or is not a file");
    assertThatThrownBy(() -> new MirageUnikernelContainer("w w", WWW))
        .hasMessageStartingWith("name 'w w' is not usable in a Xen domain name");
  }
}

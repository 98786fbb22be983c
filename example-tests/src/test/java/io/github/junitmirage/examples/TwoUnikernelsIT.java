package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.junit.MirageUnikernel;
import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Two unikernels in one class, declared as fields: each gets its own domain, MAC and address. */
class TwoUnikernelsIT {

  @MirageUnikernel(kernel = RealMirage.WWW)
  static Unikernel alpha;

  @MirageUnikernel(kernel = RealMirage.WWW)
  static Unikernel beta;

  @Test
  void addressesDiffer() {
    assertThat(alpha.ip()).isNotEqualTo(beta.ip());
    assertThat(alpha.mac()).isNotEqualTo(beta.mac());
    assertThat(alpha.domainName()).startsWith("alpha-jm");
    assertThat(beta.domainName()).startsWith("beta-jm");
  }

  @Test
  void bothAnswer() throws IOException {
    for (Unikernel u : new Unikernel[] {alpha, beta}) {
      try (Response r = u.httpClient().newCall(new Request.Builder().url(u.baseUrl()).build()).execute()) {
        assertThat(r.body().string()).as(u.name()).isEqualTo("Hello Mirage World!\n");
      }
    }
  }
}

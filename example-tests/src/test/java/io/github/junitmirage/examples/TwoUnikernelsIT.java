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
    // Named after the declaration; "alpha-2-jm..." when a timed-out first attempt was retried.
    assertThat(alpha.domainName()).matches("alpha(-[0-9]+)?-jm[0-9a-f]{10}");
    assertThat(beta.domainName()).matches("beta(-[0-9]+)?-jm[0-9a-f]{10}");
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

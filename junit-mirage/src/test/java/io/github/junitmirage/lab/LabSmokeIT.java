package io.github.junitmirage.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.internal.LabSmoke;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lab's smoke check, as {@code fixtures/lab/lab smoke} runs it. */
class LabSmokeIT {

  @Test
  void bootsCreatesServesDestroysAndStops() {
    LabSmoke.Result r = LabSmoke.run(TestLab.image(), 1, System.out);
    assertThat(r.bodies()).containsExactly("200 Hello Mirage World!\n");
    assertThat(r.xlListAfter().strip().lines().skip(1))
        .singleElement().asString().startsWith("Domain-0 ");
    assertThat(r.labStart()).isLessThan(Duration.ofSeconds(180));
    assertThat(r.createToLease()).singleElement().isInstanceOfSatisfying(Duration.class,
        d -> assertThat(d).isLessThan(Duration.ofSeconds(120)));
  }
}

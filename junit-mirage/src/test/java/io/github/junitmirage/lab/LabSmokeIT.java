package io.github.junitmirage.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lab's smoke check, as {@code fixtures/lab/lab smoke} runs it: stand-in and real www. */
@org.junit.jupiter.api.parallel.Isolated("a second QEMU beside the shared lab takes the CPU its tests need")
class LabSmokeIT {

  @Test
  void bootsCreatesServesDestroysAndStops() {
    LabSmoke.Result r = LabSmoke.run(TestLab.image(), Optional.of(TestLab.unikernel("www.xen")), 1,
        System.out);
    assertThat(r.bodies()).containsExactly("200 Hello Mirage World!\n", "200 Hello Mirage World!\n");
    assertThat(r.xlListAfter().strip().lines().skip(1))
        .singleElement().asString().startsWith("Domain-0 ");
    assertThat(r.createToLease()).hasSize(1);
    assertThat(r.realCreateToLease()).hasSize(1);
  }
}

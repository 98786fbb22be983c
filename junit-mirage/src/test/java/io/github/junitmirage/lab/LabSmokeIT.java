package io.github.junitmirage.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lab's smoke rounds, as {@code fixtures/lab/lab smoke} runs them (stand-in and real www), on
 * the shared lab beside the other lab tests: a lab of its own would only boot what {@link
 * QemuXenLabIT} boots already, and take the CPU the shared lab's tests need.
 */
class LabSmokeIT {

  @Test
  void createsServesAndDestroysBothGuests() {
    LabSmoke.Result r = LabSmoke.on(TestLab.shared(), Optional.of(TestLab.unikernel("www.xen")), 1,
        System.out);
    assertThat(r.bodies()).containsExactly("200 Hello Mirage World!\n", "200 Hello Mirage World!\n");
    assertThat(r.domains()).hasSize(2);
    assertThat(r.xlListAfter()).startsWith("Name ").contains("\nDomain-0 ");
    assertThat(r.leftBehind()).as(r.xlListAfter()).isEmpty();
    assertThat(r.createToLease()).hasSize(1);
    assertThat(r.realCreateToLease()).hasSize(1);
  }
}

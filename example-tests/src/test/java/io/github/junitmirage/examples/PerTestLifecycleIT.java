package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.junit.MirageUnikernel;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** An instance field gets a fresh unikernel for every test; the previous one is destroyed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerTestLifecycleIT {
  private static Unikernel first;

  @MirageUnikernel(kernel = RealMirage.WWW)
  Unikernel fresh;

  @Test
  @Order(1)
  void firstTestGetsOne() {
    first = fresh;
    assertThat(fresh.isRunning()).isTrue();
  }

  @Test
  @Order(2)
  void secondTestGetsAnotherAndTheFirstIsGone() {
    assertThat(first).as("first test ran").isNotNull();
    assertThat(fresh.domainName()).isNotEqualTo(first.domainName());
    assertThat(fresh.isRunning()).isTrue();
    assertThat(first.isRunning()).as("first unikernel destroyed after its test").isFalse();
  }
}

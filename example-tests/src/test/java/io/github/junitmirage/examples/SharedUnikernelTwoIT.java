package io.github.junitmirage.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.Unikernel;
import org.junit.jupiter.api.Test;

/** Uses the run-wide unikernel; whichever of the two classes runs second sees the same domain. */
@SharedUnikernel
class SharedUnikernelTwoIT {

  @Test
  void seesTheSharedDomain(Unikernel shared) {
    SharedUnikernel.SEEN.add(shared.domainName());
    assertThat(SharedUnikernel.SEEN).containsExactly(shared.domainName());
    assertThat(shared.isRunning()).isTrue();
  }
}

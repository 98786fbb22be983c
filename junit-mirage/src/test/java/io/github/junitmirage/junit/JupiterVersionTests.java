package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JupiterVersionTests {

  @ParameterizedTest
  @CsvSource({"5.10.2, true", "5.12.9, true", "5.13.0, false", "5.13.4, false", "5.14.1, false",
      "6.0.0, false", "6.1.3, false", "6.0.0-M1, false", "5.13.0-RC1, false", "4.13, true"})
  void comparesDottedVersions(String found, boolean older) {
    assertThat(JupiterVersion.isOlder(found, "5.13")).isEqualTo(older);
  }

  @Test
  void theJupiterOfThisBuildIsAccepted() {
    assertThatNoException().isThrownBy(JupiterVersion::require);
  }
}

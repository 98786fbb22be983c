package io.github.junitmirage.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BootMarkersTests {

  @ParameterizedTest
  @ValueSource(strings = {"Xen Minimal OS!", "MirageOS booting...", "Mirage: start_kernel",
      "xencaml: app_main_thread", "Solo5: Bindings version v0.8.0",
      "Solo5: Xen console: port 0x2, ring @0x00000000FEFFF000"})
  void recognisesTheBannersOfEveryGeneration(String line) {
    assertThat(BootMarkers.isBootMarker(line)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Solo5: Memory map: 80 MB addressable:", "Netif: add resume hook",
      "2023-05-01T10:00:00-00:00: [INFO] [application] MirageOS booting...", ""})
  void ignoresOtherLines(String line) {
    assertThat(BootMarkers.isBootMarker(line)).isFalse();
  }
}

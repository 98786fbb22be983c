package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScriptsTests {

  @Test
  void aScriptKeepsItsFirstLineAndItsCodeWithoutTheOtherComments() {
    assertThat(Scripts.withoutComments("# junit-mirage run watchdog: $1 = tag\n# why\nx=1\n  # more\n"
        + "echo \"# not a comment\"\n")).isEqualTo("# junit-mirage run watchdog: $1 = tag\nx=1\n"
        + "echo \"# not a comment\"\n");
  }

  @Test
  void theWatchdogNamesItselfFirstAndFitsInto4KiB() {
    assertThat(Scripts.WATCHDOG).startsWith("# junit-mirage run watchdog: ").hasSizeLessThan(4096)
        .doesNotContainPattern("(?m)^\\s*#(?! junit-mirage run watchdog)");
  }
}

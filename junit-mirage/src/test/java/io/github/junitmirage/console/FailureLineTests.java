package io.github.junitmirage.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.console.FailureLine.Kind;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FailureLineTests {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      Fatal error: exception Failure("boom") | UNCAUGHT_EXCEPTION | -
      Fatal error: exception Not_found | UNCAUGHT_EXCEPTION | -
      Fatal error: out of memory. | OUT_OF_MEMORY | -
      Fatal error: exception Out of memory | OUT_OF_MEMORY | -
      TESTING exit Fatal error: exception Failure("x") | UNCAUGHT_EXCEPTION | -
      Solo5: ABORT: Stack corruption detected | ABORT | -
      ABORT: mem.c:42: assertion failed | ABORT | -
      Top level exception: Invalid_argument("x") | UNCAUGHT_EXCEPTION | -
      Mirage exiting with status 3 | EXIT | 3
      Mirage exiting with status 0 | EXIT | 0
      Do_exit called! | EXIT | -
      main returned 1 | EXIT | 1
      Solo5: solo5_exit(0) called | EXIT | 0
      Solo5: solo5_exit(2) called | EXIT | 2
      Solo5: solo5_abort() called | ABORT | -
      Solo5: ABORT: mem.c:42: assertion failed | ABORT | -
      Solo5: trap: type=#PF ec=0x0 rip=0x1 rsp=0x2 rflags=0x3 | TRAP | -
      Page fault at linear address 0x0, rip 0x1, regs 0x2, sp 0x3, our_sp 0x4, code 0 | PAGE_FAULT | -
      """)
  void recognisesFailureAndExitMarkers(String line, Kind kind, Integer status) {
    FailureLine f = FailureLine.match(line).orElseThrow();
    assertThat(f.kind()).isEqualTo(kind);
    assertThat(f.exitStatus()).isEqualTo(status == null ? OptionalInt.empty() : OptionalInt.of(status));
    assertThat(f.isCleanExit()).isEqualTo(status != null && status == 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2023-05-01T10:00:00-00:00: [INFO] [application] Fatal error: exception handled gracefully",
      "2019-02-11 10:00:00 -00:00: INF [application] we saw Fatal error: out of memory in a test",
      "2026-11-24T23:57:01-00:00: [INFO] [dhcp_client_lwt] Timeout expired without a usable lease!  Starting over...",
      "MirageOS booting...",
      "Solo5: Bindings version v0.8.0",
      "Raised at Stdlib.failwith in file \"stdlib.ml\", line 29"})
  void ignoresOrdinaryLines(String line) {
    assertThat(FailureLine.match(line)).isEmpty();
  }
}

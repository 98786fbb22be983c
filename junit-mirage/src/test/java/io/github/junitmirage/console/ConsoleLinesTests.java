package io.github.junitmirage.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleLinesTests {

  @Test
  void stripsAnsiCarriageReturnsAndXenconsoledTimestamps() {
    assertThat(ConsoleLines.clean("\u001B[32;1mMirageOS booting...\u001B[0m\r"))
        .isEqualTo("MirageOS booting...");
    assertThat(ConsoleLines.clean("[2024-01-02 03:04:05] Solo5: Bindings version v0.8.0"))
        .isEqualTo("Solo5: Bindings version v0.8.0");
    assertThat(ConsoleLines.clean("plain")).isEqualTo("plain");
  }

  @Test
  void assemblesLinesFromArbitraryPieces() {
    LineAssembler a = new LineAssembler(1024);
    byte[] bytes = "first\r\nsec".getBytes(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(a.feed(bytes, 0, bytes.length));
    byte[] rest = "ond\ninner\nthird".getBytes(StandardCharsets.UTF_8);
    for (byte b : rest) {
      lines.addAll(a.feed(new byte[] {b}, 0, 1));
    }
    lines.addAll(a.finish());
    assertThat(lines).containsExactly("first", "second", "inner", "third");
    assertThat(a.finish()).isEmpty();
  }

  @Test
  void cutsOverlongLinesInsteadOfGrowingForever() {
    LineAssembler a = new LineAssembler(10);
    byte[] bytes = "0123456789abcdefghijXYZ\n".getBytes(StandardCharsets.UTF_8);
    assertThat(a.feed(bytes, 0, bytes.length)).containsExactly("0123456789", "abcdefghij", "XYZ");
  }

  @Test
  void keepsMultiByteCharactersWhole() {
    LineAssembler a = new LineAssembler(1024);
    byte[] bytes = "caf\u00e9 \u2603\n".getBytes(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    for (byte b : bytes) {
      lines.addAll(a.feed(new byte[] {b}, 0, 1));
    }
    assertThat(lines).containsExactly("caf\u00e9 \u2603");
  }

  @Test
  void transcriptKeepsOrderDropsOldestAndCountsThem() {
    ConsoleTranscript t = new ConsoleTranscript(3);
    for (String s : List.of("a", "b", "c", "d", "e")) {
      t.add(s);
    }
    assertThat(t.lines()).containsExactly("c", "d", "e");
    assertThat(t.size()).isEqualTo(5);
    assertThat(t.since(3)).containsExactly("d", "e");
    assertThat(t.since(0)).containsExactly("c", "d", "e");
    assertThat(t.tail(2)).containsExactly("d", "e");
    assertThat(t.text()).isEqualTo("(2 earlier lines dropped)\nc\nd\ne\n");
  }
}

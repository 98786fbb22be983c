package io.github.junitmirage.dom0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each argument must reach the command unchanged, checked by running a real /bin/sh. */
class ShellQuotingTests {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "with space", "it's", "\"double\"", "$(id)", "`id`", "a;b&&c||d",
      "*", "~root", "new\nline", "tab\t", "back\\slash", "'", "''", "\u00e9\u2603", "-n", "--",
      "$HOME", "a=b", "", ".."})
  void argumentReachesTheCommandUnchanged(String argument) throws Exception {
    assertThat(throughShell(List.of("printf", "%s\\0", argument, "end"))).containsExactly(argument, "end");
  }

  @Test
  void veryLongArgumentReachesTheCommandUnchanged() throws Exception {
    String longArgument = "x'y\n".repeat(3000);
    assertThat(throughShell(List.of("printf", "%s\\0", longArgument))).containsExactly(longArgument);
  }

  @Test
  void leavesSafeWordsUnquoted() {
    assertThat(ShellQuoting.join(List.of("xl", "create", "-c", "/tmp/junit-mirage/runs/x.xl")))
        .isEqualTo("xl create -c /tmp/junit-mirage/runs/x.xl");
    assertThat(ShellQuoting.join(List.of("echo", "a b", "it's")))
        .isEqualTo("echo 'a b' 'it'\\''s'");
  }

  @Test
  void rejectsNulAndEmptyCommands() {
    assertThatThrownBy(() -> ShellQuoting.quote("a\0b"))
        .hasMessage("argument contains NUL, which no shell can pass: a\\0b");
    assertThatThrownBy(() -> ShellQuoting.join(List.of())).hasMessage("command is empty");
  }

  private static List<String> throughShell(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/bin/sh", "-c", ShellQuoting.join(command)).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    List<String> parts = new ArrayList<>(List.of(new String(out, StandardCharsets.UTF_8).split("\0", -1)));
    parts.remove(parts.size() - 1);
    return parts;
  }
}

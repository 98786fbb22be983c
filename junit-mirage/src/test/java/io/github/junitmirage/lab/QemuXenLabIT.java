package io.github.junitmirage.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.junitmirage.MirageException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lab's own failure modes: too slow a boot, and the JVM that started it dying. */
class QemuXenLabIT {

  @Test
  void slowBootFailsWithTheSerialConsoleAndLeavesNoQemu() {
    Throwable t = catchThrowable(() -> QemuXenLab.start(TestLab.image(),
        LabOptions.defaults().withBootTimeout(Duration.ofSeconds(3))));
    assertThat(t).isInstanceOf(MirageException.class)
        .hasMessageStartingWith("lab dom0 did not report ready within PT3S (raise "
            + "junit.mirage.timeoutFactor on a slow host)\n--- last lines of the lab's serial console (");
    String serial = t.getMessage().replaceAll("(?s).*serial console \\((\\S+)\\) ---.*", "$1");
    assertThat(qemuUsing(serial)).as("QEMU processes left for " + serial).isZero();
  }

  @Test
  void qemuDiesWithTheJvmThatStartedIt() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LabChild.class.getName(),
        TestLab.image().dir().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String up = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(up).startsWith("UP ");
    String serial = up.substring(3);
    assertThat(qemuUsing(serial)).as("QEMU processes for " + serial).isEqualTo(1);
    long t0 = System.nanoTime();
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    while (anyUsing(serial) > 0 && System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos()) {
      Thread.sleep(200);
    }
    System.out.printf("FAULT %-60s -> QEMU gone after %d ms%n", "JVM that started the lab killed with SIGKILL",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(anyUsing(serial)).as("QEMU and guard processes left").isZero();
  }

  /** QEMU itself (not its guard shell, whose arguments name it too). */
  private static long qemuUsing(String serialLog) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/qemu-system-x86_64")).orElse(false))
        .filter(p -> p.info().commandLine().map(c -> c.contains("file:" + serialLog)).orElse(false))
        .count();
  }

  /** QEMU and the guard processes around it. */
  private static long anyUsing(String serialLog) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("file:" + serialLog)).orElse(false))
        .count();
  }
}

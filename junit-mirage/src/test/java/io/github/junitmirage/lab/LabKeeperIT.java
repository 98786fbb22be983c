package io.github.junitmirage.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.dom0.SshDom0;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One lab for many JVMs: a second JVM attaches to the lab the first one's keeper started (no
 * second QEMU); the lab lives while any of them does, and stops once none has for the idle time;
 * a keeper that is killed takes its QEMU with it. Each test keeps a lab of its own instance, so
 * the build's shared lab is not touched.
 */
@org.junit.jupiter.api.parallel.Isolated("a second QEMU beside the shared lab takes the CPU its tests need")
class LabKeeperIT {
  @Test
  void aSecondJvmAttachesAndTheLabStopsOnceTheLastHasGoneAndTheIdleTimePassed() throws Exception {
    Duration idle = Duration.ofSeconds(1);
    QemuXenLab mine = LabKeeper.attach(TestLab.image(), LabOptions.defaults(), idle, "it-idle");
    Process other = child("it-idle", idle);
    String[] up = new BufferedReader(new InputStreamReader(other.getInputStream(),
        StandardCharsets.UTF_8)).readLine().split(" ");
    assertThat(up[0]).isEqualTo("UP");
    assertThat(Path.of(up[1])).as("the other JVM's lab is this one's").isEqualTo(mine.serialLog());
    assertThat(Integer.parseInt(up[2])).isEqualTo(mine.sshPort());
    assertThat(Long.parseLong(up[3])).isEqualTo(mine.keeperPid())
        .isNotEqualTo(ProcessHandle.current().pid());
    String serial = mine.serialLog().toString();
    assertThat(TestLab.qemuUsing(serial)).as("QEMU processes for " + serial).isEqualTo(1);

    other.destroyForcibly(); // SIGKILL: this JVM still uses the lab
    assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(idle.multipliedBy(2).toMillis());
    assertThat(mine.isRunning()).isTrue();
    try (SshDom0 dom0 = mine.connect()) {
      assertThat(dom0.exec(List.of("xl", "list"), Duration.ofSeconds(30)).stdout())
          .contains("Domain-0");
    }

    long t0 = System.nanoTime();
    mine.close(); // the last user leaves
    ProcessHandle keeper = ProcessHandle.of(mine.keeperPid()).orElseThrow();
    boolean ended = keeper.onExit().completeOnTimeout(null, scaled(idle.plusSeconds(30)),
        TimeUnit.MILLISECONDS).get() != null;
    System.out.printf("FAULT %-60s -> lab stopped after %d ms%n",
        "last JVM using a kept lab left (idle " + idle.toSeconds() + " s)",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(ended).as("the keeper ended").isTrue();
    assertThat(TestLab.anyUsing(serial)).as("QEMU and guard processes left").isZero();
  }

  @Test
  void aKeeperKilledWithSigkillTakesItsQemuWithIt() throws Exception {
    QemuXenLab lab = LabKeeper.attach(TestLab.image(), LabOptions.defaults(),
        Duration.ofMinutes(10), "it-kill");
    String serial = lab.serialLog().toString();
    assertThat(TestLab.qemuUsing(serial)).isEqualTo(1);
    long t0 = System.nanoTime();
    ProcessHandle.of(lab.keeperPid()).orElseThrow().destroyForcibly();
    long limit = scaled(Duration.ofSeconds(15)) * 1_000_000;
    while (TestLab.anyUsing(serial) > 0 && System.nanoTime() - t0 < limit) {
      Thread.sleep(200);
    }
    System.out.printf("FAULT %-60s -> QEMU gone after %d ms%n", "lab keeper killed with SIGKILL",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(TestLab.anyUsing(serial)).as("QEMU and guard processes left").isZero();
    assertThat(lab.isRunning()).isFalse();
    lab.close();
  }

  private static long scaled(Duration d) {
    return TestLab.scaled(d).toMillis();
  }

  private static Process child(String instance, Duration idle) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LabChild.class.getName(),
        TestLab.image().dir().toString(), "attach", Long.toString(idle.toSeconds()), instance)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}

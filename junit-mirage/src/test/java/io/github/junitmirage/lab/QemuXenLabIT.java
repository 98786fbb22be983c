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
@org.junit.jupiter.api.parallel.Isolated("a second QEMU beside the shared lab takes the CPU its tests need")
class QemuXenLabIT {

  @Test
  void aLabFromItsSnapshotHasTheRightClockAndHandsOutLeases() throws Exception {
    TestLab.shared(); // this JVM's lab: booted and saved, or itself from the snapshot
    try (QemuXenLab lab = QemuXenLab.start(TestLab.image(), LabOptions.defaults());
        io.github.junitmirage.dom0.SshDom0 dom0 = lab.connect()) {
      assertThat(lab.startedFromSnapshot()).isTrue();
      long skew = Long.parseLong(dom0.exec(java.util.List.of("date", "+%s"), Duration.ofSeconds(30))
          .orThrow("date").stdout().strip()) - java.time.Instant.now().getEpochSecond();
      // The snapshot's clock stood still since it was saved; restored, it is set to now.
      assertThat(Math.abs(skew)).as("dom0's clock against ours, in seconds").isLessThanOrEqualTo(5);
      try (io.github.junitmirage.boot.Dom0Session session = io.github.junitmirage.boot.Dom0Session
          .open(dom0, false, QemuXenLab.WORK_DIR, io.github.junitmirage.boot.Timeouts.of(1))) {
        io.github.junitmirage.boot.RunningUnikernel u =
            TestLab.bootWww(session, "restored", "02:00:00:00:03:01");
        assertThat(u.console()).anyMatch(l -> l.contains("Lease obtained!"));
        u.close();
      }
    }
  }

  @Test
  void aSnapshotQemuCannotStartFromIsDroppedAndTheLabBoots() throws Exception {
    LabImage image = TestLab.image();
    TestLab.shared();
    java.nio.file.Path snapshot;
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(image.dir())) {
      snapshot = files.filter(f -> f.getFileName().toString().matches("snapshot-.*\\.state"))
          .findFirst().orElseThrow();
    }
    java.nio.file.Path saved = snapshot.resolveSibling("saved-for-test");
    java.nio.file.Files.move(snapshot, saved);
    try {
      java.nio.file.Files.writeString(snapshot, "not a migration stream");
      try (QemuXenLab lab = QemuXenLab.start(image, LabOptions.defaults())) {
        assertThat(lab.startedFromSnapshot()).isFalse();
        assertThat(lab.isRunning()).isTrue();
      }
    } finally {
      java.nio.file.Files.move(saved, snapshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void slowBootFailsWithTheSerialConsoleAndLeavesNoQemu() {
    Throwable t = catchThrowable(() -> QemuXenLab.start(TestLab.image(),
        LabOptions.defaults().withBootTimeout(Duration.ofSeconds(3)), false));
    assertThat(t).isInstanceOf(MirageException.class)
        .hasMessageStartingWith("lab dom0 did not report ready within PT3S (raise "
            + "junit.mirage.timeoutFactor on a slow host)\n--- last lines of the lab's serial console (");
    String serial = t.getMessage().replaceAll("(?s).*serial console \\((\\S+)\\) ---.*", "$1");
    assertThat(TestLab.qemuUsing(serial)).as("QEMU processes left for " + serial).isZero();
  }

  @Test
  void qemuDiesWithTheJvmThatStartedIt() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LabChild.class.getName(),
        TestLab.image().dir().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String up = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(up).startsWith("UP ");
    String serial = up.split(" ")[1];
    assertThat(TestLab.qemuUsing(serial)).as("QEMU processes for " + serial).isEqualTo(1);
    long t0 = System.nanoTime();
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    while (TestLab.anyUsing(serial) > 0 && System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos()) {
      Thread.sleep(200);
    }
    System.out.printf("FAULT %-60s -> QEMU gone after %d ms%n", "JVM that started the lab killed with SIGKILL",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(TestLab.anyUsing(serial)).as("QEMU and guard processes left").isZero();
  }
}

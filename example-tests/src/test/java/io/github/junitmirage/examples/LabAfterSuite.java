package io.github.junitmirage.examples;

import io.github.junitmirage.dom0.SshDom0;
import io.github.junitmirage.lab.QemuXenLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * After the whole suite (every unikernel's context closed), writes the lab's {@code xl list} to
 * {@code target/xl-list-after-suite.txt}; {@code .ci/run} fails when it shows more than Domain-0.
 */
public final class LabAfterSuite implements TestExecutionListener {
  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    QemuXenLab.sharedIfRunning().ifPresent(lab -> {
      try (SshDom0 dom0 = lab.connect()) {
        String list = dom0.exec(List.of("xl", "list"), Duration.ofSeconds(30)).orThrow("xl list").stdout();
        Files.writeString(Path.of("target", "xl-list-after-suite.txt"), list);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}

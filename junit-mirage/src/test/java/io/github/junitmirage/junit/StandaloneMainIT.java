package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.lab.TestLab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outside JUnit, junit-mirage behaves like a library: when {@code main} returns, no thread of ours
 * keeps the JVM (and with it the lab's QEMU) alive.
 */
class StandaloneMainIT {

  @Test
  void jvmExitsWhenMainReturns() throws Exception {
    Path output = java.nio.file.Files.createTempFile("standalone-main-", ".out");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djunit.mirage.cache=" + System.getProperty("junit.mirage.cache"),
        "-Djunit.mirage.fixtures=" + System.getProperty("junit.mirage.fixtures"),
        "-cp", System.getProperty("java.class.path"), StandaloneMain.class.getName(),
        TestLab.unikernel("www.xen").toString())
        .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    // A deadline for a lab boot plus one unikernel, not a measurement.
    boolean exited = child.waitFor(TestLab.scaled(Duration.ofSeconds(300)).toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      child.destroyForcibly().waitFor();
    }
    String out = java.nio.file.Files.readString(output, StandardCharsets.UTF_8);
    assertThat(out).contains("BODY Hello Mirage World!", "MAIN RETURNS");
    assertThat(exited).as("the JVM exited by itself after main returned; output:\n" + out).isTrue();
    assertThat(child.exitValue()).isZero();
  }
}

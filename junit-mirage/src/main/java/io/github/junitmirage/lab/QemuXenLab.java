package io.github.junitmirage.lab;

import io.github.junitmirage.Dom0ConnectionException;
import io.github.junitmirage.MirageException;
import io.github.junitmirage.dom0.Dom0Settings;
import io.github.junitmirage.dom0.SshDom0;
import io.github.junitmirage.util.Deadline;
import io.github.junitmirage.util.Sleeping;
import io.github.junitmirage.util.Texts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default dom0: Xen 4.17 and a Debian dom0 booted in {@code qemu-system-x86_64} with
 * software emulation, SSH forwarded from a free port on 127.0.0.1, nothing else reachable.
 *
 * <p>QEMU runs under a small shell guard that reads this JVM's end of a pipe: when the JVM dies,
 * even by {@code kill -9}, the pipe closes and the guard kills QEMU.
 *
 * <pre>
 * try (QemuXenLab lab = QemuXenLab.start(LabImage.locate(cache, fixtures), LabOptions.defaults())) {
 *   Dom0 dom0 = lab.connect();
 * }
 * </pre>
 */
public final class QemuXenLab implements AutoCloseable {
  static final String READY_LINE = "junit-mirage lab: dom0 ready";
  /** The work folder on the lab's dom0; build-lab.sh seeds the stand-in's images into it. */
  public static final String WORK_DIR = "/var/lib/junit-mirage";
  private static final System.Logger LOG = System.getLogger("junit-mirage.lab");

  private final LabImage image;
  private final Process guard;
  private final int sshPort;
  private final Path serialLog;
  private final Thread shutdownHook;

  private QemuXenLab(LabImage image, Process guard, int sshPort, Path serialLog) {
    this.image = image;
    this.guard = guard;
    this.sshPort = sshPort;
    this.serialLog = serialLog;
    this.shutdownHook = new Thread(this::stopQuietly, "junit-mirage-lab-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private static QemuXenLab shared;

  /**
   * The lab of this JVM: booted on first use, then shared by every test class and engine run, and
   * stopped when the JVM exits (or, should it be killed, by the guard).
   */
  public static synchronized QemuXenLab shared(LabImage image, LabOptions options) {
    if (shared == null || !shared.isRunning()) {
      shared = start(image, options);
    }
    return shared;
  }

  /** The lab {@link #shared} booted in this JVM, if it did and it still runs. */
  public static synchronized java.util.Optional<QemuXenLab> sharedIfRunning() {
    return java.util.Optional.ofNullable(shared).filter(QemuXenLab::isRunning);
  }

  /** Boots the lab and waits until dom0 reports ready on its serial console. */
  public static QemuXenLab start(LabImage image, LabOptions options) {
    String qemu = Executables.find("qemu-system-x86_64").orElseThrow(() -> new MirageException(
        "qemu-system-x86_64 is not installed: apt-get install qemu-system-x86 (the lab runs Xen in QEMU)"));
    int port = freeLoopbackPort();
    Path serial = serialLogFile();
    List<String> command = new ArrayList<>(List.of("bash", "-c", GUARD, "qemu-guard", qemu));
    command.addAll(QemuCommand.arguments(image, options, port, serial));
    long t0 = System.nanoTime();
    Process guard;
    try {
      guard = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(serial.resolveSibling("qemu.log").toFile()).start();
    } catch (IOException e) {
      throw new MirageException("cannot start " + qemu + ": " + e.getMessage(), e);
    }
    QemuXenLab lab = new QemuXenLab(image, guard, port, serial);
    try {
      lab.awaitReady(options.bootTimeout());
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    LOG.log(System.Logger.Level.INFO, "lab dom0 up on 127.0.0.1:" + port + " after "
        + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms (serial console: " + serial + ")");
    return lab;
  }

  // Kills QEMU when our end of stdin closes: on stop, and when this JVM dies in any way.
  private static final String GUARD = "exec 3<&0; \"$@\" </dev/null & q=$!; "
      + "{ cat <&3 >/dev/null; kill $q 2>/dev/null; } & w=$!; "
      + "wait $q; s=$?; kill $w 2>/dev/null; exit $s";

  private void awaitReady(Duration timeout) {
    Deadline deadline = Deadline.after(timeout);
    while (!deadline.expired()) {
      if (serialText().contains(READY_LINE)) {
        return;
      }
      if (!guard.isAlive()) {
        throw new MirageException("QEMU exited with status " + guard.exitValue()
            + " before dom0 was ready\n" + diagnostics());
      }
      Sleeping.sleep(200);
    }
    throw new MirageException("lab dom0 did not report ready within " + timeout
        + " (raise junit.mirage.timeoutFactor on a slow host)\n" + diagnostics());
  }

  /** Connects to dom0 over the forwarded port, retrying while sshd is still starting. */
  public SshDom0 connect() {
    Deadline deadline = Deadline.after(Duration.ofSeconds(30));
    Dom0ConnectionException last = null;
    while (!deadline.expired()) {
      try {
        return SshDom0.connect(settings());
      } catch (Dom0ConnectionException e) {
        last = e;
        Sleeping.sleep(500);
      }
    }
    throw new MirageException("lab dom0 on 127.0.0.1:" + sshPort + " did not accept SSH: "
        + (last == null ? "" : last.getMessage()) + "\n" + diagnostics(), last);
  }

  /** How to reach the lab's dom0: root with the image's key, host key pinned. */
  public Dom0Settings settings() {
    return new Dom0Settings("127.0.0.1", sshPort, image.sshUser(), image.file("ssh.key"), null,
        image.hostKey(), false, false, WORK_DIR, Duration.ofSeconds(20));
  }

  public LabImage image() {
    return image;
  }

  public int sshPort() {
    return sshPort;
  }

  public Path serialLog() {
    return serialLog;
  }

  public boolean isRunning() {
    return guard.isAlive();
  }

  /** The last lines of the serial console and QEMU's own output, for failure messages. */
  public String diagnostics() {
    return "--- last lines of the lab's serial console (" + serialLog + ") ---\n"
        + Texts.tail(serialText(), 25) + "\n--- QEMU output ---\n"
        + Texts.tail(read(serialLog.resolveSibling("qemu.log")), 10);
  }

  @Override
  public void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // already running the hooks: nothing to remove
    }
  }

  private void stopQuietly() {
    try {
      guard.getOutputStream().close();
      if (!guard.waitFor(10, TimeUnit.SECONDS)) {
        guard.descendants().forEach(ProcessHandle::destroyForcibly);
        guard.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      guard.descendants().forEach(ProcessHandle::destroyForcibly);
      guard.destroyForcibly();
    }
  }

  private String serialText() {
    return read(serialLog);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new MirageException("no free port on 127.0.0.1 for the lab's SSH: " + e.getMessage(), e);
    }
  }

  private static Path serialLogFile() {
    try {
      return Files.createTempDirectory("junit-mirage-lab-").resolve("serial.log");
    } catch (IOException e) {
      throw new MirageException("cannot create a folder for the lab's logs: " + e.getMessage(), e);
    }
  }
}

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
  /** QEMU's guard when this JVM runs the lab; null when attached to a {@link LabKeeper}'s. */
  private final Process guard;
  /** The connection to the keeper whose lab this is, held while this JVM uses it; or null. */
  private final java.nio.channels.SocketChannel keeperLink;
  private final long keeperPid;
  private final int sshPort;
  private final Path serialLog;
  private final Thread shutdownHook;
  private volatile boolean startedFromSnapshot;
  private volatile long upMillis;
  private SshDom0 handOver;

  private QemuXenLab(LabImage image, Process guard, int sshPort, Path serialLog) {
    this.image = image;
    this.guard = guard;
    this.keeperLink = null;
    this.keeperPid = ProcessHandle.current().pid();
    this.sshPort = sshPort;
    this.serialLog = serialLog;
    this.shutdownHook = new Thread(this::stopQuietly, "junit-mirage-lab-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private QemuXenLab(LabImage image, java.nio.channels.SocketChannel keeperLink, long keeperPid,
      int sshPort, Path serialLog) {
    this.image = image;
    this.guard = null;
    this.keeperLink = keeperLink;
    this.keeperPid = keeperPid;
    this.sshPort = sshPort;
    this.serialLog = serialLog;
    this.shutdownHook = null; // the OS closes the link when this JVM ends, however it ends
  }

  /** The lab a {@link LabKeeper} runs, used by this JVM for as long as {@code link} is open. */
  static QemuXenLab attached(LabImage image, java.nio.channels.SocketChannel link, int sshPort,
      Path serialLog, boolean fromSnapshot, long upMillis, long keeperPid) {
    QemuXenLab lab = new QemuXenLab(image, link, keeperPid, sshPort, serialLog);
    lab.startedFromSnapshot = fromSnapshot;
    lab.upMillis = upMillis;
    return lab;
  }

  /** How long a shared lab outlives its last user by default. */
  public static final Duration DEFAULT_KEEP_IDLE = Duration.ofSeconds(60);

  private static QemuXenLab shared;

  /**
   * The lab of this JVM, shared with every other JVM of this user that needs the same lab: the
   * running one attached to, or one started for all of them (see {@link LabKeeper}), stopped once
   * none has used it for {@code keepIdle}. With a zero {@code keepIdle} the lab is this JVM's
   * alone: booted on first use and stopped when the JVM exits (or, should it be killed, by the
   * guard).
   */
  public static synchronized QemuXenLab shared(LabImage image, LabOptions options,
      Duration keepIdle) {
    if (shared == null || !shared.isRunning()) {
      if (shared != null) {
        shared.close();
      }
      shared = keepIdle.isZero() || keepIdle.isNegative() ? start(image, options)
          : LabKeeper.attach(image, options, keepIdle, "default");
    }
    return shared;
  }

  /** {@link #shared(LabImage, LabOptions, Duration)} with {@link #DEFAULT_KEEP_IDLE}. */
  public static QemuXenLab shared(LabImage image, LabOptions options) {
    return shared(image, options, DEFAULT_KEEP_IDLE);
  }

  /** The lab {@link #shared} booted in this JVM, if it did and it still runs. */
  public static synchronized java.util.Optional<QemuXenLab> sharedIfRunning() {
    return java.util.Optional.ofNullable(shared).filter(QemuXenLab::isRunning);
  }

  /**
   * Starts the lab: from its snapshot when there is one for this QEMU, image and machine (dom0
   * answers SSH in seconds, its clock set to now), else by booting it, after which the booted
   * state is saved as the snapshot for later starts. A snapshot that does not start is dropped,
   * with a log line saying why, and the lab boots.
   */
  public static QemuXenLab start(LabImage image, LabOptions options) {
    return start(image, options, true);
  }

  /** The same, but booting even when there is a snapshot (the benchmark's side by side). */
  static QemuXenLab start(LabImage image, LabOptions options, boolean fromSnapshot) {
    String qemu = qemu();
    LabSnapshot snapshot = snapshot(qemu, image, options);
    if (!fromSnapshot) {
      return boot(qemu, image, options, snapshot, false);
    }
    if (snapshot.exists()) {
      try {
        return boot(qemu, image, options, snapshot, true);
      } catch (LabSnapshot.Rejected e) {
        LOG.log(System.Logger.Level.WARNING, "the lab snapshot " + snapshot.file() + " did not "
            + "start, so it is dropped and the lab boots: " + e.getMessage().lines().findFirst()
            .orElse(""));
        snapshot.discard();
      }
    } else {
      LOG.log(System.Logger.Level.INFO, "no lab snapshot " + snapshot.file() + " for this QEMU, "
          + "image and machine yet: the lab boots and saves one");
    }
    return boot(qemu, image, options, snapshot, false);
  }

  private static String qemu() {
    return Executables.find("qemu-system-x86_64").orElseThrow(() -> new MirageException(
        "qemu-system-x86_64 is not installed: apt-get install qemu-system-x86 (the lab runs Xen in QEMU)"));
  }

  /** The snapshot a start with these options uses (its name hashes QEMU's version and arguments). */
  static LabSnapshot snapshot(LabImage image, LabOptions options) {
    return snapshot(qemu(), image, options);
  }

  private static LabSnapshot snapshot(String qemu, LabImage image, LabOptions options) {
    return LabSnapshot.of(image, QemuCommand.arguments(image, options, 22,
        Path.of("serial.log"), Path.of("monitor.sock")), qemuVersion(qemu));
  }

  private static QemuXenLab boot(String qemu, LabImage image, LabOptions options,
      LabSnapshot snapshot, boolean restore) {
    int port = freeLoopbackPort();
    Path serial = serialLogFile();
    Path monitor = serial.resolveSibling("monitor.sock");
    List<String> command = new ArrayList<>(List.of("bash", "-c", GUARD, "qemu-guard", qemu));
    command.addAll(QemuCommand.arguments(image, options, port, serial, monitor));
    if (restore) {
      command.addAll(snapshot.incoming());
    }
    long t0 = System.nanoTime();
    Process guard;
    try {
      guard = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(serial.resolveSibling("qemu.log").toFile()).start();
    } catch (IOException e) {
      throw new MirageException("cannot start " + qemu + ": " + e.getMessage(), e);
    }
    QemuXenLab lab = new QemuXenLab(image, guard, port, serial);
    String how = "booted";
    try {
      if (restore) {
        LabSnapshot.awaitRunning(monitor, guard, options.bootTimeout());
        how = "from its snapshot (loaded after " + Duration.ofNanos(System.nanoTime() - t0)
            .toMillis() + " ms, then SSH and the clock)";
        lab.awaitRestored(options.bootTimeout());
      } else {
        lab.awaitReady(options.bootTimeout());
      }
    } catch (RuntimeException e) {
      boolean exited = restore && !lab.stillRunningAfter(Duration.ofSeconds(2));
      lab.close();
      if (exited && !(e instanceof LabSnapshot.Rejected)) {
        throw new LabSnapshot.Rejected(e.getMessage() + "\n" + lab.diagnostics());
      }
      throw e;
    }
    long upMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    LOG.log(System.Logger.Level.INFO, "lab dom0 up on 127.0.0.1:" + port + " after " + upMillis
        + " ms, " + how + " (serial console: " + serial + ")");
    lab.startedFromSnapshot = restore;
    lab.upMillis = upMillis;
    if (!restore && !snapshot.exists()) {
      try {
        long s0 = System.nanoTime();
        snapshot.save(monitor, Duration.ofMinutes(2));
        long saveMillis = Duration.ofNanos(System.nanoTime() - s0).toMillis();
        snapshot.recordMaking(upMillis, saveMillis);
        LOG.log(System.Logger.Level.INFO, "lab snapshot saved to " + snapshot.file() + " in "
            + saveMillis + " ms");
      } catch (MirageException e) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; later starts boot too");
      }
    }
    return lab;
  }

  /** Whether QEMU is still running after waiting up to {@code wait} for it to end. */
  private boolean stillRunningAfter(Duration wait) {
    try {
      return !guard.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return guard.isAlive();
    }
  }

  private static String qemuVersion(String qemu) {
    try {
      Process p = new ProcessBuilder(qemu, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new MirageException("cannot run " + qemu + " --version: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MirageException("interrupted", e);
    }
  }

  /** The process that runs QEMU's guard: this JVM, or the keeper this JVM attached to. */
  public long keeperPid() {
    return keeperPid;
  }

  /** The keeper serves many JVMs: the connection the first restore made is of no use to it. */
  void dropHandOver() {
    synchronized (this) {
      if (handOver != null) {
        handOver.close();
        handOver = null;
      }
    }
  }

  /** Whether this lab started from its snapshot (rather than booting). */
  public boolean startedFromSnapshot() {
    return startedFromSnapshot;
  }

  /** Milliseconds from starting QEMU to dom0 answering (SSH from a snapshot, ready when booted). */
  public long upMillis() {
    return upMillis;
  }

  /** A restored dom0 is ready once it answers SSH; its clock is the snapshot's until set. */
  private void awaitRestored(Duration timeout) {
    SshDom0 dom0 = connectWithin(timeout, "the lab restored from its snapshot did not answer SSH "
        + "within " + timeout);
    try {
      dom0.exec(List.of("date", "-u", "-s", "@" + java.time.Instant.now().getEpochSecond()),
          Duration.ofSeconds(30)).orThrow("setting dom0's clock after the restore");
    } catch (RuntimeException e) {
      dom0.close();
      throw e;
    }
    synchronized (this) {
      handOver = dom0; // the first connect() gets it: no second handshake
    }
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
    synchronized (this) {
      SshDom0 ready = handOver;
      handOver = null;
      if (ready != null && ready.isConnected()) {
        return ready;
      }
      if (ready != null) {
        ready.close();
      }
    }
    return connectWithin(Duration.ofSeconds(30), "lab dom0 on 127.0.0.1:" + sshPort
        + " did not accept SSH");
  }

  private SshDom0 connectWithin(Duration timeout, String failure) {
    Deadline deadline = Deadline.after(timeout);
    Dom0ConnectionException last = null;
    while (!deadline.expired()) {
      if (!isRunning()) {
        throw new MirageException((guard == null ? "the lab keeper (process " + keeperPid
            + ") ended" : "QEMU exited with status " + guard.exitValue()) + " before dom0 "
            + "answered SSH\n" + diagnostics());
      }
      try {
        return SshDom0.connect(settings());
      } catch (Dom0ConnectionException e) {
        last = e;
        Sleeping.sleep(200);
      }
    }
    throw new MirageException(failure + ": " + (last == null ? "" : last.getMessage()) + "\n"
        + diagnostics(), last);
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
    if (guard != null) {
      return guard.isAlive();
    }
    // The keeper never writes after its hello: an end of stream means it is gone.
    synchronized (keeperLink) {
      try {
        keeperLink.configureBlocking(false);
        return keeperLink.isOpen() && keeperLink.read(java.nio.ByteBuffer.allocate(64)) >= 0;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** The last lines of the serial console and QEMU's own output, for failure messages. */
  public String diagnostics() {
    return "--- last lines of the lab's serial console (" + serialLog + ") ---\n"
        + Texts.tail(serialText(), 25) + "\n--- QEMU output ---\n"
        + Texts.tail(read(serialLog.resolveSibling("qemu.log")), 10);
  }

  @Override
  public void close() {
    dropHandOver();
    if (guard == null) {
      try {
        keeperLink.close(); // this JVM leaves; the keeper stops the lab once all have, and idle
      } catch (IOException e) {
        // closed all the same
      }
      return;
    }
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

package io.github.junitmirage.lab;

import io.github.junitmirage.MirageException;
import io.github.junitmirage.util.Deadline;
import io.github.junitmirage.util.Sleeping;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A booted lab saved as QEMU migration state, so that later starts skip the boot: the first cold
 * boot of a lab image saves its state once dom0 is ready ({@code migrate "exec:cat > FILE"} on the
 * monitor), later starts run QEMU with {@code -incoming "exec:cat FILE"}. Many labs can start from
 * one file at once (nothing writes to it). It is valid only for the very same QEMU, image and
 * machine arguments, so its name carries a hash of them; any other snapshot is ignored.
 */
final class LabSnapshot {
  private static final System.Logger LOG = System.getLogger("junit-mirage.lab");

  private final Path file;

  private LabSnapshot(Path file) {
    this.file = file;
  }

  /** The snapshot for these machine arguments (port, log and socket paths left out). */
  static LabSnapshot of(LabImage image, List<String> machine, String qemuVersion) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(qemuVersion.getBytes(StandardCharsets.UTF_8));
      for (String a : machine) {
        sha.update(a.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      String key = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
      return new LabSnapshot(image.dir().resolve("snapshot-" + key + ".state"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Path file() {
    return file;
  }

  boolean exists() {
    return Files.isRegularFile(file);
  }

  /** QEMU's arguments that start the lab from this snapshot. */
  List<String> incoming() {
    return List.of("-incoming", "exec:cat " + file);
  }

  /** Drops a snapshot QEMU could not start from. */
  void discard() {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(making());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove the lab snapshot " + file + ": " + e);
    }
  }

  private Path making() {
    return file.resolveSibling(file.getFileName() + ".properties");
  }

  /** Notes what making this snapshot took: the cold boot before it and its save. */
  void recordMaking(long bootMillis, long saveMillis) {
    try {
      Files.writeString(making(), "# the cold boot that made " + file.getFileName()
          + ", and its save\nboot.millis=" + bootMillis + "\nsave.millis=" + saveMillis + "\n");
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot write " + making() + ": " + e);
    }
  }

  /** What making this snapshot took ({boot, save} milliseconds), when it was noted. */
  java.util.Optional<long[]> madeIn() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.Reader r = Files.newBufferedReader(making())) {
      p.load(r);
      return java.util.Optional.of(new long[] {Long.parseLong(p.getProperty("boot.millis")),
          Long.parseLong(p.getProperty("save.millis"))});
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * Saves the running lab through its monitor socket: to a temporary file, renamed into place
   * once QEMU reports the migration completed, so a half-written snapshot is never used.
   */
  void save(Path monitor, Duration timeout) {
    Path part = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".part");
    Deadline deadline = Deadline.after(timeout);
    try (Monitor m = Monitor.connect(monitor)) {
      m.command("migrate \"exec:cat > " + part + "\"");
      while (true) {
        String status = m.command("info migrate");
        if (status.contains("Migration status: completed")) {
          break;
        }
        if (status.contains("Migration status: failed") || deadline.expired()) {
          m.command("migrate_cancel");
          m.command("cont");
          throw new MirageException("saving the lab snapshot failed: " + status.strip());
        }
        Sleeping.sleep(100);
      }
      m.command("cont"); // a finished outgoing migration leaves the lab paused
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new MirageException("saving the lab snapshot to " + file + " failed: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // a leftover .part is never read
      }
    }
  }

  /**
   * Waits until QEMU has loaded the snapshot and runs the machine ({@code info status} says
   * running): only then can dom0 answer, and an SSH connection made earlier waits for nothing.
   */
  static void awaitRunning(Path monitor, Process qemu, Duration timeout) {
    Deadline deadline = Deadline.after(timeout);
    while (!Files.exists(monitor)) {
      if (!qemu.isAlive() || deadline.expired()) {
        throw new MirageException("QEMU's monitor " + monitor + " did not appear");
      }
      Sleeping.sleep(20);
    }
    try (Monitor m = Monitor.connect(monitor)) {
      while (!m.command("info status").contains("VM status: running")) {
        if (!qemu.isAlive() || deadline.expired()) {
          throw new MirageException("QEMU did not run the lab from its snapshot within "
              + timeout);
        }
        Sleeping.sleep(50);
      }
    } catch (IOException e) {
      throw new Rejected("QEMU ended while loading the lab snapshot: " + e.getMessage());
    }
  }

  /** QEMU would not start from the snapshot (it exited): a stale or broken snapshot. */
  static final class Rejected extends MirageException {
    Rejected(String message) {
      super(message);
    }
  }

  /** QEMU's human monitor on a Unix socket: one command at a time, answers up to the prompt. */
  private static final class Monitor implements AutoCloseable {
    private static final String PROMPT = "(qemu) ";
    private final SocketChannel channel;

    private Monitor(SocketChannel channel) {
      this.channel = channel;
    }

    static Monitor connect(Path socket) throws IOException {
      SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
      c.connect(UnixDomainSocketAddress.of(socket));
      Monitor m = new Monitor(c);
      m.untilPrompt();
      return m;
    }

    String command(String line) throws IOException {
      channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      return untilPrompt();
    }

    private String untilPrompt() throws IOException {
      StringBuilder out = new StringBuilder();
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (out.indexOf(PROMPT) < 0) {
        buffer.clear();
        if (channel.read(buffer) < 0) {
          throw new IOException("QEMU's monitor closed");
        }
        out.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
      }
      return out.toString();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}

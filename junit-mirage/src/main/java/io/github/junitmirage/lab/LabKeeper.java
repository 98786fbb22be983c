package io.github.junitmirage.lab;

import io.github.junitmirage.MirageException;
import io.github.junitmirage.util.Deadline;
import io.github.junitmirage.util.Sleeping;
import io.github.junitmirage.util.Texts;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One lab for every JVM of this user that needs it: the JVMs of one {@code mvn verify} (each
 * failsafe fork), an IDE running tests again and again, a {@code main} beside them.
 *
 * <p>The first JVM starts a keeper, a small JVM of its own that starts the lab and listens on a
 * Unix socket in the image's folder; every JVM that needs the lab (the first too) connects to it
 * and holds the connection for as long as it lives, so the keeper knows who uses the lab without
 * being told: a JVM that ends in any way, {@code kill -9} included, closes its end. Once no JVM
 * has held a connection for the idle time, the keeper stops the lab and exits. If the keeper
 * itself dies, QEMU's guard sees its pipe close and kills QEMU (as for a lab of one JVM), so
 * nothing is left running when everything died.
 *
 * <p>Starting and attaching happen under a file lock in the same folder, which the keeper also
 * takes before it stops: a JVM never attaches to a lab that is stopping, and two JVMs never start
 * two keepers.
 */
public final class LabKeeper {
  private static final System.Logger LOG = System.getLogger("junit-mirage.lab");
  private static final Object IN_THIS_JVM = new Object();
  /** Unix socket paths are limited to 107 bytes on Linux. */
  private static final int MAX_SOCKET_PATH = 100;

  private LabKeeper() {}

  /** Where the keeper of this image, machine and instance keeps its socket, lock and log. */
  static Path folder(LabImage image, LabOptions options, String instance) {
    return image.dir().resolve("keeper-" + instance + "-m" + options.memoryMb() + "-d"
        + options.dom0MemoryMb() + "-c" + options.cpus());
  }

  /**
   * The lab kept for this image and machine: attached to when it runs, else started by a new
   * keeper that keeps it while any JVM uses it and {@code idle} longer.
   */
  static QemuXenLab attach(LabImage image, LabOptions options, Duration idle, String instance) {
    Path dir = folder(image, options, instance);
    Path socket = dir.resolve("lab.sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      throw new MirageException("cannot share the lab between JVMs: the socket path " + socket
          + " is longer than " + MAX_SOCKET_PATH + " characters; set junit.mirage.cache to a "
          + "shorter folder, or junit.mirage.lab.keepIdleSeconds=0 for a lab of this JVM alone");
    }
    synchronized (IN_THIS_JVM) {
      try {
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve("keeper.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
          Optional<QemuXenLab> running = tryAttach(image, socket);
          if (running.isPresent()) {
            QemuXenLab lab = running.get();
            LOG.log(System.Logger.Level.INFO, "attached to shared lab '" + instance + "' on "
                + "127.0.0.1:" + lab.sshPort() + " kept by process " + lab.keeperPid()
                + " (no boot; serial console: " + lab.serialLog() + ")");
            return lab;
          }
          Files.deleteIfExists(socket); // left by a keeper that was killed
          return startKeeper(image, options, idle, instance, dir, socket);
        }
      } catch (IOException e) {
        throw new MirageException("cannot share the lab through " + dir + ": " + e.getMessage()
            + " (junit.mirage.lab.keepIdleSeconds=0 gives this JVM a lab of its own)", e);
      }
    }
  }

  private static QemuXenLab startKeeper(LabImage image, LabOptions options, Duration idle,
      String instance, Path dir, Path socket) throws IOException {
    Path log = dir.resolve("keeper.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classPath(), LabKeeper.class.getName(),
        image.dir().toString(), dir.toString(), Integer.toString(options.memoryMb()),
        Integer.toString(options.dom0MemoryMb()), Integer.toString(options.cpus()),
        Long.toString(options.bootTimeout().toMillis()), Long.toString(idle.toMillis())));
    Process keeper = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long t0 = System.nanoTime();
    // The lab's own boot timeout, and time to save a first snapshot after a cold boot.
    Duration wait = options.bootTimeout().plus(Duration.ofMinutes(3));
    Deadline deadline = Deadline.after(wait);
    while (true) {
      Optional<QemuXenLab> up = tryAttach(image, socket);
      if (up.isPresent()) {
        QemuXenLab lab = up.get();
        LOG.log(System.Logger.Level.INFO, "shared lab '" + instance + "' up on 127.0.0.1:"
            + lab.sshPort() + " after "
            + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms, "
            + (lab.startedFromSnapshot() ? "from its snapshot" : "booted") + ", kept by process "
            + keeper.pid() + " for every JVM that needs it until none has for " + idle
            + " (serial console: " + lab.serialLog() + "; keeper log: " + log + ")");
        return lab;
      }
      if (!keeper.isAlive()) {
        throw new MirageException("the lab keeper (process " + keeper.pid() + ") exited with "
            + "status " + keeper.exitValue() + " before its lab was up; its log " + log + " ends:\n"
            + Texts.tail(read(log), 30));
      }
      if (deadline.expired()) {
        keeper.destroy();
        throw new MirageException("the lab keeper (process " + keeper.pid() + ") did not have "
            + "its lab up within " + wait + "; its log " + log + " ends:\n" + Texts.tail(read(log), 30));
      }
      Sleeping.sleep(200);
    }
  }

  /**
   * This library's classes and what its SSH connections need (JSch, and Awaitility with Hamcrest
   * for connections sshd drops before its greeting), wherever they were loaded from.
   */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String c : List.of(LabKeeper.class.getName(), "com.jcraft.jsch.JSch",
        "org.awaitility.Awaitility", "org.hamcrest.Matcher")) {
      try {
        Class<?> loaded = Class.forName(c, false, LabKeeper.class.getClassLoader());
        entries.add(Path.of(loaded.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
      } catch (ClassNotFoundException | java.net.URISyntaxException | RuntimeException e) {
        throw new MirageException("cannot tell where " + c + " was loaded from, so "
            + "cannot start the lab keeper: " + e + " (junit.mirage.lab.keepIdleSeconds=0 gives "
            + "this JVM a lab of its own)", e);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /**
   * Asks the running keeper of this lab, if any, to stop its lab as soon as no JVM uses it (not
   * after the idle time), and waits up to {@code wait} for it to end: the benchmark's own labs
   * must not share the machine with an idle kept one.
   *
   * @return whether a keeper ran and has ended
   */
  static boolean stopWhenUnused(LabImage image, LabOptions options, String instance,
      Duration wait) {
    Path socket = folder(image, options, instance).resolve("lab.sock");
    long pid;
    synchronized (IN_THIS_JVM) {
      try (SocketChannel link = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        if (!Files.exists(socket)) {
          return false;
        }
        link.connect(UnixDomainSocketAddress.of(socket));
        pid = Long.parseLong(readHello(link, Duration.ofSeconds(30)).get("pid"));
        link.configureBlocking(true);
        link.write(ByteBuffer.wrap(STOP_WHEN_UNUSED.getBytes(StandardCharsets.UTF_8)));
      } catch (IOException | RuntimeException none) {
        return false;
      }
    }
    Optional<ProcessHandle> keeper = ProcessHandle.of(pid);
    if (keeper.isEmpty()) {
      return true;
    }
    try {
      keeper.get().onExit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "the kept lab (process " + pid + ") is still in use "
          + "after " + wait + "; it stops once its last JVM has gone");
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static final String STOP_WHEN_UNUSED = "stop-when-unused\n";

  /** Connects to a running keeper and reads its hello; empty when none listens. */
  private static Optional<QemuXenLab> tryAttach(LabImage image, Path socket) throws IOException {
    if (!Files.exists(socket)) {
      return Optional.empty();
    }
    SocketChannel link = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      link.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException refused) {
      link.close();
      return Optional.empty();
    }
    try {
      Map<String, String> hello = readHello(link, Duration.ofSeconds(30));
      return Optional.of(QemuXenLab.attached(image, link, Integer.parseInt(hello.get("port")),
          Path.of(hello.get("serial")), Boolean.parseBoolean(hello.get("snapshot")),
          Long.parseLong(hello.get("up")), Long.parseLong(hello.get("pid"))));
    } catch (IOException | RuntimeException e) {
      link.close();
      throw new IOException("the lab keeper on " + socket + " did not say hello properly: " + e, e);
    }
  }

  private static Map<String, String> readHello(SocketChannel link, Duration timeout)
      throws IOException {
    link.configureBlocking(false);
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    Deadline deadline = Deadline.after(timeout);
    try (Selector selector = Selector.open()) {
      link.register(selector, SelectionKey.OP_READ);
      while (true) {
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        if (end >= 0) {
          Map<String, String> fields = new HashMap<>();
          for (String field : text.substring(0, end).split("\t")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
              fields.put(field.substring(0, eq), field.substring(eq + 1));
            }
          }
          for (String key : List.of("port", "serial", "snapshot", "up", "pid")) {
            if (!fields.containsKey(key)) {
              throw new IOException("no " + key + " in " + text.substring(0, end));
            }
          }
          return fields;
        }
        if (deadline.expired() || !buffer.hasRemaining()) {
          throw new IOException("no hello within " + timeout);
        }
        selector.select(Math.max(1, deadline.remainingMillisAtLeast(1)));
        selector.selectedKeys().clear();
        if (link.read(buffer) < 0) {
          throw new IOException("the keeper closed the connection");
        }
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /**
   * The keeper: {@code IMAGE_DIR KEEPER_DIR MEMORY_MB DOM0_MEMORY_MB CPUS BOOT_TIMEOUT_MS IDLE_MS}.
   * Starts the lab, serves it, and stops it once unused for the idle time.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: LabKeeper IMAGE_DIR KEEPER_DIR MEMORY_MB DOM0_MEMORY_MB CPUS "
          + "BOOT_TIMEOUT_MS IDLE_MS (started by junit-mirage, not by hand)");
      System.exit(2);
    }
    LabImage image = LabImage.open(Path.of(args[0]));
    Path dir = Path.of(args[1]);
    LabOptions options = new LabOptions(Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        Integer.parseInt(args[4]), Duration.ofMillis(Long.parseLong(args[5])));
    Duration idle = Duration.ofMillis(Long.parseLong(args[6]));
    QemuXenLab lab = QemuXenLab.start(image, options);
    lab.dropHandOver();
    new Serving(lab, dir, idle).run();
  }

  /** The keeper's loop: accept users, count them, stop the lab when idle or when it died. */
  private static final class Serving {
    private final QemuXenLab lab;
    private final Path dir;
    private final Path socket;
    private final Duration idle;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicLong lastLeft = new AtomicLong(System.nanoTime());
    /** Set by a user asking to stop as soon as nobody uses the lab. */
    private volatile boolean stopWhenUnused;
    private final String since = Instant.now().toString();

    Serving(QemuXenLab lab, Path dir, Duration idle) {
      this.lab = lab;
      this.dir = dir;
      this.socket = dir.resolve("lab.sock");
      this.idle = idle;
    }

    void run() throws IOException {
      Files.deleteIfExists(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      LOG.log(System.Logger.Level.INFO, "keeping the lab on 127.0.0.1:" + lab.sshPort() + " for "
          + "every JVM that connects to " + socket + "; stopping it once none has for " + idle);
      Thread watch = new Thread(() -> watch(server), "junit-mirage-lab-keeper-watch");
      watch.setDaemon(true);
      watch.start();
      while (true) {
        SocketChannel user;
        try {
          user = server.accept();
        } catch (IOException closed) {
          return; // the watch closed it: stopping
        }
        users.incrementAndGet();
        String hello = "port=" + lab.sshPort() + "\tserial=" + lab.serialLog() + "\tsnapshot="
            + lab.startedFromSnapshot() + "\tup=" + lab.upMillis() + "\tpid="
            + ProcessHandle.current().pid() + "\tsince=" + since + "\n";
        try {
          user.write(ByteBuffer.wrap(hello.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException gone) {
          left(user);
          continue;
        }
        Thread t = new Thread(() -> holdUntilGone(user), "junit-mirage-lab-keeper-user");
        t.setDaemon(true);
        t.start();
      }
    }

    /**
     * A user says nothing after connecting (its end of stream is its leaving), or asks once to
     * stop the lab as soon as nobody uses it.
     */
    private void holdUntilGone(SocketChannel user) {
      ByteBuffer said = ByteBuffer.allocate(256);
      try {
        while (user.read(said) >= 0) {
          String text = new String(said.array(), 0, said.position(), StandardCharsets.UTF_8);
          if (text.contains(STOP_WHEN_UNUSED)) {
            LOG.log(System.Logger.Level.INFO, "asked to stop the lab once no JVM uses it");
            stopWhenUnused = true;
          }
          if (!said.hasRemaining() || text.endsWith("\n")) {
            said.clear();
          }
        }
      } catch (IOException e) {
        // gone all the same
      }
      left(user);
    }

    private void left(SocketChannel user) {
      try {
        user.close();
      } catch (IOException e) {
        // closing is all that is left to do
      }
      lastLeft.set(System.nanoTime());
      users.decrementAndGet();
    }

    private void watch(ServerSocketChannel server) {
      try (FileChannel lockFile = FileChannel.open(dir.resolve("keeper.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        while (true) {
          Sleeping.sleep(500);
          if (!lab.isRunning()) {
            LOG.log(System.Logger.Level.WARNING, "the lab's QEMU ended on its own; the keeper "
                + "stops\n" + lab.diagnostics());
            stop(server, 1);
          }
          if (users.get() > 0
              || !stopWhenUnused && System.nanoTime() - lastLeft.get() < idle.toNanos()) {
            continue;
          }
          // Under the lock no JVM is attaching; still unused, the lab stops.
          try (FileLock held = lockFile.tryLock()) {
            if (held != null && users.get() == 0) {
              LOG.log(System.Logger.Level.INFO, stopWhenUnused ? "no JVM uses the lab, as asked: "
                  + "stopping it" : "no JVM used the lab for " + idle + ": stopping it");
              stop(server, 0);
            }
          }
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.ERROR, "the lab keeper cannot watch its lock: " + e);
        stop(server, 1);
      }
    }

    private void stop(ServerSocketChannel server, int status) {
      try {
        server.close();
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove " + socket + ": " + e);
      }
      lab.close();
      System.exit(status);
    }
  }
}

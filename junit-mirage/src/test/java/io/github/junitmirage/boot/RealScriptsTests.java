package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.dom0.Dom0CommandException;
import io.github.junitmirage.dom0.Dom0Settings;
import io.github.junitmirage.dom0.FakeDom0;
import io.github.junitmirage.dom0.ShellDom0;
import io.github.junitmirage.dom0.SilentRelay;
import io.github.junitmirage.dom0.SshDom0;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * junit-mirage's dom0 scripts (work folder set-up, upload, sweep, watchdog) run for real in
 * {@code /bin/sh} against a strict fake {@code xl} ({@link ShellDom0}): each protection is shown
 * by a test that fails when the script is replaced by a no-op. Each test has a fake dom0 of its
 * own, so they run side by side (most of their time is the watchdog's grace).
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class RealScriptsTests {
  private static final String CONSOLE = "Solo5: Bindings version v0.8.0\r\n"
      + "2026-01-01T00:00:00-00:00: [INFO] [dhcp_client_lwt] Lease obtained! IP: 10.0.0.7, "
      + "routers: 10.0.0.1\r\n"
      + "2026-01-01T00:00:00-00:00: [INFO] [tcpip-stack-direct] Dual TCP/IP stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.7, fe80::ff:fe00:1\r\n";
  /** The watchdog's grace in these tests (30 s by default). */
  private static final Duration GRACE = Duration.ofSeconds(3);
  private ShellDom0 shell;
  private FakeDom0 fake;
  private String work;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    shell = new ShellDom0();
    shell.console(CONSOLE);
    fake = FakeDom0.start(shell);
    work = shell.root().resolve("work").toString();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // a test may have cut it already
      }
    }
    fake.close();
    assertThat(shell.sudoRefused()).as("commands run through sudo other than xl").isEmpty();
    shell.close();
  }

  @Test
  void evidenceIsCollectedWithTheSudoersLineThatAllowsXlOnly() throws Exception {
    Dom0Session session = session();
    String domain = launch(session, "failing");

    java.util.Map<String, String> files = Evidence.collect(session, domain);

    assertThat(files.get("xl-list-l.txt")).contains("\"name\": \"" + domain + "\"");
    assertThat(files.get("xl-dmesg-tail.txt")).contains("(XEN) fake hypervisor log");
    assertThat(files.get("xl-log-tail.txt")).startsWith("(not collected: tail /var/log/xen/xl-"
        + domain + ".log failed: ");
    assertThat(files.get("xenconsoled-guest-log.txt")).startsWith("(not collected: ");
  }

  @Test
  void watchdogDestroysTheRunsDomainsWhenTheTestHostIsGoneForItsGrace() throws Exception {
    Dom0Session session = session();
    String domain = launch(session, "www");
    assertThat(shell.domains()).containsExactly(domain);

    long t0 = System.nanoTime();
    fake.close(); // the test host is gone for good: its connection ends and never comes back

    await("the watchdog destroying " + domain).atMost(GRACE.plusSeconds(20))
        .pollInterval(Duration.ofMillis(100)).until(() -> shell.domains().isEmpty());
    fault("connection ended, run never came back (grace " + GRACE.toSeconds() + " s)", t0);
    await("the run folder removed").atMost(Duration.ofSeconds(30))
        .until(() -> !Files.exists(Path.of(session.runDir())));
  }

  @Test
  void aConnectionResetWithinTheGraceKeepsTheRunAlive() throws Exception {
    Dom0Session session = session();
    String domain = launch(session, "www");

    List<ProcessHandle> before = watchdogs();
    long t0 = System.nanoTime();
    fake.dropConnections(); // a TCP reset: the JVM reconnects and its new watchdog takes over

    await("a new watchdog").atMost(GRACE.multipliedBy(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> watchdogs().stream().anyMatch(w -> !before.contains(w)));
    System.out.printf("FAULT %-60s -> re-attached after %d ms%n", "TCP reset (grace "
        + GRACE.toSeconds() + " s, a beat every 0.5 s)", (System.nanoTime() - t0) / 1_000_000);

    await("the run's domain, alive for three grace periods after the reset")
        .during(GRACE.multipliedBy(3)).atMost(GRACE.multipliedBy(4))
        .until(() -> shell.domains().contains(domain));
    long closed = System.nanoTime();
    session.close(); // goodbye: the new watchdog destroys at once
    await("the goodbye destroying " + domain).atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100)).until(() -> shell.domains().isEmpty());
    fault("run ended after a reconnect (goodbye to the new watchdog)", closed);
  }

  @Test
  void aSilentPartitionDestroysTheRunsDomainsAfterTheGrace() throws Exception {
    SilentRelay relay = SilentRelay.to(fake.port());
    open.add(relay);
    Dom0Settings s = fake.settings(work).with(relay.port(), Duration.ofMillis(500));
    Dom0Session session = Dom0Session.open(SshDom0.connect(s), s.sudo(), s.workDir(),
        Timeouts.of(1).withWatchdogGrace(GRACE));
    open.add(session);
    String domain = launch(session, "www");

    long t0 = System.nanoTime();
    relay.freeze(); // nothing passes any more, and nothing is closed: no EOF on either side

    await("the watchdog destroying " + domain).atMost(GRACE.plusSeconds(20))
        .pollInterval(Duration.ofMillis(100)).until(() -> shell.domains().isEmpty());
    fault("silent network partition (grace " + GRACE.toSeconds() + " s)", t0);
  }

  /**
   * Where dom0 has bash the watchdog runs under it and reads each beat with bash's own read -t:
   * no process per beat (the sh loop keeps a timeout and a shell alive for every beat, two
   * process starts every sixth of the grace, which on an emulated dom0 cost a good part of a
   * second each, for as long as the run lives).
   */
  @Test
  void theWatchdogReadsItsBeatsWithoutAProcessPerBeat() throws Exception {
    Dom0Session session = session();
    // (the session is open before its watchdog's shell has become bash)
    await("the run's watchdog, running bash").atMost(GRACE).pollInterval(Duration.ofMillis(50))
        .until(() -> watchdogs().size() == 1
            && watchdogs().get(0).info().command().orElse("").endsWith("/bash"));
    List<ProcessHandle> watchdogs = watchdogs();
    await("the watchdog with no process of its own, over four beats")
        .during(GRACE.multipliedBy(2).dividedBy(3)).atMost(GRACE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> watchdogs.get(0).isAlive() && watchdogs.get(0).children().findAny().isEmpty());
    session.close();
  }

  @Test
  void aKilledWatchdogIsReplacedAndTheRunGoesOn() throws Exception {
    Dom0Session session = session();
    String domain = launch(session, "www");
    List<ProcessHandle> watchdogs = watchdogs();
    assertThat(watchdogs).hasSize(1);

    long t0 = System.nanoTime();
    watchdogs.get(0).destroyForcibly(); // an operator's kill -9, or the OOM killer

    await("a new watchdog").atMost(GRACE.multipliedBy(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> watchdogs().stream().anyMatch(w -> !w.equals(watchdogs.get(0))));
    System.out.printf("FAULT %-60s -> new watchdog after %d ms%n", "watchdog killed on dom0 (grace "
        + GRACE.toSeconds() + " s, a beat every 0.5 s)", (System.nanoTime() - t0) / 1_000_000);
    await("the run's domain, alive for three grace periods after the kill")
        .during(GRACE.multipliedBy(3)).atMost(GRACE.multipliedBy(4))
        .until(() -> shell.domains().contains(domain));
    session.close();
    await("the goodbye destroying " + domain).atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100)).until(() -> shell.domains().isEmpty());
  }

  /**
   * The shells running watchdog.sh for this test (on its fake dom0, children of this JVM; the tests
   * beside it have work folders of their own).
   */
  private List<ProcessHandle> watchdogs() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("run watchdog")
            && p.info().commandLine().orElse("").contains(work + "/runs/"))
        .toList();
  }

  private static void fault(String scenario, long t0) {
    System.out.printf("FAULT %-60s -> domain gone after %d ms%n", scenario,
        (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void aKernelIsUploadedOncePerDom0AndLaterBootsCostOneRoundTrip() throws Exception {
    Path kernel = Files.createTempFile("cached-", ".xen");
    Files.writeString(kernel, "one kernel, many boots");
    shell.console(CONSOLE, 2); // long enough for the boot waiter's xl list to see the domain
    Dom0Session first = session();
    launch(first, "a", kernel);
    Path cached;
    try (java.util.stream.Stream<Path> files = Files.walk(Path.of(work, "images"))) {
      cached = files.filter(f -> f.getFileName().toString().equals(kernel.getFileName().toString()))
          .findFirst().orElseThrow();
    }
    Object written = Files.readAttributes(cached, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey(); // device and inode: an upload lands as a new file renamed over the old one
    int before = fake.commands().size();
    launch(first, "b", kernel);
    // The second boot in a run: only the channel that writes the config and runs xl create -c
    // (the boot waiter's xl list polls aside).
    assertThat(fake.commands().subList(before, fake.commands().size()))
        .filteredOn(c -> !c.containsAll(List.of("xl", "list")))
        .extracting(c -> c.get(3)).containsExactly("create");
    first.close();

    Dom0Session second = session(); // a later run: the image cache outlived the first one
    launch(second, "c", kernel);
    // One round trip per run (dom0 says it has it), and the kernel not written again.
    assertThat(fake.commands()).filteredOn(c -> c.size() > 3 && c.get(3).equals("place"))
        .hasSize(2);
    assertThat(Files.readAttributes(cached, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey()).isEqualTo(written);
    assertThat(cached).hasContent("one kernel, many boots");
  }

  /**
   * Two runs start the same new kernel at once (two test JVMs, or parallel classes with runs of
   * their own): one uploads it, the other waits for that upload and sends nothing.
   */
  @Test
  void twoRunsPlacingOneKernelAtOnceUploadItOnce() throws Exception {
    Files.createDirectories(Path.of(work, "images"));
    Dom0 first = SshDom0.connect(fake.settings(work));
    Dom0 second = SshDom0.connect(fake.settings(work));
    open.add(first);
    open.add(second);
    byte[] kernel = "0123456789".getBytes(StandardCharsets.UTF_8);
    String dir = work + "/images/" + Hashing.sha256(kernel);
    java.util.concurrent.CountDownLatch secondAsked = new java.util.concurrent.CountDownLatch(1);
    // Half the kernel, then nothing until the second run has asked dom0 for it.
    java.io.InputStream slow = halfThenWaitFor(secondAsked, kernel);
    java.util.concurrent.CompletableFuture<Boolean> firstSent = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> first.place(slow, 10, Hashing.sha256(kernel), dir, "www.xen",
            Duration.ofSeconds(30)));
    await("the first upload under way").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20)).until(() -> !partFiles(dir + "/www.xen").isEmpty());
    java.util.concurrent.atomic.AtomicBoolean secondRead = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CompletableFuture<Boolean> secondSent = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> second.place(new ByteArrayInputStream(kernel) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            secondRead.set(true);
            return super.read(b, off, len);
          }
        }, 10, Hashing.sha256(kernel), dir, "www.xen", Duration.ofSeconds(30)));
    await("the second run's place on dom0").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> fake.commands().stream().filter(c -> c.contains("place")).count() == 2);
    secondAsked.countDown();
    assertThat(firstSent.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(secondSent.get(30, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    assertThat(secondRead).isFalse();
    assertThat(Path.of(dir, "www.xen")).hasBinaryContent(kernel);
    assertThat(partFiles(dir + "/www.xen")).isEmpty();
  }

  @Test
  void aNameNewToTheRunGoesStraightToCreateAReusedOneReplacesItsLeftover() throws Exception {
    Dom0Session session = session();
    String domain = launch(session, "www");
    assertThat(shell.xlCalls()).filteredOn(c -> c.endsWith(domain) || c.contains(domain + ".xl"))
        .first().asString().startsWith("create -c ");

    launch(session, "www"); // the first is still there, as a kept failure would be

    assertThat(shell.domains()).containsExactly(domain);
    assertThat(shell.xlCalls()).contains("destroy " + domain);
  }

  @Test
  void sweepDestroysOnlyWhatDeadRunsOfItsOwnFolderCreated() throws Exception {
    Path runs = Files.createDirectories(Path.of(work, "runs"));
    deadRun(runs, "jm0123456789", "stale-jm0123456789", false);
    deadRun(runs, "jm0123456788", "kept-jm0123456788", true);
    shell.createDomain("backup-jm0123456789"); // an operator's, named like ours
    shell.createDomain("other-jmaaaaaaaaaa"); // a run with another work folder
    Dom0Session live = session();
    String liveDomain = launch(live, "live");

    session(); // its start-up sweep

    assertThat(shell.domains()).containsExactlyInAnyOrder("backup-jm0123456789",
        "other-jmaaaaaaaaaa", "kept-jm0123456788", liveDomain);
    assertThat(runs.resolve("jm0123456789")).doesNotExist();
    assertThat(runs.resolve("jm0123456788")).exists();
    assertThat(Path.of(live.runDir())).exists();
  }

  /**
   * A run opening beside another whose watchdog is still coming to its lock (a loaded dom0) leaves
   * that run alone: its folder, where its configs go, is there when it boots.
   */
  @Test
  void aRunWhoseWatchdogIsStillTakingItsLockIsNotSweptByARunOpeningBeside() throws Exception {
    shell.slowWatchdogLock(2);
    Dom0Session starting = session();
    await("the watchdog of " + starting.tag() + " at its lock").atMost(GRACE)
        .pollInterval(Duration.ofMillis(20)).until(shell::watchdogAtItsLock);

    session(); // its start-up sweep, while that watchdog waits

    assertThat(Path.of(starting.runDir())).isDirectory();
    String domain = launch(starting, "www");
    assertThat(shell.domains()).containsExactly(domain);
  }

  /**
   * While a run's new watchdog waits for the old one to hand over the lock (a JVM whose connection
   * broke, taking its run back), the lock is free for a moment: the sweep leaves the run alone.
   */
  @Test
  void aRunBeingTakenOverByItsNewWatchdogIsNotSwept() throws Exception {
    Path runs = Files.createDirectories(Path.of(work, "runs"));
    deadRun(runs, "jm0123456789", "www-jm0123456789", false);
    Files.writeString(runs.resolve("jm0123456789").resolve("attach"), "");

    session();

    assertThat(runs.resolve("jm0123456789").resolve("www-jm0123456789.xl")).exists();
    assertThat(shell.domains()).containsExactly("www-jm0123456789");
  }

  /** A domain the sweep could not destroy keeps its record, so a later sweep tries again. */
  @Test
  void aDeadRunsDomainThatWouldNotGoIsTriedAgainByTheNextSweep() throws Exception {
    Path runs = Files.createDirectories(Path.of(work, "runs"));
    deadRun(runs, "jm0123456789", "stuck-jm0123456789", false);
    shell.stuck("stuck-jm0123456789", true);

    session(); // its sweep: xl destroy fails
    assertThat(shell.domains()).contains("stuck-jm0123456789");
    assertThat(runs.resolve("jm0123456789").resolve("stuck-jm0123456789.xl")).exists();

    shell.stuck("stuck-jm0123456789", false);
    session(); // the next run's sweep
    assertThat(shell.domains()).doesNotContain("stuck-jm0123456789");
    assertThat(runs.resolve("jm0123456789")).doesNotExist();
  }

  @Test
  void aWorkFolderOthersCanWriteToIsRefused() throws Exception {
    Path dir = Files.createDirectories(Path.of(work));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(this::session).isInstanceOf(Dom0CommandException.class)
        .hasMessageContaining("refusing the work folder on dom0")
        .hasMessageContaining("work folder " + work + " can be written by others (mode 777)")
        .hasMessageContaining("set junit.mirage.dom0.workDir to a folder of your own");
  }

  @Test
  void aNewWorkFolderIsPrivate() throws Exception {
    session();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(work))))
        .isEqualTo("rwx------");
  }

  @Test
  void aTruncatedOrAlteredUploadIsNeverRenamedIntoPlace() throws Exception {
    Files.createDirectories(Path.of(work));
    Dom0 dom0 = SshDom0.connect(fake.settings(work));
    open.add(dom0);
    byte[] kernel = "0123456789".getBytes(StandardCharsets.UTF_8);
    String target = work + "/www.xen";

    assertThatThrownBy(() -> dom0.upload(new ByteArrayInputStream(kernel), 20,
        Hashing.sha256(kernel), target, Duration.ofSeconds(10)))
        .hasMessageContaining("received 10 of 20 bytes");
    assertThatThrownBy(() -> dom0.upload(new ByteArrayInputStream(kernel), 10,
        Hashing.sha256("something else".getBytes(StandardCharsets.UTF_8)), target,
        Duration.ofSeconds(10)))
        .hasMessageContaining("SHA-256 differs");
    assertThat(Path.of(target)).doesNotExist();
    assertThat(partFiles(target)).isEmpty();

    dom0.upload(new ByteArrayInputStream(kernel), 10, Hashing.sha256(kernel), target,
        Duration.ofSeconds(10));
    assertThat(Path.of(target)).hasBinaryContent(kernel);
  }

  /**
   * Two runs upload the same kernel to the same cache path at once (parallel test classes, or two
   * test JVMs): the one that started first is still writing when the other renames its copy into
   * place. Both succeed. (With one shared part file the first found it gone: "received  of".)
   */
  @Test
  void twoUploadsOfOneKernelSideBySideBothSucceed() throws Exception {
    Files.createDirectories(Path.of(work));
    Dom0 first = SshDom0.connect(fake.settings(work));
    Dom0 second = SshDom0.connect(fake.settings(work));
    open.add(first);
    open.add(second);
    byte[] kernel = "0123456789".getBytes(StandardCharsets.UTF_8);
    String target = work + "/www.xen";
    java.util.concurrent.CountDownLatch secondDone = new java.util.concurrent.CountDownLatch(1);
    // Half the kernel, then nothing until the second upload is done.
    java.io.InputStream slow = halfThenWaitFor(secondDone, kernel);
    java.util.concurrent.CompletableFuture<Void> firstUpload = java.util.concurrent.CompletableFuture
        .runAsync(() -> first.upload(slow, 10, Hashing.sha256(kernel), target, Duration.ofSeconds(30)));
    await("the first upload's half on dom0").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> partFiles(target).stream().anyMatch(p -> p.toFile().length() == 5));
    second.upload(new ByteArrayInputStream(kernel), 10, Hashing.sha256(kernel), target,
        Duration.ofSeconds(30));
    secondDone.countDown();
    firstUpload.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(Path.of(target)).hasBinaryContent(kernel);
    assertThat(partFiles(target)).isEmpty();
  }

  /** The first half of {@code content}, then the rest once {@code go} has been counted down. */
  private static java.io.InputStream halfThenWaitFor(java.util.concurrent.CountDownLatch go,
      byte[] content) {
    int half = content.length / 2;
    return new java.io.SequenceInputStream(new ByteArrayInputStream(content, 0, half),
        new java.io.InputStream() {
          private final java.io.InputStream rest =
              new ByteArrayInputStream(content, half, content.length - half);

          @Override
          public int read() throws java.io.IOException {
            try {
              go.await();
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException();
            }
            return rest.read();
          }
        });
  }

  private static List<Path> partFiles(String target) throws java.io.IOException {
    Path file = Path.of(target);
    if (!Files.isDirectory(file.getParent())) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> s = Files.list(file.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".part"))
          .toList();
    }
  }

  private void deadRun(Path runs, String tag, String domain, boolean kept) throws Exception {
    Path dir = Files.createDirectories(runs.resolve(tag));
    Files.writeString(dir.resolve("lock"), "");
    Files.writeString(dir.resolve(domain + ".xl"), "name = '" + domain + "'\n");
    if (kept) {
      Files.writeString(dir.resolve("keep"), domain + "\n");
    }
    shell.createDomain(domain);
  }

  private Dom0Session session() {
    Dom0Settings s = fake.settings(work);
    Dom0Session session = Dom0Session.open(SshDom0.connect(s), s.sudo(), s.workDir(),
        Timeouts.of(1).withWatchdogGrace(GRACE));
    open.add(session);
    return session;
  }

  private String launch(Dom0Session session, String name) throws Exception {
    Path kernel = Files.createTempFile("real-scripts-", ".xen");
    Files.writeString(kernel, "not really a kernel " + name);
    return launch(session, name, kernel);
  }

  private String launch(Dom0Session session, String name, Path kernel) {
    UnikernelSpec spec = new UnikernelSpec(name, kernel, Optional.empty(), "pvh", 64, "br0",
        Optional.empty(), "", List.of(), Optional.empty(), Optional.empty(), 200,
        Duration.ofSeconds(30), Duration.ofSeconds(5), DestroyMode.ALWAYS, Set.of());
    String domain = session.tag().domainName(name);
    UnikernelLauncher.launch(spec, session, HttpClients.throughDom0(session.dom0(),
        session.timeouts()), domain, "02:00:00:00:00:01");
    return domain;
  }
}

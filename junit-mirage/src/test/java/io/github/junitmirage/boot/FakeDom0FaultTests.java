package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.UnikernelStartupException;
import io.github.junitmirage.dom0.Dom0CommandException;
import io.github.junitmirage.dom0.Dom0Settings;
import io.github.junitmirage.dom0.FakeDom0;
import io.github.junitmirage.dom0.FakeXl;
import io.github.junitmirage.dom0.ShellDom0;
import io.github.junitmirage.dom0.SilentRelay;
import io.github.junitmirage.dom0.SshDom0;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults a real dom0 cannot easily produce, against {@link FakeDom0}: the connection dropped in
 * the middle of a boot, a hanging xl, garbage on the console and from xl list. Each test has a
 * fake dom0 of its own, so they run side by side.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class FakeDom0FaultTests {
  private static final String LEASE =
      "2026-01-01T00:00:00-00:00: [INFO] [dhcp_client_lwt] Lease obtained! IP: 10.0.0.7, routers: 10.0.0.1\r\n"
      + "2026-01-01T00:00:00-00:00: [INFO] [tcpip-stack-direct] Dual TCP/IP stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.7, fe80::ff:fe00:1\r\n";
  private FakeDom0 fake;
  private Dom0Session session;

  @AfterEach
  void stop() throws Exception {
    if (session != null) {
      try {
        session.close();
      } catch (RuntimeException ignored) {
        // the fault under test may have broken it already
      }
    }
    fake.close();
  }

  @Test
  void connectionDroppedMidBoot() throws Exception {
    AtomicLong droppedAt = new AtomicLong();
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      FakeDom0.print(out, "Solo5: Xen console: port 0x2, ring @0x00000000FEFFF000\r\n");
      FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n");
      Thread.sleep(300);
      droppedAt.set(System.nanoTime());
      fake.dropConnections();
    }));
    session = open(1);
    Throwable t = catchThrowable(() -> launch("www", Duration.ofSeconds(60)));
    long detectedAfter = (System.nanoTime() - droppedAt.get()) / 1_000_000;
    System.out.printf("FAULT %-60s -> ConnectionLost after %d ms%n", "SSH connection dropped mid-boot", detectedAfter);
    assertThat(t).isInstanceOf(UnikernelStartupException.ConnectionLost.class)
        .hasMessageMatching("(?s)lost the connection to dom0 mirage@127\\.0\\.0\\.1:\\d+ while waiting "
            + "for www-jm[0-9a-f]{10} \\(phase lease\\)\n--- last 2 console lines ---\n"
            + "Solo5: Xen console: port 0x2, ring @0x00000000FEFFF000\nSolo5: Bindings version v0.8.0");
  }

  @Test
  void silentPartitionMidBootIsAConnectionLossNotATimeout() throws Exception {
    AtomicLong frozenAt = new AtomicLong();
    AtomicReference<SilentRelay> relay = new AtomicReference<>();
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n");
      Thread.sleep(300);
      frozenAt.set(System.nanoTime());
      relay.get().freeze();
      Thread.sleep(120_000);
    }));
    relay.set(SilentRelay.to(fake.port()));
    try {
      Dom0Settings s = fake.settings().with(relay.get().port(), Duration.ofMillis(500));
      session = Dom0Session.open(SshDom0.connect(s), s.sudo(), s.workDir(), Timeouts.of(1));
      // Without keep-alives nothing is ever read again and the boot ends as TimedOut instead.
      Throwable t = catchThrowable(() -> launch("www", Duration.ofSeconds(60)));
      long detectedAfter = (System.nanoTime() - frozenAt.get()) / 1_000_000;
      System.out.printf("FAULT %-60s -> %s after %d ms%n", "silent network partition mid-boot "
          + "(keep-alive 0.5 s)", t.getClass().getSimpleName(), detectedAfter);
      assertThat(t).isInstanceOf(UnikernelStartupException.ConnectionLost.class)
          .hasMessageContaining("lost the connection to dom0");
    } finally {
      relay.get().close();
    }
  }

  @Test
  void silentPartitionMidTestIsAConnectionLossWithinTheSilenceLimit() throws Exception {
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      FakeDom0.print(out, LEASE);
      Thread.sleep(120_000);
    }));
    SilentRelay relay = SilentRelay.to(fake.port());
    try {
      Dom0Settings s = fake.settings().with(relay.port(), Duration.ofMillis(500));
      session = Dom0Session.open(SshDom0.connect(s), s.sudo(), s.workDir(), Timeouts.of(1));
      RunningUnikernel u = launch("www", Duration.ofSeconds(30));
      assertThat(u.isRunning()).isTrue();

      relay.freeze(); // the test is using its unikernel when the network goes silent
      long frozenAt = System.nanoTime();
      Throwable t = catchThrowable(u::isRunning);
      long detectedAfter = (System.nanoTime() - frozenAt) / 1_000_000;
      System.out.printf("FAULT %-60s -> %s after %d ms%n", "silent network partition mid-test "
          + "(keep-alive 0.5 s)", t == null ? "nothing" : t.getClass().getSimpleName(), detectedAfter);
      assertThat(t).isInstanceOf(io.github.junitmirage.Dom0ConnectionException.class)
          .hasMessageContaining("connection lost");
    } finally {
      relay.close();
    }
  }

  @Test
  void sixteenUnikernelsOnADom0ThatAllowsTenChannelsPerConnection() throws Exception {
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      FakeDom0.print(out, LEASE);
      Thread.sleep(120_000);
    }), 10);
    session = open(1);
    List<RunningUnikernel> running = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        running.add(launch("www" + i, Duration.ofSeconds(30)));
      }
      assertThat(running).allMatch(RunningUnikernel::isRunning);
      assertThat(((SshDom0) session.dom0()).connectionCount()).isGreaterThanOrEqualTo(2);
    } finally {
      running.forEach(RunningUnikernel::close);
    }
  }

  @Test
  void onSolo5TheHandleComesOnceTheStackIsAssembledNotAtTheLease() throws Exception {
    String[] lines = LEASE.split("(?<=\r\n)");
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n" + lines[0]);
      Thread.sleep(700); // the unikernel's own code, its listener, starts after the next line
      FakeDom0.print(out, lines[1]);
      Thread.sleep(60_000);
    }));
    session = open(1);
    RunningUnikernel u = launch("www", Duration.ofSeconds(30));
    try {
      assertThat(u.readyLine()).contains("Lease obtained!");
      assertThat(u.console()).anyMatch(l -> l.contains("stack assembled"));
    } finally {
      u.close();
    }
  }

  @Test
  void xlThatHangs() throws Exception {
    try (ShellDom0 shell = new ShellDom0()) {
      shell.xlHangs();
      fake = FakeDom0.start(shell);
      long t0 = System.nanoTime();
      Throwable t = catchThrowable(() -> open(shell, 0.1));
      long after = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("FAULT %-60s -> Dom0CommandException after %d ms%n", "xl hangs (timeoutFactor 0.1: 3 s)", after);
      assertThat(t).isInstanceOf(Dom0CommandException.class)
          .hasMessageMatching("cannot use xl on dom0 mirage@127\\.0\\.0\\.1:\\d+: xl list did not answer "
              + "within PT3S \\(a hung xenstored or toolstack\\?\\)\n  command: sudo -n xl list");
      assertThat(after).isBetween(3_000L, 9_000L);
    }
  }

  @Test
  void destroyThatHangsFailsTheTeardownInTime() throws Exception {
    FakeXl xl = new FakeXl((domain, out) -> {
      FakeDom0.print(out, LEASE);
      Thread.sleep(60_000);
    });
    fake = FakeDom0.start((argv, in, out, err) -> argv.contains("destroy")
        ? sleepForever() : xl.run(argv, in, out, err));
    session = open(0.05); // xl destroy may take 2 min, scaled: 6 s
    RunningUnikernel u = launch("www", Duration.ofSeconds(10));
    long t0 = System.nanoTime();
    assertThatThrownBy(u::close).isInstanceOf(Dom0CommandException.class)
        .hasMessageMatching("command on dom0 \\S+ did not finish within PT6S: sudo -n xl destroy "
            + "www-jm[0-9a-f]{10}\n  stderr so far: ");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(8_000);
  }

  @Test
  void destroyOnABusyDom0MayTakeLongerThanACommand() throws Exception {
    // A lab dom0 creating six domains at once took over 30 s (a command's deadline) per destroy.
    FakeXl xl = new FakeXl((domain, out) -> {
      FakeDom0.print(out, LEASE);
      Thread.sleep(60_000);
    });
    fake = FakeDom0.start((argv, in, out, err) -> {
      if (argv.contains("destroy")) {
        Thread.sleep(2_500);
      }
      return xl.run(argv, in, out, err);
    });
    session = open(0.05); // a command's deadline 1.5 s, a destroy's 6 s
    RunningUnikernel u = launch("www", Duration.ofSeconds(10));
    u.close();
    assertThat(xl.exists(u.domainName())).isFalse();
  }

  @Test
  void failureLineThatArrivesAfterXlListSawTheShutdownIsStillTheVerdict() throws Exception {
    FakeXl[] xl = new FakeXl[1];
    xl[0] = new FakeXl((domain, out) -> {
      FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n");
      // The domain is gone for xl list before its last console lines reach the reader.
      xl[0].setState(domain, "--ps--");
      Thread.sleep(2_500);
      FakeDom0.print(out, "Fatal error: exception Failure(\"boom\")\r\nSolo5: solo5_exit(2) called\r\n");
    });
    fake = FakeDom0.start(xl[0]);
    session = open(1);
    Throwable t = catchThrowable(() -> launch("www", Duration.ofSeconds(30)));
    assertThat(t).isInstanceOf(UnikernelStartupException.Crashed.class)
        .hasMessageContaining("failed before reporting an address: uncaught exception (phase lease, "
            + "xl list: ")
        .hasMessageContaining("\n  Fatal error: exception Failure(\"boom\")");
  }

  @Test
  void garbageOnTheConsoleDoesNotHideTheAddress() throws Exception {
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      out.write(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, '\r', '\n', 0x1b, '[', '9', '9', 'm'});
      out.write("x".repeat(100_000).getBytes());
      out.write("\n\u001B[2J\u001B[?25l half a line".getBytes());
      out.write(("\r\n" + LEASE).getBytes());
      out.flush();
      Thread.sleep(60_000);
    }));
    session = open(1);
    RunningUnikernel u = launch("www", Duration.ofSeconds(10));
    assertThat(u.ip().getHostAddress()).isEqualTo("10.0.0.7");
    assertThat(u.console()).contains(" half a line").anyMatch(l -> l.length() == 16 * 1024);
    u.close();
  }

  @Test
  void garbageFromXlListIsShownNotHidden() throws Exception {
    FakeXl xl = new FakeXl((domain, out) -> Thread.sleep(60_000));
    fake = FakeDom0.start((argv, in, out, err) -> {
      if (argv.size() == 5 && argv.get(3).equals("list")) {
        FakeDom0.print(out, "\u0000\u0001 segfault ### not a table\n");
        return 0;
      }
      return xl.run(argv, in, out, err);
    });
    session = open(1);
    Throwable t = catchThrowable(() -> launch("www", Duration.ofSeconds(3)));
    assertThat(t).isInstanceOf(Dom0CommandException.class)
        .hasMessageMatching("xl list www-jm[0-9a-f]{10} on dom0 mirage@127\\.0\\.0\\.1:\\d+ printed "
            + "something that is not xl's table \\(is xl a wrapper, or broken\\?\\): unexpected xl "
            + "list line: \\?\\? segfault ### not a table");
  }

  @Test
  void sudoThatAsksForAPassword() throws Exception {
    try (ShellDom0 shell = new ShellDom0()) {
      shell.sudoFails("sudo: a password is required");
      fake = FakeDom0.start(shell);
      assertThatThrownBy(() -> open(shell)).isInstanceOf(Dom0CommandException.class)
          .hasMessageMatching("cannot use xl on dom0 mirage@127\\.0\\.0\\.1:\\d+: sudo on dom0 asks for a "
              + "password: allow the user to run xl without one \\(NOPASSWD in sudoers\\) or set "
              + "junit.mirage.dom0.sudo=false when it is root\n  command: sudo -n xl list\n  stderr: "
              + "sudo: a password is required");
    }
  }

  @Test
  void dom0WithoutXl() throws Exception {
    try (ShellDom0 shell = new ShellDom0()) {
      shell.sudoFails("sudo: xl: command not found");
      fake = FakeDom0.start(shell);
      assertThatThrownBy(() -> open(shell)).isInstanceOf(Dom0CommandException.class)
          .hasMessageContaining(": xl is not installed on dom0 or not on the PATH of a non-interactive "
              + "SSH session: install the Xen tools (xen-utils) or link xl into /usr/local/sbin");
    }
  }

  @Test
  void hostileKernelFileNamesNeverReachTheShellAsGiven() throws Exception {
    FakeXl xl = new FakeXl((domain, out) -> {
      FakeDom0.print(out, LEASE);
      Thread.sleep(60_000);
    });
    fake = FakeDom0.start(xl);
    session = open(1);
    Path dir = Files.createTempDirectory("hostile");
    Path kernel = Files.writeString(dir.resolve("www; rm -rf ~ $(id) `x` 'q'.xen"), "kernel \u0000 bytes");
    UnikernelSpec spec = new UnikernelSpec("www", kernel, Optional.empty(), "pv", 64, "br0",
        Optional.empty(), "", List.of(), Optional.empty(), Optional.empty(), 200,
        Duration.ofSeconds(10), Duration.ofSeconds(5), DestroyMode.ALWAYS, Set.of());
    RunningUnikernel u = UnikernelLauncher.launch(spec, session,
        HttpClients.throughDom0(session.dom0(), session.timeouts()), session.tag().domainName("www"),
        "02:00:00:00:00:01");
    String cached = "/tmp/junit-mirage/images/" + Hashing.sha256(kernel);
    String uploaded = cached + "/www__rm_-rf_____id___x___q_.xen";
    assertThat(fake.commands()).anySatisfy(c -> assertThat(c.subList(3, Math.min(6, c.size())))
        .containsExactly("place", cached, "www__rm_-rf_____id___x___q_.xen"));
    assertThat(xl.file(uploaded)).isEqualTo(Files.readAllBytes(kernel));
    assertThat(u.xlConfig()).contains("kernel = '" + uploaded + "'");
    u.close();
  }

  /**
   * On a busy dom0 the state queries of a boot timeout take seconds; a DHCP retry that arrives
   * meanwhile is counted in the diagnosis, as the console tail under it shows it.
   */
  @Test
  void aDhcpRetryArrivingWhileTheTimeoutIsDiagnosedIsCounted() throws Exception {
    FakeXl xl = new FakeXl((domain, out) -> {
      FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n");
      Thread.sleep(3_500); // past the 3 s boot timeout, while dom0 answers xl list slowly
      FakeDom0.print(out, "2026-01-01T00:00:00-00:00: [INFO] [dhcp_client_lwt] Timeout expired "
          + "without a usable lease!  Starting over...\r\n");
      Thread.sleep(60_000);
    });
    fake = FakeDom0.start((argv, in, out, err) -> {
      if (argv.contains("list") && !argv.contains("create")) {
        Thread.sleep(1_000); // a busy dom0
      }
      return xl.run(argv, in, out, err);
    });
    session = open(1);
    Throwable t = catchThrowable(() -> launch("www", Duration.ofSeconds(3)));
    assertThat(t).isInstanceOf(UnikernelStartupException.TimedOut.class)
        .hasMessageContaining("its DHCP client started over 1 time without a usable lease")
        .hasMessageContaining("Timeout expired without a usable lease!");
  }

  /**
   * A unikernel that keeps printing is alive: once a poll has shown it (and its id), xl list is
   * not asked again while its console talks. Each poll is a session and an xl process on dom0,
   * for every unikernel booting; with many side by side they kept an emulated dom0 busy.
   */
  @Test
  void aTalkingConsoleIsNotPolled() throws Exception {
    RunningUnikernel u = bootedAfter(out -> {
      for (int i = 0; i < 30; i++) { // 6 s of boot messages, one every 200 ms
        FakeDom0.print(out, "2026-01-01T00:00:00-00:00: [INFO] [boot] step " + i + "\r\n");
        Thread.sleep(200);
      }
    });
    assertThat(polls(u)).as("xl list calls for " + u.domainName() + " during its 6 s boot").isEqualTo(1);
    assertThat(u.domainId()).isPositive();
    u.close();
  }

  /**
   * A domain that stays silent (a Linux guest booting with {@code quiet}, a hung one) is polled
   * less and less often, twice as long after each silent poll up to 6 s: 1.5, 4.5 and 10.5 s into
   * a 10 s silence, where polling every 1.5 s would ask dom0 six times.
   */
  @Test
  void aSilentConsoleIsPolledLessAndLessOften() throws Exception {
    RunningUnikernel u = bootedAfter(out -> Thread.sleep(10_000));
    assertThat(polls(u)).as("xl list calls for " + u.domainName() + " during its 10 s of silence")
        .isBetween(1L, 3L);
    u.close();
  }

  /** A unikernel on a fake dom0 that prints what {@code boot} prints, then its lease. */
  private RunningUnikernel bootedAfter(BootOutput boot) throws Exception {
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      boot.print(out);
      FakeDom0.print(out, LEASE);
      Thread.sleep(60_000);
    }));
    session = open(1);
    return launch("www", Duration.ofSeconds(30));
  }

  private interface BootOutput {
    void print(java.io.OutputStream out) throws Exception;
  }

  /** The xl list calls the boot waiter made about {@code u}. */
  private long polls(RunningUnikernel u) {
    return fake.commands().stream().filter(c -> c.contains("list") && c.contains(u.domainName()))
        .count();
  }

  /**
   * Awaitility fails a wait when any thread of the JVM dies of an uncaught exception, unless told
   * not to: a user's unrelated thread (or a test beside it, in a parallel suite) must not fail the
   * HTTP readiness wait of a unikernel that answers.
   */
  @Test
  void anotherThreadDyingDuringTheReadinessWaitIsNoneOfItsBusiness() throws Exception {
    fake = FakeDom0.start(new FakeXl((domain, out) -> {
      FakeDom0.print(out, LEASE);
      Thread.sleep(60_000);
    }));
    session = open(1);
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    Thread bystander = new Thread(() -> {
      throw new IllegalStateException("a bystander thread dies");
    }, "bystander");
    // The unikernel answers 503 twice, then 200; a bystander thread dies after the first answer.
    okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder().addInterceptor(chain -> {
      int n = asked.incrementAndGet();
      if (n == 1) {
        bystander.start();
      }
      if (n == 2) {
        try {
          bystander.join();
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException("waiting for the bystander");
        }
      }
      return new okhttp3.Response.Builder().request(chain.request()).protocol(okhttp3.Protocol.HTTP_1_1)
          .code(n < 3 ? 503 : 200).message(n < 3 ? "Service Unavailable" : "OK")
          .body(okhttp3.ResponseBody.create("", null)).build();
    }).build();
    Path kernel = Files.createTempFile("fake-kernel-", ".xen");
    Files.writeString(kernel, "not really a kernel");
    UnikernelSpec spec = new UnikernelSpec("www", kernel, Optional.empty(), "pv", 64, "br0",
        Optional.empty(), "", List.of(), Optional.empty(), Optional.of("/health"), 200,
        Duration.ofSeconds(10), Duration.ofSeconds(10), DestroyMode.ALWAYS, Set.of());
    RunningUnikernel u = UnikernelLauncher.launch(spec, session, http,
        session.tag().domainName("www"), "02:00:00:00:00:01");
    assertThat(asked.get()).isEqualTo(3);
    u.close();
  }

  /** A session on the real scripts of a {@link ShellDom0}, in a work folder of its own. */
  private Dom0Session open(ShellDom0 shell) {
    return open(shell, 1);
  }

  private Dom0Session open(ShellDom0 shell, double timeoutFactor) {
    Dom0Settings s = fake.settings(shell.root().resolve("work").toString());
    return Dom0Session.open(SshDom0.connect(s), s.sudo(), s.workDir(), Timeouts.of(timeoutFactor));
  }

  private Dom0Session open(double timeoutFactor) {
    Dom0Settings s = fake.settings();
    return Dom0Session.open(SshDom0.connect(s), s.sudo(), s.workDir(), Timeouts.of(timeoutFactor));
  }

  private RunningUnikernel launch(String name, Duration bootTimeout) throws Exception {
    Path kernel = Files.createTempFile("fake-kernel-", ".xen");
    Files.writeString(kernel, "not really a kernel");
    UnikernelSpec spec = new UnikernelSpec(name, kernel, Optional.empty(), "pv", 64, "br0",
        Optional.empty(), "", List.of(), Optional.empty(), Optional.empty(), 200, bootTimeout,
        Duration.ofSeconds(5), DestroyMode.ALWAYS, Set.of());
    return UnikernelLauncher.launch(spec, session,
        HttpClients.throughDom0(session.dom0(), session.timeouts()),
        session.tag().domainName(name), "02:00:00:00:00:01");
  }

  private static int sleepForever() throws InterruptedException {
    Thread.sleep(60_000);
    return 0;
  }

}

package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.Unikernel;
import io.github.junitmirage.UnikernelStartupException;
import io.github.junitmirage.dom0.SshDom0;
import io.github.junitmirage.lab.TestLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * Real faults in the lab: junit-mirage's real MirageOS 4 unikernel told to misbehave ({@code
 * --fault}), Solo5's own Xen test guests, and real xl failures; the stand-in only for the Mini-OS
 * era's kernel panic. Each fixture runs through the Jupiter engine; the failure must be the
 * specific type with a diagnosis, and no domain may be left behind. How soon each failure follows
 * its cause is printed (FAULT lines) for docs/FAULTS.md, not asserted. The faults run side by
 * side (as many at once as the lab tests' parallelism allows; most of them wait on a deadline or a
 * crash, not on dom0's CPU), beside other classes: each checks its own domains only.
 *
 * <p>The order puts the longest faults at both ends of the list: the thread running this class
 * takes its methods from the end (the last forked first), threads that come to help take them
 * from the front. The longest ones (a 45 s and a 20 s deadline, mostly waited out with dom0 idle)
 * so start while the other lab classes still keep the CPU busy, instead of ending the build alone.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
@org.junit.jupiter.api.Order(2) // the longest lab test classes start first (pom.xml)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class FaultsIT {
  /** The ends of the method list (see above); the rest keep {@link Order#DEFAULT}. */
  private static final int LAST = Order.DEFAULT + 10;

  private static final String LAB = "${lab}/standin-vmlinux";
  private static final String INITRD = "${lab}/standin-initrd.img";
  private static final String WWW = "${junit.mirage.cache}/unikernels/www.xen";
  private static final String SOLO5 = "${junit.mirage.cache}/unikernels/solo5-";
  private static SshDom0 observer;

  @BeforeAll
  static void connectObserver() {
    observer = TestLab.shared().connect();
  }

  @AfterAll
  static void disconnect() {
    observer.close();
  }

  /**
   * The runs of this test: the lab is shared with the other faults running beside it and with
   * every JVM that uses it, their domains too.
   */
  private final java.util.Set<String> tags = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @AfterEach
  void noDomainLeftBehind() {
    String list = observer.exec(List.of("xl", "list"), Duration.ofSeconds(30)).stdout();
    assertThat(tags).as("runs of this test").isNotEmpty();
    assertThat(list.strip().lines().skip(1)).as(list)
        .noneMatch(l -> tags.stream().anyMatch(t -> l.split("\\s+")[0].endsWith("-" + t)));
  }

  private void ranIn(String domainName) {
    tags.add(domainName.substring(domainName.lastIndexOf('-') + 1));
  }

  @Test
  void uncaughtExceptionBeforeTheNetwork() {
    Failure f = run(RaiseTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Crashed.class);
    assertThat(f.error().getMessage())
        .matches("(?s)Unikernel raise-jm[0-9a-f]{10} on dom0 root@127\\.0\\.0\\.1:\\d+ failed before "
            + "reporting an address: uncaught exception \\(phase lease, xl list: .*\\)\n  Fatal error: exception "
            + "Failure\\(\"www was told to raise \\(--fault=raise\\)\"\\)\n--- last \\d+ console lines ---\n.*")
        .contains("Solo5: Bindings version v0.8.0", "Raised at ");
    assertThat(((UnikernelStartupException) f.error()).phase())
        .isEqualTo(UnikernelStartupException.Phase.LEASE);
    assertThat(f.published()).contains("raise-" + f.tag() + "-console.txt");
    f.report("uncaught OCaml exception before the network (real www, --fault=raise)");
  }

  @Test
  @Order(2)
  void kernelPanicLeavesACrashedDomain() {
    Failure f = run(PanicTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Crashed.class);
    assertThat(f.error().getMessage()).contains("failed before reporting an address: uncaught "
        + "exception (phase lease, xl list: crashed (---sc-))");
    assertThat(((UnikernelStartupException) f.error()).console()).startsWith("Xen Minimal OS!")
        .contains("Fatal error: exception Failure(\"stand-in unikernel told to crash\")");
    f.report("uncaught exception then crash (stand-in, Mini-OS dialect 2, on_crash=preserve)");
  }

  @Test
  void solo5TrapAborts() {
    Failure f = run(TrapTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Crashed.class);
    assertThat(f.error().getMessage()).contains("failed before reporting an address: trap (phase lease")
        .contains("\n  Solo5: trap: type=#PF ec=0x2")
        .contains("Solo5: ABORT: cpu_x86_64.c:181: Fatal trap");
    f.report("Solo5 trap, then ABORT (Solo5's test_exception)");
  }

  @Test
  void stackSmashingAborts() {
    Failure f = run(StackSmashingTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Crashed.class);
    assertThat(f.error().getMessage()).contains("failed before reporting an address: abort (phase lease")
        .contains("\n  Solo5: ABORT: Stack corruption detected");
    f.report("stack smashing detected (Solo5's test_ssp)");
  }

  @Test
  void cleanExitBeforeTheNetwork() {
    Failure f = run(ExitZeroTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Exited.class);
    assertThat(f.error().getMessage()).matches("(?s)Unikernel exit0-jm[0-9a-f]{10} on dom0 \\S+ "
        + "exited with status 0 before reporting an address \\(Solo5: solo5_exit\\(0\\) called; "
        + "phase lease, xl list: .*\\)\n--- last \\d+ console lines ---\n.*Solo5: Memory map: .*");
    f.report("exit 0 before the network (real www, --fault=exit-0)");
  }

  @Test
  void nonZeroExitBeforeTheNetwork() {
    Failure f = run(ExitTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Crashed.class);
    assertThat(f.error().getMessage()).contains("failed before reporting an address: exit (phase lease")
        .contains("\n  Solo5: solo5_exit(3) called");
    f.report("exit 3 before the network (real www, --fault=exit)");
  }

  @Test
  void runsOutOfMemory() {
    Failure f = run(OutOfMemoryTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.Crashed.class);
    assertThat(f.error().getMessage()).contains("failed before reporting an address: out of memory (phase lease")
        .contains("\n  Fatal error: exception Out of memory");
    f.report("out of memory (real www, --fault=oom, 32 MiB)");
  }

  @Test
  @Order(LAST)
  void neverGetsALease() {
    Failure f = run(NoLeaseTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.TimedOut.class);
    assertThat(f.error().getMessage()).matches("(?s)Unikernel nolease-jm[0-9a-f]{10} on dom0 \\S+ did "
        + "not report an address within PT45S \\(phase lease, xl list: (running|blocked) \\([rb-]{6}\\); "
        + "vif 0: Connected \\(4\\), event channel \\d+, rings \\d+/\\d+; "
        + "\\d+ console lines, booted: Solo5: Xen console: .*; its DHCP client started over \\d+ times? without "
        + "a usable lease\\. Likely causes: no DHCP server answers on its bridge .*ethtool -K vif<domid>\\.0 tx off.*"
        + "\\)\n--- last \\d+ console lines ---\n.*Timeout expired without a usable lease!  Starting over\\.\\.\\..*");
    f.report("no DHCP lease (real www, a MAC dnsmasq ignores, bootTimeoutSeconds = 45)");
  }

  @Test
  @Order(LAST - 2)
  void hangsSilently() {
    Failure f = run(HangTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.TimedOut.class);
    assertThat(f.error().getMessage()).contains("did not report an address within PT20S")
        // It hangs before it connects its network (--fault-after=0).
        .containsPattern("; vif 0: (Initialising \\(1\\)|InitWait \\(2\\)), event channel ")
        .contains("console lines, booted: Solo5: Xen console: port 0x2")
        .contains("raise bootTimeoutSeconds or junit.mirage.timeoutFactor if it is just slow")
        .contains("\nSolo5: Memory map: 32 MB addressable:\n");
    assertThat(f.error().getSuppressed()).as("earlier attempts").isEmpty();
    f.report("hangs silently after its banner (real www, --fault=hang, bootTimeoutSeconds = 20)");
  }

  @Test
  void bridgeThatDom0DoesNotHave() {
    Failure f = run(MissingBridgeTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.CreateFailed.class);
    assertThat(f.error().getMessage()).matches("(?s)xl create of nobridge-jm[0-9a-f]{10} on dom0 \\S+ "
        + "failed: dom0 has no bridge nobr0: create it or set junit.mirage.bridge / the bridge "
        + "attribute to one that exists\n  xl said: .*");
    f.report("bridge missing on dom0");
  }

  @Test
  void moreMemoryThanDom0Has() {
    Failure f = run(TooMuchMemoryTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.CreateFailed.class);
    assertThat(f.error().getMessage()).contains("failed: dom0 does not have enough free memory for "
        + "the domain: lower memoryMb or destroy other domains (xl list)");
    f.report("more memory than dom0 can give");
  }

  @Test
  void httpReadinessThatNeverComes() {
    Failure f = run(WrongReadinessTestCase.class);
    assertThat(f.error()).isInstanceOf(UnikernelStartupException.TimedOut.class);
    assertThat(f.error().getMessage()).matches("(?s)Unikernel readiness-jm[0-9a-f]{10} on dom0 \\S+ "
        + "did not answer GET /missing with 200 within PT5S \\(last: status 404\\)\n.*");
    assertThat(((UnikernelStartupException) f.error()).phase())
        .isEqualTo(UnikernelStartupException.Phase.READINESS);
    f.report("HTTP readiness never met (404, readyTimeoutSeconds = 5)");
  }

  @Test
  @Order(3)
  void failedTestKeepsEvidenceAndTheDomain() {
    Failure f = run(EvidenceTestCase.class);
    assertThat(f.error()).isInstanceOf(AssertionError.class).hasMessage("the test under test fails");
    String d = "evidence-" + f.tag();
    assertThat(f.published()).contains(d + "-console.txt", d + ".xl", d + "-xl-list-l.txt",
        d + "-xl-dmesg-tail.txt", d + "-xl-log-tail.txt", d + "-xenconsoled-guest-log.txt");
    // ON_SUCCESS keeps a failed test's domain, even after its run (and watchdog) ended.
    String list = observer.exec(List.of("xl", "list", d), Duration.ofSeconds(30)).orThrow("xl list").stdout();
    assertThat(list).contains(d);
    observer.exec(List.of("xl", "destroy", d), Duration.ofSeconds(30)).orThrow("xl destroy");
  }

  @Test
  @Order(1)
  void crashAfterBootIsSeenByTheTest() {
    EngineExecutionResults results = engine(CrashLaterTestCase.class);
    nothingFailed(results);
    ranIn(CrashLaterTestCase.domainName);
    assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
  }

  @Test
  @Order(LAST - 1)
  void kernelsNotOnDom0AreUploadedOnceIntoTheImageCacheThatOutlivesRuns() throws Exception {
    Path copy = java.nio.file.Files.createTempDirectory("upload").resolve("www.xen");
    java.nio.file.Files.copy(Path.of(System.getProperty("junit.mirage.cache"), "unikernels", "www.xen"), copy);
    java.nio.file.Files.write(copy, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    long t0 = System.nanoTime();
    nothingFailed(uploadRun(copy));
    ranIn(UploadTestCase.domainName);
    long uploaded = System.nanoTime() - t0;
    String kernel = UploadTestCase.kernelOnDom0;
    assertThat(kernel).matches("/var/lib/junit-mirage/images/[0-9a-f]{64}/www.xen");
    String inode = observer.exec(List.of("stat", "-c", "%i", kernel), Duration.ofSeconds(30))
        .orThrow("stat").stdout();
    try {
      long t1 = System.nanoTime();
      nothingFailed(uploadRun(copy));
      ranIn(UploadTestCase.domainName);
      assertThat(UploadTestCase.kernelOnDom0).isEqualTo(kernel);
      // Not written again: an upload lands as a new file renamed over the old one.
      assertThat(observer.exec(List.of("stat", "-c", "%i", kernel), Duration.ofSeconds(30))
          .orThrow("stat").stdout()).isEqualTo(inode);
      System.out.printf("www.xen (%d bytes): run with upload %d ms, later run from the cache %d ms%n",
          java.nio.file.Files.size(copy), uploaded / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
    } finally {
      observer.exec(List.of("rm", "-rf", kernel.substring(0, kernel.lastIndexOf('/'))),
          Duration.ofSeconds(30));
    }
  }

  /**
   * No event failed, the class's own included: a unikernel that does not start fails the class,
   * not the test, and its cause is what this test must show.
   */
  private static void nothingFailed(EngineExecutionResults results) {
    assertThat(results.allEvents().failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
            .map(FaultsIT::withCauses).orElse(String.valueOf(e)))
        .toList()).as("failures of the run").isEmpty();
  }

  /** The failure and its causes, a line each (a JUnitException's own message rarely says why). */
  private static String withCauses(Throwable t) {
    StringBuilder b = new StringBuilder(String.valueOf(t));
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      b.append("\n  caused by: ").append(c);
    }
    for (Throwable s : t.getSuppressed()) {
      b.append("\n  suppressed: ").append(s);
    }
    return b.toString();
  }

  private static EngineExecutionResults uploadRun(Path kernel) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.mirage.cache", System.getProperty("junit.mirage.cache"))
        .configurationParameter("junit.mirage.fixtures", System.getProperty("junit.mirage.fixtures"))
        .configurationParameter("uploaded.kernel", kernel.toString())
        .selectors(selectClass(UploadTestCase.class)).execute();
  }

  record Failure(Throwable error, List<String> published, Duration elapsed, String tag) {
    void report(String fault) {
      Duration detected = error instanceof UnikernelStartupException u ? u.detectedAfter() : null;
      System.out.printf("FAULT %-60s -> %s %s after its cause (%d ms in all)%n", fault,
          error.getClass().getSimpleName(), detected == null ? "?" : detected.toMillis() + " ms",
          elapsed.toMillis());
    }
  }

  private static EngineExecutionResults engine(Class<?> testCase) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.mirage.cache", System.getProperty("junit.mirage.cache"))
        .configurationParameter("junit.mirage.fixtures", System.getProperty("junit.mirage.fixtures"))
        // each fault once: the build's failsafe run tries a timed-out boot twice elsewhere
        .configurationParameter(MirageSettings.STARTUP_ATTEMPTS, "1")
        .outputDirectoryProvider(new TempOutputDirectories())
        .selectors(selectClass(testCase)).execute();
  }

  private Failure run(Class<?> testCase) {
    long t0 = System.nanoTime();
    EngineExecutionResults results = engine(testCase);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    List<Event> failed = results.allEvents().failed().list();
    assertThat(failed).as("failed events of " + testCase.getSimpleName()).isNotEmpty();
    Throwable error = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
    List<String> published = results.allEvents().stream()
        .filter(e -> e.getType() == EventType.FILE_ENTRY_PUBLISHED)
        .map(e -> e.getPayload(org.junit.platform.engine.reporting.FileEntry.class).orElseThrow()
            .getPath().getFileName().toString())
        .toList();
    String tag = published.stream().map(p -> p.replaceAll(".*-(jm[0-9a-f]{10}).*", "$1"))
        .filter(t -> t.matches("jm[0-9a-f]{10}")).findFirst()
        .orElse(String.valueOf(error.getMessage()).replaceAll("(?s)^\\D*?-(jm[0-9a-f]{10}).*", "$1"));
    if (tag.matches("jm[0-9a-f]{10}")) {
      tags.add(tag);
    }
    return new Failure(error, published, elapsed, tag);
  }

  @MirageUnikernel(name = "evidence", kernel = WWW, destroy = DestroyMode.ON_SUCCESS)
  static class EvidenceTestCase {
    @Test
    void test(Unikernel u) {
      throw new AssertionError("the test under test fails");
    }
  }

  @MirageUnikernel(name = "later", kernel = WWW, cmdline = "--fault=raise --fault-after=8")
  static class CrashLaterTestCase {
    static volatile String domainName;

    @Test
    void test(Unikernel u) {
      domainName = u.domainName();
      assertThat(u.isRunning()).isTrue();
      org.awaitility.Awaitility.await("crash of " + u.domainName()).atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> u.console().contains("Solo5: solo5_exit(2) called") && !u.isRunning());
      assertThat(u.console()).contains(
          "Fatal error: exception Failure(\"www was told to raise (--fault=raise)\")");
    }
  }

  @MirageUnikernel(name = "upload", kernel = "${uploaded.kernel}")
  static class UploadTestCase {
    static volatile String kernelOnDom0;
    static volatile String domainName;

    @Test
    void test(Unikernel u) {
      domainName = u.domainName();
      kernelOnDom0 = u.xlConfig().lines().filter(l -> l.startsWith("kernel = "))
          .findFirst().orElseThrow().replaceAll("kernel = '(.*)'", "$1");
    }
  }

  @MirageUnikernel(name = "raise", kernel = WWW, cmdline = "--fault=raise")
  static class RaiseTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "panic", kernel = LAB, ramdisk = INITRD,
      cmdline = "console=hvc0 quiet mirage.dialect=2 mirage.behaviour=crash")
  static class PanicTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "trap", kernel = SOLO5 + "test_exception.xen", memoryMb = 32)
  static class TrapTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "ssp", kernel = SOLO5 + "test_ssp.xen", memoryMb = 32)
  static class StackSmashingTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "exit0", kernel = WWW, cmdline = "--fault=exit-0")
  static class ExitZeroTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "exit", kernel = WWW, cmdline = "--fault=exit")
  static class ExitTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "oom", kernel = WWW, memoryMb = 32, cmdline = "--fault=oom")
  static class OutOfMemoryTestCase {
    @Test void test() {}
  }

  /** dnsmasq in the lab never answers this MAC (fixtures/lab/dnsmasq-lab.conf). */
  @MirageUnikernel(name = "nolease", kernel = WWW, mac = "02:00:00:00:de:ad", bootTimeoutSeconds = 45)
  static class NoLeaseTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "hang", kernel = WWW, memoryMb = 32, bootTimeoutSeconds = 20,
      cmdline = "--fault=hang")
  static class HangTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "nobridge", kernel = WWW, bridge = "nobr0")
  static class MissingBridgeTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "toobig", kernel = WWW, memoryMb = 16000)
  static class TooMuchMemoryTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "readiness", kernel = WWW, readyHttpPath = "/missing", readyTimeoutSeconds = 5)
  static class WrongReadinessTestCase {
    @Test void test() {}
  }
}

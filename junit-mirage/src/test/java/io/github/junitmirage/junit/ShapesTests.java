package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.Unikernel;
import io.github.junitmirage.UnikernelStartupException;
import io.github.junitmirage.dom0.FakeDom0;
import io.github.junitmirage.dom0.FakeXl;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The JUnit shapes users write, run through the Jupiter engine against {@link FakeDom0}: no QEMU,
 * but the real extension, a real SSH server, and every {@code xl create} counted.
 */
class ShapesTests {
  private static final String LEASE =
      "2026-11-24T22:52:55-00:00: [INFO] [dhcp_client_lwt] Lease obtained! IP: 10.0.0.7, routers: 10.0.0.1\r\n"
      + "2026-01-01T00:00:00-00:00: [INFO] [tcpip-stack-direct] Dual TCP/IP stack assembled: mac=02:00:00:00:00:01,ip=10.0.0.7, fe80::ff:fe00:1\r\n";
  static final Set<Unikernel> SEEN = ConcurrentHashMap.newKeySet();
  private FakeDom0 fake;

  @AfterEach
  void stop() throws Exception {
    SEEN.clear();
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void declarationOnAnAbstractSuperclass() throws Exception {
    assertAllPass(run(Map.of(), SubclassTestCase.class), 1);
  }

  @Test
  void declarationOnAnInterface() throws Exception {
    assertAllPass(run(Map.of(), InterfaceTestCase.class), 1);
  }

  @Test
  void perMethodFieldOfAnEnclosingClassInNestedTests() throws Exception {
    EngineExecutionResults r = run(Map.of(), OuterTestCase.class);
    assertAllPass(r, 2);
    assertThat(creates("fresh")).isEqualTo(2);
  }

  @Test
  void perClassInstanceWithANonStaticBeforeAll() throws Exception {
    assertAllPass(run(Map.of(), PerClassInstanceTestCase.class), 1);
    assertThat(creates("early")).isEqualTo(1);
  }

  @Test
  void perRunFromAMetaAnnotationWithAReadyPatternIsSharedByTwoClasses() throws Exception {
    EngineExecutionResults r = run(Map.of(), SharedOneTestCase.class, SharedTwoTestCase.class);
    assertAllPass(r, 2);
    assertThat(creates("shared")).isEqualTo(1);
    assertThat(SEEN).hasSize(1);
  }

  @Test
  void perRunBootsOnceWhenClassesAndMethodsRunInParallel() throws Exception {
    EngineExecutionResults r = run(Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"),
        SharedOneTestCase.class, SharedTwoTestCase.class, SharedThreeTestCase.class);
    assertAllPass(r, 4);
    assertThat(creates("shared")).isEqualTo(1);
    assertThat(SEEN).hasSize(1);
  }

  @Test
  void addressParametersAreLeftToOtherResolversWhereNothingIsDeclared() throws Exception {
    assertAllPass(run(Map.of(), OtherResolverTestCase.class), 1);
    assertThat(creates("")).isZero();
  }

  @Test
  void aParameterWithSeveralUnikernelsInViewNamesOneOrIsToldWhatToWrite() throws Exception {
    EngineExecutionResults r = run(Map.of(), TwoDeclaredTestCase.class);
    assertThat(r.testEvents().succeeded().count()).isEqualTo(1);
    Throwable t = r.testEvents().failed().stream().findFirst().orElseThrow()
        .getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    assertThat(t).isInstanceOf(org.junit.jupiter.api.extension.ParameterResolutionException.class)
        .hasMessage("InetAddress parameter 'ip' of unnamed is ambiguous: 2 unikernels are declared "
            + "(left, right); say which, as in @UnikernelName(\"left\") InetAddress ip");
  }

  @Test
  void everyLifecycleFromEveryPositionBootsAsOftenAsItSays() throws Exception {
    assertAllPass(run(Map.of(), EveryPositionTestCase.class), 2);
    Map<String, Long> expected = Map.of("clsMethod", 2L, "clsClass", 1L, "clsRun", 1L,
        "staticClass", 1L, "staticRun", 1L, "instMethod", 2L, "instClass", 1L, "instRun", 1L,
        "method", 1L);
    expected.forEach((name, n) -> assertThat(creates(name)).as(name).isEqualTo(n));
    expected.forEach((name, n) -> assertThat(destroys(name)).as(name + " destroyed").isEqualTo(n));
  }

  /** A boot that hangs (as a real one sometimes does in the lab) is tried again when allowed. */
  @Test
  void aBootThatTimesOutIsTriedAgainOnAFreshDomainOnlyWhenAttemptsAllow() throws Exception {
    assertAllPass(run(Map.of(MirageSettings.STARTUP_ATTEMPTS, "2"), FlakyBootTestCase.class), 1);
    assertThat(creates("flaky")).isEqualTo(2);
    assertThat(destroys("flaky")).isEqualTo(2); // the hung one at once, the good one after
    fake.close();

    EngineExecutionResults once = run(Map.of(), FlakyBootTestCase.class);
    assertThat(once.allEvents().failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()))
        .singleElement().isInstanceOf(UnikernelStartupException.TimedOut.class);
    assertThat(creates("flaky")).isEqualTo(1);
    fake.close();

    assertThatThrownBy(() -> MirageSettings.of(Map.of(MirageSettings.STARTUP_ATTEMPTS, "0"))
        .startupAttempts()).hasMessage("junit.mirage.startupAttempts must be at least 1: 0");
  }

  @Test
  void staticFieldIsOnePerClass() throws Exception {
    assertAllPass(run(Map.of(), StaticFieldTestCase.class), 2);
    assertThat(creates("once")).isEqualTo(1);
  }

  @Test
  void repeatedTestsGetAFreshOneEachRepetition() throws Exception {
    assertAllPass(run(Map.of(), RepeatedTestCase.class), 3);
    assertThat(creates("fresh")).isEqualTo(3);
  }

  @Test
  void parameterizedTestWithAMethodDeclaration() throws Exception {
    assertAllPass(run(Map.of(), ParameterizedTestCase.class), 2);
    assertThat(creates("perCase")).isEqualTo(2);
  }

  @Test
  void whenOneOfTwoSideBySideBootsFailsTheOtherIsDestroyed() throws Exception {
    EngineExecutionResults r = run(Map.of(), OneFailsTestCase.class);
    Throwable t = r.allEvents().failed().stream().findFirst().orElseThrow()
        .getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    assertThat(t).isInstanceOf(io.github.junitmirage.UnikernelStartupException.Crashed.class)
        .hasMessageContaining("Fatal error: exception Failure(\"bad\")");
    assertThat(creates("good")).isEqualTo(1);
    assertThat(destroys("good")).isPositive();
    assertThat(destroys("bad")).isPositive();
  }

  @Test
  void failedTestKeepsItsDomainAndPublishesEvidenceWithOnSuccess() throws Exception {
    EngineExecutionResults r = run(Map.of(), KeepTestCase.class);
    assertThat(r.testEvents().failed().count()).isEqualTo(1);
    List<String> files = r.allEvents().stream()
        .filter(e -> e.getType() == org.junit.platform.testkit.engine.EventType.FILE_ENTRY_PUBLISHED)
        .map(e -> e.getPayload(org.junit.platform.engine.reporting.FileEntry.class).orElseThrow()
            .getPath().getFileName().toString()).toList();
    assertThat(files).anyMatch(f -> f.matches("kept-jm[0-9a-f]{10}-console\\.txt"))
        .anyMatch(f -> f.matches("kept-jm[0-9a-f]{10}\\.xl"));
    assertThat(creates("kept")).isEqualTo(1);
    assertThat(destroys("kept")).isZero();
  }

  private EngineExecutionResults run(Map<String, String> extra, Class<?>... testCases)
      throws Exception {
    FakeXl xl = new FakeXl((domain, out) -> {
      if (domain.startsWith("flaky-") && !domain.startsWith("flaky-2-")) {
        FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n"
            + "2026-11-25T10:12:20-00:00: [INFO] [net-xen frontend] connect 0\r\n");
        Thread.sleep(60_000); // hangs, as the lab's real www sometimes does here
        return;
      }
      if (domain.startsWith("bad-")) {
        Thread.sleep(300);
        FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\nFatal error: exception Failure(\"bad\")\r\n"
            + "Solo5: solo5_exit(2) called\r\n");
        return;
      }
      FakeDom0.print(out, "Solo5: Bindings version v0.8.0\r\n" + LEASE);
      Thread.sleep(60_000);
    });
    fake = FakeDom0.start(xl);
    Path kernel = Files.createTempFile("shapes-", ".xen");
    Map<String, String> config = new HashMap<>(extra);
    config.put(MirageSettings.DOM0_HOST, "127.0.0.1");
    config.put(MirageSettings.DOM0_PORT, Integer.toString(fake.port()));
    config.put(MirageSettings.DOM0_KEY, fake.clientKey().toString());
    config.put(MirageSettings.DOM0_HOST_KEY, fake.hostKeyLine());
    config.put("fake.kernel", kernel.toString());
    ClassSelector[] selectors = java.util.Arrays.stream(testCases).map(c -> selectClass(c))
        .toArray(ClassSelector[]::new);
    return EngineTestKit.engine("junit-jupiter").configurationParameters(config)
        .outputDirectoryProvider(new TempOutputDirectories()).selectors(selectors).execute();
  }

  private long destroys(String name) {
    return fake.commands().stream().filter(c -> c.contains("destroy"))
        .filter(c -> c.get(c.size() - 1).startsWith(name + "-")).count();
  }

  private long creates(String name) {
    // create.sh's arguments: sh -c SCRIPT create CONFIG NAME TEXT xl...
    return fake.commands().stream().filter(c -> c.size() > 5 && c.get(3).equals("create"))
        .filter(c -> c.get(4).contains("/" + name)).count();
  }

  private static void assertAllPass(EngineExecutionResults r, long tests) {
    List<String> failures = r.allEvents().failed().stream()
        .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(TestExecutionResult.class)
            .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?"))
        .toList();
    assertThat(failures).as("failures").isEmpty();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(tests);
  }

  @MirageUnikernel(name = "left", kernel = "${fake.kernel}")
  @MirageUnikernel(name = "right", kernel = "${fake.kernel}")
  static class TwoDeclaredTestCase {
    @Test
    void named(@UnikernelName("right") Unikernel u) {
      assertThat(u.name()).isEqualTo("right");
    }

    @Test
    void unnamed(InetAddress ip) {}
  }

  @MirageUnikernel(name = "clsMethod", kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_METHOD)
  @MirageUnikernel(name = "clsClass", kernel = "${fake.kernel}")
  @MirageUnikernel(name = "clsRun", kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_RUN)
  static class EveryPositionTestCase {
    @MirageUnikernel(kernel = "${fake.kernel}")
    static Unikernel staticClass;
    @MirageUnikernel(kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_RUN)
    static Unikernel staticRun;
    @MirageUnikernel(kernel = "${fake.kernel}")
    Unikernel instMethod;
    @MirageUnikernel(kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_CLASS)
    Unikernel instClass;
    @MirageUnikernel(kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_RUN)
    Unikernel instRun;

    @Test
    void first(@UnikernelName("clsMethod") Unikernel a, @UnikernelName("clsRun") Unikernel b) {
      assertThat(List.of(a, b, staticClass, staticRun, instMethod, instClass, instRun))
          .doesNotContainNull();
    }

    @Test
    @MirageUnikernel(name = "method", kernel = "${fake.kernel}")
    void second(@UnikernelName("method") Unikernel m, @UnikernelName("clsClass") Unikernel c) {
      assertThat(List.of(m, c, staticClass, staticRun, instMethod, instClass, instRun))
          .doesNotContainNull();
    }
  }

  static class StaticFieldTestCase {
    @MirageUnikernel(kernel = "${fake.kernel}")
    static Unikernel once;

    @Test
    void one() {
      assertThat(SEEN.add(once)).isTrue();
    }

    @Test
    void two() {
      assertThat(SEEN.add(once)).isFalse();
    }
  }

  static class RepeatedTestCase {
    @MirageUnikernel(kernel = "${fake.kernel}")
    Unikernel fresh;

    @org.junit.jupiter.api.RepeatedTest(3)
    void test() {
      assertThat(SEEN.add(fresh)).isTrue();
    }
  }

  static class ParameterizedTestCase {
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    @MirageUnikernel(name = "perCase", kernel = "${fake.kernel}")
    void test(int n, Unikernel u) {
      assertThat(SEEN.add(u)).isTrue();
    }
  }

  @MirageUnikernel(name = "good", kernel = "${fake.kernel}")
  @MirageUnikernel(name = "bad", kernel = "${fake.kernel}")
  static class OneFailsTestCase {
    @Test
    void test() {}
  }

  @MirageUnikernel(name = "flaky", kernel = "${fake.kernel}", bootTimeoutSeconds = 2)
  static class FlakyBootTestCase {
    @Test
    void test(Unikernel flaky) {
      assertThat(flaky.domainName()).startsWith("flaky-2-");
    }
  }

  @MirageUnikernel(name = "kept", kernel = "${fake.kernel}", destroy = DestroyMode.ON_SUCCESS)
  static class KeepTestCase {
    @Test
    void test() {
      throw new AssertionError("fails on purpose");
    }
  }

  @MirageUnikernel(name = "base", kernel = "${fake.kernel}")
  abstract static class AbstractBase {}

  static class SubclassTestCase extends AbstractBase {
    @Test
    void test(Unikernel base) {
      assertThat(base.name()).isEqualTo("base");
    }
  }

  @MirageUnikernel(name = "viaInterface", kernel = "${fake.kernel}")
  interface WithUnikernel {}

  static class InterfaceTestCase implements WithUnikernel {
    @Test
    void test(InetAddress ip) {
      assertThat(ip.getHostAddress()).isEqualTo("10.0.0.7");
    }
  }

  static class OuterTestCase {
    @MirageUnikernel(kernel = "${fake.kernel}")
    Unikernel fresh;

    @Nested
    class Inner {
      @Test
      void first() {
        assertThat(fresh).isNotNull();
        assertThat(SEEN.add(fresh)).isTrue();
      }

      @Test
      void second() {
        assertThat(fresh).isNotNull();
        assertThat(SEEN.add(fresh)).isTrue();
      }
    }
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class PerClassInstanceTestCase {
    @MirageUnikernel(kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_CLASS)
    Unikernel early;
    String seenInBeforeAll;

    @BeforeAll
    void beforeAll() {
      seenInBeforeAll = early.ip().getHostAddress();
    }

    @Test
    void test() {
      assertThat(seenInBeforeAll).isEqualTo("10.0.0.7");
    }
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @MirageUnikernel(name = "shared", kernel = "${fake.kernel}", lifecycle = Lifecycle.PER_RUN,
      readyPattern = "Lease obtained! IP: (?<ip>[0-9.]+)")
  @interface Shared {}

  @Shared
  static class SharedOneTestCase {
    @Test
    void test(Unikernel shared) {
      SEEN.add(shared);
    }
  }

  @Shared
  static class SharedTwoTestCase {
    @Test
    void test(Unikernel shared) {
      SEEN.add(shared);
    }
  }

  @Shared
  static class SharedThreeTestCase {
    @Test
    void one(Unikernel shared) {
      SEEN.add(shared);
    }

    @Test
    void two(Unikernel shared) {
      SEEN.add(shared);
    }
  }

  /** Another extension supplies InetAddress; ours is registered but nothing is declared. */
  static final class LoopbackResolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext p, org.junit.jupiter.api.extension.ExtensionContext c) {
      return p.getParameter().getType() == InetAddress.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, org.junit.jupiter.api.extension.ExtensionContext c) {
      return InetAddress.getLoopbackAddress();
    }
  }

  @ExtendWith(MirageUnikernelExtension.class)
  @ExtendWith(LoopbackResolver.class)
  static class OtherResolverTestCase {
    @BeforeEach
    void before(InetAddress ip) {
      assertThat(ip.isLoopbackAddress()).isTrue();
    }

    @Test
    void test(InetAddress ip) {
      assertThat(ip.isLoopbackAddress()).isTrue();
    }
  }
}

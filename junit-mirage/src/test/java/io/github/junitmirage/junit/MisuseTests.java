package io.github.junitmirage.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.xen.ElfImages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Misuse of the annotation, run through the real Jupiter engine: each fails before anything boots,
 * with a message that says what was wrong and what to do.
 */
class MisuseTests {
  private static final String HERE = MisuseTests.class.getName();

  @Test
  void neitherKernelNorXlFile() {
    assertThat(failure(NoKernelTestCase.class)).isEqualTo("@MirageUnikernel 'www' on class " + HERE
        + "$NoKernelTestCase: set exactly one of kernel (a kernel image on this machine) or xlFile "
        + "(an xl file as mirage configure writes it)");
  }

  @Test
  void bothKernelAndXlFile() {
    assertThat(failure(BothTestCase.class)).startsWith("@MirageUnikernel 'www' on class " + HERE
        + "$BothTestCase: set exactly one of kernel");
  }

  @Test
  void nameThatCannotBeADomainName() {
    assertThat(failure(BadNameTestCase.class)).isEqualTo("@MirageUnikernel on class " + HERE
        + "$BadNameTestCase: name 'www; reboot' is not usable in a Xen domain name; use 1 to 40 "
        + "letters, digits, '-', '_' or '.', starting with a letter or digit");
  }

  @Test
  void upperCaseMac() {
    assertThat(failure(BadMacTestCase.class)).isEqualTo("@MirageUnikernel 'www' on class " + HERE
        + "$BadMacTestCase: invalid MAC address \"02:16:3E:00:00:01\": use six lower-case hex pairs "
        + "separated by ':' such as 02:16:3e:00:00:01");
  }

  @Test
  void extraLineRedefiningTheName() {
    assertThat(failure(ExtraNameTestCase.class)).isEqualTo("@MirageUnikernel 'www' on class " + HERE
        + "$ExtraNameTestCase: extra xl line sets 'name', which junit-mirage writes itself: use the "
        + "annotation's attribute instead: name = 'other'");
  }

  @Test
  void readyPatternThatDoesNotCompile() {
    assertThat(failure(BadPatternTestCase.class)).isEqualTo("@MirageUnikernel 'www' on class " + HERE
        + "$BadPatternTestCase: readyPattern is not a valid regular expression: Unclosed group near "
        + "index 4 of (ip=");
  }

  @Test
  void perClassLifecycleOnAMethod() {
    assertThat(failure(MethodPerClassTestCase.class)).isEqualTo("@MirageUnikernel on method "
        + "MethodPerClassTestCase.test: lifecycle PER_CLASS is not possible on a method, which "
        + "always gets its own unikernel; put the annotation on the class or a static field instead");
  }

  @Test
  void perMethodLifecycleOnAStaticField() {
    assertThat(failure(StaticPerMethodTestCase.class)).isEqualTo("@MirageUnikernel on field "
        + "StaticPerMethodTestCase.www: a static field cannot hold a per-method unikernel; make "
        + "the field an instance field");
  }

  @Test
  void fieldOfTheWrongType() {
    assertThat(failure(WrongFieldTypeTestCase.class)).isEqualTo("@MirageUnikernel on field "
        + "WrongFieldTypeTestCase.www of type String: declare the field as Unikernel (use "
        + "unikernel.ip() and unikernel.httpClient() for the address and the client)");
  }

  @Test
  void finalField() {
    assertThat(failure(FinalFieldTestCase.class)).isEqualTo("@MirageUnikernel on field "
        + "FinalFieldTestCase.www: the field is final, so it cannot be injected; remove 'final'");
  }

  @Test
  void twoDeclarationsWithOneName() {
    assertThat(failure(DuplicateTestCase.class)).isEqualTo("two @MirageUnikernel declarations "
        + "named 'www' (on class " + HERE + "$DuplicateTestCase and class " + HERE
        + "$DuplicateTestCase): give each a distinct name");
  }

  @Test
  void kernelFileThatDoesNotExist() {
    assertThat(failure(MissingKernelTestCase.class)).isEqualTo("@MirageUnikernel 'www' on class "
        + HERE + "$MissingKernelTestCase: kernel /nonexistent/www.xen does not exist or is not a "
        + "file; relative paths are resolved against " + java.nio.file.Path.of("").toAbsolutePath());
  }

  @Test
  void unknownVariableInAPath() {
    assertThat(failure(UnknownVariableTestCase.class)).isEqualTo("@MirageUnikernel 'www' on class "
        + HERE + "$UnknownVariableTestCase: '${nowhere.defined}' in '${nowhere.defined}/www.xen' is "
        + "not set: define it as a system property or JUnit configuration parameter");
  }

  @Test
  void explicitTypeTheKernelCannotBoot() throws java.io.IOException {
    java.nio.file.Path kernel = io.github.junitmirage.xen.ElfImages.pvhOnly(
        java.nio.file.Files.createTempDirectory("misuse").resolve("www.xen"));
    assertThat(failure(WrongTypeTestCase.class, Map.of("pvh.kernel", kernel.toString())))
        .isEqualTo("@MirageUnikernel 'www' on class " + HERE + "$WrongTypeTestCase: type 'pv' "
            + "cannot boot " + kernel + ": it is a PVH-only kernel (Solo5/MirageOS 4 style); set "
            + "type = 'pvh' or leave type unset to use the kernel's own");
  }

  @Test
  void destroySettingThatIsNotAMode() {
    assertThat(failure(ExistingKernelTestCase.class, Map.of("junit.mirage.destroy", "SOMETIMES")))
        .isEqualTo("junit.mirage.destroy must be ALWAYS, ON_SUCCESS or NEVER: SOMETIMES");
  }

  @Test
  void timeoutFactorThatIsNotANumber() {
    assertThat(failure(ExistingKernelTestCase.class, Map.of("junit.mirage.timeoutFactor", "fast")))
        .isEqualTo("junit.mirage.timeoutFactor must be a number: fast");
  }

  @Test
  void constructorParameter() {
    assertThat(failure(ConstructorTestCase.class)).startsWith("junit-mirage does not inject "
        + "constructor parameters (").endsWith("take the Unikernel as a parameter of the test, "
        + "@BeforeEach or @BeforeAll method, or annotate a Unikernel field with @MirageUnikernel");
  }

  @Test
  void parameterWithoutAnyDeclaration() {
    assertThat(failure(NoDeclarationTestCase.class)).isEqualTo("no @MirageUnikernel is declared for "
        + "Unikernel parameter 'u' of test: annotate the test class, a field or the method with "
        + "@MirageUnikernel");
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertThat(MirageSettings.environmentName(MirageSettings.DOM0_KNOWN_HOSTS))
        .isEqualTo("JUNIT_MIRAGE_DOM0_KNOWN_HOSTS");
    assertThat(MirageSettings.environmentName(MirageSettings.DOM0_INSECURE_ACCEPT_ANY_HOST_KEY))
        .isEqualTo("JUNIT_MIRAGE_DOM0_INSECURE_ACCEPT_ANY_HOST_KEY");
  }

  @Test
  void xlFileNamingAKernelOutsideItsFolder() throws java.io.IOException {
    java.nio.file.Path top = java.nio.file.Files.createTempDirectory("misuse-xl");
    java.nio.file.Path dir = java.nio.file.Files.createDirectory(top.resolve("www"));
    java.nio.file.Path secret = java.nio.file.Files.writeString(top.resolve("id_ed25519"), "key");
    java.nio.file.Files.createSymbolicLink(dir.resolve("link.xen"), secret);
    for (String kernel : List.of("../id_ed25519", secret.toString(), "link.xen")) {
      java.nio.file.Files.writeString(dir.resolve("www.xl"), "kernel = '" + kernel + "'\n");
      assertThat(failure(XlFileTestCase.class, Map.of("xl.dir", dir.toString())))
          .as(kernel).contains("is outside the xl file's folder " + dir.toRealPath())
          .endsWith("to boot another file, set kernel/ramdisk on the annotation");
    }
  }

  @Test
  void xlFileWithASecondSettingOnALine() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("misuse-xl");
    java.nio.file.Files.writeString(dir.resolve("www.xen"), "not really a kernel");
    java.nio.file.Files.writeString(dir.resolve("www.xl"), "kernel = 'www.xen'\ntype = 'pvh'\n"
        + "vcpus = 1; name = 'other'\n");
    assertThat(failure(XlFileTestCase.class, Map.of("xl.dir", dir.toString())))
        .contains("xl line is not one KEY = VALUE setting: expected the end of the line (';' would "
            + "start a second setting)");
  }

  private static String failure(Class<?> testCase) {
    return failure(testCase, Map.of());
  }

  private static String failure(Class<?> testCase, Map<String, String> configuration) {
    List<Event> failed = EngineTestKit.engine("junit-jupiter")
        .configurationParameters(configuration)
        // Should a case get as far as dom0, it meets a closed loopback port, never the lab.
        .configurationParameter("junit.mirage.dom0.host", "127.0.0.1")
        .configurationParameter("junit.mirage.dom0.port", "9")
        .selectors(selectClass(testCase)).execute()
        .allEvents().failed().list();
    assertThat(failed).as("failed events of " + testCase.getSimpleName()).isNotEmpty();
    Throwable t = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
    return t.getMessage();
  }

  @MirageUnikernel(name = "www", xlFile = "${xl.dir}/www.xl")
  static class XlFileTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www")
  static class NoKernelTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "pom.xml", xlFile = "www.xl")
  static class BothTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www; reboot", kernel = "pom.xml")
  static class BadNameTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "pom.xml", mac = "02:16:3E:00:00:01")
  static class BadMacTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "pom.xml", xl = "name = 'other'")
  static class ExtraNameTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "pom.xml", readyPattern = "(ip=")
  static class BadPatternTestCase {
    @Test void test() {}
  }

  static class MethodPerClassTestCase {
    @Test
    @MirageUnikernel(kernel = "pom.xml", lifecycle = Lifecycle.PER_CLASS)
    void test() {}
  }

  static class StaticPerMethodTestCase {
    @MirageUnikernel(kernel = "pom.xml", lifecycle = Lifecycle.PER_METHOD)
    static Unikernel www;

    @Test void test() {}
  }

  static class WrongFieldTypeTestCase {
    @MirageUnikernel(kernel = "pom.xml")
    static String www;

    @Test void test() {}
  }

  static class FinalFieldTestCase {
    @MirageUnikernel(kernel = "pom.xml")
    static final Unikernel www = null;

    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "pom.xml")
  @MirageUnikernel(name = "www", kernel = "pom.xml", memoryMb = 64)
  static class DuplicateTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "/nonexistent/www.xen")
  static class MissingKernelTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "${nowhere.defined}/www.xen")
  static class UnknownVariableTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "pom.xml")
  static class ExistingKernelTestCase {
    @Test void test() {}
  }

  @MirageUnikernel(name = "www", kernel = "${pvh.kernel}", type = "pv")
  static class WrongTypeTestCase {
    @Test void test() {}
  }

  @ExtendWith(MirageUnikernelExtension.class)
  static class ConstructorTestCase {
    ConstructorTestCase(Unikernel u) {}

    @Test void test() {}
  }

  @ExtendWith(MirageUnikernelExtension.class)
  static class NoDeclarationTestCase {
    @Test void test(Unikernel u) {}
  }
}

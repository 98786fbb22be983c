package io.github.junitmirage.lab;

import java.nio.file.Path;
import java.time.Duration;

/** The lab as this project's integration tests find it (failsafe passes cache and fixtures). */
public final class TestLab {
  /** Held by the tests that run or sweep as dom0 user mirage, in its default work folder. */
  public static final String MIRAGE_WORK_FOLDER = "junit-mirage.lab.mirage-work-folder";

  private TestLab() {}

  public static LabImage image() {
    return LabImage.locate(Path.of(System.getProperty("junit.mirage.cache")),
        Path.of(System.getProperty("junit.mirage.fixtures")));
  }

  /**
   * One of the project's real MirageOS unikernels (fixtures/mirage/build-unikernels.sh), by file
   * name, e.g. {@code www.xen}.
   */
  public static Path unikernel(String file) {
    Path p = Path.of(System.getProperty("junit.mirage.cache"), "unikernels", file);
    if (!java.nio.file.Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing: build the unikernels with "
          + "fixtures/mirage/build-unikernels.sh");
    }
    return p;
  }

  /**
   * Boots the project's real www on {@code session} as {@code name} with {@code mac} where booting
   * is a test's set-up, not its subject: a boot that times out (the hang of nested emulation, see
   * the README) is tried again as {@code junit.mirage.startupAttempts} allows (the build sets 2),
   * as {@code name-2} with the same MAC, as the extension does for the tests it boots for.
   */
  public static io.github.junitmirage.boot.RunningUnikernel bootWww(
      io.github.junitmirage.boot.Dom0Session session, String name, String mac) {
    return io.github.junitmirage.boot.UnikernelLauncher.launch(LabSmoke.real(unikernel("www.xen")),
        session, io.github.junitmirage.boot.HttpClients.throughDom0(session.dom0(),
            session.timeouts()),
        new io.github.junitmirage.boot.UnikernelLauncher.Domain(session.tag().domainName(name), mac),
        Integer.parseInt(System.getProperty(
            io.github.junitmirage.junit.MirageSettings.STARTUP_ATTEMPTS, "1")),
        attempt -> new io.github.junitmirage.boot.UnikernelLauncher.Domain(
            session.tag().domainName(name + "-" + attempt), mac));
  }

  /** The lab of this build's JVMs (see LabKeeper), started if none runs yet. */
  public static QemuXenLab shared() {
    return QemuXenLab.shared(image(), LabOptions.defaults(), Duration.ofSeconds(Long.parseLong(
        System.getProperty("junit.mirage.lab.keepIdleSeconds",
            Long.toString(QemuXenLab.DEFAULT_KEEP_IDLE.toSeconds())))));
  }

  /** {@code d} scaled by this run's {@code junit.mirage.timeoutFactor}, as the library scales its deadlines. */
  public static Duration scaled(Duration d) {
    return Duration.ofMillis((long) (d.toMillis()
        * Double.parseDouble(System.getProperty("junit.mirage.timeoutFactor", "1"))));
  }

  /** QEMU processes using this serial log (not the guard shells, whose arguments name it too). */
  public static long qemuUsing(String serialLog) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/qemu-system-x86_64")).orElse(false))
        .filter(p -> p.info().commandLine().map(c -> c.contains("file:" + serialLog)).orElse(false))
        .count();
  }

  /** QEMU and the guard processes around it. */
  public static long anyUsing(String serialLog) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("file:" + serialLog)).orElse(false))
        .count();
  }
}

package io.github.junitmirage.lab;

import java.nio.file.Path;

/** The lab as this project's integration tests find it (failsafe passes cache and fixtures). */
public final class TestLab {
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

  /** The JVM's shared lab, booted if nothing booted it yet. */
  public static QemuXenLab shared() {
    return QemuXenLab.shared(image(), LabOptions.defaults());
  }
}

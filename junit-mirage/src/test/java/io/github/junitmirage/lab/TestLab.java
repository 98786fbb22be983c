package io.github.junitmirage.lab;

import java.nio.file.Path;

/** The lab as this project's integration tests find it (failsafe passes cache and fixtures). */
public final class TestLab {
  private TestLab() {}

  public static LabImage image() {
    return LabImage.locate(Path.of(System.getProperty("junit.mirage.cache")),
        Path.of(System.getProperty("junit.mirage.fixtures")));
  }

  /** The JVM's shared lab, booted if nothing booted it yet. */
  public static QemuXenLab shared() {
    return QemuXenLab.shared(image(), LabOptions.defaults());
  }
}

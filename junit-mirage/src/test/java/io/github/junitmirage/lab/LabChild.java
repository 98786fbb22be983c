package io.github.junitmirage.lab;

/** A JVM that boots a lab and waits to be killed (QemuXenLabIT). */
public final class LabChild {
  private LabChild() {}

  public static void main(String[] args) throws Exception {
    QemuXenLab lab = QemuXenLab.start(LabImage.open(java.nio.file.Path.of(args[0])), LabOptions.defaults());
    System.out.println("UP " + lab.serialLog());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

package io.github.junitmirage.lab;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that uses a lab and waits to be killed: {@code IMAGE_DIR} boots one of its own
 * (QemuXenLabIT); {@code IMAGE_DIR attach IDLE_SECONDS INSTANCE} attaches to the kept one
 * (LabKeeperIT).
 */
public final class LabChild {
  private LabChild() {}

  public static void main(String[] args) throws Exception {
    LabImage image = LabImage.open(Path.of(args[0]));
    QemuXenLab lab = args.length > 1 && args[1].equals("attach")
        ? LabKeeper.attach(image, LabOptions.defaults(), Duration.ofSeconds(Long.parseLong(args[2])),
            args[3])
        : QemuXenLab.start(image, LabOptions.defaults());
    System.out.println("UP " + lab.serialLog() + " " + lab.sshPort() + " " + lab.keeperPid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

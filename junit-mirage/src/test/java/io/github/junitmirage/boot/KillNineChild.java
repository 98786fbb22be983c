package io.github.junitmirage.boot;

import io.github.junitmirage.dom0.Dom0Settings;
import io.github.junitmirage.dom0.SshDom0;
import io.github.junitmirage.lab.LabImage;
import io.github.junitmirage.lab.TestLab;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A test JVM that boots one real www on the lab and then waits to be killed (used by
 * LeakPreventionIT). Arguments: ssh port, lab image folder, dom0 work folder; the system properties
 * TestLab reads (cache, startup attempts) are passed on by the parent.
 */
public final class KillNineChild {
  private KillNineChild() {}

  public static void main(String[] args) throws Exception {
    LabImage image = LabImage.open(Path.of(args[1]));
    Dom0Settings settings = new Dom0Settings("127.0.0.1", Integer.parseInt(args[0]), "root",
        image.file("ssh.key"), null, image.hostKey(), false, false,
        args[2], Duration.ofSeconds(20));
    Dom0Session session = Dom0Session.open(SshDom0.connect(settings), false, settings.workDir(),
        Timeouts.of(1).withWatchdogGrace(Duration.ofSeconds(10)));
    RunningUnikernel u = TestLab.bootWww(session, "victim", "02:00:00:00:02:05");
    System.out.println("READY " + u.domainName() + " " + session.tag());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

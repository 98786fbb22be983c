package io.github.junitmirage.lab;

import io.github.junitmirage.MirageException;
import java.nio.file.Path;
import java.util.List;

/** QEMU's arguments for the lab: TCG, Xen as multiboot kernel, dom0 as modules, SLIRP restricted. */
final class QemuCommand {
  private QemuCommand() {}

  static List<String> arguments(LabImage image, LabOptions o, int sshPort, Path serialLog,
      Path monitor) {
    String dom0Kernel = multibootPath(image.file("dom0.kernel"));
    String dom0Initrd = multibootPath(image.file("dom0.initrd"));
    return List.of(
        "-accel", "tcg",
        // -cpu max crashes the PV dom0; +svm lets Xen use hardware-assisted paging for HVM/PVH.
        "-cpu", "qemu64,+svm,+npt",
        "-m", Integer.toString(o.memoryMb()),
        "-smp", Integer.toString(o.cpus()),
        "-display", "none",
        "-no-reboot",
        "-monitor", "unix:" + monitor + ",server,nowait",
        "-serial", "file:" + serialLog,
        "-kernel", image.file("xen").toString(),
        "-append", "console=com1 dom0_mem=" + o.dom0MemoryMb() + "M,max:" + o.dom0MemoryMb() + "M",
        "-initrd", dom0Kernel + " console=hvc0 earlyprintk=xen," + dom0Initrd,
        // restrict=on: the guest reaches nothing outside; only the SSH forward on loopback comes in.
        "-netdev", "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
        "-device", "e1000,netdev=n0");
  }

  // Multiboot modules are separated by commas and their arguments by blanks.
  private static String multibootPath(Path file) {
    String s = file.toString();
    if (s.contains(",") || s.contains(" ")) {
      throw new MirageException("lab image path " + s + " contains ',' or ' ', which QEMU's "
          + "multiboot module list cannot carry: set junit.mirage.cache to a plain path");
    }
    return s;
  }
}

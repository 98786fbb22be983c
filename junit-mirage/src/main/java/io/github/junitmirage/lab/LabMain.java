package io.github.junitmirage.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab by hand: {@code fixtures/lab/lab up|shell|smoke|measure [rounds]}.
 * <ul>
 *   <li>{@code up}: boots the lab and keeps it up until Enter or Ctrl-C; prints how to ssh in.
 *   <li>{@code shell}: boots the lab, opens a root shell in dom0, stops the lab when it exits.
 *   <li>{@code smoke}: the smoke check (stand-in and, when built, the real www: up, lease, HTTP,
 *       destroy, xl list clean).
 *   <li>{@code measure N}: the smoke check N times, the two alternating, with timings.
 *   <li>{@code bench [quick] [rounds=N] [curve=1,2,4]}: junit-mirage against the manual path
 *       ({@link LabBench}), N rounds a side (5); quick measures side-by-side boots up to 4
 *       instead of 16.
 * </ul>
 */
public final class LabMain {
  private LabMain() {}

  public static void main(String[] args) throws Exception {
    String command = args.length > 0 ? args[0] : "help";
    Path cache = Path.of(System.getProperty("junit.mirage.cache",
        System.getProperty("user.home") + "/.cache/junit-mirage"));
    Path fixtures = Path.of(System.getProperty("junit.mirage.fixtures", "fixtures"));
    switch (command) {
      case "up", "shell" -> interactive(command, LabImage.locate(cache, fixtures));
      case "smoke", "measure" -> {
        int rounds = command.equals("smoke") ? 1 : args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path www = cache.resolve("unikernels").resolve("www.xen");
        java.util.Optional<Path> real = java.nio.file.Files.isRegularFile(www)
            ? java.util.Optional.of(www) : java.util.Optional.empty();
        if (real.isEmpty()) {
          System.out.println("no " + www + " (fixtures/mirage/build-unikernels.sh): stand-in only");
        }
        LabSmoke.Result r = LabSmoke.run(LabImage.locate(cache, fixtures), real, rounds, System.out);
        boolean ok = r.bodies().stream().allMatch(b -> b.equals("200 Hello Mirage World!\n"))
            && r.xlListAfter().strip().lines().count() == 2;
        System.out.println(ok ? "smoke check passed" : "smoke check FAILED");
        System.exit(ok ? 0 : 1);
      }
      case "bench" -> {
        boolean quick = List.of(args).contains("quick");
        int rounds = List.of(args).stream().filter(a -> a.startsWith("rounds="))
            .map(a -> Integer.parseInt(a.substring(7))).findFirst().orElse(5);
        List<Integer> curve = List.of(args).stream().filter(a -> a.startsWith("curve="))
            .map(a -> java.util.Arrays.stream(a.substring(6).split(",")).map(Integer::valueOf)
                .toList()).findFirst()
            .orElse(quick ? List.of(1, 2, 4) : List.of(1, 2, 4, 8, 16));
        Path www = cache.resolve("unikernels").resolve("www.xen");
        if (!java.nio.file.Files.isRegularFile(www)) {
          System.err.println("no " + www + ": run fixtures/mirage/build-unikernels.sh first");
          System.exit(1);
        }
        System.out.printf("BENCH-RUN %s on %d cores, %s%n", java.time.LocalDate.now(),
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
        LabBench.run(LabImage.locate(cache, fixtures), www, rounds, curve, System.out);
        System.exit(0);
      }
      case "stop" -> {
        boolean stopped = LabKeeper.stopWhenUnused(LabImage.locate(cache, fixtures),
            LabOptions.defaults(), "default", java.time.Duration.ofSeconds(30));
        System.out.println(stopped ? "the kept lab has stopped"
            : "no kept lab stopped (none runs, or a JVM still uses it: it stops once that ends)");
      }
      default -> {
        System.err.println("usage: fixtures/lab/lab up|shell|smoke|measure [rounds]|bench [quick]|stop");
        System.exit(2);
      }
    }
  }

  private static void interactive(String command, LabImage image) throws IOException, InterruptedException {
    try (QemuXenLab lab = QemuXenLab.start(image, LabOptions.defaults())) {
      List<String> ssh = new ArrayList<>(List.of("ssh", "-p", Integer.toString(lab.sshPort()), "-i",
          image.file("ssh.key").toString(), "-o", "StrictHostKeyChecking=yes", "-o",
          "UserKnownHostsFile=" + knownHosts(lab), "root@127.0.0.1"));
      System.out.println("lab dom0 up; serial console log: " + lab.serialLog());
      System.out.println("ssh into dom0 with:\n  " + String.join(" ", ssh));
      if (command.equals("shell")) {
        new ProcessBuilder(ssh).inheritIO().start().waitFor();
      } else {
        System.out.println("junit-mirage can use it: -Djunit.mirage.dom0.host=127.0.0.1 "
            + "-Djunit.mirage.dom0.port=" + lab.sshPort() + " -Djunit.mirage.dom0.user=root "
            + "-Djunit.mirage.dom0.key=" + image.file("ssh.key") + " -Djunit.mirage.dom0.sudo=false "
            + "-Djunit.mirage.dom0.workDir=" + QemuXenLab.WORK_DIR
            + " -Djunit.mirage.dom0.hostKey='" + image.hostKey() + "'");
        System.out.println("press Enter to stop the lab");
        System.in.read();
      }
    }
  }

  private static Path knownHosts(QemuXenLab lab) throws IOException {
    Path file = lab.serialLog().resolveSibling("known_hosts");
    java.nio.file.Files.writeString(file, "[127.0.0.1]:" + lab.sshPort() + " " + lab.image().hostKey() + "\n");
    return file;
  }
}

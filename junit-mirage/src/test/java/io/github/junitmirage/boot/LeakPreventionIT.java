package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.dom0.SshDom0;
import io.github.junitmirage.junit.MirageSettings;
import io.github.junitmirage.lab.LabSmoke;
import io.github.junitmirage.lab.QemuXenLab;
import io.github.junitmirage.lab.TestLab;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * No domain is left behind: not when the test JVM is killed with SIGKILL (dom0's watchdog), not
 * from dead runs (the start-up sweep), and never at the cost of domains that are not ours or that
 * belong to a live run. The class runs beside others on the shared lab, its tests side by side
 * (most of their time is a watchdog's grace or a boot): the two tests that prove the watchdog give
 * their run a work folder of its own, where no other run's start-up sweep could do the watchdog's
 * work.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
@org.junit.jupiter.api.Order(1) // the longest lab test classes start first (pom.xml)
class LeakPreventionIT {
  private static QemuXenLab lab;
  private static SshDom0 observer;
  private static Dom0Session live;
  private static RunningUnikernel liveDomain;

  @BeforeAll
  static void bystanders() {
    lab = TestLab.shared();
    observer = lab.connect();
    live = Dom0Session.open(lab.connect(), false, QemuXenLab.WORK_DIR, Timeouts.of(1));
    // (its launch puts www.xen into the shared image cache, where createRaw finds it)
    liveDomain = TestLab.bootWww(live, "bystander", "02:00:00:00:02:01");
    createRaw(observer, "notours");
  }

  @AfterAll
  static void cleanUp() {
    live.close();
    observer.exec(List.of("xl", "destroy", "notours"), Duration.ofSeconds(30));
    observer.close();
  }

  @Test
  void killedJvmLeavesNoDomainBehind() throws Exception {
    Path childErr = java.nio.file.Files.createTempFile("kill-nine-child", ".err");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djunit.mirage.cache=" + System.getProperty("junit.mirage.cache"),
        "-D" + MirageSettings.STARTUP_ATTEMPTS + "="
            + System.getProperty(MirageSettings.STARTUP_ATTEMPTS, "1"),
        "-cp", System.getProperty("java.class.path"), KillNineChild.class.getName(),
        Integer.toString(lab.sshPort()), lab.image().dir().toString(), ownFolder("killed"))
        .redirectError(childErr.toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    assertThat(ready).as(() -> "child's first line; its stderr:\n" + readQuietly(childErr))
        .startsWith("READY ");
    String victim = ready.split(" ")[1];
    String tag = ready.split(" ")[2];
    assertThat(domains()).contains(victim);

    long t0 = System.nanoTime();
    // SIGKILL: no shutdown hook, no finally, nothing of the JVM runs. Its watchdog waits its grace
    // (10 s here) for the run to come back, then destroys.
    child.destroyForcibly();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    while (domains().stream().anyMatch(d -> d.endsWith(tag))
        && System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
      Thread.sleep(500);
    }
    Duration gone = Duration.ofNanos(System.nanoTime() - t0);
    System.out.printf("FAULT %-60s -> domain gone after %d ms%n", "test JVM killed with SIGKILL", gone.toMillis());
    assertThat(domains()).as("domains of the killed run").noneMatch(d -> d.endsWith(tag));
    assertThat(domains()).contains("notours", liveDomain.domainName());
    // The watchdog looks again 2 and 5 s later (an xl create may still have been building).
    org.awaitility.Awaitility.await("run folder of the killed run removed")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> observer.exec(List.of("test", "-e", QemuXenLab.WORK_DIR + "-killed/runs/" + tag),
            Duration.ofSeconds(30)).exitStatus() == 1);
  }

  @Test
  void silentPartitionOfTheTestHostLeavesNoDomainBehind() throws Exception {
    Duration grace = Duration.ofSeconds(10);
    try (io.github.junitmirage.dom0.SilentRelay relay =
        io.github.junitmirage.dom0.SilentRelay.to(lab.sshPort())) {
      io.github.junitmirage.dom0.Dom0Settings s = lab.settings().with(relay.port(),
          Duration.ofSeconds(1));
      Dom0Session cut = Dom0Session.open(SshDom0.connect(s), false, ownFolder("cut"),
          Timeouts.of(1).withWatchdogGrace(grace));
      RunningUnikernel u = TestLab.bootWww(cut, "cutoff", "02:00:00:00:02:04");
      assertThat(domains()).contains(u.domainName());

      long t0 = System.nanoTime();
      relay.freeze(); // no byte passes either way, nothing is closed: the sshd sees no EOF
      org.awaitility.Awaitility.await("the watchdog destroying " + u.domainName())
          .atMost(grace.plusSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> !domains().contains(u.domainName()));
      System.out.printf("FAULT %-60s -> domain gone after %d ms%n", "silent partition of the test "
          + "host (real sshd, grace 10 s)", (System.nanoTime() - t0) / 1_000_000);
      assertThat(domains()).contains(liveDomain.domainName(), "notours");
      cut.close(); // its goodbye cannot pass; nothing of the run is left to destroy anyway
    }
  }

  @Test
  void sweepRemovesDomainsOfDeadRunsOnly() {
    // A dead run: its folder records the domain it created (its config), no watchdog holds the lock.
    // Made aside and moved in whole: the sweep of a run starting beside this test must not find
    // the folder before its domain exists (it would remove the record of a domain still coming).
    String deadRun = QemuXenLab.WORK_DIR + "/runs/jm0123456789";
    String staging = QemuXenLab.WORK_DIR + "/staging-jm0123456789";
    String dead = "stale-jm0123456789";
    observer.exec(List.of("sh", "-c", "rm -rf \"$1\" \"$2\" && mkdir \"$2\" && touch \"$2/lock\"",
        "sh", deadRun, staging), Duration.ofSeconds(30)).orThrow("staging a dead run");
    createRaw(observer, dead, staging + "/" + dead + ".xl");
    observer.exec(List.of("mv", staging, deadRun), Duration.ofSeconds(30)).orThrow("mv");
    // An operator's domain that merely looks like one of ours, with the dead run's very tag.
    String lookAlike = "backup-jm0123456789";
    createRaw(observer, lookAlike);
    try (Dom0Session next = Dom0Session.open(lab.connect(), false, QemuXenLab.WORK_DIR, Timeouts.of(1))) {
      // Its sweep, or that of a run starting beside it (the lab is shared; two sweeps of one dead
      // run: the one that finds the other at the lock or at xl destroy leaves the run to it).
      org.awaitility.Awaitility.await("the dead run's domain and folder swept")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> !domains().contains(dead) && observer.exec(List.of("test", "-e",
              QemuXenLab.WORK_DIR + "/runs/jm0123456789"), Duration.ofSeconds(30)).exitStatus() == 1);
      assertThat(domains()).contains("notours", lookAlike, liveDomain.domainName());
      assertThat(next.tag()).isNotEqualTo(live.tag());
    } finally {
      observer.exec(List.of("xl", "destroy", lookAlike), Duration.ofSeconds(30));
    }
  }

  @Test
  @ResourceLock(TestLab.MIRAGE_WORK_FOLDER)
  void twoUsersWithTheirOwnWorkFoldersLeaveEachOthersRunsAlone() {
    // A second dom0 user, as on a shared dom0: mirage, xl through sudo only, its default folder.
    io.github.junitmirage.dom0.Dom0Settings root = lab.settings();
    String folder = "/tmp/junit-mirage-mirage";
    io.github.junitmirage.dom0.Dom0Settings mirage = new io.github.junitmirage.dom0.Dom0Settings(
        root.host(), root.port(), "mirage", root.keyFile(), null, root.pinnedHostKey(), false, true,
        folder, root.connectTimeout());
    List<String> sudoXl = List.of("sudo", "-n", "xl");
    try (Dom0Session mirageRun = Dom0Session.open(SshDom0.connect(mirage), true, folder,
        Timeouts.of(1))) {
      // A dead run of mirage's: its folder records a domain, no watchdog holds its lock.
      String deadRun = folder + "/runs/jm0123456780";
      String dead = "stale-jm0123456780";
      mirageRun.exec(List.of("mkdir", "-p", deadRun)).orThrow("mkdir");
      mirageRun.exec(List.of("touch", deadRun + "/lock")).orThrow("touch");
      createRaw(mirageRun.dom0(), sudoXl, dead, deadRun + "/" + dead + ".xl");
      String mirageLive = mirageRun.tag().domainName("mine");
      // recorded in mirageRun's folder, as junit-mirage records what it creates
      createRaw(mirageRun.dom0(), sudoXl, mirageLive, mirageRun.configPath(mirageLive));

      // root's next run sweeps its own folder only: mirage's live and dead runs stay.
      try (Dom0Session rootRun = Dom0Session.open(lab.connect(), false, QemuXenLab.WORK_DIR,
          Timeouts.of(1))) {
        assertThat(domains()).contains(dead, mirageLive, liveDomain.domainName());
      }
      // mirage's next run sweeps mirage's dead run, and neither mirage's live run nor root's.
      try (Dom0Session next = Dom0Session.open(SshDom0.connect(mirage), true, folder,
          Timeouts.of(1))) {
        assertThat(domains()).doesNotContain(dead)
            .contains(mirageLive, liveDomain.domainName(), "notours");
      }
      // A folder another user made, or that others can write to, is refused to mirage.
      observer.exec(List.of("sh", "-c", "mkdir -p /tmp/jm-rootowned /tmp/jm-shared && "
          + "chmod 755 /tmp/jm-rootowned && chown mirage /tmp/jm-shared && chmod 777 /tmp/jm-shared"),
          Duration.ofSeconds(30)).orThrow("folders");
      for (String[] refused : new String[][] {{"/tmp/jm-rootowned", "belongs to root, not to mirage"},
          {"/tmp/jm-shared", "can be written by others (mode 777)"}}) {
        try (SshDom0 asMirage = SshDom0.connect(mirage)) {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dom0Session.open(asMirage, true,
              refused[0], Timeouts.of(1)))
              .isInstanceOf(io.github.junitmirage.dom0.Dom0CommandException.class)
              .hasMessageContaining("refusing the work folder").hasMessageContaining(refused[1]);
        }
      }
    }
    // Its goodbye: the watchdog destroys what the run recorded, after close() returned.
    org.awaitility.Awaitility.await("mirage's run ended: its watchdog destroying its domain")
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> domains().stream().noneMatch(d -> d.startsWith("mine-")));
    assertThat(domains()).contains(liveDomain.domainName(), "notours");
  }

  @Test
  void staleDomainOfTheSameNameDoesNotMakeCreateFail() {
    // The run's own leftover of that name, as a domain kept by an earlier failure would be.
    String name = TestLab.bootWww(live, "again", "02:00:00:00:02:03").domainName();
    assertThat(domains()).contains(name);
    RunningUnikernel u = UnikernelLauncher.launch(www(), live,
        HttpClients.throughDom0(live.dom0(), live.timeouts()), name, "02:00:00:00:02:02");
    try {
      assertThat(u.isRunning()).isTrue();
      assertThat(u.console()).anyMatch(l -> l.contains("Lease obtained!"));
    } finally {
      u.close();
    }
    assertThat(domains()).doesNotContain(name);
  }

  private static String readQuietly(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The project's real MirageOS www. */
  private static UnikernelSpec www() {
    return LabSmoke.real(TestLab.unikernel("www.xen"));
  }

  /**
   * A root work folder of its own (created empty, mode 700), its image cache hard-linked from the
   * shared folder's so nothing is uploaded again.
   */
  private static String ownFolder(String name) {
    String folder = QemuXenLab.WORK_DIR + "-" + name;
    observer.exec(List.of("sh", "-c", "rm -rf \"$1\" && mkdir -m 700 \"$1\" && cp -al \"$2/images\" \"$1/images\"",
        "sh", folder, QemuXenLab.WORK_DIR), Duration.ofSeconds(30)).orThrow("seeding " + folder);
    return folder;
  }

  private static List<String> domains() {
    String list = observer.exec(List.of("xl", "list"), Duration.ofSeconds(30)).orThrow("xl list").stdout();
    return list.lines().skip(1).map(l -> l.split("\\s+")[0]).toList();
  }

  /**
   * A domain created behind junit-mirage's back with plain xl: the real www from the shared image
   * cache, hanging silently before its network (no vif).
   */
  static void createRaw(Dom0 dom0, String name) {
    createRaw(dom0, name, "/tmp/" + name + ".xl");
  }

  static void createRaw(Dom0 dom0, String name, String configPath) {
    createRaw(dom0, List.of("xl"), name, configPath);
  }

  /** The same as any dom0 user: {@code as} writes the config and runs {@code xl} (for example
   * {@code sudo -n xl}). */
  static void createRaw(Dom0 as, List<String> xl, String name, String configPath) {
    Path www = TestLab.unikernel("www.xen");
    String config = "name = '" + name + "'\ntype = 'pvh'\nmemory = 32\nkernel = '"
        + QemuXenLab.WORK_DIR + "/images/" + Hashing.sha256(www) + "/" + www.getFileName()
        + "'\ncmdline = '--fault=hang'\n";
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    as.upload(new ByteArrayInputStream(bytes), bytes.length, Hashing.sha256(bytes), configPath,
        Duration.ofSeconds(30));
    List<String> create = new java.util.ArrayList<>(xl);
    create.addAll(List.of("create", configPath));
    as.exec(create, Duration.ofSeconds(60)).orThrow("xl create " + name);
  }
}

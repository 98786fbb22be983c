package io.github.junitmirage.lab;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.boot.Dom0Session;
import io.github.junitmirage.boot.HttpClients;
import io.github.junitmirage.boot.RunningUnikernel;
import io.github.junitmirage.boot.Timeouts;
import io.github.junitmirage.boot.UnikernelLauncher;
import io.github.junitmirage.boot.UnikernelSpec;
import io.github.junitmirage.dom0.SshDom0;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The lab's smoke check, also its measurement: boot the lab, then per round create the stand-in
 * with {@code xl create}, wait for its lease line, fetch {@code /} from this machine through dom0,
 * {@code xl destroy} it and check {@code xl list} no longer shows it; with a real MirageOS kernel
 * given, the same for it in every round, alternating with the stand-in; stop the lab.
 */
public final class LabSmoke {
  /** Measured durations of one smoke run, and the domains it created. */
  public record Result(Duration labStart, Duration sshConnect, List<Duration> createToLease,
      List<Duration> realCreateToLease, List<Duration> destroy, List<String> bodies,
      List<String> domains, String xlListAfter) {
    /** {@return the domains of this smoke run that {@code xl list} still showed after it} */
    public List<String> leftBehind() {
      List<String> listed = io.github.junitmirage.xen.XlList.parse(xlListAfter).stream()
          .map(io.github.junitmirage.xen.DomainInfo::name).toList();
      return domains.stream().filter(listed::contains).toList();
    }
  }

  private LabSmoke() {}

  /** Boots a lab of its own for the rounds, and stops it after them. */
  public static Result run(LabImage image, Optional<Path> realKernel, int rounds, PrintStream out) {
    long t0 = System.nanoTime();
    try (QemuXenLab lab = QemuXenLab.start(image, LabOptions.defaults())) {
      Duration labStart = since(t0);
      out.printf("lab dom0 up in %d ms (ssh on 127.0.0.1:%d)%n", labStart.toMillis(), lab.sshPort());
      return rounds(lab, labStart, realKernel, rounds, out);
    }
  }

  /**
   * The rounds on a lab that is up already (a shared one: other runs' domains may come and go
   * beside them; {@link Result#leftBehind()} looks at this run's own only).
   */
  public static Result on(QemuXenLab lab, Optional<Path> realKernel, int rounds, PrintStream out) {
    return rounds(lab, Duration.ZERO, realKernel, rounds, out);
  }

  private static Result rounds(QemuXenLab lab, Duration labStart, Optional<Path> realKernel,
      int rounds, PrintStream out) {
    long t1 = System.nanoTime();
    Timeouts timeouts = Timeouts.of(1);
    try (Dom0Session session = Dom0Session.open(lab.connect(), false, QemuXenLab.WORK_DIR, timeouts)) {
      Duration ssh = since(t1);
      out.printf("ssh connection + run set-up in %d ms%n", ssh.toMillis());
      OkHttpClient http = HttpClients.throughDom0(session.dom0(), timeouts);
      Rounds standIn = new Rounds("stand-in", standIn(lab.image()));
      Optional<Rounds> real = realKernel.map(k -> new Rounds("real www", real(k)));
      for (int i = 1; i <= rounds; i++) {
        standIn.once(session, http, i, String.format("02:00:00:00:00:%02x", i), out);
        int round = i;
        real.ifPresent(r -> r.once(session, http, round, String.format("02:00:00:00:01:%02x", round), out));
      }
      String list = session.exec(session.xl().list()).orThrow("xl list").stdout();
      out.print("xl list after the rounds:\n" + list);
      if (rounds > 1) {
        out.printf("stand-in xl create -> lease: %s; xl destroy: %s%n", stats(standIn.leases),
            stats(standIn.destroys));
        real.ifPresent(r -> out.printf("real www xl create -> lease: %s; xl destroy: %s; "
            + "ratio of medians real/stand-in %.2f%n", stats(r.leases), stats(r.destroys),
            (double) median(r.leases) / median(standIn.leases)));
        sharedVersusNewConnections(lab, session, rounds, out);
      }
      List<String> bodies = new ArrayList<>(standIn.bodies);
      real.ifPresent(r -> bodies.addAll(r.bodies));
      List<String> domains = new ArrayList<>(standIn.names);
      real.ifPresent(r -> domains.addAll(r.names));
      return new Result(labStart, ssh, standIn.leases,
          real.map(r -> r.leases).orElse(List.of()), standIn.destroys, bodies, domains, list);
    }
  }

  /** One kind of guest's rounds and their measurements. */
  private static final class Rounds {
    final String label;
    final UnikernelSpec spec;
    final List<Duration> leases = new ArrayList<>();
    final List<Duration> destroys = new ArrayList<>();
    final List<String> bodies = new ArrayList<>();
    final List<String> names = new ArrayList<>();

    Rounds(String label, UnikernelSpec spec) {
      this.label = label;
      this.spec = spec;
    }

    void once(Dom0Session session, OkHttpClient http, int i, String mac, PrintStream out) {
      String name = session.tag().domainName(spec.name() + "-" + i);
      names.add(name);
      long c = System.nanoTime();
      RunningUnikernel u = UnikernelLauncher.launch(spec, session, http, name, mac);
      leases.add(since(c));
      bodies.add(get(u));
      long d = System.nanoTime();
      u.close();
      destroys.add(since(d));
      out.printf("round %d, %s: %s at %s, xl create -> lease line %d ms, GET / = %s, xl destroy %d ms%n",
          i, label, name, u.ip().getHostAddress(), leases.get(i - 1).toMillis(),
          bodies.get(i - 1).strip(), destroys.get(i - 1).toMillis());
    }
  }

  /** Why one connection per run: the same xl list on the open connection and on new ones. */
  private static void sharedVersusNewConnections(QemuXenLab lab, Dom0Session session, int n,
      PrintStream out) {
    List<Duration> shared = new ArrayList<>();
    List<Duration> fresh = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long a = System.nanoTime();
      session.exec(session.xl().list()).orThrow("xl list");
      shared.add(since(a));
      long b = System.nanoTime();
      try (var dom0 = io.github.junitmirage.dom0.SshDom0.connect(lab.settings())) {
        dom0.exec(session.xl().list(), Duration.ofSeconds(30)).orThrow("xl list");
      }
      fresh.add(since(b));
    }
    long sharedMedian = median(shared);
    long freshMedian = median(fresh);
    out.printf("xl list on the shared connection: %s; on a new connection each time: %s; "
        + "ratio of medians %.1fx%n", stats(shared), stats(fresh), (double) freshMedian / sharedMedian);
  }

  private static long median(List<Duration> ds) {
    List<Long> ms = new ArrayList<>(ds.stream().map(Duration::toMillis).toList());
    Collections.sort(ms);
    return Math.max(1, ms.get(ms.size() / 2));
  }

  public static UnikernelSpec standIn(LabImage image) {
    return new UnikernelSpec("smoke", image.file("standin.kernel"),
        Optional.of(image.file("standin.initrd")), "pv", 96, "br0", Optional.empty(),
        "console=hvc0 quiet mirage.dialect=4", List.of(), Optional.empty(), Optional.empty(), 200,
        Duration.ofSeconds(120), Duration.ofSeconds(30), DestroyMode.ALWAYS, Set.of());
  }

  /** A real MirageOS unikernel (PVH, DHCP), as fixtures/mirage/build-unikernels.sh builds www. */
  public static UnikernelSpec real(Path kernel) {
    return new UnikernelSpec("real", kernel, Optional.empty(), "pvh", 32, "br0", Optional.empty(),
        "", List.of(), Optional.empty(), Optional.empty(), 200, Duration.ofSeconds(120),
        Duration.ofSeconds(30), DestroyMode.ALWAYS, Set.of());
  }

  private static String get(RunningUnikernel u) {
    try (Response r = u.httpClient().newCall(new Request.Builder().url(u.baseUrl()).build()).execute()) {
      return r.code() + " " + r.body().string();
    } catch (IOException e) {
      return "failed: " + e;
    }
  }

  private static Duration since(long t) {
    return Duration.ofNanos(System.nanoTime() - t);
  }

  private static String stats(List<Duration> ds) {
    List<Long> ms = new ArrayList<>(ds.stream().map(Duration::toMillis).toList());
    Collections.sort(ms);
    return "min " + ms.get(0) + " ms, median " + ms.get(ms.size() / 2) + " ms, max "
        + ms.get(ms.size() - 1) + " ms (n=" + ms.size() + ")";
  }
}

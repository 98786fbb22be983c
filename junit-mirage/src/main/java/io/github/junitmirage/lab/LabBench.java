package io.github.junitmirage.lab;

import io.github.junitmirage.boot.Dom0Session;
import io.github.junitmirage.boot.Hashing;
import io.github.junitmirage.boot.HttpClients;
import io.github.junitmirage.boot.RunningUnikernel;
import io.github.junitmirage.boot.Timeouts;
import io.github.junitmirage.boot.UnikernelLauncher;
import io.github.junitmirage.boot.UnikernelSpec;
import io.github.junitmirage.console.AddressPatterns;
import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.dom0.SshDom0;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;

/**
 * junit-mirage against doing it by hand, on one lab, in one run: {@code fixtures/lab/lab bench}.
 * Prints {@code BENCH <name> <value> <unit>} per figure and {@code RATIO <name> <value>} per
 * comparison, each a median over the rounds, the two sides alternating.
 */
public final class LabBench {
  private static final AtomicInteger MACS = new AtomicInteger(0x10);

  private LabBench() {}

  /**
   * Runs the benchmark.
   *
   * @param image the lab image
   * @param kernel the real www unikernel (DHCP)
   * @param rounds rounds per side for P1 and P2 (at least 5 for the README's figures)
   * @param curve the side-by-side counts to measure
   * @param out where the figures go
   */
  public static void run(LabImage image, Path kernel, int rounds, List<Integer> curve,
      PrintStream out) {
    // The tests' kept lab, idle but running, would share the machine with the labs measured here.
    LabKeeper.stopWhenUnused(image, LabOptions.defaults(), "default", Duration.ofSeconds(30));
    try (QemuXenLab booted = QemuXenLab.start(image, LabOptions.defaults(), false)) {
      // from the cached image, booting (and saving the snapshot when there is none yet)
      bench(out, "lab-warm", booted.upMillis(), "ms");
    }
    labCold(image, out);
    try (QemuXenLab lab = QemuXenLab.start(image, LabOptions.defaults())) {
      if (lab.startedFromSnapshot()) {
        bench(out, "lab-snapshot", lab.upMillis(), "ms");
        try (Dom0 dom0 = lab.connect()) {
          long skew = Long.parseLong(dom0.exec(List.of("date", "+%s"), Duration.ofSeconds(30))
              .orThrow("date").stdout().strip()) - java.time.Instant.now().getEpochSecond();
          bench(out, "lab-snapshot-clock-skew", skew, "s");
        }
      } else {
        out.println("BENCH-FAILED lab-snapshot the lab did not start from a snapshot (see the log)");
      }
      Timeouts timeouts = Timeouts.of(1);
      long t1 = System.nanoTime();
      try (Dom0Session session = Dom0Session.open(lab.connect(), false, QemuXenLab.WORK_DIR,
          timeouts); Dom0 manual = lab.connect()) {
        bench(out, "session-open", since(t1).toMillis(), "ms");
        OkHttpClient http = HttpClients.throughDom0(session.dom0(), timeouts);
        UnikernelSpec spec = LabSmoke.real(kernel);
        firstAndLaterBoots(session, http, spec, rounds, out);
        againstManual(session, manual, http, spec, rounds, out);
        sideBySide(session, http, spec, curve, out);
      }
    }
  }

  /**
   * From nothing to a lab that starts in seconds: building the image, its first (cold) boot and
   * saving the snapshot, as noted when each happened (a cached image is not built again here).
   */
  private static void labCold(LabImage image, PrintStream out) {
    java.util.OptionalLong build = image.buildSeconds();
    java.util.Optional<long[]> making = QemuXenLab.snapshot(image, LabOptions.defaults()).madeIn();
    if (build.isEmpty() || making.isEmpty()) {
      out.println("BENCH-FAILED lab-cold " + (build.isEmpty() ? "the image " + image.dir()
          + " has no build.seconds (built before build-lab.sh noted it)"
          : "the snapshot has no note of its making (saved before junit-mirage noted it)"));
      return;
    }
    bench(out, "lab-cold-build", build.getAsLong() * 1000, "ms");
    bench(out, "lab-cold-first-boot", making.get()[0], "ms");
    bench(out, "lab-cold-snapshot-save", making.get()[1], "ms");
    bench(out, "lab-cold", build.getAsLong() * 1000 + making.get()[0] + making.get()[1], "ms");
  }

  /** P2: the first boot of a kernel in a run (it is uploaded) against later ones. */
  private static void firstAndLaterBoots(Dom0Session session, OkHttpClient http,
      UnikernelSpec spec, int rounds, PrintStream out) {
    java.util.Optional<Duration> first = tryBoot(session, http, spec, out);
    List<Duration> later = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      tryBoot(session, http, spec, out).ifPresent(later::add);
    }
    if (first.isEmpty() || later.isEmpty()) {
      out.println("BENCH-FAILED boot-first " + (first.isEmpty() ? "the first boot failed"
          : "every later boot failed"));
      return;
    }
    bench(out, "boot-first", first.get().toMillis(), "ms");
    bench(out, "boot-later", median(later), "ms");
    ratio(out, "P2", (double) median(later) / first.get().toMillis());
  }

  /** P1: start to address with junit-mirage against one manual {@code xl create -c}. */
  private static void againstManual(Dom0Session session, Dom0 manual, OkHttpClient http,
      UnikernelSpec spec, int rounds, PrintStream out) {
    String kernelOnDom0 = session.uploadImage(spec.kernel());
    List<Duration> ours = new ArrayList<>();
    List<Duration> byHand = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      byHand(manual, kernelOnDom0, "byhand-" + i, spec.bootTimeout(), out)
          .ifPresent(byHand::add);
      tryBoot(session, http, spec, out).ifPresent(ours::add);
    }
    if (ours.isEmpty() || byHand.isEmpty()) {
      out.println("BENCH-FAILED P1 every round's boot failed on "
          + (ours.isEmpty() ? "junit-mirage's side" : "the manual side"));
      return;
    }
    bench(out, "manual-create-to-lease", median(byHand), "ms");
    bench(out, "junit-mirage-start-to-address", median(ours), "ms");
    ratio(out, "P1", (double) median(ours) / median(byHand));
  }

  /** P3 and its curve: N side by side against the same N one after another. */
  private static void sideBySide(Dom0Session session, OkHttpClient http, UnikernelSpec spec,
      List<Integer> curve, PrintStream out) {
    for (int n : curve) {
      long t = System.nanoTime();
      List<RunningUnikernel> all;
      try {
        all = launchAll(session, http, spec, n);
      } catch (IllegalStateException e) {
        // A benchmark reports what happened: a boot that failed is a finding, not a crash.
        Throwable cause = e.getCause() != null && e.getCause().getCause() != null
            ? e.getCause().getCause() : e;
        out.printf("BENCH-FAILED boot-%d %s%n", n, cause.getMessage().lines().findFirst()
            .orElse(cause.toString()));
        continue;
      }
      Duration parallel = since(t);
      all.forEach(RunningUnikernel::close);
      bench(out, "boot-" + n, parallel.toMillis(), "ms");
      if (n == 4) {
        long s = System.nanoTime();
        int booted = 0;
        while (booted < n && tryBoot(session, http, spec, out).isPresent()) {
          booted++;
        }
        Duration sequential = since(s);
        if (booted < n) {
          // its boot timeout is in the sum: no figure rather than a wrong one
          out.printf("BENCH-FAILED boot-4-one-after-another boot %d of %d failed%n", booted + 1, n);
        } else {
          bench(out, "boot-4-one-after-another", sequential.toMillis(), "ms");
          ratio(out, "P3", (double) parallel.toMillis() / sequential.toMillis());
        }
      }
    }
  }

  private static List<RunningUnikernel> launchAll(Dom0Session session, OkHttpClient http,
      UnikernelSpec spec, int n) {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<RunningUnikernel>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> launch(session, http, spec)));
      }
      List<RunningUnikernel> all = new ArrayList<>();
      for (Future<RunningUnikernel> f : futures) {
        all.add(f.get());
      }
      return all;
    } catch (Exception e) {
      // Whatever did boot is destroyed by the launches' own clean-up or by the run's watchdog.
      futures.forEach(f -> {
        if (f.isDone() && !f.isCancelled()) {
          try {
            f.get().close();
          } catch (Exception ignored) {
            // that one failed: its launch cleaned up after itself
          }
        }
      });
      throw new IllegalStateException("side-by-side boot of " + n + " failed", e);
    } finally {
      pool.shutdown();
    }
  }

  /** A round's boot, or empty (and a {@code BENCH-FAILED} line) when it failed. */
  private static java.util.Optional<Duration> tryBoot(Dom0Session session, OkHttpClient http,
      UnikernelSpec spec, PrintStream out) {
    try {
      return java.util.Optional.of(boot(session, http, spec));
    } catch (io.github.junitmirage.UnikernelStartupException e) {
      out.printf("BENCH-FAILED boot %s%n", e.getMessage().lines().findFirst().orElse(""));
      return java.util.Optional.empty();
    }
  }

  private static Duration boot(Dom0Session session, OkHttpClient http, UnikernelSpec spec) {
    long t = System.nanoTime();
    RunningUnikernel u = launch(session, http, spec);
    Duration d = since(t);
    u.close();
    return d;
  }

  private static RunningUnikernel launch(Dom0Session session, OkHttpClient http,
      UnikernelSpec spec) {
    int n = MACS.incrementAndGet();
    return UnikernelLauncher.launch(spec, session, http,
        session.tag().domainName(spec.name() + "-" + n),
        String.format("02:00:00:00:%02x:%02x", n >> 8 & 0xff, n & 0xff));
  }

  /**
   * The manual path: the config written beforehand, then one {@code xl create -c} on an open SSH
   * connection, its console read to the address line; empty (and a {@code BENCH-FAILED} line)
   * when no address came within the boot timeout junit-mirage's side has too.
   */
  private static java.util.Optional<Duration> byHand(Dom0 dom0, String kernel, String name,
      Duration timeout, PrintStream out) {
    int n = MACS.incrementAndGet();
    String config = "name = '" + name + "'\ntype = 'pvh'\nkernel = '" + kernel + "'\nmemory = 32\n"
        + String.format("vif = [ 'mac=02:00:00:00:%02x:%02x,bridge=br0' ]%n", n >> 8 & 0xff,
        n & 0xff);
    byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
    String path = "/tmp/" + name + ".xl";
    dom0.upload(new ByteArrayInputStream(bytes), bytes.length, Hashing.sha256(bytes), path,
        Duration.ofSeconds(30));
    long t = System.nanoTime();
    java.util.concurrent.ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor();
    try (Dom0.RemoteProcess console = dom0.start(List.of("xl", "create", "-c", path))) {
      // by hand one would give up too: the console is closed, which ends the read below
      timer.schedule(console::close, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      BufferedReader lines = new BufferedReader(new InputStreamReader(console.stdout(),
          StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null) {
        if (AddressPatterns.match(line).isPresent()) {
          return java.util.Optional.of(since(t));
        }
      }
      out.printf("BENCH-FAILED manual %s: no address line within %s%n", name, timeout);
      return java.util.Optional.empty();
    } catch (IOException e) {
      out.printf("BENCH-FAILED manual %s: %s%n", name, e);
      return java.util.Optional.empty();
    } finally {
      timer.shutdownNow();
      dom0.exec(List.of("xl", "destroy", name), Duration.ofSeconds(30));
    }
  }

  private static void bench(PrintStream out, String name, long value, String unit) {
    out.printf("BENCH %s %d %s%n", name, value, unit);
  }

  private static void ratio(PrintStream out, String name, double value) {
    out.printf("RATIO %s %.2f%n", name, value);
  }

  private static long median(List<Duration> ds) {
    List<Long> ms = new ArrayList<>(ds.stream().map(Duration::toMillis).toList());
    Collections.sort(ms);
    return ms.get(ms.size() / 2);
  }

  private static Duration since(long t) {
    return Duration.ofNanos(System.nanoTime() - t);
  }
}

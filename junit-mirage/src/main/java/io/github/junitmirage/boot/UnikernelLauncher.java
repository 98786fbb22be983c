package io.github.junitmirage.boot;

import io.github.junitmirage.MirageException;
import io.github.junitmirage.UnikernelStartupException.Phase;
import io.github.junitmirage.UnikernelStartupException;
import io.github.junitmirage.console.ConsoleReader;
import io.github.junitmirage.console.ConsoleTranscript;
import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.xen.XlConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import okhttp3.OkHttpClient;

/**
 * Boots one unikernel: upload, xl config, {@code xl create -c} with the console read from its
 * first byte, wait for readiness, then the domain id. A failed start leaves no domain behind
 * (unless the spec keeps failed domains for inspection).
 */
public final class UnikernelLauncher {
  private static final int TRANSCRIPT_LINES = 100_000;

  private static final System.Logger LOG = System.getLogger("junit-mirage");

  private UnikernelLauncher() {}

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }

  /** A domain's name and MAC, for one attempt at a boot. */
  public record Domain(String name, String mac) {}

  /**
   * Boots {@code spec} as {@code first}. A boot that times out is tried again on a fresh domain
   * ({@code fresh} names it, given the attempt's number, 2 and on) while {@code attempts} allows,
   * each attempt logged; the last failure carries the earlier ones as suppressed exceptions.
   * Crashes, exits and lost connections are never retried.
   */
  public static RunningUnikernel launch(UnikernelSpec spec, Dom0Session session,
      OkHttpClient http, Domain first, int attempts, IntFunction<Domain> fresh) {
    List<UnikernelStartupException.TimedOut> earlier = new ArrayList<>();
    Domain domain = first;
    for (int attempt = 1; ; attempt++) {
      try {
        return launch(spec, session, http, domain.name(), domain.mac());
      } catch (UnikernelStartupException.TimedOut e) {
        if (attempt >= attempts) {
          earlier.forEach(e::addSuppressed);
          throw e;
        }
        earlier.add(e);
        LOG.log(System.Logger.Level.WARNING, "startup attempt " + attempt + " of " + attempts
            + " timed out, trying a fresh domain: "
            + e.getMessage().strip().lines().findFirst().orElse(""));
        domain = fresh.apply(attempt + 1);
      }
    }
  }

  public static RunningUnikernel launch(UnikernelSpec spec, Dom0Session session,
      OkHttpClient http, String domainName, String mac) {
    long t0 = System.nanoTime();
    String config = render(spec, session, domainName, mac);
    long uploaded = System.nanoTime();
    ConsoleTranscript transcript = new ConsoleTranscript(TRANSCRIPT_LINES);
    Dom0.RemoteProcess console = session.dom0().start(session.createCommand(domainName, config));
    ConsoleReader.start(domainName, console.stdout(), transcript);
    try {
      BootWaiter waiter = new BootWaiter(session, domainName, console, transcript,
          new ReadyMatcher(spec.readyPattern()), spec.bootTimeout());
      ReadyLine ready = waiter.await();
      InetAddress ip = address(ready, domainName, transcript);
      long ready0 = System.nanoTime();
      // The id xl list showed while the boot was watched; asked for only when no poll saw it.
      int domid = waiter.domainId().orElseGet(() -> domainId(session, domainName));
      LOG.log(System.Logger.Level.INFO, domainName + " ready at " + ip.getHostAddress() + " on dom0 "
          + session.dom0().describe() + ": upload " + millis(t0, uploaded) + " ms, xl create to "
          + "ready line " + millis(uploaded, ready0) + " ms");
      RunningUnikernel unikernel = new RunningUnikernel(spec.name(), domainName, domid, mac, ready,
          ip, session, console, transcript, config, http);
      spec.readyHttpPath().ifPresent(path -> HttpReadiness.await(unikernel, path,
          spec.readyHttpStatus(), spec.readyTimeout()));
      return unikernel;
    } catch (RuntimeException e) {
      abandon(spec, session, domainName, console, e);
      throw e;
    }
  }

  private static String render(UnikernelSpec spec, Dom0Session session, String domainName,
      String mac) {
    try {
      String kernel = session.uploadImage(spec.kernel());
      String ramdisk = spec.ramdisk().map(session::uploadImage).orElse("");
      return new XlConfig(domainName, spec.type(), kernel, ramdisk, spec.memoryMb(),
          List.of(new XlConfig.Vif(mac, spec.bridge())), spec.cmdline(), spec.extraLines(),
          spec.dangerousXlKeys()).render();
    } catch (MirageException e) {
      throw new UnikernelStartupException("uploading " + spec.kernel() + " for " + domainName
          + " to dom0 " + session.dom0().describe() + " failed: " + e.getMessage(), domainName,
          Phase.UPLOAD, List.of(), e);
    }
  }

  private static InetAddress address(ReadyLine ready, String domain, ConsoleTranscript t) {
    if (ready.ip() == null) {
      throw new UnikernelStartupException("the ready line of " + domain + " carries no address and "
          + "no address line came before it: add a named group (?<ip>...) to readyPattern\n  "
          + ready.line(), domain, Phase.LEASE, t.lines(), null);
    }
    try {
      return InetAddress.getByName(ready.ip());
    } catch (UnknownHostException e) {
      throw new UnikernelStartupException("not an IP address in the ready line of " + domain + ": "
          + ready.ip(), domain, Phase.LEASE, t.lines(), e);
    }
  }

  private static int domainId(Dom0Session session, String domain) {
    String out = session.exec(session.xl().domid(domain)).orThrow("xl domid " + domain).stdout();
    return Integer.parseInt(out.strip());
  }

  private static void abandon(UnikernelSpec spec, Dom0Session session, String domain,
      Dom0.RemoteProcess console, RuntimeException failure) {
    try {
      if (spec.destroyMode() == io.github.junitmirage.DestroyMode.ALWAYS) {
        session.destroy(domain);
      } else {
        session.keep(domain);
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    } finally {
      console.close();
    }
  }
}

package io.github.junitmirage.boot;

import io.github.junitmirage.dom0.Dom0;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This run's watchdog on dom0 ({@code watchdog.sh}), fed with heartbeats.
 *
 * <p>The watchdog destroys the run's domains when the run says goodbye, when no heartbeat came
 * for the grace period (a silent partition, a frozen or dead test host), or when its channel
 * ended without a goodbye (a killed JVM, a reset connection) and the run did not come back within
 * the grace period. Coming back is this class's job: when its channel is gone while the run goes
 * on, it reconnects if need be and starts a watchdog in {@code attach} mode, which takes the run
 * over from the old one. It stops trying once a grace period has passed since the last beat that
 * went out: by then dom0 has destroyed the run's domains.
 */
final class Watchdog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("junit-mirage.dom0");
  private static final byte[] BEAT = "\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BYE = "bye\n".getBytes(StandardCharsets.US_ASCII);

  private final Dom0 dom0;
  private final List<String> xlCommand;
  private final String tag;
  private final String runDir;
  private final Duration grace;
  private final ScheduledExecutorService beats;
  private volatile Dom0.RemoteProcess process;
  private volatile long lastBeatNanos;
  private volatile boolean givenUp;
  private boolean closed;

  private Watchdog(Dom0 dom0, List<String> xlCommand, String tag, String runDir, Duration grace) {
    this.dom0 = dom0;
    this.xlCommand = xlCommand;
    this.tag = tag;
    this.runDir = runDir;
    this.grace = grace;
    this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "junit-mirage heartbeat " + tag);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the run's watchdog on dom0 and its heartbeats. */
  static Watchdog start(Dom0 dom0, List<String> xlCommand, String tag, String runDir,
      Duration grace) {
    Watchdog w = new Watchdog(dom0, xlCommand, tag, runDir, grace);
    w.process = dom0.start(w.command("new"));
    w.lastBeatNanos = System.nanoTime();
    long every = interval(grace).toMillis();
    w.beats.scheduleWithFixedDelay(w::beat, every, every, TimeUnit.MILLISECONDS);
    return w;
  }

  /**
   * Runs the script ($0) with its arguments under bash where dom0 has it, whose read -t spares
   * the watchdog two processes per beat; in this shell otherwise.
   */
  static final String PREFER_BASH = "if command -v bash >/dev/null 2>&1; then exec bash -c \"$0\" "
      + "watchdog \"$@\"; fi; eval \"$0\"";

  /** A beat every sixth of the grace period: five may go missing before dom0 acts. */
  static Duration interval(Duration grace) {
    return grace.dividedBy(6);
  }

  /** The grace in whole seconds, as the script takes it (rounded up). */
  static long graceSeconds(Duration grace) {
    return (grace.toMillis() + 999) / 1000;
  }

  private List<String> command(String mode) {
    List<String> c = new ArrayList<>(List.of("sh", "-c", PREFER_BASH, Scripts.WATCHDOG, tag,
        runDir, Long.toString(graceSeconds(grace)), mode));
    c.addAll(xlCommand);
    return c;
  }

  private synchronized void beat() {
    if (closed || givenUp) {
      return;
    }
    Dom0.RemoteProcess p = process;
    try {
      if (!p.isOpen()) {
        throw new IOException("its channel closed" + describeEnd(p));
      }
      send(p, BEAT);
      lastBeatNanos = System.nanoTime();
    } catch (IOException | RuntimeException e) {
      reattach(p, e);
    }
  }

  private static String describeEnd(Dom0.RemoteProcess p) {
    String err = p.stderrSoFar().strip();
    return err.isEmpty() ? "" : " (" + err + ")";
  }

  private void reattach(Dom0.RemoteProcess old, Exception why) {
    Duration silent = Duration.ofNanos(System.nanoTime() - lastBeatNanos);
    if (silent.compareTo(grace) > 0) {
      givenUp = true;
      LOG.log(System.Logger.Level.WARNING, "run " + tag + " on dom0 " + dom0.describe()
          + " has had no watchdog for " + silent.toSeconds() + " s, more than its grace of "
          + grace.toSeconds() + " s: dom0 has destroyed its domains (" + why.getMessage() + ")");
      return;
    }
    try {
      dom0.reconnect();
      Dom0.RemoteProcess next = dom0.start(command("attach"));
      old.close();
      process = next;
      LOG.log(System.Logger.Level.WARNING, "run " + tag + " lost its watchdog on dom0 "
          + dom0.describe() + " (" + why.getMessage() + ") and attached a new one");
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "re-attaching run " + tag + " failed; trying again at "
          + "the next beat", e);
    }
  }

  private static void send(Dom0.RemoteProcess p, byte[] bytes) throws IOException {
    OutputStream in = p.stdin();
    in.write(bytes);
    in.flush();
  }

  /**
   * Says goodbye (the watchdog destroys what is left of the run at once) and stops the beats.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    beats.shutdownNow();
    Dom0.RemoteProcess p = process;
    try {
      send(p, BYE);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "saying goodbye to the watchdog of run " + tag
          + " failed: it destroys the run's domains after its grace period instead", e);
    }
    p.close();
  }
}

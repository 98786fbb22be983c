package io.github.junitmirage.boot;

import io.github.junitmirage.MirageException;
import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.dom0.Dom0CommandException;
import io.github.junitmirage.dom0.ExecResult;
import io.github.junitmirage.util.Deadline;
import io.github.junitmirage.util.Sleeping;
import io.github.junitmirage.xen.DomainInfo;
import io.github.junitmirage.xen.XlCommands;
import io.github.junitmirage.xen.XlErrors;
import io.github.junitmirage.xen.XlList;
import io.github.junitmirage.xen.XlNetworkList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One test run on one dom0: the connection, the run's tag and folder, the watchdog that destroys
 * the run's domains when the connection goes (also when the JVM is killed), and the xl calls.
 */
public final class Dom0Session implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("junit-mirage.dom0");

  private final Dom0 dom0;
  private final XlCommands xl;
  private final String workDir;
  private final RunTag tag;
  private final Timeouts timeouts;
  private final Watchdog watchdog;
  private final java.util.Map<String, String> placed = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> createdNames = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private Dom0Session(Dom0 dom0, XlCommands xl, String workDir, RunTag tag, Timeouts timeouts,
      Watchdog watchdog) {
    this.dom0 = dom0;
    this.xl = xl;
    this.workDir = workDir;
    this.tag = tag;
    this.timeouts = timeouts;
    this.watchdog = watchdog;
  }

  /** Prepares the work folder, checks xl works, sweeps dead runs and starts this run's watchdog. */
  public static Dom0Session open(Dom0 dom0, boolean sudo, String workDir, Timeouts timeouts) {
    long t0 = System.nanoTime();
    RunTag tag = RunTag.random();
    XlCommands xl = new XlCommands(sudo);
    Duration t = timeouts.command();
    // Work folder, xl check and the sweep of dead runs in one round trip (open.sh).
    List<String> open = new ArrayList<>(List.of("sh", "-c", Scripts.OPEN, "open", workDir,
        tag.value(), Long.toString(Math.max(1, (t.toMillis() + 999) / 1000))));
    open.addAll(xl.xlCommand());
    ExecResult opened = dom0.exec(open, t.multipliedBy(3));
    if (opened.exitStatus() == 3) {
      throw new Dom0CommandException("refusing the work folder on dom0 " + dom0.describe() + ": "
          + opened.stderr().strip() + "; whoever can write there can change a config between its "
          + "upload and xl create. Remove it, or set junit.mirage.dom0.workDir to a folder of "
          + "your own", opened);
    }
    if (opened.exitStatus() == 4) {
      String why = XlErrors.diagnose(opened.stderr()).orElse("xl list failed");
      throw new Dom0CommandException("cannot use xl on dom0 " + dom0.describe() + ": " + why
          + "\n  command: " + String.join(" ", xl.list()) + "\n  stderr: " + opened.stderr().strip(),
          opened);
    }
    if (opened.exitStatus() == 5) {
      throw new Dom0CommandException("cannot use xl on dom0 " + dom0.describe() + ": xl list did "
          + "not answer within " + t + " (a hung xenstored or toolstack?)\n  command: "
          + String.join(" ", xl.list()), opened);
    }
    String swept = opened.orThrow("preparing the work folder " + workDir + " and sweeping dead runs")
        .stdout();
    if (!swept.isBlank()) {
      LOG.log(System.Logger.Level.WARNING, "domains of dead runs on dom0 " + dom0.describe()
          + ":\n" + swept.strip());
    }
    Watchdog watchdog = Watchdog.start(dom0, xl.xlCommand(), tag.value(), workDir + "/runs/" + tag,
        timeouts.watchdogGrace());
    Dom0Session session = new Dom0Session(dom0, xl, workDir, tag, timeouts, watchdog);
    LOG.log(System.Logger.Level.INFO, "run " + tag + " on dom0 " + dom0.describe() + " ready in "
        + (System.nanoTime() - t0) / 1_000_000 + " ms");
    return session;
  }

  public Dom0 dom0() {
    return dom0;
  }

  public XlCommands xl() {
    return xl;
  }

  public RunTag tag() {
    return tag;
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  public String runDir() {
    return workDir + "/runs/" + tag;
  }

  /**
   * Puts a file on dom0 once per content: into the image cache
   * {@code <workDir>/images/<sha256>/<name>}, which outlives runs (the sweep drops what has not
   * been used for a day beyond the newest 16, and anything unused for 30 days). A later run finds
   * it there in one round trip, a later boot in this run in none.
   */
  public synchronized String uploadImage(Path local) {
    String sum = Hashing.sha256(local);
    String name = local.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    String known = placed.get(sum + "/" + name);
    if (known != null) {
      return known;
    }
    String dir = workDir + "/images/" + sum;
    String remote = dir + "/" + name;
    // Present: marked used (the cache's LRU order). Absent: uploaded, in the same round trip.
    try (InputStream in = Files.newInputStream(local)) {
      dom0.place(in, Files.size(local), sum, dir, name, timeouts.upload());
    } catch (IOException e) {
      throw new io.github.junitmirage.MirageException("cannot read " + local + ": "
          + e.getMessage(), e);
    }
    placed.put(sum + "/" + name, remote);
    return remote;
  }

  /**
   * The command that writes a domain's config into the run folder, destroys a leftover domain of
   * its name when this run used the name before, and becomes {@code xl create -c}: config to
   * console in one round trip.
   */
  public List<String> createCommand(String domainName, String config) {
    String again = createdNames.add(domainName) ? "first" : "again";
    List<String> command = new ArrayList<>(List.of("sh", "-c", Scripts.CREATE, "create",
        configPath(domainName), domainName, again, config));
    command.addAll(xl.xlCommand());
    return command;
  }

  /** Where a domain's config goes: in the run folder, where watchdog and sweep look for it. */
  public String configPath(String domainName) {
    return runDir() + "/" + domainName + ".xl";
  }

  /** The domain as {@code xl list NAME} shows it, or empty when it does not exist. */
  public Optional<DomainInfo> domain(String name) {
    ExecResult r = dom0.exec(xl.list(name), timeouts.command());
    if (!r.succeeded()) {
      if (r.stderr().contains("invalid domain identifier")) {
        return Optional.empty();
      }
      r.orThrow("xl list " + name);
    }
    try {
      return XlList.parse(r.stdout()).stream().filter(d -> d.name().equals(name)).findFirst();
    } catch (IllegalArgumentException e) {
      throw new UnreadableXl("xl list " + name + " on dom0 " + dom0.describe()
          + " printed something that is not xl's table (is xl a wrapper, or broken?): "
          + e.getMessage().replaceAll("\\p{Cntrl}", "?"), r);
    }
  }

  /** xl printed something that is not its output: a broken xl or a wrapper; no use retrying. */
  static final class UnreadableXl extends Dom0CommandException {
    UnreadableXl(String message, ExecResult result) {
      super(message, result);
    }
  }

  /**
   * How long one {@code xl destroy} may take, unscaled: libxl itself waits up to 10 s for each
   * device's backend to close and up to 40 s for each hotplug script, and a dom0 busy creating
   * other domains (xenstore, hotplug, scrubbing) was seen to take over 30 s.
   */
  static final Duration DESTROY_TIMEOUT = Duration.ofMinutes(2);

  /** {@code xl destroy}, then waits until {@code xl list} no longer shows the domain. */
  public void destroy(String name) {
    Duration timeout = timeouts.scale(DESTROY_TIMEOUT);
    Deadline deadline = Deadline.after(timeout);
    ExecResult r = dom0.exec(xl.destroy(name), timeout);
    if (!r.succeeded() && !r.stderr().contains("invalid domain identifier")) {
      r.orThrow("xl destroy " + name);
    }
    while (domain(name).isPresent()) {
      if (deadline.expired()) {
        throw new Dom0CommandException("domain " + name + " is still listed by xl list on dom0 "
            + dom0.describe() + " " + timeout + " after xl destroy began", null);
      }
      Sleeping.sleep(200);
    }
  }

  /**
   * The domain's vifs in words ({@link XlNetworkList}), for a boot that timed out: whether the
   * guest's network ever connected to dom0's; or why they could not be read.
   */
  public String vifStates(String name) {
    try {
      ExecResult r = dom0.exec(xl.networkList(name), timeouts.command());
      if (!r.succeeded()) {
        return "vifs not read: " + r.stderr().strip().lines().findFirst().orElse("exit status "
            + r.exitStatus());
      }
      return XlNetworkList.describe(r.stdout());
    } catch (RuntimeException e) {
      return "vifs not read: " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  /** Marks a domain to be kept for inspection: neither the watchdog nor the sweep destroys it. */
  public void keep(String name) {
    dom0.exec(List.of("sh", "-c", "echo \"$1\" >>\"$2\"", "keep", name, runDir() + "/keep"),
        timeouts.command()).orThrow("marking " + name + " as kept");
  }

  public ExecResult exec(List<String> command) {
    return dom0.exec(command, timeouts.command());
  }

  @Override
  public void close() {
    // The watchdog's goodbye makes it destroy whatever of this run is left.
    watchdog.close();
    dom0.close();
  }
}

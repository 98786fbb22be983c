package io.github.junitmirage.junit;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.Unikernel;
import io.github.junitmirage.boot.RunningUnikernel;
import io.github.junitmirage.boot.UnikernelSpec;
import io.github.junitmirage.xen.KernelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.testcontainers.lifecycle.Startable;

/**
 * A unikernel as a Testcontainers {@link Startable}, to sit beside containers (for example in
 * {@code Startables.deepStart}) or to be driven by hand. It runs on the dom0 configured by system
 * properties or the environment (see the README), else on the embedded lab.
 *
 * <pre>
 * try (MirageUnikernelContainer www = new MirageUnikernelContainer("www", Path.of("dist/www.xen"))
 *     .withCmdline("--ipv4=192.168.56.254/24")) {
 *   www.start();
 *   Request home = new Request.Builder().url(www.unikernel().baseUrl()).build();
 *   ...
 * }
 * </pre>
 *
 * <p>Needs {@code org.testcontainers:testcontainers} on the class path (junit-mirage declares it
 * optional). Settings can change only before {@link #start()}.
 */
public final class MirageUnikernelContainer implements Startable {
  private final String name;
  private final Path kernel;
  private Path ramdisk;
  private String type = "";
  private int memoryMb = 128;
  private String bridge;
  private String mac;
  private String cmdline = "";
  private final List<String> xlLines = new ArrayList<>();
  private final java.util.Set<String> dangerousXlKeys = new java.util.HashSet<>();
  private Pattern readyPattern;
  private Duration bootTimeout = Duration.ofSeconds(120);
  private RunningUnikernel running;

  /**
   * Declares one; nothing happens on dom0 before {@link #start()}.
   *
   * @param name its name, 1 to 40 letters, digits, {@code -}, {@code _} or {@code .}; the domain is
   *     called {@code <name>-<run tag>}
   * @param kernel the kernel image on the test host
   */
  public MirageUnikernelContainer(String name, Path kernel) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")) {
      throw new IllegalArgumentException("name '" + name + "' is not usable in a Xen domain name; "
          + "use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit");
    }
    this.name = name;
    this.kernel = requireFile("kernel", kernel);
  }

  /**
   * Adds an initial ramdisk, uploaded beside the kernel.
   *
   * @param ramdisk the ramdisk on the test host
   * @return this
   */
  public MirageUnikernelContainer withRamdisk(Path ramdisk) {
    notStarted().ramdisk = requireFile("ramdisk", ramdisk);
    return this;
  }

  /**
   * Sets the guest type; by default it is read from the kernel's ELF notes.
   *
   * @param type {@code pv} or {@code pvh}
   * @return this
   */
  public MirageUnikernelContainer withType(String type) {
    notStarted().type = type;
    return this;
  }

  /**
   * Sets its memory; 128 MiB by default.
   *
   * @param memoryMb memory in MiB
   * @return this
   */
  public MirageUnikernelContainer withMemoryMb(int memoryMb) {
    notStarted().memoryMb = memoryMb;
    return this;
  }

  /**
   * Sets the dom0 bridge for its interface; by default {@code junit.mirage.bridge}, else br0.
   *
   * @param bridge the bridge's name on dom0
   * @return this
   */
  public MirageUnikernelContainer withBridge(String bridge) {
    notStarted().bridge = bridge;
    return this;
  }

  /**
   * Sets its interface's MAC; by default a locally administered one, unique in this run.
   *
   * @param mac a MAC such as {@code 02:00:00:00:00:01}
   * @return this
   */
  public MirageUnikernelContainer withMac(String mac) {
    notStarted().mac = mac;
    return this;
  }

  /**
   * Sets the kernel command line, for Mirage 4 its runtime arguments.
   *
   * @param cmdline such as {@code --ipv4=10.0.0.2/24}
   * @return this
   */
  public MirageUnikernelContainer withCmdline(String cmdline) {
    notStarted().cmdline = cmdline;
    return this;
  }

  /**
   * Adds a raw line to its xl config.
   *
   * @param line one {@code key = value} line
   * @return this
   */
  public MirageUnikernelContainer withXlLine(String line) {
    notStarted().xlLines.add(line);
    return this;
  }

  /**
   * Accepts an xl key that can run a program on dom0 or give the guest dom0's devices or files,
   * such as {@code bootloader} or a non-empty {@code disk}; only for a dom0 you own.
   *
   * @param key the xl key, as in {@link #withXlLine(String)}'s lines
   * @return this
   */
  public MirageUnikernelContainer withDangerousXlKey(String key) {
    notStarted().dangerousXlKeys.add(key);
    return this;
  }

  /**
   * Sets the console line that means ready; by default the address line of any Mirage generation.
   *
   * @param readyPattern a pattern whose named group {@code ip} gives the address
   * @return this
   */
  public MirageUnikernelContainer withReadyPattern(Pattern readyPattern) {
    notStarted().readyPattern = readyPattern;
    return this;
  }

  /**
   * Sets the time from {@code xl create} to the ready line; 120 s by default, times {@code
   * junit.mirage.timeoutFactor}.
   *
   * @param bootTimeout a positive duration
   * @return this
   */
  public MirageUnikernelContainer withBootTimeout(Duration bootTimeout) {
    if (bootTimeout.isNegative() || bootTimeout.isZero()) {
      throw new IllegalArgumentException("bootTimeout <= 0: " + bootTimeout);
    }
    notStarted().bootTimeout = bootTimeout;
    return this;
  }

  /** Boots it and waits until it is ready; a second call does nothing. */
  @Override
  public synchronized void start() {
    if (running != null) {
      return;
    }
    RunResources run = RunResources.standalone();
    String chosenBridge = bridge != null ? bridge
        : MirageSettings.fromSystem().get(MirageSettings.BRIDGE, "br0");
    String chosenType = KernelKind.guestType("container '" + name + "'", kernel, type);
    UnikernelSpec spec = new UnikernelSpec(name, kernel, Optional.ofNullable(ramdisk), chosenType,
        memoryMb,
        chosenBridge, Optional.ofNullable(mac), cmdline, xlLines, Optional.ofNullable(readyPattern),
        Optional.empty(), 200, run.timeouts().scale(bootTimeout), Duration.ofSeconds(30),
        DestroyMode.ALWAYS, dangerousXlKeys);
    SpecResolver.checkXl(spec);
    String domain = run.nextDomainName(name);
    String chosenMac = spec.mac().orElseGet(run::nextMac);
    running = run.launch(spec, domain, chosenMac);
  }

  /** Destroys the domain; a second call does nothing. */
  @Override
  public synchronized void stop() {
    if (running != null) {
      try {
        running.close();
      } finally {
        running = null;
      }
    }
  }

  /** {@return the running unikernel: address, console, HTTP client} */
  public synchronized Unikernel unikernel() {
    if (running == null) {
      throw new IllegalStateException("unikernel " + name + " is not started: call start() first");
    }
    return running;
  }

  private MirageUnikernelContainer notStarted() {
    if (running != null) {
      throw new IllegalStateException("unikernel " + name + " is already started: change its "
          + "settings before start()");
    }
    return this;
  }

  private static Path requireFile(String what, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " " + file.toAbsolutePath()
          + " does not exist or is not a file");
    }
    return file;
  }
}

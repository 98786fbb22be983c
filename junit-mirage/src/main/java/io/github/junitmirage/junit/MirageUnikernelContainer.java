package io.github.junitmirage.junit;

import io.github.junitmirage.internal.RunningUnikernel;
import io.github.junitmirage.internal.UnikernelLauncher;
import io.github.junitmirage.internal.UnikernelSpec;
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
 *     .withCmdline("--ipv4=192.168.56.20/24")) {
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
  private Pattern readyPattern;
  private Duration bootTimeout = Duration.ofSeconds(120);
  private RunningUnikernel running;

  public MirageUnikernelContainer(String name, Path kernel) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")) {
      throw new IllegalArgumentException("name '" + name + "' is not usable in a Xen domain name; "
          + "use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit");
    }
    this.name = name;
    this.kernel = requireFile("kernel", kernel);
  }

  public MirageUnikernelContainer withRamdisk(Path ramdisk) {
    notStarted().ramdisk = requireFile("ramdisk", ramdisk);
    return this;
  }

  public MirageUnikernelContainer withType(String type) {
    notStarted().type = type;
    return this;
  }

  public MirageUnikernelContainer withMemoryMb(int memoryMb) {
    notStarted().memoryMb = memoryMb;
    return this;
  }

  public MirageUnikernelContainer withBridge(String bridge) {
    notStarted().bridge = bridge;
    return this;
  }

  public MirageUnikernelContainer withMac(String mac) {
    notStarted().mac = mac;
    return this;
  }

  public MirageUnikernelContainer withCmdline(String cmdline) {
    notStarted().cmdline = cmdline;
    return this;
  }

  /** A raw {@code key = value} line for the xl file. */
  public MirageUnikernelContainer withXlLine(String line) {
    notStarted().xlLines.add(line);
    return this;
  }

  public MirageUnikernelContainer withReadyPattern(Pattern readyPattern) {
    notStarted().readyPattern = readyPattern;
    return this;
  }

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
        DestroyMode.ALWAYS);
    SpecResolver.checkXl(spec);
    String domain = run.nextDomainName(name);
    String chosenMac = spec.mac().orElseGet(run::nextMac);
    running = UnikernelLauncher.launch(spec, run.session(), run.http(), domain, chosenMac);
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

  /** The running unikernel: address, console, HTTP client. */
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

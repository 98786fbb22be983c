package io.github.junitmirage.junit;

import io.github.junitmirage.boot.Dom0Session;
import io.github.junitmirage.boot.HttpClients;
import io.github.junitmirage.boot.RunningUnikernel;
import io.github.junitmirage.boot.Timeouts;
import io.github.junitmirage.boot.UnikernelLauncher;
import io.github.junitmirage.boot.UnikernelSpec;
import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.dom0.Dom0Settings;
import io.github.junitmirage.dom0.SshConfigFile;
import io.github.junitmirage.dom0.SshDom0;
import io.github.junitmirage.lab.LabImage;
import io.github.junitmirage.lab.LabOptions;
import io.github.junitmirage.lab.QemuXenLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;

/** What one engine run shares: the dom0 session (one SSH connection) and the HTTP client. */
final class RunResources implements AutoCloseable {
  private final QemuXenLab lab;
  private final Dom0Session session;
  private final OkHttpClient http;
  private final Timeouts timeouts;
  private final Set<String> macs = new HashSet<>();
  private final Map<String, Integer> boots = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  private int startupAttempts = 1;

  private RunResources(QemuXenLab lab, Dom0Session session, Timeouts timeouts) {
    this.lab = lab;
    this.session = session;
    this.timeouts = timeouts;
    this.http = HttpClients.throughDom0(session.dom0(), timeouts);
  }

  private static RunResources standalone;

  /**
   * The run of code outside JUnit's lifecycle (a Testcontainers {@code Startable}): one per JVM,
   * configured from system properties and the environment, ended when the JVM exits.
   */
  static synchronized RunResources standalone() {
    if (standalone == null || !standalone.session.dom0().isConnected()) {
      RunResources run = create(MirageSettings.fromSystem());
      Runtime.getRuntime().addShutdownHook(new Thread(run::close, "junit-mirage-run-end"));
      standalone = run;
    }
    return standalone;
  }

  static RunResources create(MirageSettings s) {
    int attempts = s.startupAttempts();
    RunResources run = connect(s);
    run.startupAttempts = attempts;
    return run;
  }

  private static RunResources connect(MirageSettings s) {
    Timeouts timeouts = s.timeouts();
    Optional<String> host = s.get(MirageSettings.DOM0_HOST);
    if (host.isPresent()) {
      Dom0Settings settings = configuredDom0(s, host.get(), timeouts);
      Dom0 dom0 = SshDom0.connect(settings);
      return open(null, dom0, settings, timeouts);
    }
    Path cache = Path.of(s.get(MirageSettings.CACHE, System.getProperty("user.home")
        + "/.cache/junit-mirage"));
    Path fixtures = s.get(MirageSettings.FIXTURES).map(Path::of).orElse(null);
    LabOptions options = LabOptions.defaults().withBootTimeout(timeouts.scale(
        Duration.ofSeconds(s.integer(MirageSettings.LAB_BOOT_TIMEOUT_SECONDS, 180))));
    int keepIdle = s.integer(MirageSettings.LAB_KEEP_IDLE_SECONDS,
        (int) QemuXenLab.DEFAULT_KEEP_IDLE.toSeconds());
    if (keepIdle < 0) {
      throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(
          MirageSettings.LAB_KEEP_IDLE_SECONDS + " must be 0 (a lab of this JVM alone) or more: "
          + keepIdle);
    }
    QemuXenLab lab = QemuXenLab.shared(LabImage.locate(cache, fixtures), options,
        Duration.ofSeconds(keepIdle));
    return open(lab, lab.connect(), lab.settings(), timeouts);
  }

  private static RunResources open(QemuXenLab lab, Dom0 dom0, Dom0Settings settings,
      Timeouts timeouts) {
    try {
      return new RunResources(lab, Dom0Session.open(dom0, settings.sudo(), settings.workDir(),
          timeouts), timeouts);
    } catch (RuntimeException e) {
      dom0.close();
      throw e;
    }
  }

  /**
   * The dom0 settings: each junit.mirage.dom0.* setting given wins, then what the user's
   * ~/.ssh/config says about the host (HostName, Port, User, IdentityFile, UserKnownHostsFile,
   * IdentityAgent), then the defaults.
   */
  static Dom0Settings configuredDom0(MirageSettings s, String host, Timeouts timeouts) {
    Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
    String configFile = s.get(MirageSettings.DOM0_SSH_CONFIG, ssh.resolve("config").toString());
    SshConfigFile config = configFile.equals("none") ? SshConfigFile.NONE
        : SshConfigFile.read(Path.of(configFile), host);
    Path defaultKey = config.identityFiles().stream().map(Path::of).filter(Files::exists)
        .findFirst().orElse(Files.exists(ssh.resolve("id_ed25519"))
            || !Files.exists(ssh.resolve("id_rsa")) ? ssh.resolve("id_ed25519") : ssh.resolve("id_rsa"));
    String user = s.get(MirageSettings.DOM0_USER).or(config::user).orElse("mirage");
    String agent = s.get(MirageSettings.DOM0_SSH_AGENT).or(config::identityAgent)
        .orElse("SSH_AUTH_SOCK");
    if (agent.equals("SSH_AUTH_SOCK")) {
      agent = Optional.ofNullable(System.getenv("SSH_AUTH_SOCK")).orElse("none");
    }
    return new Dom0Settings(config.hostName().orElse(host),
        s.integer(MirageSettings.DOM0_PORT, config.port().orElse(22)),
        user,
        Path.of(s.get(MirageSettings.DOM0_KEY, defaultKey.toString())),
        Path.of(s.get(MirageSettings.DOM0_KNOWN_HOSTS,
            config.knownHosts().orElse(ssh.resolve("known_hosts").toString()))),
        s.get(MirageSettings.DOM0_HOST_KEY).orElse(null),
        s.bool(MirageSettings.DOM0_INSECURE_ACCEPT_ANY_HOST_KEY, false),
        s.bool(MirageSettings.DOM0_SUDO, true),
        s.get(MirageSettings.DOM0_WORK_DIR,
            "/tmp/junit-mirage-" + user.replaceAll("[^A-Za-z0-9_.-]", "_")),
        timeouts.scale(Duration.ofSeconds(20)),
        Duration.ofSeconds(s.integer(MirageSettings.DOM0_ALIVE_INTERVAL_SECONDS,
            (int) Dom0Settings.DEFAULT_ALIVE_INTERVAL.toSeconds())),
        s.get(MirageSettings.DOM0_KEY_PASSPHRASE).orElse(null),
        agent.equals("none") ? null : Path.of(agent));
  }

  Dom0Session session() {
    return session;
  }

  OkHttpClient http() {
    return http;
  }

  Timeouts timeouts() {
    return timeouts;
  }

  /** The lab image folder, when this run uses the lab: {@code ${lab}} in paths. */
  Optional<Path> labDir() {
    return Optional.ofNullable(lab).map(l -> l.image().dir());
  }

  /** {@code www-jm...} for the first boot of www in this run, {@code www-2-jm...} for the next. */
  String nextDomainName(String name) {
    int n = boots.merge(name, 1, Integer::sum);
    return session.tag().domainName(n == 1 ? name : name + "-" + n);
  }

  /**
   * Boots {@code spec} as {@code domain}, a boot that times out tried again while {@link
   * MirageSettings#STARTUP_ATTEMPTS} allows on a fresh domain: a new name, and a new MAC unless
   * the spec fixes one.
   */
  RunningUnikernel launch(UnikernelSpec spec, String domain, String mac) {
    return UnikernelLauncher.launch(spec, session, http, new UnikernelLauncher.Domain(domain, mac),
        startupAttempts, attempt -> new UnikernelLauncher.Domain(nextDomainName(spec.name()),
            spec.mac().orElseGet(this::nextMac)));
  }

  /** A locally administered unicast MAC not handed out before in this run. */
  synchronized String nextMac() {
    while (true) {
      byte[] b = new byte[5];
      random.nextBytes(b);
      String mac = String.format("02:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4]);
      if (macs.add(mac)) {
        return mac;
      }
    }
  }

  /** Ends the run on dom0; the lab itself lives until the JVM exits (see QemuXenLab.shared). */
  @Override
  public void close() {
    session.close();
  }
}

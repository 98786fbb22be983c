package io.github.junitmirage.junit;

import io.github.junitmirage.boot.Timeouts;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The configuration keys of junit-mirage. Each is read as a JUnit configuration parameter or
 * system property of that name, else the environment variable named like it in upper case
 * ({@code junit.mirage.dom0.knownHosts} becomes {@code JUNIT_MIRAGE_DOM0_KNOWN_HOSTS}), else its
 * default. Annotation attributes win over all of them.
 */
public final class MirageSettings {
  /** dom0's host name or address. Unset: boot the embedded QEMU lab. */
  public static final String DOM0_HOST = "junit.mirage.dom0.host";
  /** dom0's SSH port. Default 22. */
  public static final String DOM0_PORT = "junit.mirage.dom0.port";
  /** SSH user. Default {@code mirage}. */
  public static final String DOM0_USER = "junit.mirage.dom0.user";
  /** Private key file. Default {@code ~/.ssh/id_ed25519}, else {@code ~/.ssh/id_rsa}. */
  public static final String DOM0_KEY = "junit.mirage.dom0.key";
  /** known_hosts file that must list dom0. Default {@code ~/.ssh/known_hosts}. */
  public static final String DOM0_KNOWN_HOSTS = "junit.mirage.dom0.knownHosts";
  /** dom0's host key as an OpenSSH public key line; when set, the only key accepted. */
  public static final String DOM0_HOST_KEY = "junit.mirage.dom0.hostKey";
  /** {@code true} accepts any host key. Default false. Only for throw-away hosts. */
  public static final String DOM0_INSECURE_ACCEPT_ANY_HOST_KEY =
      "junit.mirage.dom0.insecureAcceptAnyHostKey";
  /** Run xl with {@code sudo -n}. Default true. */
  public static final String DOM0_SUDO = "junit.mirage.dom0.sudo";
  /**
   * Folder on dom0 for uploads and configs, created with mode 700 and refused when another user
   * owns it or others can write to it. Default {@code /tmp/junit-mirage-<dom0 user>}.
   */
  public static final String DOM0_WORK_DIR = "junit.mirage.dom0.workDir";
  /**
   * Seconds of silence from dom0 before an SSH keep-alive; after three unanswered ones the
   * connection is lost. Default 5.
   */
  public static final String DOM0_ALIVE_INTERVAL_SECONDS = "junit.mirage.dom0.aliveIntervalSeconds";
  /**
   * Seconds dom0's watchdog waits without a heartbeat from the test JVM (a silent partition, a
   * frozen or killed JVM), or for a broken connection to come back, before it destroys the run's
   * domains. Default 30, scaled by {@link #TIMEOUT_FACTOR}.
   */
  public static final String DOM0_WATCHDOG_GRACE_SECONDS = "junit.mirage.dom0.watchdogGraceSeconds";
  /**
   * The OpenSSH client configuration whose section for the host supplies HostName, Port, User,
   * IdentityFile, UserKnownHostsFile and IdentityAgent where no junit.mirage.dom0.* setting
   * does; {@code none} to ignore it. Default {@code ~/.ssh/config}.
   */
  public static final String DOM0_SSH_CONFIG = "junit.mirage.dom0.sshConfig";
  /**
   * The passphrase of the key; best given through the environment
   * ({@code JUNIT_MIRAGE_DOM0_KEY_PASSPHRASE}) or, better still, replaced by ssh-agent.
   */
  public static final String DOM0_KEY_PASSPHRASE = "junit.mirage.dom0.keyPassphrase";
  /**
   * The ssh-agent socket whose keys are offered after the key file, or {@code none}. Default: the
   * host's IdentityAgent in the SSH client configuration, else {@code SSH_AUTH_SOCK}.
   */
  public static final String DOM0_SSH_AGENT = "junit.mirage.dom0.sshAgent";
  /** Default bridge. Default {@code br0}. */
  public static final String BRIDGE = "junit.mirage.bridge";
  /** Scales every deadline (slow hosts). Default 1. */
  public static final String TIMEOUT_FACTOR = "junit.mirage.timeoutFactor";
  /** Default seconds from xl create to the ready line. Default 120. */
  public static final String BOOT_TIMEOUT_SECONDS = "junit.mirage.bootTimeoutSeconds";
  /**
   * How many times a boot that times out is tried, each time on a fresh domain (the timed-out one
   * is destroyed first); other startup failures are never retried. Default 1.
   */
  public static final String STARTUP_ATTEMPTS = "junit.mirage.startupAttempts";
  /** Default {@link io.github.junitmirage.DestroyMode}. Default ALWAYS. */
  public static final String DESTROY = "junit.mirage.destroy";
  /** Where lab images are cached. Default {@code ~/.cache/junit-mirage}. */
  public static final String CACHE = "junit.mirage.cache";
  /** The project's fixtures folder, to notice a lab image older than its recipe. */
  public static final String FIXTURES = "junit.mirage.fixtures";
  /** Seconds the lab may take to boot. Default 180. */
  public static final String LAB_BOOT_TIMEOUT_SECONDS = "junit.mirage.lab.bootTimeoutSeconds";
  /**
   * Seconds the embedded lab keeps running after the last JVM using it ended, so that the next
   * one (the next failsafe fork of the same build, the next run in an IDE) attaches to it instead
   * of starting another; 0 gives each JVM a lab of its own that ends with it. Default 60.
   */
  public static final String LAB_KEEP_IDLE_SECONDS = "junit.mirage.lab.keepIdleSeconds";

  private final Function<String, Optional<String>> source;

  private MirageSettings(Function<String, Optional<String>> source) {
    this.source = source;
  }

  static MirageSettings of(ExtensionContext context) {
    return new MirageSettings(key -> context.getConfigurationParameter(key)
        .or(() -> Optional.ofNullable(System.getenv(environmentName(key)))));
  }

  /** From a map only (tests). */
  static MirageSettings of(java.util.Map<String, String> values) {
    return new MirageSettings(key -> Optional.ofNullable(values.get(key)));
  }

  /** Outside JUnit: system properties, then the environment. */
  static MirageSettings fromSystem() {
    return new MirageSettings(key -> Optional.ofNullable(System.getProperty(key))
        .or(() -> Optional.ofNullable(System.getenv(environmentName(key)))));
  }

  /**
   * {@return the environment variable that can set a key}
   * {@code junit.mirage.dom0.workDir} becomes {@code JUNIT_MIRAGE_DOM0_WORK_DIR}.
   *
   * @param key one of the keys above
   */
  public static String environmentName(String key) {
    return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase();
  }

  /** Every deadline, scaled by {@link #TIMEOUT_FACTOR}. */
  io.github.junitmirage.boot.Timeouts timeouts() {
    io.github.junitmirage.boot.Timeouts t =
        io.github.junitmirage.boot.Timeouts.of(decimal(TIMEOUT_FACTOR, 1.0));
    int grace = integer(DOM0_WATCHDOG_GRACE_SECONDS,
        (int) io.github.junitmirage.boot.Timeouts.DEFAULT_WATCHDOG_GRACE.toSeconds());
    if (grace < 1) {
      throw new ExtensionConfigurationException(DOM0_WATCHDOG_GRACE_SECONDS + " must be at least 1: "
          + grace);
    }
    return t.withWatchdogGrace(t.scale(java.time.Duration.ofSeconds(grace)));
  }

  /** {@link #STARTUP_ATTEMPTS}, checked. */
  int startupAttempts() {
    int attempts = integer(STARTUP_ATTEMPTS, 1);
    if (attempts < 1) {
      throw new ExtensionConfigurationException(STARTUP_ATTEMPTS + " must be at least 1: "
          + attempts);
    }
    return attempts;
  }

  Optional<String> get(String key) {
    return source.apply(key).map(String::strip).filter(v -> !v.isEmpty());
  }

  String get(String key, String fallback) {
    return get(key).orElse(fallback);
  }

  int integer(String key, int fallback) {
    String v = get(key, Integer.toString(fallback));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ExtensionConfigurationException(key + " must be a whole number: " + v);
    }
  }

  double decimal(String key, double fallback) {
    String v = get(key, Double.toString(fallback));
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ExtensionConfigurationException(key + " must be a number: " + v);
    }
  }

  boolean bool(String key, boolean fallback) {
    String v = get(key, Boolean.toString(fallback));
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new ExtensionConfigurationException(key + " must be true or false: " + v);
    }
    return Boolean.parseBoolean(v);
  }
}

package io.github.junitmirage.dom0;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach and use one dom0.
 *
 * @param host the dom0's host name or address
 * @param port its SSH port
 * @param user the SSH user
 * @param keyFile the private key to log in with
 * @param knownHosts an OpenSSH known_hosts file that must list dom0's host key, or null
 * @param pinnedHostKey the one host key accepted (an OpenSSH public key line), or null
 * @param insecureAcceptAnyHostKey accept any host key: only for throw-away hosts
 * @param sudo run {@code xl} through {@code sudo -n}
 * @param workDir the folder on dom0 for uploaded kernels and generated configs
 * @param connectTimeout deadline for connecting and logging in
 * @param aliveInterval silence after which SSH keep-alives are sent; after three unanswered ones
 *     the connection counts as lost (so a silent network partition is noticed)
 * @param keyPassphrase the passphrase of {@code keyFile}, or null when it has none (or when the
 *     agent holds it)
 * @param agentSocket an ssh-agent's socket whose keys are offered after {@code keyFile}, or null
 */
public record Dom0Settings(
    String host,
    int port,
    String user,
    Path keyFile,
    Path knownHosts,
    String pinnedHostKey,
    boolean insecureAcceptAnyHostKey,
    boolean sudo,
    String workDir,
    Duration connectTimeout,
    Duration aliveInterval,
    String keyPassphrase,
    Path agentSocket) {

  /** Default keep-alive interval: a silent partition is noticed within about four of these. */
  public static final Duration DEFAULT_ALIVE_INTERVAL = Duration.ofSeconds(5);
  /** Unanswered keep-alives after which the connection counts as lost. */
  public static final int ALIVE_COUNT_MAX = 3;

  public Dom0Settings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(keyFile, "keyFile (a file that need not exist when the agent has the key)");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (aliveInterval.isNegative() || aliveInterval.isZero()) {
      throw new IllegalArgumentException("aliveInterval <= 0: " + aliveInterval);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1..65535: " + port);
    }
    if (!workDir.startsWith("/") || !workDir.matches("[A-Za-z0-9_./-]+") || workDir.contains("..")) {
      throw new IllegalArgumentException(
          "workDir must be an absolute path of letters, digits, '_', '-', '.' and '/': " + workDir);
    }
  }

  /**
   * Settings with the {@link #DEFAULT_ALIVE_INTERVAL}, a key without passphrase and no agent; see
   * the canonical constructor.
   */
  public Dom0Settings(String host, int port, String user, Path keyFile, Path knownHosts,
      String pinnedHostKey, boolean insecureAcceptAnyHostKey, boolean sudo, String workDir,
      Duration connectTimeout) {
    this(host, port, user, keyFile, knownHosts, pinnedHostKey, insecureAcceptAnyHostKey, sudo,
        workDir, connectTimeout, DEFAULT_ALIVE_INTERVAL, null, null);
  }

  /** {@return these settings, but reaching dom0 on another port or with another keep-alive} */
  public Dom0Settings with(int otherPort, Duration otherAliveInterval) {
    return new Dom0Settings(host, otherPort, user, keyFile, knownHosts, pinnedHostKey,
        insecureAcceptAnyHostKey, sudo, workDir, connectTimeout, otherAliveInterval, keyPassphrase,
        agentSocket);
  }

  /** {@return these settings, but logging in with another key, passphrase and agent} */
  public Dom0Settings withKey(Path otherKeyFile, String otherPassphrase, Path otherAgentSocket) {
    return new Dom0Settings(host, port, user, otherKeyFile, knownHosts, pinnedHostKey,
        insecureAcceptAnyHostKey, sudo, workDir, connectTimeout, aliveInterval, otherPassphrase,
        otherAgentSocket);
  }

  /** Like the record's, but never shows the passphrase. */
  @Override
  public String toString() {
    return "Dom0Settings[" + describe() + ", key " + keyFile
        + (keyPassphrase == null ? "" : " (with passphrase)")
        + (agentSocket == null ? "" : ", agent " + agentSocket) + ", workDir " + workDir + "]";
  }

  /** {@return how long dom0 can be silent before the connection counts as lost} */
  public Duration silenceLimit() {
    return aliveInterval.multipliedBy(ALIVE_COUNT_MAX + 1L);
  }

  public String describe() {
    return user + "@" + host + ":" + port;
  }
}

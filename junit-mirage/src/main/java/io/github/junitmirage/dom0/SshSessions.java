package io.github.junitmirage.dom0;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.github.junitmirage.Dom0ConnectionException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.pollinterval.FibonacciPollInterval;

/** Opens and logs in a JSch session, turning JSch's terse failures into what to fix. */
final class SshSessions {
  private static final System.Logger LOG = System.getLogger("junit-mirage.dom0");
  private static final FibonacciPollInterval FIBONACCI =
      FibonacciPollInterval.fibonacci(10, TimeUnit.MILLISECONDS);

  private SshSessions() {}

  /**
   * Connects and logs in within the connect timeout. A connection that sshd closes before its
   * greeting is tried again until then: OpenSSH drops new connections at random once more than
   * {@code MaxStartups} (10 by default) are still unauthenticated, which one build starting many
   * JVMs or test classes at once reaches on a slow dom0. Every other failure ends at once.
   */
  static Session open(Dom0Settings s) {
    long deadline = System.nanoTime() + s.connectTimeout().toNanos();
    AtomicReference<JSchException> dropped = new AtomicReference<>();
    AtomicInteger drops = new AtomicInteger();
    try {
      return Awaitility.await("an SSH connection to dom0 " + s.describe())
          .atMost(s.connectTimeout())
          .pollDelay(Duration.ZERO)
          .pollInterval(SshSessions::spread)
          .pollInSameThread()
          .until(() -> {
            try {
              return attempt(s, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (JSchException e) {
              if (!droppedBeforeGreeting(e)) {
                throw explain(s, e);
              }
              dropped.set(e);
              LOG.log(System.Logger.Level.INFO, "dom0 " + s.describe() + " closed connection "
                  + drops.incrementAndGet() + " before its SSH greeting (sshd's MaxStartups, too "
                  + "many connections still logging in?); trying again");
              return null;
            }
          }, Objects::nonNull);
    } catch (ConditionTimeoutException e) {
      // Only drops come back for another attempt; any other failure, a timeout too, ended above.
      throw new Dom0ConnectionException("dom0 " + s.describe() + " closed all " + drops.get()
          + " connections junit-mirage opened within " + s.connectTimeout() + " before its SSH "
          + "greeting: its sshd drops new connections while more than MaxStartups (default 10) are "
          + "still logging in; open fewer at once, or raise MaxStartups in sshd_config ("
          + dropped.get().getMessage() + ")", dropped.get());
    }
  }

  /**
   * Fibonacci-spaced attempts (55, 89, 144 ms, ...), each pause stretched at random by up to half:
   * connections dropped together must not come back together, or sshd drops them again.
   */
  private static Duration spread(int attempt, Duration previous) {
    Duration base = FIBONACCI.next(attempt, previous);
    return base.plusMillis(java.util.concurrent.ThreadLocalRandom.current()
        .nextLong(base.toMillis() / 2 + 1));
  }

  /** What OpenSSH's MaxStartups looks like to JSch: the socket closed before the version line. */
  private static boolean droppedBeforeGreeting(JSchException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("connection is closed by foreign host")
        || (e.getCause() instanceof java.net.SocketException && m.contains("Connection reset"));
  }

  private static Session attempt(Dom0Settings s, long timeoutMillis) throws JSchException {
    JSch jsch = new JSch();
    Identities.configure(jsch, s);
    Session session = jsch.getSession(s.user(), s.host(), s.port());
    configureHostKeyCheck(jsch, session, s);
    session.setConfig("PreferredAuthentications", "publickey");
    // JSch's session thread must not keep a JVM alive after main returns.
    session.setDaemonThread(true);
    session.setTimeout((int) s.connectTimeout().toMillis());
    session.connect((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    // JSch sends a keep-alive when a read times out, so the read timeout must be the interval
    // (setServerAliveInterval sets both); after three unanswered ones it disconnects,
    // and a silent partition ends every channel instead of hanging for hours.
    session.setServerAliveInterval((int) s.aliveInterval().toMillis());
    session.setServerAliveCountMax(Dom0Settings.ALIVE_COUNT_MAX);
    return session;
  }

  private static void configureHostKeyCheck(JSch jsch, Session session, Dom0Settings s)
      throws JSchException {
    if (s.pinnedHostKey() != null) {
      PinnedHostKey pinned = PinnedHostKey.parse(s.pinnedHostKey());
      session.setHostKeyRepository(pinned);
      session.setConfig("server_host_key", pinned.algorithm());
      session.setConfig("StrictHostKeyChecking", "yes");
    } else if (s.insecureAcceptAnyHostKey()) {
      LOG.log(System.Logger.Level.WARNING, "NOT verifying the host key of dom0 " + s.describe()
          + " (junit.mirage.dom0.insecureAcceptAnyHostKey=true): anyone on the path can pose as it");
      session.setConfig("StrictHostKeyChecking", "no");
    } else {
      if (s.knownHosts() == null || !Files.isReadable(s.knownHosts())) {
        throw new Dom0ConnectionException("cannot verify the host key of dom0 " + s.describe()
            + ": known_hosts file " + s.knownHosts() + " is not readable; set "
            + "junit.mirage.dom0.hostKey to dom0's public host key line, or add it with "
            + "ssh-keyscan -p " + s.port() + " " + s.host() + " >> ~/.ssh/known_hosts");
      }
      jsch.setKnownHosts(s.knownHosts().toString());
      session.setHostKeyRepository(new KnownHostsPatterns(jsch.getHostKeyRepository(),
          s.knownHosts()));
      session.setConfig("StrictHostKeyChecking", "yes");
    }
  }

  static Dom0ConnectionException explain(Dom0Settings s, JSchException e) {
    if (e.getCause() instanceof Dom0ConnectionException known) {
      return known; // already says what to fix
    }
    String m = String.valueOf(e.getMessage());
    String where = "dom0 " + s.describe();
    String advice;
    // JSch says "reject HostKey" for a host missing from known_hosts, "has been changed" for a
    // different key; the pinned-key repository reports every difference as changed.
    if (m.contains("HostKey has been changed") || m.contains(PinnedHostKey.MISMATCH)
        || (m.contains("reject HostKey") && s.pinnedHostKey() != null)) {
      advice = "the host key of " + where + " does not match the expected one; if dom0 was "
          + "reinstalled, update junit.mirage.dom0.hostKey or known_hosts, otherwise someone may "
          + "be intercepting the connection";
    } else if (m.contains("UnknownHostKey") || m.contains("reject HostKey")) {
      advice = "the host key of " + where + " is not in " + s.knownHosts() + ": add it with "
          + "ssh-keyscan -p " + s.port() + " " + s.host() + " >> " + s.knownHosts();
    } else if (m.contains("Auth fail") || m.contains("Auth cancel")) {
      advice = where + " refused " + Identities.describe(s) + ": append " + s.keyFile()
          + ".pub to ~" + s.user() + "/.ssh/authorized_keys on dom0";
    } else if (m.contains("revoked HostKey")) {
      advice = "the host key of " + where + " is marked @revoked in " + s.knownHosts()
          + ": it must never be accepted; if dom0 has a new key, put that one in known_hosts";
    } else if (m.contains("Connection refused")) {
      advice = "nothing listens on " + where + ": is dom0 up and sshd running?";
    } else if (m.contains("timeout") || m.contains("timed out")) {
      advice = where + " did not answer within " + s.connectTimeout() + ": is the address right?";
    } else if (m.contains("UnknownHost")) {
      advice = "cannot resolve the host name of " + where + ": set junit.mirage.dom0.host";
    } else {
      advice = "cannot connect to " + where;
    }
    return new Dom0ConnectionException(advice + " (" + m + ")", e);
  }
}

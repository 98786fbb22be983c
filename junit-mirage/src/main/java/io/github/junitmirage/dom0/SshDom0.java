package io.github.junitmirage.dom0;

import com.jcraft.jsch.ChannelDirectTCPIP;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.github.junitmirage.Dom0ConnectionException;
import io.github.junitmirage.util.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dom0 reached over SSH with JSch: one session for the run, more when its channels run out.
 *
 * <p>A stock OpenSSH allows {@code MaxSessions 10} exec channels per connection, and every
 * console holds one for as long as its unikernel lives; so a connection carries at most
 * {@link #CHANNELS_PER_CONNECTION} channels and the next one opens another connection (the first
 * stays the run's: its watchdog, the tunnels to unikernels). An sshd configured with fewer refuses a
 * channel while the connection stays up: that connection is then held to what it carries, and
 * the channel opens on another.
 *
 * <p>Host keys are verified against a pinned key or a known_hosts file; accepting any key happens
 * only when {@link Dom0Settings#insecureAcceptAnyHostKey()} says so.
 */
public final class SshDom0 implements Dom0 {
  private static final System.Logger LOG = System.getLogger("junit-mirage.dom0");

  /** Channels per connection: stock sshd's MaxSessions 10, less room for a straggler. */
  static final int CHANNELS_PER_CONNECTION = 8;

  /** Linux's first SYN retransmission timeout: a connect that took this long sent two SYNs. */
  static final Duration SYN_RETRANSMITTED = Duration.ofSeconds(1);

  /** How many times a connection whose SYN went twice is made again; the last one is kept. */
  static final int REDIALS = 2;

  private final Dom0Settings settings;
  private volatile Session session;
  private final List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicBoolean limitLogged =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * One SSH connection, the exec channels it carries, and how many it may carry: the budget, or
   * fewer once its sshd refused a channel (a {@code MaxSessions} below the budget).
   */
  private record Connection(Session session, List<ChannelExec> channels, AtomicInteger limit) {
    Connection(Session session) {
      this(session, java.util.Collections.synchronizedList(new java.util.ArrayList<>()),
          new AtomicInteger(CHANNELS_PER_CONNECTION));
    }

    int open() {
      channels.removeIf(ChannelExec::isClosed);
      return channels.size();
    }

    boolean hasRoom() {
      return open() < limit.get();
    }
  }

  private SshDom0(Dom0Settings settings, Session session) {
    this.settings = settings;
    this.session = session;
    connections.add(new Connection(session));
  }

  /** {@return how many SSH connections carry this dom0's channels now} */
  public int connectionCount() {
    return (int) connections.stream().filter(c -> c.session().isConnected()).count();
  }

  /** Connects and logs in, or throws a {@link Dom0ConnectionException} saying what to fix. */
  public static SshDom0 connect(Dom0Settings settings) {
    Session session = SshSessions.open(settings);
    return new SshDom0(settings, session);
  }

  @Override
  public ExecResult exec(List<String> command, Duration timeout) {
    return run(command, null, timeout);
  }

  /** Runs to completion, feeding {@code stdin} when given; the exit status is read after close. */
  private ExecResult run(List<String> command, InputStream stdin, Duration timeout) {
    Deadline deadline = Deadline.after(timeout);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    InputStream[] stdout = new InputStream[1];
    // JSch waits for a channel's confirmation without noticing a session that died meanwhile,
    // so the wait is capped at the time keep-alives need to declare the connection lost.
    long cap = Math.min(deadline.remainingMillisAtLeast(1), settings.silenceLimit().toMillis());
    ChannelExec channel = openExec(command, Duration.ofMillis(cap), c -> {
      c.setErrStream(stderr, true);
      if (stdin != null) {
        c.setInputStream(stdin, true);
      }
      stdout[0] = c.getInputStream();
    });
    try {
      return finish(command, channel, stdout[0], stderr, deadline, timeout);
    } catch (IOException e) {
      throw lost("running " + ShellQuoting.join(command), e);
    } finally {
      channel.disconnect();
      release(channel);
    }
  }

  /** Reads the rest of a command's output until its channel closes, then its exit status. */
  private ExecResult finish(List<String> command, ChannelExec channel, InputStream stdout,
      ByteArrayOutputStream stderr, Deadline deadline, Duration timeout) throws IOException {
    byte[] out = StreamReading.readUntilClosed(stdout, channel::isClosed, deadline);
    if (!channel.isClosed()) {
      throw new Dom0CommandException(
          "command on dom0 " + describe() + " did not finish within " + timeout + ": "
              + ShellQuoting.join(command) + "\n  stderr so far: " + stderr, null);
    }
    // The exit status is meaningful only once the channel closed: -1 means not yet.
    return new ExecResult(command, channel.getExitStatus(),
        new String(out, StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  @Override
  public RemoteProcess start(List<String> command) {
    Duration cap = settings.silenceLimit().compareTo(settings.connectTimeout()) < 0
        ? settings.silenceLimit() : settings.connectTimeout();
    SshRemoteProcess[] process = new SshRemoteProcess[1];
    openExec(command, cap, c -> {
      process[0] = new SshRemoteProcess(c, () -> release(c));
      process[0].prepare();
    });
    return process[0];
  }

  @Override
  public void upload(InputStream content, long size, String sha256, String remotePath,
      Duration timeout) {
    // Over exec rather than SFTP: any dom0 with a shell takes it, no subsystem needed.
    run(List.of("sh", "-c", UPLOAD, "upload", remotePath, Long.toString(size), sha256), content,
        timeout).orThrow("writing " + remotePath);
  }

  @Override
  public boolean place(InputStream content, long size, String sha256, String dir, String name,
      Duration timeout) {
    List<String> command = List.of("sh", "-c", PLACE + UPLOAD, "place", dir, name,
        Long.toString(size), sha256, Long.toString(Math.max(1, timeout.toSeconds())));
    Deadline deadline = Deadline.after(timeout);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    InputStream[] stdout = new InputStream[1];
    java.io.OutputStream[] stdin = new java.io.OutputStream[1];
    long cap = Math.min(deadline.remainingMillisAtLeast(1), settings.silenceLimit().toMillis());
    ChannelExec channel = openExec(command, Duration.ofMillis(cap), c -> {
      c.setErrStream(stderr, true);
      stdout[0] = c.getInputStream();
      stdin[0] = c.getOutputStream();
    });
    String what = "placing " + dir + "/" + name;
    try {
      String answer = StreamReading.readLine(stdout[0], channel::isClosed, deadline);
      boolean send = answer.equals("send");
      if (send) {
        try {
          content.transferTo(stdin[0]);
          stdin[0].close(); // EOF: the script checks size and SHA-256, then renames
        } catch (IOException e) {
          // A script that ended before it had the bytes (a full disk): its status and stderr say
          // why, not a lost connection.
          if (!channel.isClosed()) {
            throw e;
          }
        }
      }
      ExecResult r = finish(command, channel, stdout[0], stderr, deadline, timeout).orThrow(what);
      if (!send && !answer.equals("present")) {
        throw new Dom0CommandException(what + " failed: dom0 answered '" + answer + "'", r);
      }
      return send;
    } catch (IOException e) {
      throw lost(what, e);
    } finally {
      channel.disconnect();
      release(channel);
    }
  }

  /**
   * One upload of a content at a time ({@code flock} on the folder's lock file, waited for up to
   * the upload timeout): a run that finds another one uploading it waits, then finds it there.
   */
  private static final String PLACE = "[ -d \"$1\" ] || mkdir -p \"$1\" || exit 1\n"
      + "exec 9>>\"$1/.lock\"\n"
      + "flock -w \"$5\" 9 || { echo \"another upload of $1 held its lock for $5 s\" >&2; exit 1; }\n"
      + "if [ -f \"$1/$2\" ]; then touch \"$1\"; echo present; exit 0; fi\n"
      + "echo send\n"
      + "set -- \"$1/$2\" \"$3\" \"$4\"\n";

  /**
   * Each upload writes a part file of its own (the shell's pid on dom0): two runs uploading the
   * same kernel side by side each rename a whole, checked copy into place, and neither finds its
   * part file gone or written into by the other.
   */
  private static final String UPLOAD = "part=\"$1.part.$$\"\n"
      + "trap 'rm -f \"$part\"' EXIT\n"
      + "cat >\"$part\" || exit 1\n"
      + "got=$(stat -c %s \"$part\")\n"
      + "if [ \"$got\" != \"$2\" ]; then\n"
      + "  echo \"received $got of $2 bytes\" >&2; exit 4\n"
      + "fi\n"
      + "if ! echo \"$3  $part\" | sha256sum -c --status; then\n"
      + "  echo \"SHA-256 differs from $3\" >&2; exit 4\n"
      + "fi\n"
      + "mv -f \"$part\" \"$1\"\n";

  /**
   * {@inheritDoc}
   *
   * <p>A target dom0 has not found on its network yet (its ARP entry without a link-layer
   * address: a unikernel that got its lease a moment ago, under emulation, may leave dom0's ARP
   * requests unanswered for a few seconds, and Linux gives up after three) is tried again until
   * {@code timeout}, as a TCP connect retries its SYN; once dom0 has found it (a late ARP reply
   * makes the entry reachable after the connect failed), once more. A target that answered ARP
   * and refused twice fails.
   *
   * <p>A connection that took dom0 {@link #SYN_RETRANSMITTED} or more to open is closed and made
   * again, at most {@link #REDIALS} times: dom0 sent its SYN more than once, and MirageOS's TCP
   * (mirage-tcpip 8) answers each SYN of a connection it has not finished with a new initial
   * sequence number, dropping the old one; dom0 takes the first SYN-ACK, every segment it sends
   * after is ignored, and the connection hangs until the unikernel resets it (an HTTP client's
   * "unexpected end of stream") or the read times out. A unikernel held off its CPU for a second
   * (emulation, a busy Xen host) is enough: it then sees both SYNs at once.
   */
  @Override
  public void carry(Socket local, InetSocketAddress target, Duration timeout) throws IOException {
    String where = "dom0 " + describe() + " cannot connect to " + target.getHostString() + ":"
        + target.getPort();
    Deadline deadline = Deadline.after(timeout);
    boolean triedResolved = false;
    int redials = 0;
    while (true) {
      long opening = System.nanoTime();
      ChannelDirectTCPIP channel;
      try {
        channel = (ChannelDirectTCPIP) session.getStreamForwarder(target.getHostString(),
            target.getPort());
      } catch (JSchException e) {
        throw connectFailure(where + ": the SSH connection is down", e);
      }
      // Taken before the open; and with no input stream set, JSch opens the channel here and
      // now (with one, it opens it on a thread of its own, and a refusal is only a closed socket
      // that an HTTP client reports as "unexpected end of stream").
      InputStream fromTarget = channel.getInputStream();
      OutputStream toTarget = channel.getOutputStream();
      try {
        channel.connect(deadline.remainingMillisAtLeast(1));
      } catch (JSchException e) {
        channel.disconnect();
        int reason = channel.getExitStatus();
        if (reason == 2 && session.isConnected() && !deadline.expired()) {
          if (!resolvedByDom0(target)) {
            io.github.junitmirage.util.Sleeping.sleep(Math.min(250,
                deadline.remainingMillisAtLeast(1)));
            continue;
          }
          if (!triedResolved) {
            triedResolved = true; // found meanwhile (a late ARP reply): once more, now it is
            continue;
          }
        }
        String why = whyNotOpened(reason, timeout);
        if (reason == 2 && session.isConnected()) {
          why += "; " + probe(target);
        }
        throw connectFailure(where + ": " + why, e);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - opening);
      if (took.compareTo(SYN_RETRANSMITTED) >= 0 && redials < REDIALS && !deadline.expired()) {
        redials++;
        channel.disconnect();
        LOG.log(System.Logger.Level.DEBUG, "dom0 " + describe() + ": the connection to "
            + target.getHostString() + ":" + target.getPort() + " took " + took.toMillis()
            + " ms to open, so dom0 sent its SYN again, which MirageOS's TCP answers with a "
            + "connection that hangs: connecting again");
        continue;
      }
      String name = "junit-mirage dom0 " + target.getHostString() + ":" + target.getPort();
      pump(name + " up", local.getInputStream(), toTarget, () -> closeQuietly(toTarget));
      pump(name + " down", fromTarget, local.getOutputStream(), () -> {
        channel.disconnect();
        closeQuietly(local);
      });
      return;
    }
  }

  /** Whether dom0's ARP (or neighbour) entry for the target has a link-layer address. */
  private boolean resolvedByDom0(InetSocketAddress target) {
    try {
      return exec(List.of("sh", "-c", "ip neigh show to \"$1\" 2>/dev/null", "neighbour",
          target.getHostString()), Duration.ofSeconds(10)).stdout().contains(" lladdr ");
    } catch (RuntimeException e) {
      return true; // cannot tell: report the failure as it is
    }
  }

  /** Why a direct-tcpip channel did not open: JSch keeps RFC 4254's reason code as exit status. */
  private String whyNotOpened(int reason, Duration timeout) {
    if (!session.isConnected()) {
      return "the SSH connection is lost";
    }
    return switch (reason) {
      case 1 -> "its sshd does not allow TCP forwarding (AllowTcpForwarding or PermitOpen in "
          + "sshd_config, or a restriction in authorized_keys)";
      case 2 -> "dom0 could not connect (nothing listens on that port, or the address is "
          + "unreachable from dom0)";
      case 4 -> "its sshd is short of resources";
      default -> "no answer from its sshd within " + timeout;
    };
  }

  /**
   * What dom0 sees now of a target it could not connect to (sshd passes on no errno): its ARP
   * entry, and one more connect with the error it gets; tells an address nobody answers for from a
   * port nothing listens on, and a unikernel that was merely slow from one that is gone.
   */
  private String probe(InetSocketAddress target) {
    try {
      ExecResult r = exec(List.of("sh", "-c", PROBE, "probe", target.getHostString(),
          Integer.toString(target.getPort())), Duration.ofSeconds(10));
      String seen = (r.stdout() + r.stderr()).strip().replaceAll("\\s*\\n\\s*", "; ");
      return "dom0 now: " + (seen.isEmpty() ? "(nothing to say)" : seen);
    } catch (RuntimeException e) {
      return "asking dom0 what it sees failed: " + e.getMessage();
    }
  }

  private static final String PROBE = "n=$(ip neigh show to \"$1\" 2>/dev/null)\n"
      + "echo \"ARP entry: ${n:-none}\"\n"
      + "if command -v bash >/dev/null 2>&1; then\n"
      + "  e=$(timeout 5 bash -c 'exec 3<>\"/dev/tcp/$0/$1\"' \"$1\" \"$2\" 2>&1); s=$?\n"
      + "  case $s in\n"
      + "    0) echo 'connecting again: connected' ;;\n"
      + "    124) echo 'connecting again: no answer within 5 s' ;;\n"
      + "    *) echo \"connecting again: ${e##*: }\" ;;\n"
      + "  esac\n"
      + "fi\n";

  private static ConnectException connectFailure(String message, Exception cause) {
    ConnectException e = new ConnectException(message);
    e.initCause(cause);
    return e;
  }

  /** Copies until end of stream on a daemon thread, flushing each read (JSch buffers otherwise). */
  private static void pump(String name, InputStream from, OutputStream to, Runnable atEnd) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[32 * 1024];
      try {
        for (int n = from.read(buffer); n != -1; n = from.read(buffer)) {
          to.write(buffer, 0, n);
          to.flush();
        }
      } catch (IOException e) {
        // the other side closed first: the end below tidies up
      } finally {
        atEnd.run();
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing is all that is left to do
    }
  }

  @Override
  public boolean isConnected() {
    return session.isConnected();
  }

  @Override
  public synchronized void reconnect() {
    Session old = session;
    if (old.isConnected()) {
      return;
    }
    Session fresh = SshSessions.open(settings);
    old.disconnect();
    connections.removeIf(c -> c.session() == old);
    connections.add(0, new Connection(fresh));
    session = fresh;
    LOG.log(System.Logger.Level.INFO, "dom0 " + describe() + ": reconnected");
  }

  @Override
  public String describe() {
    return settings.describe();
  }

  public Dom0Settings settings() {
    return settings;
  }

  @Override
  public void close() {
    for (Connection c : connections) {
      c.session().disconnect();
    }
  }

  /** Sets up a channel before it connects (streams must be taken before the first byte). */
  private interface Preparation {
    void prepare(ChannelExec channel) throws IOException;
  }

  /**
   * An exec channel for {@code command}, connected. A channel that dom0's sshd refuses while the
   * connection stays up is its session limit ({@code MaxSessions}) speaking: that connection is
   * held to what it carries, and the channel opens on another one.
   */
  private ChannelExec openExec(List<String> command, Duration cap, Preparation preparation) {
    String what = "opening a channel for " + ShellQuoting.join(command);
    while (true) {
      Connection c = connectionWithRoom();
      ChannelExec channel;
      try {
        channel = (ChannelExec) c.session().openChannel("exec");
        if (channel == null) { // JSch's answer once the transport is gone
          throw new JSchException("the SSH session is down");
        }
        channel.setCommand(ShellQuoting.join(command));
        c.channels().add(channel);
      } catch (JSchException e) {
        throw lost(what, e);
      }
      long opening = System.nanoTime();
      try {
        preparation.prepare(channel);
        channel.connect((int) Math.min(Integer.MAX_VALUE, cap.toMillis()));
        return channel;
      } catch (IOException | JSchException e) {
        channel.disconnect();
        release(channel);
        // JSch keeps the reason code of an SSH_MSG_CHANNEL_OPEN_FAILURE as the exit status.
        if (channel.getExitStatus() > 0 && c.session().isConnected()) {
          refused(c, channel.getExitStatus(), what, e);
          continue;
        }
        awaitKeepAliveVerdict(channel, opening, cap.toMillis());
        throw lost(what, e);
      }
    }
  }

  /** Holds a connection whose sshd refused a channel to the channels it carries now. */
  private synchronized void refused(Connection c, int reason, String what, Exception e) {
    int carried = c.open();
    if (carried == 0) {
      throw new Dom0ConnectionException(what + " on dom0 " + describe() + " failed: its sshd "
          + "refused a session channel on a connection that carried none (reason " + reason
          + "); it allows no commands over SSH (MaxSessions 0, or a ForceCommand or "
          + "authorized_keys restriction?): junit-mirage needs exec channels", e);
    }
    if (c.limit().getAndAccumulate(carried, Math::min) > carried) {
      LOG.log(limitLogged.getAndSet(true) ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
          "dom0 " + describe() + ": its sshd refused channel " + (carried + 1) + " on a "
          + "connection (MaxSessions " + carried + "?), junit-mirage's budget is "
          + CHANNELS_PER_CONNECTION + "; that connection now carries at most " + carried
          + " and more connections open as needed");
    }
  }

  /** Forgets a channel we disconnected (one the far end closed is forgotten on its own). */
  private void release(ChannelExec channel) {
    for (Connection c : connections) {
      c.channels().remove(channel);
    }
  }

  /** The live connection with the fewest channels, or a new one when all are at the budget. */
  private synchronized Connection connectionWithRoom() {
    if (!session.isConnected()) {
      return connections.get(0); // the run's connection is gone: fail on it, as before
    }
    connections.removeIf(c -> c.session() != session && !c.session().isConnected());
    java.util.Optional<Connection> least = connections.stream().filter(Connection::hasRoom)
        .min(java.util.Comparator.comparingInt(Connection::open));
    if (least.isPresent()) {
      return least.get();
    }
    Connection more = new Connection(SshSessions.open(settings));
    connections.add(more);
    LOG.log(System.Logger.Level.DEBUG, "dom0 " + describe() + ": connection " + connections.size()
        + " for more channels than the others carry");
    return more;
  }

  /**
   * A channel open that gave up at its cap while its session still looks up is, on a silent
   * connection, a race with the keep-alives about to end that session: they get up to two more
   * intervals to say so, and the failure then names the lost connection. A quick refusal (the
   * server said no) is reported at once.
   */
  private void awaitKeepAliveVerdict(ChannelExec channel, long openingNanos, long capMillis) {
    if (System.nanoTime() - openingNanos < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(capMillis)) {
      return;
    }
    Session s;
    try {
      s = channel.getSession();
    } catch (JSchException e) {
      return;
    }
    Deadline verdict = Deadline.after(settings.aliveInterval().multipliedBy(2));
    while (s.isConnected() && !verdict.expired()) {
      io.github.junitmirage.util.Sleeping.sleep(50);
    }
  }

  private Dom0ConnectionException lost(String what, Exception cause) {
    String state = session.isConnected() ? "connected" : "connection lost";
    LOG.log(System.Logger.Level.DEBUG, what + " failed", cause);
    return new Dom0ConnectionException(
        what + " on dom0 " + describe() + " failed (" + state + "): " + cause.getMessage(), cause);
  }
}

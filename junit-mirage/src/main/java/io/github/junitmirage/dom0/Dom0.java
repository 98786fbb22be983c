package io.github.junitmirage.dom0;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A connection to a Xen dom0: runs commands, streams long-running ones, uploads files and reaches
 * addresses that only dom0 can reach.
 *
 * <p>Commands are argument lists, never shell lines: {@link ShellQuoting} turns them into the exec
 * request. Every blocking call has a deadline.
 */
public interface Dom0 extends AutoCloseable {

  /** Runs a command to completion; fails with {@link Dom0CommandException} past the deadline. */
  ExecResult exec(List<String> command, Duration timeout);

  /** Starts a command whose output is read while it runs (for example {@code xl create -c}). */
  RemoteProcess start(List<String> command);

  /**
   * Writes a file on dom0: to a part file of its own ({@code <path>.part.<pid>}) first, renamed
   * only once its size and SHA-256 on dom0 match, so a cut connection never leaves a truncated
   * file that later runs trust, and two uploads of one path side by side both succeed.
   */
  void upload(InputStream content, long size, String sha256, String remotePath, Duration timeout);

  /**
   * Puts content into a content-addressed folder on dom0 unless it is there already, in one round
   * trip either way: dom0 says whether it has {@code <dir>/<name>} (and marks it used) or asks for
   * the bytes, written as {@link #upload} writes them. One upload of a folder at a time: a run that
   * finds another one uploading the same content waits for it, then finds it there.
   *
   * @return whether the bytes were sent (false: dom0 had them)
   */
  boolean place(InputStream content, long size, String sha256, String dir, String name,
      Duration timeout);

  /**
   * Carries a local socket's bytes to {@code target} and back through dom0: the only way tests
   * reach addresses on dom0's bridges (this machine never sends them a packet). Returns once
   * dom0 has connected to the target; throws a {@link java.net.ConnectException} saying why when
   * it could not (nothing listens there, it is unreachable from dom0, dom0 forbids forwarding,
   * the connection to dom0 is down) or did not within {@code timeout}.
   */
  void carry(java.net.Socket local, InetSocketAddress target, Duration timeout)
      throws java.io.IOException;

  /** Whether the connection is still up. */
  boolean isConnected();

  /**
   * Replaces a lost connection with a new one (same settings, same local forwarding ports where
   * they are still free); does nothing while the connection is up. Commands that were running on
   * the lost connection stay lost.
   */
  void reconnect();

  /** {@code user@host:port}, for messages. */
  String describe();

  @Override
  void close();

  /** A command on dom0 that is still running. */
  interface RemoteProcess extends AutoCloseable {
    InputStream stdout();

    /** What the command reads as its standard input. */
    java.io.OutputStream stdin();

    /** Whether the channel is still open (the command runs and the connection holds). */
    boolean isOpen();

    /** Everything the command wrote to stderr so far. */
    String stderrSoFar();

    /** Ends the channel (the remote command gets EOF and a hang-up). */
    @Override
    void close();
  }
}

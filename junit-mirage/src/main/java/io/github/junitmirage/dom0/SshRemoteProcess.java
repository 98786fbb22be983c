package io.github.junitmirage.dom0;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A running command on an SSH exec channel; stdout is read by the caller as it arrives. */
final class SshRemoteProcess implements Dom0.RemoteProcess {
  private final ChannelExec channel;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private InputStream stdout;
  private java.io.OutputStream stdin;

  private final Runnable onClose;

  SshRemoteProcess(ChannelExec channel, Runnable onClose) {
    this.channel = channel;
    this.onClose = onClose;
  }

  void connect(Duration timeout) throws IOException, JSchException {
    channel.setErrStream(stderr, true);
    // Take the stream before connecting so that not one byte of early output is lost.
    stdout = channel.getInputStream();
    stdin = channel.getOutputStream();
    channel.connect((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public java.io.OutputStream stdin() {
    return stdin;
  }

  @Override
  public boolean isOpen() {
    return !channel.isClosed() && channel.isConnected();
  }

  @Override
  public String stderrSoFar() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    channel.disconnect();
    onClose.run();
  }
}

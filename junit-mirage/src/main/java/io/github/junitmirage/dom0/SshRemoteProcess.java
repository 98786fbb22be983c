package io.github.junitmirage.dom0;

import com.jcraft.jsch.ChannelExec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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

  /** Takes the streams before the channel connects, so that not one byte of early output is lost. */
  void prepare() throws IOException {
    channel.setErrStream(stderr, true);
    stdout = channel.getInputStream();
    stdin = channel.getOutputStream();
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

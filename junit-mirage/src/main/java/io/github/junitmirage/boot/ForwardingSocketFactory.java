package io.github.junitmirage.boot;

import io.github.junitmirage.dom0.Dom0;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * Sockets whose every connection is carried by dom0: connecting to {@code 192.168.56.101:80}
 * connects this socket to a one-off loopback listener whose accepted end dom0 carries on to
 * {@code 192.168.56.101:80} over SSH. So tests reach unikernels on networks only dom0 sees, this
 * machine never sends a packet to those addresses itself, and a target dom0 cannot reach fails
 * the connect with a {@link java.net.ConnectException} that says why.
 */
public final class ForwardingSocketFactory extends SocketFactory {
  private final Dom0 dom0;

  public ForwardingSocketFactory(Dom0 dom0) {
    this.dom0 = dom0;
  }

  @Override
  public Socket createSocket() {
    return new ForwardingSocket(dom0);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private Socket connected(InetSocketAddress target) throws IOException {
    Socket s = createSocket();
    s.connect(target);
    return s;
  }

  private static final class ForwardingSocket extends Socket {
    /** When the caller sets no connect timeout: what dom0 may take to reach the target. */
    private static final int DEFAULT_TIMEOUT_MILLIS = 30_000;

    private final Dom0 dom0;

    ForwardingSocket(Dom0 dom0) {
      this.dom0 = dom0;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target)) {
        throw new IOException("unsupported address type: " + endpoint);
      }
      int millis = timeout > 0 ? timeout : DEFAULT_TIMEOUT_MILLIS;
      try (ServerSocket meeting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        meeting.setSoTimeout(millis);
        super.connect(meeting.getLocalSocketAddress(), millis);
        Socket far = acceptOwn(meeting);
        try {
          dom0.carry(far, target, Duration.ofMillis(millis));
        } catch (IOException | RuntimeException e) {
          far.close();
          close();
          throw e instanceof IOException io ? io : new ConnectException("dom0 " + dom0.describe()
              + " cannot connect to " + target + ": " + e.getMessage());
        }
      }
    }

    /** The accepted end of this very socket (another local process may have knocked first). */
    private Socket acceptOwn(ServerSocket meeting) throws IOException {
      while (true) {
        Socket s = meeting.accept();
        if (s.getPort() == getLocalPort() && s.getInetAddress().isLoopbackAddress()) {
          return s;
        }
        s.close();
      }
    }
  }
}

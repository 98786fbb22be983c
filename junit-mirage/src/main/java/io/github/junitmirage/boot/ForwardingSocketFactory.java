package io.github.junitmirage.boot;

import io.github.junitmirage.dom0.Dom0;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Sockets whose every connection is carried by dom0: connecting to {@code 192.168.56.101:80}
 * really connects to a loopback port that dom0 forwards there. So tests reach unikernels on
 * networks only dom0 sees, and this machine never sends a packet to those addresses itself.
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
    private final Dom0 dom0;

    ForwardingSocket(Dom0 dom0) {
      this.dom0 = dom0;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target)) {
        throw new IOException("unsupported address type: " + endpoint);
      }
      InetSocketAddress local;
      try {
        local = dom0.forward(target);
      } catch (RuntimeException e) {
        throw new IOException("dom0 " + dom0.describe() + " cannot forward to " + target + ": "
            + e.getMessage(), e);
      }
      super.connect(local, timeout);
    }
  }
}

package io.github.junitmirage.dom0;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 that can go silent: after {@link #freeze()} it keeps every connection
 * open but forwards nothing, as a network partition looks to both ends (no FIN, no RST). It can
 * also close connections as soon as they arrive, as OpenSSH does past its {@code MaxStartups}.
 */
public final class SilentRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean frozen;
  private final java.util.concurrent.atomic.AtomicInteger toDrop =
      new java.util.concurrent.atomic.AtomicInteger();

  private SilentRelay(int target) throws IOException {
    this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    this.target = target;
    Thread acceptor = new Thread(this::accept, "silent-relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a relay from a free loopback port to {@code 127.0.0.1:target}. */
  public static SilentRelay to(int target) throws IOException {
    return new SilentRelay(target);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** From now on nothing passes, in either direction, and nothing is closed. */
  public void freeze() {
    frozen = true;
  }

  /** The next {@code n} connections are closed right after they are accepted, before any byte. */
  public void dropNext(int n) {
    toDrop.set(n);
  }

  private void accept() {
    try {
      while (true) {
        Socket client = server.accept();
        if (toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      }
    } catch (IOException closed) {
      // close() ends the relay
    }
  }

  private void pump(Socket from, Socket to) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          while (frozen) {
            Thread.sleep(50);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the relay or a socket was closed
      }
    }, "silent-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}

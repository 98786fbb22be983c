package io.github.junitmirage.dom0;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;

/**
 * A scripted dom0: a real SSH server (Apache MINA SSHD) on 127.0.0.1, port chosen by the system,
 * whose exec requests are answered by a {@link Script}. For faults a real dom0 cannot easily
 * produce: a connection dropped mid-boot, a hung xl, garbage output, a changed host key.
 */
public final class FakeDom0 implements AutoCloseable {
  /** Answers one exec request; returns the exit status. */
  @FunctionalInterface
  public interface Script {
    int run(List<String> argv, InputStream in, OutputStream out, OutputStream err) throws Exception;
  }

  private final SshServer server;
  private final KeyPair hostKey;
  private final Path clientKey;
  private final List<List<String>> commands = new CopyOnWriteArrayList<>();
  private final List<String> forwarded = new CopyOnWriteArrayList<>();

  private FakeDom0(SshServer server, KeyPair hostKey, Path clientKey) {
    this.server = server;
    this.hostKey = hostKey;
    this.clientKey = clientKey;
  }

  public static FakeDom0 start(Script script) throws Exception {
    return start(script, Integer.MAX_VALUE);
  }

  /** A fake that, like a stock OpenSSH ({@code MaxSessions 10}), refuses more channels than that. */
  public static FakeDom0 start(Script script, int maxChannelsPerConnection) throws Exception {
    return start(script, maxChannelsPerConnection, false);
  }

  /**
   * A fake with an RSA host key that, like OpenSSH since 8.8, signs with rsa-sha2-256/512 only
   * (never SHA-1 {@code ssh-rsa}).
   */
  public static FakeDom0 startWithRsaHostKey(Script script) throws Exception {
    return start(script, Integer.MAX_VALUE, true);
  }

  /**
   * A fake whose host key comes with an OpenSSH host certificate for 127.0.0.1, signed by a
   * certificate authority of its own ({@link #certificateAuthorityLine()}).
   */
  public static FakeDom0 startWithHostCertificate(Script script) throws Exception {
    return start(script, Integer.MAX_VALUE, false, true);
  }

  private static FakeDom0 start(Script script, int maxChannelsPerConnection, boolean rsa)
      throws Exception {
    return start(script, maxChannelsPerConnection, rsa, false);
  }

  private static void keygen(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("ssh-keygen", "-q"));
    command.addAll(List.of(args));
    Process keygen = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (keygen.waitFor() != 0) {
      throw new IllegalStateException("ssh-keygen failed: " + new String(keygen.getInputStream().readAllBytes()));
    }
  }

  private static FakeDom0 start(Script script, int maxChannelsPerConnection, boolean rsa,
      boolean certificate) throws Exception {
    Path dir = Files.createTempDirectory("fake-dom0-");
    Path clientKey = dir.resolve("id_ecdsa");
    keygen("-t", "ecdsa", "-b", "256", "-m", "PEM", "-N", "", "-f", clientKey.toString());
    KeyPair hostKey;
    SshServer server = SshServer.setUpDefaultServer();
    if (certificate) {
      keygen("-t", "ecdsa", "-b", "256", "-N", "", "-f", dir.resolve("ca").toString());
      keygen("-t", "ecdsa", "-b", "256", "-m", "PEM", "-N", "", "-f", dir.resolve("host").toString());
      keygen("-s", dir.resolve("ca").toString(), "-I", "fake-dom0", "-h", "-n", "127.0.0.1",
          dir.resolve("host.pub").toString());
      hostKey = new org.apache.sshd.common.keyprovider.FileKeyPairProvider(dir.resolve("host"))
          .loadKeys(null).iterator().next();
      server.setHostKeyCertificateProvider(
          new org.apache.sshd.common.keyprovider.FileHostKeyCertificateProvider(
              dir.resolve("host-cert.pub")));
    } else {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC");
      generator.initialize(rsa ? 2048 : 256);
      hostKey = generator.generateKeyPair();
    }
    org.apache.sshd.core.CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server,
        maxChannelsPerConnection);
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    if (rsa) {
      server.setSignatureFactories(java.util.List.of(
          org.apache.sshd.common.signature.BuiltinSignatures.rsaSHA512,
          org.apache.sshd.common.signature.BuiltinSignatures.rsaSHA256,
          org.apache.sshd.common.signature.BuiltinSignatures.nistp256));
    }
    server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(Path.of(clientKey + ".pub")));
    FakeDom0 fake = new FakeDom0(server, hostKey, clientKey);
    server.setCommandFactory((channel, command) -> fake.new ScriptedCommand(command, script));
    server.setForwardingFilter(new org.apache.sshd.server.forward.StaticDecisionForwardingFilter(true) {
      @Override
      public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress address,
          Session session) {
        fake.forwarded.add(address.getHostName() + ":" + address.getPort());
        return address.getHostName().equals("127.0.0.1"); // this fake's "bridge" is loopback only
      }
    });
    server.start();
    return fake;
  }

  public int port() {
    return server.getPort();
  }

  /** The host key as an OpenSSH public key line, for junit.mirage.dom0.hostKey. */
  public String hostKeyLine() {
    return PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** {@code @cert-authority * <CA key>}, for a fake started with a host certificate. */
  public String certificateAuthorityLine() throws IOException {
    Path ca = clientKey.resolveSibling("ca.pub");
    return "@cert-authority * " + Files.readString(ca).strip();
  }

  public Path clientKey() {
    return clientKey;
  }

  /** Settings that reach this fake with its host key pinned, xl through sudo. */
  public Dom0Settings settings() {
    return settings("/tmp/junit-mirage");
  }

  /** The same, with another work folder. */
  public Dom0Settings settings(String workDir) {
    return new Dom0Settings("127.0.0.1", port(), "mirage", clientKey, null, hostKeyLine(), false,
        true, workDir, Duration.ofSeconds(10));
  }

  /** Lets one more key log in (appends its public key to this fake's authorized keys). */
  public void authorize(Path publicKey) throws IOException {
    Files.writeString(Path.of(clientKey + ".pub"), Files.readString(publicKey),
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** Every command received so far, split into words. */
  public List<List<String>> commands() {
    return commands;
  }

  /** Every host:port a client asked this fake to connect to (direct-tcpip). */
  public List<String> forwarded() {
    return forwarded;
  }

  /** Cuts every connection, as a network failure or a dom0 reboot would. */
  public void dropConnections() throws IOException {
    for (Session s : server.getActiveSessions()) {
      s.close(true);
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  private final class ScriptedCommand implements Command, Runnable {
    private final List<String> argv;
    private final Script script;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    ScriptedCommand(String command, Script script) {
      this.argv = ShellWords.split(command);
      this.script = script;
      commands.add(argv);
    }

    @Override public void setInputStream(InputStream in) { this.in = in; }
    @Override public void setOutputStream(OutputStream out) { this.out = out; }
    @Override public void setErrorStream(OutputStream err) { this.err = err; }
    @Override public void setExitCallback(ExitCallback callback) { this.exit = callback; }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread t = new Thread(this, "fake-dom0: " + String.join(" ", argv));
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void run() {
      int status;
      try {
        status = script.run(argv, in, out, err);
        out.flush();
        err.flush();
      } catch (Exception e) {
        status = 255;
      }
      exit.onExit(status);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }

  /** Writes text to a stream (the fake's scripts print a lot). */
  public static void print(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}

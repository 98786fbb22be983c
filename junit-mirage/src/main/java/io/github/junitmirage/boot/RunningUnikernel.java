package io.github.junitmirage.boot;

import io.github.junitmirage.Unikernel;
import io.github.junitmirage.console.ConsoleTranscript;
import io.github.junitmirage.dom0.Dom0;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** A booted unikernel; closing it destroys its domain (or keeps it, and says how to attach). */
public final class RunningUnikernel implements Unikernel, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("junit-mirage");

  private final String name;
  private final String domainName;
  private final int domainId;
  private final String mac;
  private final ReadyLine ready;
  private final InetAddress ip;
  private final Dom0Session session;
  private final Dom0.RemoteProcess console;
  private final ConsoleTranscript transcript;
  private final String config;
  private final OkHttpClient http;
  private volatile boolean keep;

  RunningUnikernel(String name, String domainName, int domainId, String mac, ReadyLine ready,
      InetAddress ip, Dom0Session session, Dom0.RemoteProcess console, ConsoleTranscript transcript,
      String config, OkHttpClient http) {
    this.name = name;
    this.domainName = domainName;
    this.domainId = domainId;
    this.mac = mac;
    this.ready = ready;
    this.ip = ip;
    this.session = session;
    this.console = console;
    this.transcript = transcript;
    this.config = config;
    this.http = http;
  }

  @Override public String name() { return name; }
  @Override public String domainName() { return domainName; }
  @Override public int domainId() { return domainId; }
  @Override public InetAddress ip() { return ip; }
  @Override public String mac() { return mac; }
  @Override public String readyLine() { return ready.line(); }
  @Override public Map<String, String> captured() { return ready.captured(); }
  @Override public OkHttpClient httpClient() { return http; }
  @Override public String dom0() { return session.dom0().describe(); }

  @Override
  public Optional<String> netmask() {
    return Optional.ofNullable(ready.captured().get("netmask"));
  }

  @Override
  public Optional<String> gateway() {
    return Optional.ofNullable(ready.captured().get("gateway"));
  }

  @Override
  public List<String> console() {
    return transcript.lines();
  }

  public ConsoleTranscript transcript() {
    return transcript;
  }

  @Override
  public String xlConfig() {
    return config;
  }

  @Override
  public HttpUrl baseUrl() {
    return url("/");
  }

  @Override
  public HttpUrl url(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    return HttpUrl.get("http://" + ip.getHostAddress() + path);
  }

  @Override
  public boolean isRunning() {
    return session.domain(domainName).map(d -> d.state().isAlive()).orElse(false);
  }

  /** Keep the domain when closed, for inspection. */
  public void keep() {
    keep = true;
  }

  /** The command that attaches to the domain's console from this machine. */
  public String attachCommand() {
    return Evidence.attachCommand(session, domainName);
  }

  @Override
  public void close() {
    try {
      if (keep) {
        session.keep(domainName);
        LOG.log(System.Logger.Level.WARNING, "kept domain " + domainName + " for inspection; attach "
            + "with: " + attachCommand() + "   destroy with: xl destroy " + domainName);
      } else {
        session.destroy(domainName);
      }
    } finally {
      console.close();
    }
  }

  @Override
  public String toString() {
    return "Unikernel " + domainName + " (" + ip.getHostAddress() + ") on dom0 " + dom0();
  }
}

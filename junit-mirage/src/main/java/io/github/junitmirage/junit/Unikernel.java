package io.github.junitmirage.junit;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A running unikernel, as injected into tests: its names and addresses, its console so far, and an
 * HTTP client that reaches it from the test host (through dom0 where needed).
 *
 * <pre>
 * &#64;Test
 * void servesTheSite(Unikernel www) throws IOException {
 *   try (Response r = www.httpClient().newCall(new Request.Builder().url(www.url("/")).build()).execute()) {
 *     assertThat(r.body().string()).contains("Hello Mirage World!");
 *   }
 * }
 * </pre>
 */
public interface Unikernel {
  /** The name as declared ({@code www}). */
  String name();

  /** The Xen domain name: the declared name plus this run's tag ({@code www-jm0123456789}). */
  String domainName();

  /** The Xen domain id. */
  int domainId();

  /** The IPv4 address the unikernel reported on its console. */
  InetAddress ip();

  /** The MAC address of its first interface. */
  String mac();

  /** The console line that made it ready. */
  String readyLine();

  /** Named groups of the ready pattern ({@code ip} and, where printed, {@code netmask}, {@code gateway}). */
  Map<String, String> captured();

  /** The netmask reported with the address, when the line had one. */
  Optional<String> netmask();

  /** The gateway reported with the address, when the line had one. */
  Optional<String> gateway();

  /** Every console line so far, cleaned. */
  List<String> console();

  /** {@code http://<ip>/}. */
  HttpUrl baseUrl();

  /** {@code http://<ip><path>}. */
  HttpUrl url(String path);

  /** A client that reaches this unikernel from the test host. */
  OkHttpClient httpClient();

  /** The xl configuration it was created with. */
  String xlConfig();

  /** The dom0 it runs on, {@code user@host:port}. */
  String dom0();

  /** Whether xl still lists the domain as running or blocked. */
  boolean isRunning();
}

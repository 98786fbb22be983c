package io.github.junitmirage;

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
  /** {@return the name as declared ({@code www})} */
  String name();

  /**
   * {@return the Xen domain name: the declared name plus this run's tag ({@code www-jm0123456789})}
   */
  String domainName();

  /** {@return the Xen domain id} */
  int domainId();

  /** {@return the IPv4 address the unikernel reported on its console} */
  InetAddress ip();

  /** {@return the MAC address of its first interface} */
  String mac();

  /** {@return the console line that made it ready} */
  String readyLine();

  /**
   * {@return named groups of the ready pattern ({@code ip} and, where printed, {@code netmask},
   * {@code gateway})}
   */
  Map<String, String> captured();

  /** {@return the netmask reported with the address, when the line had one} */
  Optional<String> netmask();

  /** {@return the gateway reported with the address, when the line had one} */
  Optional<String> gateway();

  /** {@return every console line so far, cleaned} */
  List<String> console();

  /** {@return {@code http://<ip>/}} */
  HttpUrl baseUrl();

  /**
   * {@return {@code http://<ip><path>}}
   *
   * @param path an absolute path such as {@code /index.html}
   */
  HttpUrl url(String path);

  /** {@return a client that reaches this unikernel from the test host} */
  OkHttpClient httpClient();

  /** {@return the xl configuration it was created with} */
  String xlConfig();

  /** {@return the dom0 it runs on, {@code user@host:port}} */
  String dom0();

  /** {@return whether xl still lists the domain as running or blocked} */
  boolean isRunning();
}

package io.github.junitmirage.boot;

import io.github.junitmirage.dom0.Dom0;
import java.net.Proxy;
import java.time.Duration;
import okhttp3.OkHttpClient;

/** The OkHttp client handed to tests: every connection goes through dom0. */
public final class HttpClients {
  private HttpClients() {}

  public static OkHttpClient throughDom0(Dom0 dom0, Timeouts timeouts) {
    return new OkHttpClient.Builder()
        .socketFactory(new ForwardingSocketFactory(dom0))
        .proxy(Proxy.NO_PROXY)
        .connectTimeout(timeouts.scale(Duration.ofSeconds(10)))
        .readTimeout(timeouts.scale(Duration.ofSeconds(30)))
        .callTimeout(timeouts.scale(Duration.ofSeconds(60)))
        .build();
  }
}

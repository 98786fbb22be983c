package io.github.junitmirage.junit;

import java.nio.file.Path;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A plain {@code main}, as a user outside JUnit writes one: start a unikernel on the embedded lab,
 * fetch its page, stop it, return. The JVM must then exit by itself (StandaloneMainIT).
 */
public final class StandaloneMain {
  private StandaloneMain() {}

  public static void main(String[] args) throws Exception {
    MirageUnikernelContainer www = new MirageUnikernelContainer("main", Path.of(args[0]));
    www.start();
    try (Response r = www.unikernel().httpClient()
        .newCall(new Request.Builder().url(www.unikernel().baseUrl()).build()).execute()) {
      System.out.println("BODY " + r.body().string().strip());
    }
    www.stop();
    System.out.println("MAIN RETURNS");
  }
}

package io.github.junitmirage.boot;

import io.github.junitmirage.UnikernelStartupException.Phase;
import io.github.junitmirage.UnikernelStartupException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waits until a unikernel answers {@code GET path} with the expected status, through dom0. */
final class HttpReadiness {
  private HttpReadiness() {}

  static void await(RunningUnikernel u, String path, int status, Duration timeout) {
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    Request request = new Request.Builder().url(u.url(path)).build();
    try {
      Awaitility.await("HTTP " + status + " from " + u.url(path) + " (" + u.domainName() + ")")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .pollInSameThread()
          // a thread of the user's dying meanwhile is none of this wait's business
          .dontCatchUncaughtExceptions()
          .failFast("console of " + u.domainName() + " closed", () -> u.transcript().hasEnded())
          .until(() -> answers(u, request, status, last));
    } catch (ConditionTimeoutException e) {
      throw new UnikernelStartupException.TimedOut("Unikernel " + u.domainName() + " on dom0 "
          + u.dom0() + " did not answer GET " + path + " with " + status + " within " + timeout
          + " (last: " + last.get() + ")" + ConsoleTail.format(u.transcript()), u.domainName(),
          Phase.READINESS, u.transcript().tail(20));
    } catch (org.awaitility.core.TerminalFailureException e) {
      throw new UnikernelStartupException.Exited("Unikernel " + u.domainName() + " on dom0 "
          + u.dom0() + " went away while waiting for GET " + path + " (last: " + last.get() + ")"
          + ConsoleTail.format(u.transcript()), u.domainName(), Phase.READINESS,
          u.transcript().tail(20));
    }
  }

  private static boolean answers(RunningUnikernel u, Request request, int status,
      AtomicReference<String> last) {
    try (Response r = u.httpClient().newCall(request).execute()) {
      last.set("status " + r.code());
      return r.code() == status;
    } catch (IOException e) {
      last.set(e.toString());
      return false;
    }
  }
}

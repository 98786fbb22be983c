package io.github.junitmirage.boot;

import io.github.junitmirage.dom0.ExecResult;
import io.github.junitmirage.util.Texts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What is kept about a unikernel when a test fails: transcript, config, xl state, logs. */
public final class Evidence {
  private Evidence() {}

  public static String attachCommand(Dom0Session session, String domain) {
    String sudo = session.xl().sudo() ? "sudo " : "";
    String target = session.dom0().describe();
    int colon = target.lastIndexOf(':');
    return "ssh -p " + target.substring(colon + 1) + " " + target.substring(0, colon) + " -t "
        + sudo + "xl console " + domain;
  }

  /** Named texts for the report: dom0's view of the domain and its logs, each best effort. */
  public static Map<String, String> collect(Dom0Session session, String domain) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("xl-list-l.txt", output(session, session.xl().listLong(domain)));
    List<String> dmesg = session.xl().dmesg();
    files.put("xl-dmesg-tail.txt", Texts.tail(output(session, dmesg), 60));
    files.put("xl-log-tail.txt", output(session, session.xl().asRoot(List.of("sh", "-c",
        "tail -n 60 /var/log/xen/xl-\"$1\".log 2>&1", "log", domain))));
    files.put("xenconsoled-guest-log.txt", output(session, session.xl().asRoot(List.of("sh", "-c",
        "tail -n 200 /var/log/xen/console/guest-\"$1\".log 2>&1", "log", domain))));
    return files;
  }

  private static String output(Dom0Session session, List<String> command) {
    try {
      ExecResult r = session.exec(command);
      return r.stdout() + (r.stderr().isBlank() ? "" : "\n(stderr) " + r.stderr());
    } catch (RuntimeException e) {
      return "(could not run " + String.join(" ", command) + ": " + e.getMessage() + ")";
    }
  }
}

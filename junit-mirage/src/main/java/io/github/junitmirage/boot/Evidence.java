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
    files.put("xl-log-tail.txt", logTail(session, "/var/log/xen/xl-" + domain + ".log", 60));
    files.put("xenconsoled-guest-log.txt",
        logTail(session, "/var/log/xen/console/guest-" + domain + ".log", 200));
    return files;
  }

  /**
   * A log's tail, read as the SSH user: the documented sudoers line allows xl only, so no other
   * command runs as root. When the user may not read it, says so and what would let it.
   */
  private static String logTail(Dom0Session session, String path, int lines) {
    try {
      ExecResult r = session.exec(List.of("tail", "-n", Integer.toString(lines), path));
      if (r.succeeded()) {
        return r.stdout();
      }
      if (r.stderr().contains("Permission denied")) {
        return "(not collected: " + path + " is not readable by the SSH user on dom0 "
            + session.dom0().describe() + ", and junit-mirage runs nothing but xl as root; to "
            + "include it, let that user read /var/log/xen, e.g. add it to the group owning it)";
      }
      return "(not collected: tail " + path + " failed: " + r.stderr().strip() + ")";
    } catch (RuntimeException e) {
      return "(not collected: " + path + ": " + e.getMessage() + ")";
    }
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

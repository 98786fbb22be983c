package io.github.junitmirage.dom0;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A dom0 whose commands run in a real {@code /bin/sh} on this machine, so junit-mirage's own
 * scripts (prepare, sweep, watchdog, upload) run as they would on dom0, against a strict fake
 * {@code xl} that keeps its domains as files and fails on any command it does not know.
 */
public final class ShellDom0 implements FakeDom0.Script, AutoCloseable {
  private static final String XL = """
      #!/bin/sh
      # A strict fake xl: list [NAME], create -c FILE, domid NAME, destroy NAME; nothing else.
      state=${FAKE_XL:?}
      echo "$*" >>"$state/calls"
      [ -f "$state/hangs" ] && exec sleep 60
      row() { printf '%-40s %5s   128     1     -b----       0.5\\n' "$1" "$(cat "$state/domains/$1")"; }
      case "$1" in
        list)
          if [ "$2" = -l ]; then
            [ -f "$state/domains/$3" ] || { echo "$3 is an invalid domain identifier (rc=-6)" >&2; exit 1; }
            printf '[\n    {\n        "domid": %s,\n        "config": { "c_info": { "name": "%s" } }\n    }\n]\n' "$(cat "$state/domains/$3")" "$3"
            exit 0
          fi
          echo "Name                                        ID   Mem VCPUs	State	Time(s)"
          if [ $# -eq 1 ]; then
            printf '%-40s %5s  1024     2     r-----      10.0\\n' Domain-0 0
            for f in "$state"/domains/*; do if [ -f "$f" ]; then row "${f##*/}"; fi; done
          else
            [ -f "$state/domains/$2" ] || { echo "$2 is an invalid domain identifier (rc=-6)" >&2; exit 1; }
            row "$2"
          fi ;;
        create)
          [ "$2" = -c ] && [ $# -eq 3 ] || { echo "fake xl: unexpected: create $*" >&2; exit 2; }
          name=$(sed -n "s/^name = '\\(.*\\)'$/\\1/p" "$3")
          [ -n "$name" ] || { echo "fake xl: no name in $3" >&2; exit 2; }
          [ -f "$state/domains/$name" ] && { echo "domain $name already exists" >&2; exit 1; }
          n=$(( $(cat "$state/next" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$state/next"
          echo "$n" >"$state/domains/$name"
          echo "Parsing config from $3" >&2
          sleep "$(cat "$state/console-delay" 2>/dev/null || echo 0)"
          cat "$state/console" 2>/dev/null
          while [ -f "$state/domains/$name" ]; do sleep 0.2; done ;;
        dmesg) echo "(XEN) fake hypervisor log" ;;
        domid)
          [ -f "$state/domains/$2" ] || { echo "$2 is an invalid domain identifier" >&2; exit 1; }
          cat "$state/domains/$2" ;;
        destroy)
          [ -f "$state/domains/$2" ] || { echo "$2 is an invalid domain identifier (rc=-6)" >&2; exit 1; }
          [ -f "$state/stuck/$2" ] && { echo "libxl: error: Domain $2:Destruction of domain failed" >&2; exit 1; }
          rm -f "$state/domains/$2" ;;
        *) echo "fake xl: unknown command: $*" >&2; exit 2 ;;
      esac
      """;
  /** As the README's sudoers line allows: xl, nothing else; refusals are recorded. */
  private static final String SUDO = """
      #!/bin/sh
      [ -f "$FAKE_XL/sudo-fails" ] && { cat "$FAKE_XL/sudo-fails" >&2; exit 1; }
      [ "$1" = -n ] && shift
      [ "$1" = xl ] && exec "$@"
      echo "$*" >>"$FAKE_XL/sudo-refused"
      echo "sudo: a password is required" >&2
      exit 1
      """;

  /**
   * dom0's flock, slowed when a test asks for the watchdog's own lock (descriptor 9, taken with
   * -n), as a loaded emulated dom0 is slow to start it: the moment another run's sweep may look.
   */
  private static final String FLOCK = """
      #!/bin/sh
      if [ "$1" = -n ] && [ "$2" = 9 ] && [ -f "$FAKE_XL/flock-delay" ]; then
        : >"$FAKE_XL/flock-waiting"
        sleep "$(cat "$FAKE_XL/flock-delay")"
      fi
      exec /usr/bin/flock "$@"
      """;

  private final Path root;
  private final Path bin;
  private final Path state;
  private final List<Process> processes = new CopyOnWriteArrayList<>();

  public ShellDom0() throws IOException {
    root = Files.createTempDirectory("shell-dom0-");
    bin = Files.createDirectory(root.resolve("bin"));
    state = Files.createDirectories(root.resolve("xl/domains")).getParent();
    executable(bin.resolve("xl"), XL);
    executable(bin.resolve("sudo"), SUDO);
    executable(bin.resolve("flock"), FLOCK);
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  /** A folder on "dom0" (this machine) for a work folder, private to this fake. */
  public Path root() {
    return root;
  }

  /** What {@code xl create -c} prints for every domain from now on. */
  public void console(String text) throws IOException {
    Files.writeString(state.resolve("console"), text);
  }

  /** What {@code xl create -c} prints, after {@code seconds} of silence, as a real boot takes. */
  public void console(String text, int seconds) throws IOException {
    console(text);
    Files.writeString(state.resolve("console-delay"), seconds + "\n");
  }

  /** The domains the fake xl has, by name. */
  public List<String> domains() throws IOException {
    try (var files = Files.list(state.resolve("domains"))) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Every xl invocation so far, its arguments joined by spaces. */
  public List<String> xlCalls() throws IOException {
    Path calls = state.resolve("calls");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  /** Every command junit-mirage tried to run through sudo other than xl. */
  public List<String> sudoRefused() throws IOException {
    Path refused = state.resolve("sudo-refused");
    return Files.exists(refused) ? Files.readAllLines(refused) : List.of();
  }

  /** Creates a domain behind junit-mirage's back, as another run or an operator would. */
  public void createDomain(String name) throws IOException {
    Files.writeString(state.resolve("domains").resolve(name), "99\n");
  }

  /** Makes a watchdog wait this long before it takes its run's lock (a loaded dom0). */
  public void slowWatchdogLock(int seconds) throws IOException {
    Files.writeString(state.resolve("flock-delay"), seconds + "\n");
  }

  /** Whether a watchdog has come to its lock since {@link #slowWatchdogLock}. */
  public boolean watchdogAtItsLock() {
    return Files.exists(state.resolve("flock-waiting"));
  }

  /** Makes every xl call hang (a hung xenstored). */
  public void xlHangs() throws IOException {
    Files.writeString(state.resolve("hangs"), "");
  }

  /** Makes every sudo fail with this message (a password asked for, xl not found). */
  public void sudoFails(String message) throws IOException {
    Files.writeString(state.resolve("sudo-fails"), message + "\n");
  }

  /** Whether xl destroy fails for this domain (as libxl does on a hung backend). */
  public void stuck(String name, boolean stuck) throws IOException {
    Path marker = Files.createDirectories(state.resolve("stuck")).resolve(name);
    if (stuck) {
      Files.writeString(marker, "");
    } else {
      Files.deleteIfExists(marker);
    }
  }

  @Override
  public int run(List<String> argv, InputStream in, OutputStream out, OutputStream err)
      throws Exception {
    // Through sh, so that the command is looked up in this fake's PATH, not the JVM's.
    List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\"", "sh"));
    command.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("FAKE_XL", state.toString());
    Process p = pb.start();
    processes.add(p);
    Thread stdin = new Thread(() -> {
      // Flushed as it comes (a heartbeat is one byte); closed at the channel's end of input.
      try (OutputStream toProcess = p.getOutputStream()) {
        copy(in, toProcess);
      } catch (IOException e) {
        // the process ended first: its stdin is closed already
      }
    }, "shell-dom0-stdin");
    stdin.setDaemon(true);
    stdin.start();
    Thread stderr = new Thread(() -> copy(p.getErrorStream(), err), "shell-dom0-stderr");
    stderr.start();
    copy(p.getInputStream(), out);
    stderr.join();
    return p.waitFor();
  }

  private static void copy(InputStream from, OutputStream to) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = from.read(buffer)) >= 0) {
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the channel went away; the process keeps running, as it would on dom0
    }
  }

  @Override
  public void close() throws IOException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}

package io.github.junitmirage.boot;

import io.github.junitmirage.Dom0ConnectionException;
import io.github.junitmirage.UnikernelStartupException.Phase;
import io.github.junitmirage.UnikernelStartupException;
import io.github.junitmirage.console.BootMarkers;
import io.github.junitmirage.console.ConsoleTranscript;
import io.github.junitmirage.console.DhcpRetries;
import io.github.junitmirage.console.FailureLine;
import io.github.junitmirage.dom0.Dom0;
import io.github.junitmirage.util.Deadline;
import io.github.junitmirage.util.Sleeping;
import io.github.junitmirage.xen.DomainInfo;
import io.github.junitmirage.xen.XlErrors;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Waits for a unikernel's ready line and stops the moment success is impossible: a failure line,
 * the console closing, the domain crashed or shut down in {@code xl list}, dom0 lost.
 */
final class BootWaiter {
  private static final long POLL_MILLIS = 1_500;
  // A domain that stays silent is asked about less and less often, down to once in this long: a
  // Linux guest booting quietly, or a hung one, would otherwise cost dom0 a session and an xl
  // process every 1.5 s until its deadline (a dozen per quiet Linux boot under emulation).
  private static final long MAX_POLL_MILLIS = 6_000;
  // After a failure line, a moment more for the trace lines that follow it.
  private static final long TRACE_GRACE_MILLIS = 400;
  // How long the console may lag behind xl list once the domain has ended.
  private static final long CONSOLE_DRAIN_MILLIS = 5_000;

  private final Dom0Session session;
  private final String domain;
  private final Dom0.RemoteProcess console;
  private final ConsoleTranscript transcript;
  private final ReadyMatcher matcher;
  private final Duration timeout;
  private volatile int seenId = -1;

  BootWaiter(Dom0Session session, String domain, Dom0.RemoteProcess console,
      ConsoleTranscript transcript, ReadyMatcher matcher, Duration timeout) {
    this.session = session;
    this.domain = domain;
    this.console = console;
    this.transcript = transcript;
    this.matcher = matcher;
    this.timeout = timeout;
  }

  ReadyLine await() {
    Deadline deadline = Deadline.after(timeout);
    long deadlineEnd = System.nanoTime() + timeout.toNanos();
    long position = 0;
    long interval = POLL_MILLIS;
    long nextPoll = System.nanoTime() + interval * 1_000_000;
    long linesAtPoll = 0;
    while (true) {
      for (String line : transcript.since(position)) {
        position++;
        Optional<FailureLine> failure = FailureLine.match(line);
        if (failure.isPresent()) {
          long cause = transcript.arrivedAt(position - 1);
          throw failed(failure.get()).causedAt(cause);
        }
        Optional<ReadyLine> ready = matcher.accept(line, System.nanoTime());
        if (ready.isPresent()) {
          return ready.get();
        }
      }
      Optional<ReadyLine> settled = matcher.settled(System.nanoTime());
      if (settled.isPresent()) {
        return settled.get();
      }
      if (transcript.hasEnded()) {
        throw consoleEnded().causedAt(transcript.endedAt());
      }
      if (deadline.expired()) {
        throw timedOut().causedAt(deadlineEnd);
      }
      if (System.nanoTime() - nextPoll > 0 && !talkingSinceSeen()) {
        Optional<UnikernelStartupException> gone = checkDomainState();
        if (gone.isPresent()) {
          throw consoleVerdict(position).orElse(gone.get());
        }
        // Silent since the last poll: wait twice as long for the next one; talking: as first.
        interval = transcript.size() == linesAtPoll ? Math.min(2 * interval, MAX_POLL_MILLIS)
            : POLL_MILLIS;
        linesAtPoll = transcript.size();
        nextPoll = System.nanoTime() + interval * 1_000_000;
      }
      try {
        transcript.awaitBeyond(position, 200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnikernelStartupException("interrupted while waiting for " + domain, domain,
            phase(), transcript.lines(), e);
      }
    }
  }

  private Phase phase() {
    return transcript.size() == 0 ? Phase.BOOT : Phase.LEASE;
  }

  /** "(phase lease, xl list: crashed (---sc-))", with an optional note in front. */
  private String where(String note, String state) {
    return " (" + (note.isEmpty() ? "" : note + "; ") + "phase " + phase().name().toLowerCase()
        + ", xl list: " + state + ")";
  }

  private UnikernelStartupException failed(FailureLine failure) {
    Sleeping.sleep(TRACE_GRACE_MILLIS);
    String state = stateText();
    if (failure.isCleanExit()) {
      return new UnikernelStartupException.Exited(subject() + " exited with status 0 before "
          + awaited() + where(failure.line(), state) + tail(), domain, phase(), transcript.lines());
    }
    String kind = failure.kind().name().toLowerCase().replace('_', ' ');
    return new UnikernelStartupException.Crashed(subject() + " failed before " + awaited() + ": "
        + kind + where("", state) + "\n  " + failure.line() + tail(), domain, phase(),
        transcript.lines());
  }

  private UnikernelStartupException consoleEnded() {
    String stderr = console.stderrSoFar().replaceAll("(?m)^Parsing config from .*\n?", "").strip();
    if (connectionLost()) {
      return new UnikernelStartupException.ConnectionLost("lost the connection to dom0 "
          + session.dom0().describe() + " while waiting for " + domain + " (phase "
          + phase().name().toLowerCase() + ")" + tail(), domain, phase(), transcript.lines(), null);
    }
    if (transcript.size() == 0 && !stderr.isEmpty()) {
      String why = XlErrors.diagnose(stderr).orElse("xl create failed");
      return new UnikernelStartupException.CreateFailed("xl create of " + domain + " on dom0 "
          + session.dom0().describe() + " failed: " + why + "\n  xl said: "
          + stderr.replace("\n", "\n          "), domain, transcript.lines());
    }
    return new UnikernelStartupException.Exited(subject() + " went away before " + awaited()
        + ": its console closed" + where("", stateText()) + tail(), domain, phase(),
        transcript.lines());
  }

  /**
   * Whether dom0 is out of reach. The console can end before JSch has noticed that the transport
   * is gone, so a session that still says "connected" is asked once more.
   */
  private boolean connectionLost() {
    if (!session.dom0().isConnected()) {
      return true;
    }
    try {
      session.domain(domain);
      return false;
    } catch (Dom0ConnectionException e) {
      return true;
    } catch (RuntimeException e) {
      return !session.dom0().isConnected();
    }
  }

  private UnikernelStartupException timedOut() {
    String awaited = matcher.holdsLease() ? "print 'stack assembled' after its DHCP lease (its "
            + "own code, listening sockets among them, starts only after that line)"
        : matcher.hasPattern() ? "print its ready line"
        : "report an address";
    // Asked first: on a busy dom0 these take seconds, and lines that arrive meanwhile (a DHCP
    // retry among them) belong in the diagnosis as in the tail below it.
    String domainState = stateText() + "; " + session.vifStates(domain);
    long retries = DhcpRetries.count(transcript.lines());
    String state = domainState + "; " + transcript.size() + " console lines, " + bootBanner()
        + (retries > 0 ? "; " + DhcpRetries.diagnosis(retries)
            : "; raise bootTimeoutSeconds or junit.mirage.timeoutFactor if it is just slow");
    return new UnikernelStartupException.TimedOut(subject() + " did not " + awaited + " within "
        + timeout + where("", state) + tail(), domain, phase(), transcript.lines());
  }

  /** Whether a runtime banner showed: without one, the kernel may not have started at all. */
  private String bootBanner() {
    return transcript.lines().stream().filter(BootMarkers::isBootMarker).findFirst()
        .map(line -> "booted: " + line).orElse("no boot banner");
  }

  /**
   * Whether a poll can wait: xl list has shown the domain (its id is known) and its console printed
   * a line within the poll interval, so it is alive. Each poll is a process or two on dom0 (a session
   * and xl), which under emulation costs a good part of a second, for every unikernel booting; the
   * polls are for a domain that went silent.
   */
  private boolean talkingSinceSeen() {
    long lines = transcript.size();
    return seenId >= 0 && lines > 0
        && System.nanoTime() - transcript.arrivedAt(lines - 1) < POLL_MILLIS * 1_000_000;
  }

  /** The domain's end as {@code xl list} shows it, if it has crashed or shut down. */
  private Optional<UnikernelStartupException> checkDomainState() {
    long polled = System.nanoTime();
    Optional<DomainInfo> info = safeDomain();
    if (info.isEmpty()) {
      return Optional.empty(); // not created yet, or gone: the console's end will tell
    }
    String state = info.get().state().describe();
    if (info.get().state().isRebooted()) {
      return Optional.of(new UnikernelStartupException.Crashed(subject() + " rebooted before "
          + awaited() + " (a unikernel does not reboot: on a PVH guest this is Xen's answer to a "
          + "triple fault)" + where("", state) + tail(), domain, phase(), transcript.lines())
          .causedAt(polled));
    }
    if (info.get().state().isCrashed()) {
      return Optional.of(new UnikernelStartupException.Crashed(subject() + " crashed before "
          + awaited() + where("", state) + tail(), domain, phase(), transcript.lines()).causedAt(polled));
    }
    if (info.get().state().isShutDown()) {
      return Optional.of(new UnikernelStartupException.Exited(subject() + " shut down before "
          + awaited() + where("", state) + tail(), domain, phase(), transcript.lines()).causedAt(polled));
    }
    return Optional.empty();
  }

  /**
   * What the console says about a domain that xl list shows ended: the console reaches us later
   * than xl list sees the shutdown (a real Solo5 unikernel prints its exception and exits within
   * milliseconds), so read it to its end, briefly, and prefer its failure line.
   */
  private Optional<UnikernelStartupException> consoleVerdict(long position) {
    long until = System.nanoTime() + CONSOLE_DRAIN_MILLIS * 1_000_000;
    try {
      while (!transcript.hasEnded() && System.nanoTime() - until < 0) {
        transcript.awaitBeyond(transcript.size(), 100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> rest = transcript.since(position);
    for (int i = 0; i < rest.size(); i++) {
      Optional<FailureLine> failure = FailureLine.match(rest.get(i));
      if (failure.isPresent()) {
        return Optional.of(failed(failure.get()).causedAt(transcript.arrivedAt(position + i)));
      }
    }
    return Optional.empty();
  }

  private Optional<DomainInfo> safeDomain() {
    try {
      Optional<DomainInfo> info = session.domain(domain);
      info.ifPresent(i -> seenId = i.id());
      return info;
    } catch (Dom0Session.UnreadableXl e) {
      throw e;
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@return the domain id an xl list poll showed during the wait, if one saw the domain} */
  Optional<Integer> domainId() {
    return seenId < 0 ? Optional.empty() : Optional.of(seenId);
  }

  private String stateText() {
    try {
      return session.domain(domain).map(d -> d.state().describe()).orElse("no such domain");
    } catch (RuntimeException e) {
      return "unknown: " + e.getMessage();
    }
  }

  private String subject() {
    return "Unikernel " + domain + " on dom0 " + session.dom0().describe();
  }

  private String awaited() {
    return matcher.hasPattern() ? "its ready line" : "reporting an address";
  }

  private String tail() {
    return ConsoleTail.format(transcript);
  }
}

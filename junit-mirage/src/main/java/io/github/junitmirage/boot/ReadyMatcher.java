package io.github.junitmirage.boot;

import io.github.junitmirage.console.AddressLine;
import io.github.junitmirage.console.AddressPatterns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, line by line, when a unikernel is ready: on a line matching the user's pattern, or by
 * default on a DHCP lease or "stack assembled" line. A weaker address line (static, gratuitous ARP,
 * UDP) makes it ready only when no other address line follows within {@link #SETTLE_NANOS},
 * because Mirage prints those while its stack is still being assembled; and never on a Solo5
 * console (Mirage 3.x/4.x on Solo5 always ends with "stack assembled", maybe seconds later).
 *
 * <p>On a Solo5 console a DHCP lease is held until "stack assembled" follows it: the unikernel's
 * own code, its listening sockets among them, starts only after that line, and a test let in at
 * the lease meets a closed port (seen in the lab under load, where the two lines can be seconds
 * apart). The lease stays the ready line. The same holds when the user's pattern matches the
 * lease line (a pattern that captures the address from it is the natural one to write): its
 * groups are taken from the lease line, the test is let in at "stack assembled".
 */
final class ReadyMatcher {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private final Optional<Pattern> pattern;
  private final List<String> groupNames;
  static final long SETTLE_NANOS = 1_000_000_000L;

  private AddressLine best;
  private boolean solo5;
  private ReadyLine pending;
  private long pendingSince;
  private ReadyLine lease;

  ReadyMatcher(Optional<Pattern> pattern) {
    this.pattern = pattern;
    this.groupNames = pattern.map(p -> GROUP_NAME.matcher(p.pattern()).results()
        .map(r -> r.group(1)).toList()).orElse(List.of());
  }

  /** Feeds one cleaned line; returns the ready line when this one completes readiness. */
  Optional<ReadyLine> accept(String line, long nowNanos) {
    solo5 |= line.startsWith("Solo5: ");
    Optional<AddressLine> address = AddressPatterns.match(line);
    address.ifPresent(a -> best = AddressPatterns.preferred(best, a));
    if (lease != null) {
      return address.isPresent() && address.get().kind() == AddressLine.Kind.STACK_ASSEMBLED
          ? Optional.of(lease) : Optional.empty();
    }
    if (pattern.isEmpty()) {
      if (address.isEmpty()) {
        return Optional.empty();
      }
      AddressLine.Kind kind = address.get().kind();
      ReadyLine ready = new ReadyLine(line, best.address(), best, addressGroups(best));
      if (solo5 && kind == AddressLine.Kind.DHCP_LEASE) {
        lease = ready;
        return Optional.empty();
      }
      if (kind.ordinal() <= AddressLine.Kind.STACK_ASSEMBLED.ordinal()) {
        return Optional.of(ready);
      }
      // The stack is still printing its progress: wait for the next line to settle.
      pendingSince = nowNanos;
      pending = ready;
      return Optional.empty();
    }
    Matcher m = pattern.get().matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    Map<String, String> captured = best == null ? new LinkedHashMap<>() : addressGroups(best);
    for (String name : groupNames) {
      if (m.group(name) != null) {
        captured.put(name, m.group(name));
      }
    }
    String ip = captured.get("ip");
    ReadyLine ready = new ReadyLine(line, ip, best, captured);
    if (solo5 && address.isPresent() && address.get().kind() == AddressLine.Kind.DHCP_LEASE) {
      lease = ready; // the user's line is the lease: nothing listens before the stack is assembled
      return Optional.empty();
    }
    return Optional.of(ready);
  }

  /** A weaker address line that no stronger one followed in time: ready after all. */
  Optional<ReadyLine> settled(long nowNanos) {
    return pending != null && !solo5 && nowNanos - pendingSince >= SETTLE_NANOS
        ? Optional.of(pending) : Optional.empty();
  }

  /** Whether a lease was seen on a Solo5 console and "stack assembled" is still awaited. */
  boolean holdsLease() {
    return lease != null;
  }

  boolean hasPattern() {
    return pattern.isPresent();
  }

  private static Map<String, String> addressGroups(AddressLine a) {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put("ip", a.address());
    a.netmask().ifPresent(v -> groups.put("netmask", v));
    a.prefixLength().ifPresent(v -> groups.put("prefixLength", v.toString()));
    a.gateway().ifPresent(v -> groups.put("gateway", v));
    groups.put("kind", a.kind().name());
    return groups;
  }
}

package io.github.junitmirage.internal;

import io.github.junitmirage.console.AddressLine;
import io.github.junitmirage.console.AddressPatterns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, line by line, when a unikernel is ready: on its first address line, or on a line
 * matching the user's pattern. Keeps the best address line seen so far.
 */
final class ReadyMatcher {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private final Optional<Pattern> pattern;
  private final List<String> groupNames;
  private AddressLine best;

  ReadyMatcher(Optional<Pattern> pattern) {
    this.pattern = pattern;
    this.groupNames = pattern.map(p -> GROUP_NAME.matcher(p.pattern()).results()
        .map(r -> r.group(1)).toList()).orElse(List.of());
  }

  /** Feeds one cleaned line; returns the ready line when this one completes readiness. */
  Optional<ReadyLine> accept(String line) {
    Optional<AddressLine> address = AddressPatterns.match(line);
    address.ifPresent(a -> best = AddressPatterns.preferred(best, a));
    if (pattern.isEmpty()) {
      return address.map(a -> new ReadyLine(line, best.address(), best, addressGroups(best)));
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
    return Optional.of(new ReadyLine(line, ip, best, captured));
  }

  boolean hasPattern() {
    return pattern.isPresent();
  }

  AddressLine bestAddress() {
    return best;
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

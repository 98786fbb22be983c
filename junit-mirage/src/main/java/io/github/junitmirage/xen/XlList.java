package io.github.junitmirage.xen;

import java.util.ArrayList;
import java.util.List;

/** Parses the table {@code xl list} prints: {@code Name ID Mem VCPUs State Time(s)}. */
public final class XlList {
  private XlList() {}

  public static List<DomainInfo> parse(String output) {
    List<DomainInfo> domains = new ArrayList<>();
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("Name ")) {
        continue;
      }
      String[] f = trimmed.split("\\s+");
      // Name may not contain blanks for us, but count columns from the right to be safe.
      if (f.length < 6) {
        throw new IllegalArgumentException("unexpected xl list line (want 6 columns): " + line);
      }
      int n = f.length;
      String name = String.join(" ", java.util.Arrays.copyOfRange(f, 0, n - 5));
      try {
        domains.add(new DomainInfo(name, Integer.parseInt(f[n - 5]), Integer.parseInt(f[n - 4]),
            Integer.parseInt(f[n - 3]), new DomainState(f[n - 2])));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unexpected xl list line: " + line, e);
      }
    }
    return domains;
  }
}

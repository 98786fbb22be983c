package io.github.junitmirage.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.junitmirage.console.AddressLine;
import io.github.junitmirage.console.FailureLine;
import io.github.junitmirage.console.LineAssembler;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real console bytes recorded from the lab (fixtures/transcripts), fed in random pieces through
 * the same assembler, failure detection and ready matching the boot wait uses.
 */
class RecordedTranscriptsTests {
  static final Path DIR = Path.of("..", "fixtures", "transcripts");

  static Stream<Arguments> transcripts() throws IOException {
    Properties expected = new Properties();
    try (Reader r = Files.newBufferedReader(DIR.resolve("expectations.properties"))) {
      expected.load(r);
    }
    assertThat(expected).isNotEmpty();
    return expected.stringPropertyNames().stream().sorted()
        .map(f -> Arguments.of(f, expected.getProperty(f)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("transcripts")
  void outcomeMatchesRecording(String file, String expected) throws IOException {
    byte[] bytes = Files.readAllBytes(DIR.resolve(file));
    assertThat(bytes).isNotEmpty();
    assertThat(outcome(bytes, new Random(file.hashCode()))).isEqualTo(expected);
  }

  /** A loaded host: each line arrives two seconds after the one before; the outcome holds. */
  @ParameterizedTest(name = "{0} -> {1}, slowly")
  @MethodSource("transcripts")
  void outcomeHoldsWhenLinesArriveSlowly(String file, String expected) throws IOException {
    byte[] bytes = Files.readAllBytes(DIR.resolve(file));
    assertThat(outcome(bytes, new Random(file.hashCode()), 2 * ReadyMatcher.SETTLE_NANOS))
        .isEqualTo(expected);
  }

  /**
   * A real MirageOS 4 unikernel on Solo5 prints its lease, then (ARP, TCP, UDP) "stack assembled",
   * and only then runs its own code: tests are let in on that line, with the lease as ready line.
   */
  @Test
  void aSolo5LeaseLetsTestsInOnlyOnceTheStackIsAssembled() throws IOException {
    List<String> lines = lines(Files.readAllBytes(DIR.resolve("real-www-dhcp.raw")), new Random(1));
    int lease = indexOf(lines, "Lease obtained!");
    int assembled = indexOf(lines, "stack assembled");
    assertThat(assembled).isGreaterThan(lease + 1);
    ReadyMatcher matcher = new ReadyMatcher(Optional.empty());
    for (int i = 0; i < assembled; i++) {
      assertThat(matcher.accept(lines.get(i), i)).as(lines.get(i)).isEmpty();
      assertThat(matcher.settled(i + 10 * ReadyMatcher.SETTLE_NANOS)).isEmpty();
    }
    assertThat(matcher.holdsLease()).isTrue();
    ReadyLine ready = matcher.accept(lines.get(assembled), assembled).orElseThrow();
    assertThat(ready.line()).isEqualTo(lines.get(lease));
    assertThat(ready.address().kind()).isEqualTo(AddressLine.Kind.DHCP_LEASE);
  }

  @Test
  void aReadyPatternThatMatchesTheLeaseIsHeldUntilTheStackIsAssembledToo() throws IOException {
    // The user project's PER_RUN www: a test let in at its lease line met a closed port in CI.
    List<String> lines = lines(Files.readAllBytes(DIR.resolve("real-www-dhcp.raw")), new Random(2));
    int lease = indexOf(lines, "Lease obtained!");
    int assembled = indexOf(lines, "stack assembled");
    ReadyMatcher matcher = new ReadyMatcher(Optional.of(
        java.util.regex.Pattern.compile("Lease obtained! IP: (?<ip>[0-9.]+)")));
    for (int i = 0; i < assembled; i++) {
      assertThat(matcher.accept(lines.get(i), i)).as(lines.get(i)).isEmpty();
    }
    assertThat(matcher.holdsLease()).isTrue();
    ReadyLine ready = matcher.accept(lines.get(assembled), assembled).orElseThrow();
    assertThat(ready.line()).isEqualTo(lines.get(lease));
    assertThat(ready.ip()).isEqualTo(lines.get(lease).replaceAll(".*IP: ([0-9.]+).*", "$1"));
    // A pattern on another line is the user's word: ready there.
    ReadyMatcher other = new ReadyMatcher(Optional.of(java.util.regex.Pattern.compile("UDP layer")));
    int udp = indexOf(lines, "UDP layer");
    for (int i = 0; i < udp; i++) {
      assertThat(other.accept(lines.get(i), i)).isEmpty();
    }
    assertThat(other.accept(lines.get(udp), udp)).isPresent();
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with " + text);
  }

  static String outcome(byte[] bytes, Random random) {
    return outcome(bytes, random, 1);
  }

  /** The lines of a recording, its bytes fed to the assembler in random pieces. */
  static List<String> lines(byte[] bytes, Random random) {
    LineAssembler assembler = new LineAssembler(16 * 1024);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < bytes.length; ) {
      int n = Math.min(bytes.length - i, 1 + random.nextInt(40));
      lines.addAll(assembler.feed(bytes, i, n));
      i += n;
    }
    lines.addAll(assembler.finish());
    return lines;
  }

  /** As the boot wait does: each line, then whether a weaker address line has settled. */
  static String outcome(byte[] bytes, Random random, long gapNanos) {
    List<String> lines = lines(bytes, random);
    ReadyMatcher matcher = new ReadyMatcher(Optional.empty());
    long now = 0;
    for (String line : lines) {
      Optional<ReadyLine> settled = matcher.settled(now);
      if (settled.isPresent()) {
        return "ready " + settled.get().ip() + " " + settled.get().address().kind();
      }
      assertThat(line).doesNotContain("\r", "\u001B");
      Optional<FailureLine> failure = FailureLine.match(line);
      if (failure.isPresent()) {
        return "failure " + failure.get().kind()
            + failure.get().exitStatus().stream().mapToObj(s -> " " + s).findFirst().orElse("");
      }
      Optional<ReadyLine> ready = matcher.accept(line, now);
      now += gapNanos;
      if (ready.isPresent()) {
        return "ready " + ready.get().ip() + " " + ready.get().address().kind();
      }
    }
    return matcher.settled(now + ReadyMatcher.SETTLE_NANOS)
        .map(r -> "ready " + r.ip() + " " + r.address().kind()).orElse("none");
  }
}

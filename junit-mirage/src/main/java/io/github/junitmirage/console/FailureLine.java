package io.github.junitmirage.console;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A console line saying the unikernel failed or ended: an uncaught exception, out of memory, an
 * exit (with its status where printed), an abort, a trap or a page fault.
 *
 * @param kind what happened
 * @param exitStatus the exit status the line reports, when it reports one
 * @param line the cleaned line
 */
public record FailureLine(Kind kind, OptionalInt exitStatus, String line) {

  public enum Kind {
    UNCAUGHT_EXCEPTION,
    OUT_OF_MEMORY,
    EXIT,
    ABORT,
    TRAP,
    PAGE_FAULT
  }

  /** An exit with status 0: the unikernel ended on purpose. */
  public boolean isCleanExit() {
    return kind == Kind.EXIT && exitStatus.isPresent() && exitStatus.getAsInt() == 0;
  }

  private record Rule(Kind kind, Pattern pattern) {}

  // The runtime's own failure lines may follow other output on the same line, but a log line
  // (timestamp first) that mentions one is only a message.
  private static final String NOT_LOGGED = "^(?!\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d).*?";

  private static final List<Rule> RULES = List.of(
      // The C runtime's own words, and OCaml's Out_of_memory exception as Solo5 unikernels print it.
      new Rule(Kind.OUT_OF_MEMORY, Pattern.compile(NOT_LOGGED + "Fatal error: (?:out of memory|exception Out of memory)")),
      new Rule(Kind.UNCAUGHT_EXCEPTION, Pattern.compile(NOT_LOGGED + "Fatal error: exception ")),
      new Rule(Kind.UNCAUGHT_EXCEPTION, Pattern.compile("^Top level exception: ")),
      new Rule(Kind.EXIT, Pattern.compile("^Mirage exiting with status (?<status>-?\\d+)")),
      new Rule(Kind.EXIT, Pattern.compile("^Solo5: solo5_exit\\((?<status>-?\\d+)\\) called")),
      new Rule(Kind.EXIT, Pattern.compile("^main returned (?<status>-?\\d+)")),
      new Rule(Kind.EXIT, Pattern.compile("^Do_exit called!")),
      new Rule(Kind.ABORT, Pattern.compile(NOT_LOGGED + "(?:^|Solo5: )(?:solo5_abort\\(\\) called|ABORT: )")),
      new Rule(Kind.TRAP, Pattern.compile("^Solo5: trap: ")),
      new Rule(Kind.PAGE_FAULT, Pattern.compile("^Page fault at linear address ")));

  /** The failure a cleaned console line reports, if any. */
  public static Optional<FailureLine> match(String line) {
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(line);
      if (m.find()) {
        OptionalInt status = m.pattern().pattern().contains("<status>")
            ? OptionalInt.of(Integer.parseInt(m.group("status")))
            : OptionalInt.empty();
        return Optional.of(new FailureLine(rule.kind(), status, line));
      }
    }
    return Optional.empty();
  }
}

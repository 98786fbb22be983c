package io.github.junitmirage.console;

import java.util.ArrayList;
import java.util.List;

/**
 * Every cleaned console line of one unikernel, in order, safe to read while the console is still
 * being written. Keeps at most {@code maxLines}; older lines are dropped and counted.
 */
public final class ConsoleTranscript {
  private final int maxLines;
  private final List<String> lines = new ArrayList<>();
  private final List<Long> arrivals = new ArrayList<>();
  private long dropped;
  private boolean ended;
  private long endedAt;

  public ConsoleTranscript(int maxLines) {
    if (maxLines < 1) {
      throw new IllegalArgumentException("maxLines < 1: " + maxLines);
    }
    this.maxLines = maxLines;
  }

  public synchronized void add(String line) {
    if (lines.size() == maxLines) {
      lines.remove(0);
      arrivals.remove(0);
      dropped++;
    }
    lines.add(line);
    arrivals.add(System.nanoTime());
    notifyAll();
  }

  /** The console closed: the domain is gone or the connection dropped. */
  public synchronized void end() {
    ended = true;
    endedAt = System.nanoTime();
    notifyAll();
  }

  /** {@link System#nanoTime()} when the line at {@code position} arrived (or the oldest kept). */
  public synchronized long arrivedAt(long position) {
    int i = (int) Math.max(0, Math.min(position - dropped, arrivals.size() - 1));
    return arrivals.isEmpty() ? System.nanoTime() : arrivals.get(i);
  }

  /** {@link System#nanoTime()} when the console ended. */
  public synchronized long endedAt() {
    return endedAt;
  }

  public synchronized boolean hasEnded() {
    return ended;
  }

  /** The number of lines ever added (including dropped ones): a position for {@link #since}. */
  public synchronized long size() {
    return dropped + lines.size();
  }

  /** Lines added at or after {@code position}. */
  public synchronized List<String> since(long position) {
    int from = (int) Math.max(0, position - dropped);
    return from >= lines.size() ? List.of() : List.copyOf(lines.subList(from, lines.size()));
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public synchronized List<String> tail(int n) {
    return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Waits until a line beyond {@code position} arrives, the console ends, or the time is up. */
  public synchronized void awaitBeyond(long position, long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (size() <= position && !ended) {
      long left = (end - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }

  public synchronized String text() {
    String prefix = dropped > 0 ? "(" + dropped + " earlier lines dropped)\n" : "";
    return prefix + String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
  }
}

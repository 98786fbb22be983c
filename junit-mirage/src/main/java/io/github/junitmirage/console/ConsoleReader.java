package io.github.junitmirage.console;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a console stream on its own daemon thread into a {@link ConsoleTranscript}, logging each
 * line with the unikernel's name in front.
 */
public final class ConsoleReader implements Runnable {
  private static final int MAX_LINE = 16 * 1024;

  private final String name;
  private final InputStream in;
  private final ConsoleTranscript transcript;
  private final System.Logger log;

  private ConsoleReader(String name, InputStream in, ConsoleTranscript transcript) {
    this.name = name;
    this.in = in;
    this.transcript = transcript;
    this.log = System.getLogger("junit-mirage.console." + name);
  }

  /** Starts reading {@code in} until it ends; the transcript's {@code end()} marks that. */
  public static Thread start(String name, InputStream in, ConsoleTranscript transcript) {
    Thread t = new Thread(new ConsoleReader(name, in, transcript), "console-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    LineAssembler assembler = new LineAssembler(MAX_LINE);
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        assembler.feed(buffer, 0, n).forEach(this::accept);
      }
    } catch (IOException e) {
      log.log(System.Logger.Level.DEBUG, "console of " + name + " ended: " + e.getMessage());
    } finally {
      assembler.finish().forEach(this::accept);
      transcript.end();
    }
  }

  private void accept(String line) {
    transcript.add(line);
    log.log(System.Logger.Level.INFO, "[" + name + "] " + line);
  }
}

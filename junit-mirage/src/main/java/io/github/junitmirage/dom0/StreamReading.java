package io.github.junitmirage.dom0;

import io.github.junitmirage.util.Deadline;
import io.github.junitmirage.util.Sleeping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BooleanSupplier;

/** Reads a channel's stream to its end without ever blocking past a deadline. */
final class StreamReading {
  private StreamReading() {}

  static byte[] readUntilClosed(InputStream in, BooleanSupplier closed, Deadline deadline)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deadline.expired()) {
      // available() first: a blocking read on JSch's pipe would ignore the deadline.
      int ready = in.available();
      if (ready > 0) {
        int n = in.read(buffer, 0, Math.min(ready, buffer.length));
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
      } else if (closed.getAsBoolean()) {
        drain(in, out, buffer);
        break;
      } else {
        Sleeping.sleep(5);
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads one line (without its newline) as it arrives; what came before the channel closed or the
   * deadline passed if no newline came.
   */
  static String readLine(InputStream in, BooleanSupplier closed, Deadline deadline)
      throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (!deadline.expired()) {
      if (in.available() > 0) {
        int b = in.read();
        if (b < 0 || b == '\n') {
          break;
        }
        line.write(b);
      } else if (closed.getAsBoolean() && in.available() == 0) {
        break;
      } else {
        Sleeping.sleep(5);
      }
    }
    return line.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void drain(InputStream in, ByteArrayOutputStream out, byte[] buffer)
      throws IOException {
    int n;
    while (in.available() > 0 && (n = in.read(buffer)) > 0) {
      out.write(buffer, 0, n);
    }
  }
}

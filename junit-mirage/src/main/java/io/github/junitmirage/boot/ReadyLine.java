package io.github.junitmirage.boot;

import io.github.junitmirage.console.AddressLine;
import java.util.Map;

/** The line that made a unikernel ready, the address it settled on and the captured values. */
record ReadyLine(String line, String ip, AddressLine address, Map<String, String> captured) {
  ReadyLine {
    captured = Map.copyOf(captured);
  }
}

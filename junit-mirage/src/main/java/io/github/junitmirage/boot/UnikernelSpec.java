package io.github.junitmirage.boot;

import io.github.junitmirage.DestroyMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Everything needed to boot one declared unikernel, resolved and checked. */
public record UnikernelSpec(
    String name,
    Path kernel,
    Optional<Path> ramdisk,
    String type,
    int memoryMb,
    String bridge,
    Optional<String> mac,
    String cmdline,
    List<String> extraLines,
    Optional<Pattern> readyPattern,
    Optional<String> readyHttpPath,
    int readyHttpStatus,
    Duration bootTimeout,
    Duration readyTimeout,
    DestroyMode destroyMode,
    java.util.Set<String> dangerousXlKeys) {

  public UnikernelSpec {
    extraLines = List.copyOf(extraLines);
    dangerousXlKeys = java.util.Set.copyOf(dangerousXlKeys);
  }

  /** Equal settings: patterns compare by their text and flags ({@link Pattern} has no equals). */
  @Override
  public boolean equals(Object o) {
    return o instanceof UnikernelSpec s && comparable().equals(s.comparable());
  }

  @Override
  public int hashCode() {
    return comparable().hashCode();
  }

  private List<Object> comparable() {
    return java.util.Arrays.asList(name, kernel, ramdisk, type, memoryMb, bridge, mac, cmdline,
        extraLines, readyPattern.map(p -> p.pattern() + "/" + p.flags()), readyHttpPath,
        readyHttpStatus, bootTimeout, readyTimeout, destroyMode, dangerousXlKeys);
  }
}

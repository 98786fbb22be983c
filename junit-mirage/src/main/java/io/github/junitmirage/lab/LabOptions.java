package io.github.junitmirage.lab;

import java.time.Duration;

/**
 * How big the lab is and how long it may take to boot.
 *
 * @param memoryMb QEMU's memory; dom0 gets {@code dom0MemoryMb} of it, guests the rest
 * @param dom0MemoryMb dom0's fixed memory
 * @param cpus virtual CPUs (2 boots guests faster; PV guests are stable with 2)
 * @param bootTimeout how long QEMU may take until dom0 reports ready
 */
public record LabOptions(int memoryMb, int dom0MemoryMb, int cpus, Duration bootTimeout) {
  public LabOptions {
    if (dom0MemoryMb < 256 || dom0MemoryMb >= memoryMb) {
      throw new IllegalArgumentException("dom0MemoryMb must be >= 256 and below memoryMb ("
          + memoryMb + "): " + dom0MemoryMb);
    }
    if (cpus < 1 || cpus > 8) {
      throw new IllegalArgumentException("cpus out of range 1..8: " + cpus);
    }
  }

  public static LabOptions defaults() {
    return new LabOptions(3072, 1024, 2, Duration.ofSeconds(180));
  }

  public LabOptions withBootTimeout(Duration timeout) {
    return new LabOptions(memoryMb, dom0MemoryMb, cpus, timeout);
  }
}

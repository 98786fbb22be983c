package io.github.junitmirage.examples;

/**
 * Where the lab's stand-in unikernel lives. It is a Linux PV guest that prints MirageOS console
 * lines, not a real MirageOS unikernel: {@code ${lab}} is the embedded lab's image folder. Used
 * only for the Mini-OS era dialects (Mirage 2 and 3), which no real unikernel here can print.
 */
final class StandIn {
  static final String KERNEL = "${lab}/standin-vmlinux";
  static final String RAMDISK = "${lab}/standin-initrd.img";
  /** The stand-in's kernel needs these before the Mirage-style arguments. */
  static final String CONSOLE = "console=hvc0 quiet ";

  private StandIn() {}
}

package io.github.junitmirage.examples;

/**
 * Where the project's real MirageOS 4.4.2 unikernels live: fixtures/mirage/build-unikernels.sh
 * builds them and links {@code ${junit.mirage.cache}/unikernels} to the build of the current
 * recipe. {@code www} serves {@code Hello Mirage World!} on port 80.
 */
final class RealMirage {
  static final String DIR = "${junit.mirage.cache}/unikernels";
  /** www with DHCP ({@code mirage configure -t xen --dhcp true}). */
  static final String WWW = DIR + "/www.xen";
  /** www with a static address given at boot ({@code --ipv4=A/len --ipv4-gateway=G}). */
  static final String WWW_STATIC = DIR + "/www-static.xen";
  /** The xl file {@code mirage configure -t xen} wrote for www. */
  static final String WWW_XL = DIR + "/www.xl";
  /** The xl template {@code mirage configure -t xen} wrote for www (with @NAME@, @KERNEL@, ...). */
  static final String WWW_XL_IN = DIR + "/www.xl.in";

  private RealMirage() {}
}

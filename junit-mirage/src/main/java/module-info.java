/**
 * junit-mirage: boot MirageOS unikernels on Xen from JUnit tests.
 *
 * <p>Two packages are the API: {@code io.github.junitmirage.junit} holds what you write on a test
 * ({@link io.github.junitmirage.junit.MirageUnikernel}, the Testcontainers
 * {@link io.github.junitmirage.junit.MirageUnikernelContainer}, the settings), and
 * {@code io.github.junitmirage} what a test gets back ({@link io.github.junitmirage.Unikernel})
 * and the exceptions. Everything else is internal and may change in any release.
 */
module io.github.junitmirage {
  requires transitive org.junit.jupiter.api;
  requires transitive okhttp3;
  requires com.jcraft.jsch;
  requires awaitility;
  requires static testcontainers;
  requires java.logging;

  exports io.github.junitmirage;
  exports io.github.junitmirage.junit;

  // JUnit instantiates the package-private extension reflectively.
  opens io.github.junitmirage.junit to org.junit.platform.commons;
}

package io.github.junitmirage;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * This project's tests run side by side in one JVM (see the pom's surefire and failsafe
 * configuration). By default a test's Awaitility wait fails when any thread of the JVM dies of an
 * uncaught exception, such as a FakeDom0 of a test beside it shutting down; here a wait looks at
 * its own condition only.
 */
public final class AwaitsMindTheirOwnThreads implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
  }
}

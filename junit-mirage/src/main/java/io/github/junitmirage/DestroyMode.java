package io.github.junitmirage;

/** When a unikernel's domain is destroyed at the end of its lifecycle. */
public enum DestroyMode {
  /** Take the value of {@code junit.mirage.destroy} (default {@link #ALWAYS}). */
  DEFAULT,
  /** Always destroy the domain. */
  ALWAYS,
  /** Keep the domain when a test that used it failed, to inspect it; destroy it otherwise. */
  ON_SUCCESS,
  /** Never destroy it; the attach command is printed. */
  NEVER
}

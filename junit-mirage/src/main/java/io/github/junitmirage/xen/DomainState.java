package io.github.junitmirage.xen;

/**
 * The six-letter state column of {@code xl list}: running, blocked, paused, shut down (with the
 * reason), dying. For example {@code -b----} is idle, {@code ---sc-} crashed and preserved,
 * {@code ---sr-} shut down for a reboot and preserved.
 */
public record DomainState(String letters) {
  public DomainState {
    if (letters == null || !letters.matches("[rbpsd\\-rcSw]{6}")) {
      throw new IllegalArgumentException("not an xl state column (6 letters like -b----): " + letters);
    }
  }

  public boolean isShutDown() {
    return letters.charAt(3) == 's';
  }

  /** Shut down for a reboot: the guest asked for one, or (PVH, HVM) Xen's answer to a triple fault. */
  public boolean isRebooted() {
    return isShutDown() && letters.charAt(4) == 'r';
  }

  public boolean isCrashed() {
    return letters.charAt(4) == 'c';
  }

  public boolean isDying() {
    return letters.charAt(5) == 'd';
  }

  /** Running or blocked (waiting for events): a live guest. */
  public boolean isAlive() {
    return !isShutDown() && !isCrashed() && !isDying() && letters.charAt(2) != 'p';
  }

  /** Words for messages: "crashed (---sc-)". */
  public String describe() {
    String what;
    if (isCrashed()) {
      what = "crashed";
    } else if (isDying()) {
      what = "dying";
    } else if (isRebooted()) {
      what = "rebooted";
    } else if (isShutDown()) {
      what = "shut down";
    } else if (letters.charAt(2) == 'p') {
      what = "paused";
    } else if (letters.charAt(0) == 'r') {
      what = "running";
    } else {
      what = "blocked";
    }
    return what + " (" + letters + ")";
  }
}

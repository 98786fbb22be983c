package io.github.junitmirage.junit;

/** How long one booted unikernel lives. */
public enum Lifecycle {
  /** Decided by where the annotation is: per class on classes and static fields, per method on
   *  methods and instance fields. */
  DEFAULT,
  /** One for the test class. */
  PER_CLASS,
  /** A fresh one for every test method. */
  PER_METHOD,
  /** One for the whole test run, shared by every class that declares the same name. */
  PER_RUN
}

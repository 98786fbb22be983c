package io.github.junitmirage.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Picks which declared unikernel a parameter gets when a test sees more than one. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface UnikernelName {
  /** {@return the declared unikernel's name} */
  String value();
}

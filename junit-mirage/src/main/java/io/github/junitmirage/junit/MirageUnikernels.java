package io.github.junitmirage.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/** Holds several {@link MirageUnikernel} declarations on one class or method. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(MirageUnikernelExtension.class)
public @interface MirageUnikernels {
  /** {@return the declarations} */
  MirageUnikernel[] value();
}

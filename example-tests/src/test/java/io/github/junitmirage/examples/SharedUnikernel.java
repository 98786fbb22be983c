package io.github.junitmirage.examples;

import io.github.junitmirage.junit.Lifecycle;
import io.github.junitmirage.junit.MirageUnikernel;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One unikernel for the whole run, declared once as a meta-annotation and used by two classes. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@MirageUnikernel(name = "shared", kernel = RealMirage.WWW, lifecycle = Lifecycle.PER_RUN)
@interface SharedUnikernel {
  /** Domain names seen by the classes that use it: one name if it really is shared. */
  Set<String> SEEN = ConcurrentHashMap.newKeySet();
}

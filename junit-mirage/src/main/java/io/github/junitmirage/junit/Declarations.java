package io.github.junitmirage.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/** Finds the declarations that apply to a class, and to a test method within it. */
final class Declarations {
  private Declarations() {}

  /**
   * On the class, its superclasses and interfaces (as JUnit inherits {@code @ExtendWith}), and
   * their fields.
   */
  static List<Declaration> ofClass(Class<?> type) {
    List<Declaration> all = new ArrayList<>();
    // From the top, so that each declaration is named where it is written: JUnit's search on a
    // class also returns what its interfaces declare.
    List<Class<?>> topDown = new ArrayList<>(hierarchy(type));
    java.util.Collections.reverse(topDown);
    Set<MirageUnikernel> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Class<?> c : topDown) {
      for (MirageUnikernel a : AnnotationSupport.findRepeatableAnnotations(c, MirageUnikernel.class)) {
        if (seen.add(a)) {
          all.add(Declaration.onClass(a, c));
        }
      }
    }
    for (Field f : AnnotationSupport.findAnnotatedFields(type, MirageUnikernel.class,
        f -> true, HierarchyTraversalMode.TOP_DOWN)) {
      for (MirageUnikernel a : AnnotationSupport.findRepeatableAnnotations(f, MirageUnikernel.class)) {
        all.add(Declaration.onField(a, f));
      }
    }
    requireDistinctNames(all, type.getName());
    return all;
  }

  /** The class, then its superclasses, then every interface they implement, each once. */
  private static Set<Class<?>> hierarchy(Class<?> type) {
    Set<Class<?>> out = new LinkedHashSet<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      out.add(c);
    }
    List<Class<?>> queue = new ArrayList<>(out);
    for (int i = 0; i < queue.size(); i++) {
      for (Class<?> iface : queue.get(i).getInterfaces()) {
        if (out.add(iface)) {
          queue.add(iface);
        }
      }
    }
    return out;
  }

  /**
   * The per-method declarations for a test: those of the test class and of every enclosing class
   * whose instance the test runs within ({@code @Nested}), each name once.
   */
  static List<Declaration> perMethodOf(ExtensionContext context) {
    Map<String, Declaration> byName = new LinkedHashMap<>();
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Declaration d : ofClass(instance.getClass())) {
        if (d.perMethod()) {
          byName.putIfAbsent(d.name(), d);
        }
      }
    }
    return new ArrayList<>(byName.values());
  }

  static List<Declaration> ofMethod(Method method) {
    List<Declaration> all = new ArrayList<>();
    for (MirageUnikernel a : AnnotationSupport.findRepeatableAnnotations(method, MirageUnikernel.class)) {
      all.add(Declaration.onMethod(a, method));
    }
    return all;
  }

  /** Everything a test (or lifecycle method) in this context can see: method, class, outer classes. */
  static List<Declaration> visible(ExtensionContext context) {
    List<Declaration> all = new ArrayList<>();
    context.getTestMethod().ifPresent(m -> all.addAll(ofMethod(m)));
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      ExtensionContext ctx = c.get();
      if (ctx.getTestMethod().isEmpty() && ctx.getTestClass().isPresent()
          && ctx.getElement().filter(e -> e instanceof Class).isPresent()) {
        all.addAll(ofClass(ctx.getTestClass().get()));
      }
    }
    requireDistinctNames(all, context.getDisplayName());
    return all;
  }

  private static void requireDistinctNames(List<Declaration> all, String where) {
    Map<String, Declaration> byName = new HashMap<>();
    for (Declaration d : all) {
      Declaration other = byName.putIfAbsent(d.name(), d);
      if (other != null && !other.equals(d)) {
        throw new ExtensionConfigurationException("two @MirageUnikernel declarations named '"
            + d.name() + "' (on " + other.where() + " and " + d.where() + "): give each a "
            + "distinct name");
      }
    }
  }
}

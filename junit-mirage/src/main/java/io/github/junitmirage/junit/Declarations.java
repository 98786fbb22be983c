package io.github.junitmirage.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/** Finds the declarations that apply to a class, and to a test method within it. */
final class Declarations {
  private Declarations() {}

  /** On the class itself and its fields (inherited ones included). */
  static List<Declaration> ofClass(Class<?> type) {
    List<Declaration> all = new ArrayList<>();
    for (MirageUnikernel a : AnnotationSupport.findRepeatableAnnotations(type, MirageUnikernel.class)) {
      all.add(Declaration.onClass(a, type));
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

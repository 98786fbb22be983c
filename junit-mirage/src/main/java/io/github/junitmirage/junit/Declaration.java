package io.github.junitmirage.junit;

import io.github.junitmirage.Unikernel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** One {@code @MirageUnikernel} as found on a class, field or method, with its name and lifecycle. */
record Declaration(MirageUnikernel annotation, Origin origin, Field field, String where,
    String name, Lifecycle lifecycle) {

  enum Origin { CLASS, STATIC_FIELD, INSTANCE_FIELD, METHOD }

  static Declaration onClass(MirageUnikernel a, Class<?> type) {
    String where = "class " + type.getName();
    return new Declaration(a, Origin.CLASS, null, where, name(a, "", where),
        lifecycle(a, Origin.CLASS, where));
  }

  static Declaration onMethod(MirageUnikernel a, Method method) {
    String where = "method " + method.getDeclaringClass().getSimpleName() + "." + method.getName();
    return new Declaration(a, Origin.METHOD, null, where, name(a, method.getName(), where),
        lifecycle(a, Origin.METHOD, where));
  }

  static Declaration onField(MirageUnikernel a, Field field) {
    String where = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
    if (field.getType() != Unikernel.class) {
      throw new ExtensionConfigurationException("@MirageUnikernel on " + where + " of type "
          + field.getType().getSimpleName() + ": declare the field as Unikernel (use "
          + "unikernel.ip() and unikernel.httpClient() for the address and the client)");
    }
    if (Modifier.isFinal(field.getModifiers())) {
      throw new ExtensionConfigurationException("@MirageUnikernel on " + where
          + ": the field is final, so it cannot be injected; remove 'final'");
    }
    Origin origin = Modifier.isStatic(field.getModifiers()) ? Origin.STATIC_FIELD : Origin.INSTANCE_FIELD;
    return new Declaration(a, origin, field, where, name(a, field.getName(), where),
        lifecycle(a, origin, where));
  }

  private static String name(MirageUnikernel a, String fallback, String where) {
    String name = a.name();
    if (name.isEmpty()) {
      name = fallback;
    }
    if (name.isEmpty()) {
      String file = !a.kernel().isEmpty() ? a.kernel() : a.xlFile();
      name = file.isEmpty() ? "" : Path.of(file).getFileName().toString().replaceFirst("\\.[^.]*$", "");
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")) {
      throw new ExtensionConfigurationException("@MirageUnikernel on " + where + ": name '" + name
          + "' is not usable in a Xen domain name; use 1 to 40 letters, digits, '-', '_' or '.', "
          + "starting with a letter or digit");
    }
    return name;
  }

  private static Lifecycle lifecycle(MirageUnikernel a, Origin origin, String where) {
    Lifecycle l = a.lifecycle();
    switch (origin) {
      case METHOD:
        if (l != Lifecycle.DEFAULT && l != Lifecycle.PER_METHOD) {
          throw new ExtensionConfigurationException("@MirageUnikernel on " + where + ": lifecycle "
              + l + " is not possible on a method, which always gets its own unikernel; put the "
              + "annotation on the class or a static field instead");
        }
        return Lifecycle.PER_METHOD;
      case STATIC_FIELD:
        if (l == Lifecycle.PER_METHOD) {
          throw new ExtensionConfigurationException("@MirageUnikernel on " + where + ": a static "
              + "field cannot hold a per-method unikernel; make the field an instance field");
        }
        return l == Lifecycle.DEFAULT ? Lifecycle.PER_CLASS : l;
      case INSTANCE_FIELD:
        return l == Lifecycle.DEFAULT ? Lifecycle.PER_METHOD : l;
      default:
        return l == Lifecycle.DEFAULT ? Lifecycle.PER_CLASS : l;
    }
  }

  /** Booted in beforeAll (class, run) or beforeEach (method). */
  boolean perMethod() {
    return lifecycle == Lifecycle.PER_METHOD;
  }

  String storeKey() {
    return "unikernel:" + name;
  }
}

package io.github.junitmirage.junit;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.boot.RunTag;
import io.github.junitmirage.boot.Timeouts;
import io.github.junitmirage.boot.UnikernelSpec;
import io.github.junitmirage.boot.XlFile;
import io.github.junitmirage.xen.KernelKind;
import io.github.junitmirage.xen.XlConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Turns a declaration into a checked {@link UnikernelSpec}: attribute over xl file over setting
 * over default, {@code ${...}} expanded in paths, every value checked before dom0 sees any.
 */
final class SpecResolver {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
  private static final int DEFAULT_MEMORY_MB = 128;

  private SpecResolver() {}

  static UnikernelSpec resolve(Declaration d, MirageSettings settings,
      Function<String, Optional<String>> variables, Timeouts timeouts) {
    MirageUnikernel a = d.annotation();
    if (a.kernel().isEmpty() == a.xlFile().isEmpty()) {
      throw error(d, "set exactly one of kernel (a kernel image on this machine) or xlFile (an xl "
          + "file as mirage configure writes it)");
    }
    Optional<Path> xlPath = a.xlFile().isEmpty() ? Optional.empty()
        : Optional.of(existing(d, "xlFile", a.xlFile(), variables, null));
    XlFile xl = xlPath.map(p -> readXl(d, p)).orElse(XlFile.parse(""));
    Path kernel = a.kernel().isEmpty()
        ? existing(d, "kernel (from " + xlPath.get() + ")", xl.string("kernel").orElseThrow(
            () -> error(d, "xl file " + xlPath.get() + " has no kernel setting")), variables,
            xlPath.get().getParent())
        : existing(d, "kernel", a.kernel(), variables, null);
    Optional<Path> ramdisk = a.ramdisk().isEmpty() ? xl.string("ramdisk")
        .map(r -> existing(d, "ramdisk", r, variables, xlPath.get().getParent()))
        : Optional.of(existing(d, "ramdisk", a.ramdisk(), variables, null));
    UnikernelSpec spec = new UnikernelSpec(d.name(), kernel, ramdisk,
        guestType(d, kernel, first(a.type(), xl.string("type"), "")),
        a.memoryMb() > 0 ? a.memoryMb() : xl.number("memory").orElse(DEFAULT_MEMORY_MB),
        first(a.bridge(), xl.bridge(), settings.get(MirageSettings.BRIDGE, "br0")),
        a.mac().isEmpty() ? Optional.empty() : Optional.of(a.mac()),
        first(a.cmdline(), xl.string("cmdline").or(() -> xl.string("extra")), ""),
        extraLines(a, xl),
        readyPattern(d),
        a.readyHttpPath().isEmpty() ? Optional.empty() : Optional.of(a.readyHttpPath()),
        a.readyHttpStatus(),
        timeouts.scale(Duration.ofSeconds(a.bootTimeoutSeconds() > 0 ? a.bootTimeoutSeconds()
            : settings.integer(MirageSettings.BOOT_TIMEOUT_SECONDS, 120))),
        timeouts.scale(Duration.ofSeconds(a.readyTimeoutSeconds() > 0 ? a.readyTimeoutSeconds() : 30)),
        destroyMode(a, settings),
        Set.of(a.allowDangerousXlKeys()));
    check(d, spec);
    return spec;
  }

  /** Every check that needs no file and no dom0, so misuse fails before anything boots. */
  static void validate(Declaration d) {
    MirageUnikernel a = d.annotation();
    if (a.kernel().isEmpty() == a.xlFile().isEmpty()) {
      throw error(d, "set exactly one of kernel (a kernel image on this machine) or xlFile (an xl "
          + "file as mirage configure writes it)");
    }
    readyPattern(d);
    if (!a.readyHttpPath().isEmpty() && !a.readyHttpPath().startsWith("/")) {
      throw error(d, "readyHttpPath must start with '/': " + a.readyHttpPath());
    }
    if (a.readyHttpStatus() < 100 || a.readyHttpStatus() > 599) {
      throw error(d, "readyHttpStatus must be an HTTP status (100..599): " + a.readyHttpStatus());
    }
    if (a.memoryMb() < 0 || a.bootTimeoutSeconds() < 0 || a.readyTimeoutSeconds() < 0) {
      throw error(d, "memoryMb, bootTimeoutSeconds and readyTimeoutSeconds must not be negative");
    }
    check(d, new UnikernelSpec(d.name(), Path.of("/"), Optional.empty(),
        a.type().isEmpty() ? "pvh" : a.type(), a.memoryMb() > 0 ? a.memoryMb() : DEFAULT_MEMORY_MB,
        a.bridge().isEmpty() ? "br0" : a.bridge(),
        a.mac().isEmpty() ? Optional.empty() : Optional.of(a.mac()), a.cmdline(),
        Arrays.asList(a.xl()), Optional.empty(), Optional.empty(), 200, Duration.ZERO,
        Duration.ZERO, DestroyMode.ALWAYS, Set.of(a.allowDangerousXlKeys())));
  }

  private static void check(Declaration d, UnikernelSpec s) {
    try {
      checkXl(s);
    } catch (IllegalArgumentException e) {
      throw error(d, e.getMessage());
    }
  }

  /**
   * Builds the xl config the spec would give (with stand-ins for the kernel path, the longest
   * name and a MAC), so that every value fails here, before dom0 sees any of them.
   */
  static void checkXl(UnikernelSpec s) {
    new XlConfig(new RunTag("jm0000000000").domainName(s.name() + "-99"), s.type(), "/k", "",
        s.memoryMb(), List.of(new XlConfig.Vif(s.mac().orElse("02:00:00:00:00:01"), s.bridge())),
        s.cmdline(), s.extraLines(), s.dangerousXlKeys());
  }

  private static String guestType(Declaration d, Path kernel, String given) {
    try {
      return KernelKind.guestType("'" + d.name() + "'", kernel, given);
    } catch (IllegalArgumentException e) {
      throw error(d, e.getMessage());
    }
  }

  private static List<String> extraLines(MirageUnikernel a, XlFile xl) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, String> e : xl.settings().entrySet()) {
      if (!XlConfig.OWN_KEYS.contains(e.getKey())) {
        lines.add(e.getKey() + " = " + e.getValue().replace("\n", " "));
      }
    }
    lines.addAll(Arrays.asList(a.xl()));
    return lines;
  }

  private static Optional<Pattern> readyPattern(Declaration d) {
    String p = d.annotation().readyPattern();
    if (p.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pattern.compile(p));
    } catch (PatternSyntaxException e) {
      throw error(d, "readyPattern is not a valid regular expression: " + e.getDescription()
          + " near index " + e.getIndex() + " of " + p);
    }
  }

  private static DestroyMode destroyMode(MirageUnikernel a, MirageSettings settings) {
    if (a.destroy() != DestroyMode.DEFAULT) {
      return a.destroy();
    }
    String v = settings.get(MirageSettings.DESTROY, "ALWAYS");
    try {
      DestroyMode m = DestroyMode.valueOf(v.toUpperCase());
      return m == DestroyMode.DEFAULT ? DestroyMode.ALWAYS : m;
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(MirageSettings.DESTROY
          + " must be ALWAYS, ON_SUCCESS or NEVER: " + v);
    }
  }

  private static String first(String attribute, Optional<String> fromFile, String fallback) {
    return !attribute.isEmpty() ? attribute : fromFile.orElse(fallback);
  }

  private static XlFile readXl(Declaration d, Path p) {
    try {
      return XlFile.parse(substitutePlaceholders(Files.readString(p), p));
    } catch (IOException | IllegalArgumentException e) {
      throw error(d, "cannot read xl file " + p + ": " + e.getMessage());
    }
  }

  /**
   * The placeholders of the {@code .xl.in} that {@code mirage configure -t xen} writes: the name,
   * memory and bridge are junit-mirage's to choose, and {@code @KERNEL@} is the {@code .xen} file
   * beside it ({@code www.xl.in} -> {@code www.xen}).
   */
  static String substitutePlaceholders(String text, Path xlFile) {
    String base = xlFile.getFileName().toString().replaceFirst("\\.xl(\\.in)?$", "");
    return text.replace("@MEMORY@", "").replace("@NAME@", "x")
        .replace("@KERNEL@", base + ".xen")
        .replaceAll("@NETWORK:[^@']*@", "");
  }

  private static Path existing(Declaration d, String what, String raw,
      Function<String, Optional<String>> variables, Path base) {
    Path p = Path.of(expand(d, raw, variables));
    if (!p.isAbsolute() && base != null) {
      p = base.resolve(p);
    }
    p = p.toAbsolutePath().normalize();
    if (!Files.isRegularFile(p)) {
      throw error(d, what + " " + p + " does not exist or is not a file"
          + (raw.equals(p.toString()) ? "" : " (from '" + raw + "')")
          + "; relative paths are resolved against "
          + (base != null ? base : Path.of("").toAbsolutePath()));
    }
    if (base != null) {
      requireInside(d, what, p, base);
    }
    return p;
  }

  /** An xl file may name only images in its own folder or below, so it cannot upload others. */
  private static void requireInside(Declaration d, String what, Path file, Path folder) {
    try {
      Path root = folder.toRealPath();
      if (!file.toRealPath().startsWith(root)) {
        throw error(d, what + " " + file + " is outside the xl file's folder " + root + " (a "
            + "link, '..' or an absolute path): an xl file may name only images beside it or "
            + "below; to boot another file, set kernel/ramdisk on the annotation");
      }
    } catch (java.io.IOException e) {
      throw error(d, "cannot resolve " + what + " " + file + ": " + e.getMessage());
    }
  }

  static String expand(Declaration d, String raw, Function<String, Optional<String>> variables) {
    Matcher m = VARIABLE.matcher(raw);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = variables.apply(name).orElseThrow(() -> error(d, "'${" + name + "}' in '" + raw
          + "' is not set: define it as a system property or JUnit configuration parameter"
          + ("lab".equals(name) ? " (${lab} exists only when the embedded lab is used)" : "")));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static ExtensionConfigurationException error(Declaration d, String message) {
    return new ExtensionConfigurationException("@MirageUnikernel '" + d.name() + "' on " + d.where()
        + ": " + message);
  }
}

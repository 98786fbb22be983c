package io.github.junitmirage.console;

import java.util.regex.Pattern;

/** Lines that show a unikernel's runtime has started; none is required (banners can be off). */
public final class BootMarkers {
  private static final Pattern MARKER = Pattern.compile(
      "^(?:Xen Minimal OS!|MirageOS booting\\.\\.\\.|Mirage: start_kernel|xencaml: app_main_thread"
          + "|Solo5: Bindings version|Solo5: Xen console: )");

  private BootMarkers() {}

  public static boolean isBootMarker(String line) {
    return MARKER.matcher(line).find();
  }
}

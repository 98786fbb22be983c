package io.github.junitmirage.xen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An xl domain configuration as junit-mirage writes it: name, kernel, memory, network interfaces,
 * kernel command line and raw extra lines, each checked before anything reaches dom0.
 *
 * <p>Example rendering:
 * <pre>
 * name = 'www-jm3f2a9c01'
 * type = 'pv'
 * kernel = '/tmp/junit-mirage/images/3f2a.../kernel'
 * memory = 128
 * vif = [ 'mac=02:16:3e:12:34:56,bridge=br0' ]
 * cmdline = '--ipv4=192.168.56.254/24'
 * on_crash = 'preserve'
 * on_reboot = 'preserve'
 * </pre>
 *
 * @param name the domain name
 * @param type {@code pv} or {@code pvh}
 * @param kernel the kernel's path on dom0
 * @param ramdisk an initial ramdisk's path on dom0, or empty
 * @param memoryMb memory in MiB
 * @param vifs the network interfaces
 * @param cmdline the kernel command line (Mirage 4 runtime arguments), may be empty
 * @param extraLines raw {@code key = value} lines appended as they are, each checked by
 *     {@link XlLine}
 * @param dangerousKeys keys outside {@link XlLine#SAFE_KEYS} the user explicitly allowed
 */
public record XlConfig(
    String name, String type, String kernel, String ramdisk, int memoryMb, List<Vif> vifs,
    String cmdline, List<String> extraLines, Set<String> dangerousKeys) {

  /** Keys junit-mirage writes itself; extra lines may not set them again. */
  public static final Set<String> OWN_KEYS =
      Set.of("name", "type", "kernel", "ramdisk", "memory", "vif", "cmdline", "extra", "on_crash");

  public XlConfig {
    XenNames.requireDomainName(name);
    if (!type.equals("pv") && !type.equals("pvh")) {
      throw new IllegalArgumentException("guest type must be 'pv' or 'pvh': " + type);
    }
    XlValues.requireQuotable("kernel path", kernel);
    XlValues.requireQuotable("ramdisk path", ramdisk);
    if (memoryMb < 16 || memoryMb > 1_048_576) {
      throw new IllegalArgumentException("memoryMb out of range 16..1048576: " + memoryMb);
    }
    vifs = List.copyOf(vifs);
    XlValues.requireQuotable("cmdline", cmdline);
    extraLines = List.copyOf(extraLines);
    dangerousKeys = Set.copyOf(dangerousKeys);
    for (String line : extraLines) {
      XlValues.requireExtraLine(line, dangerousKeys);
    }
  }

  /** The file's text, ready to upload. */
  public String render() {
    List<String> lines = new ArrayList<>();
    lines.add("# written by junit-mirage");
    lines.add("name = " + XlValues.quote(name));
    lines.add("type = " + XlValues.quote(type));
    lines.add("kernel = " + XlValues.quote(kernel));
    if (!ramdisk.isEmpty()) {
      lines.add("ramdisk = " + XlValues.quote(ramdisk));
    }
    lines.add("memory = " + memoryMb);
    List<String> quotedVifs = vifs.stream().map(v -> XlValues.quote(v.spec())).toList();
    lines.add("vif = [ " + String.join(", ", quotedVifs) + " ]");
    if (!cmdline.isEmpty()) {
      lines.add("cmdline = " + XlValues.quote(cmdline));
    }
    lines.add("on_crash = 'preserve'");
    if (extraLines.stream().noneMatch(l -> l.strip().matches("on_reboot\\s*=.*"))) {
      // Left to xl's default ('restart'), xl itself would destroy and re-create the domain under
      // the same name while junit-mirage reports and destroys it.
      lines.add("on_reboot = 'preserve'");
    }
    lines.addAll(extraLines);
    return String.join("\n", lines) + "\n";
  }

  /**
   * One network interface.
   *
   * @param mac a unicast MAC address, {@code xx:xx:xx:xx:xx:xx}
   * @param bridge the dom0 bridge to plug it into
   */
  public record Vif(String mac, String bridge) {
    public Vif {
      XenNames.requireMac(mac);
      XenNames.requireBridge(bridge);
    }

    String spec() {
      return "mac=" + mac + ",bridge=" + bridge;
    }
  }
}

package io.github.junitmirage.xen;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code xl} invocations as argument lists, with {@code sudo -n} in front when dom0 needs it.
 * {@code -n} makes sudo fail at once instead of waiting for a password nobody will type.
 */
public final class XlCommands {
  private final boolean sudo;

  public XlCommands(boolean sudo) {
    this.sudo = sudo;
  }

  /** {@code xl destroy NAME}. */
  public List<String> destroy(String name) {
    return xl("destroy", XenNames.requireDomainName(name));
  }

  /** {@code xl list}: all domains. */
  public List<String> list() {
    return xl("list");
  }

  /** {@code xl list NAME}: one domain; fails with "invalid domain identifier" when it is gone. */
  public List<String> list(String name) {
    return xl("list", XenNames.requireDomainName(name));
  }

  public List<String> listLong(String name) {
    return xl("list", "-l", XenNames.requireDomainName(name));
  }

  /** {@code xl network-list NAME}: the domain's vifs and how far each got in connecting. */
  public List<String> networkList(String name) {
    return xl("network-list", XenNames.requireDomainName(name));
  }

  public List<String> domid(String name) {
    return xl("domid", XenNames.requireDomainName(name));
  }

  public List<String> dmesg() {
    return xl("dmesg");
  }

  public boolean sudo() {
    return sudo;
  }

  /** {@code xl} itself, as scripts that call it take it: {@code [sudo, -n, xl]} or {@code [xl]}. */
  public List<String> xlCommand() {
    return asRoot(List.of("xl"));
  }

  /** Any command that needs root on dom0 (reading Xen's logs), with {@code sudo -n} when needed. */
  public List<String> asRoot(List<String> command) {
    List<String> all = new ArrayList<>(sudo ? List.of("sudo", "-n") : List.of());
    all.addAll(command);
    return all;
  }

  private List<String> xl(String... args) {
    List<String> command = new ArrayList<>(xlCommand());
    command.addAll(List.of(args));
    return command;
  }
}

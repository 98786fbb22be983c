package io.github.junitmirage.dom0;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.OpenSSHConfig;
import io.github.junitmirage.Dom0ConnectionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a user's OpenSSH client configuration ({@code ~/.ssh/config}) says about one host, read
 * with JSch's OpenSSH config reader: {@code HostName}, {@code Port}, {@code User},
 * {@code IdentityFile}, {@code UserKnownHostsFile} and {@code IdentityAgent}, with {@code ~} and
 * the tokens {@code %d %h %r %u %%} expanded. Settings given to junit-mirage win over these.
 *
 * @param hostName the real host name, when the file gives one
 * @param port the port, when the file gives one
 * @param user the remote user, when the file gives one
 * @param identityFiles the key files it lists, in order
 * @param knownHosts its first {@code UserKnownHostsFile}, when it gives one
 * @param identityAgent its {@code IdentityAgent}: a socket path, {@code none}, or
 *     {@code SSH_AUTH_SOCK}
 */
public record SshConfigFile(Optional<String> hostName, Optional<Integer> port,
    Optional<String> user, List<String> identityFiles, Optional<String> knownHosts,
    Optional<String> identityAgent) {

  /** Nothing known about the host: no file, or no section for it. */
  public static final SshConfigFile NONE = new SshConfigFile(Optional.empty(), Optional.empty(),
      Optional.empty(), List.of(), Optional.empty(), Optional.empty());

  /** Reads what {@code file} says about {@code host}; {@link #NONE} when the file does not exist. */
  public static SshConfigFile read(Path file, String host) {
    if (!Files.isRegularFile(file)) {
      return NONE;
    }
    ConfigRepository.Config c;
    try {
      c = OpenSSHConfig.parseFile(file.toString()).getConfig(host);
    } catch (IOException | RuntimeException e) {
      throw new Dom0ConnectionException("cannot read the SSH client configuration " + file + ": "
          + e.getMessage() + " (set junit.mirage.dom0.sshConfig=none to ignore it)", e);
    }
    Optional<String> hostName = Optional.ofNullable(c.getHostname());
    Optional<String> user = Optional.ofNullable(c.getUser());
    String realHost = hostName.orElse(host);
    String remoteUser = user.orElse(System.getProperty("user.name"));
    Optional<Integer> port = c.getPort() > 0 ? Optional.of(c.getPort()) : Optional.empty();
    String[] identities = c.getValues("IdentityFile");
    return new SshConfigFile(hostName, port, user,
        identities == null ? List.of() : java.util.Arrays.stream(identities)
            .map(v -> expand(v, realHost, remoteUser)).toList(),
        Optional.ofNullable(c.getValue("UserKnownHostsFile")).map(v -> v.split("\\s+")[0])
            .map(v -> expand(v, realHost, remoteUser)),
        Optional.ofNullable(c.getValue("IdentityAgent")).map(v -> expand(v, realHost, remoteUser)));
  }

  /** {@code ~} and the tokens OpenSSH allows in these keys; any other token is refused. */
  static String expand(String value, String host, String remoteUser) {
    String home = System.getProperty("user.home");
    String v = value.startsWith("~/") ? home + value.substring(1) : value;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (ch != '%') {
        out.append(ch);
        continue;
      }
      char t = i + 1 < v.length() ? v.charAt(++i) : ' ';
      switch (t) {
        case '%' -> out.append('%');
        case 'd' -> out.append(home);
        case 'h' -> out.append(host);
        case 'r' -> out.append(remoteUser);
        case 'u' -> out.append(System.getProperty("user.name"));
        default -> throw new Dom0ConnectionException("the SSH client configuration uses %" + t
            + " in '" + value + "', which junit-mirage does not expand (it knows %d %h %r %u %%): "
            + "write the path out, or set the junit.mirage.dom0.* setting it stands for");
      }
    }
    return out.toString();
  }
}

package io.github.junitmirage.dom0;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import io.github.junitmirage.Dom0ConnectionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * JSch's known_hosts check, completed with what OpenSSH does and JSch does not: host patterns
 * with {@code *}, {@code ?} and {@code !} (JSch compares names literally), {@code @revoked} lines
 * with a pattern (JSch ignores them, and would accept a revoked key), and an honest word when the
 * file vouches for dom0 only through {@code @cert-authority} lines but dom0 presents a plain host
 * key. A host certificate signed by a {@code @cert-authority} JSch verifies itself.
 */
final class KnownHostsPatterns implements HostKeyRepository {
  private final HostKeyRepository jsch;
  private final Path file;
  private final List<Line> lines;

  /** One line: marker (or empty), host patterns, key type, key (Base64). */
  record Line(String marker, List<String> patterns, String type, String key) {}

  KnownHostsPatterns(HostKeyRepository jsch, Path file) {
    this.jsch = jsch;
    this.file = file;
    try {
      this.lines = parse(Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Line> parse(List<String> text) {
    List<Line> out = new ArrayList<>();
    for (String raw : text) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      int i = f[0].startsWith("@") ? 1 : 0;
      if (f.length < i + 3 || f[i].startsWith("|")) {
        continue; // malformed or hashed: JSch's business
      }
      out.add(new Line(i == 1 ? f[0] : "", List.of(f[i].split(",")), f[i + 1], f[i + 2]));
    }
    return out;
  }

  @Override
  public int check(String host, byte[] key) {
    String presented = Base64.getEncoder().encodeToString(key);
    for (Line l : lines) {
      if (l.marker().equals("@revoked") && l.key().equals(presented) && matches(l.patterns(), host)) {
        throw new Dom0ConnectionException("the host key dom0 " + host + " presented is marked "
            + "@revoked in " + file + ": it must never be accepted; if dom0 has a new key, "
            + "put that one in known_hosts");
      }
    }
    int verdict = jsch.check(host, key);
    if (verdict != NOT_INCLUDED) {
      return verdict;
    }
    boolean sameType = false;
    for (Line l : lines) {
      if (l.marker().isEmpty() && matches(l.patterns(), host)) {
        if (l.key().equals(presented)) {
          return OK;
        }
        sameType |= l.type().equals(typeOf(key));
      }
    }
    if (sameType) {
      return CHANGED;
    }
    if (lines.stream().anyMatch(l -> l.marker().equals("@cert-authority")
        && matches(l.patterns(), host))) {
      throw new Dom0ConnectionException("dom0 " + host + " presented a plain host key, and "
          + file + " vouches for it only through @cert-authority lines, which cover host "
          + "certificates signed by that authority: give dom0's sshd its certificate "
          + "(HostCertificate), or add its plain key (ssh-keyscan), or set junit.mirage.dom0.hostKey");
    }
    return NOT_INCLUDED;
  }

  /** The key type inside an SSH public key blob (its first string). */
  private static String typeOf(byte[] blob) {
    if (blob.length < 4) {
      return "";
    }
    int n = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8)
        | (blob[3] & 0xff);
    return n < 0 || n > blob.length - 4 ? "" : new String(blob, 4, n,
        java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** OpenSSH's rule: some pattern matches and no negated one does. */
  static boolean matches(List<String> patterns, String host) {
    boolean any = false;
    for (String p : patterns) {
      if (p.startsWith("!")) {
        if (glob(p.substring(1), host)) {
          return false;
        }
      } else {
        any |= glob(p, host);
      }
    }
    return any;
  }

  /** {@code *} any run of characters, {@code ?} one; case-insensitive, as host names are. */
  static boolean glob(String pattern, String text) {
    String p = pattern.toLowerCase(java.util.Locale.ROOT);
    String t = text.toLowerCase(java.util.Locale.ROOT);
    int pi = 0;
    int ti = 0;
    int star = -1;
    int mark = 0;
    while (ti < t.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == t.charAt(ti))) {
        pi++;
        ti++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = ti;
      } else if (star >= 0) {
        pi = star + 1;
        ti = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  @Override
  public void add(HostKey hostkey, UserInfo ui) {
    throw new UnsupportedOperationException("junit-mirage never adds host keys to " + file);
  }

  @Override
  public void remove(String host, String type) {
    throw new UnsupportedOperationException("junit-mirage never removes host keys from " + file);
  }

  @Override
  public void remove(String host, String type, byte[] key) {
    throw new UnsupportedOperationException("junit-mirage never removes host keys from " + file);
  }

  @Override
  public String getKnownHostsRepositoryID() {
    return jsch.getKnownHostsRepositoryID();
  }

  @Override
  public HostKey[] getHostKey() {
    return jsch.getHostKey();
  }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    return jsch.getHostKey(host, type);
  }
}

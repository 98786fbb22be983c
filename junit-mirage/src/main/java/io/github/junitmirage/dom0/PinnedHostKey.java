package io.github.junitmirage.dom0;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.util.Arrays;
import java.util.Base64;

/** Accepts exactly one host key, given as an OpenSSH public key line ({@code type base64 [comment]}). */
final class PinnedHostKey implements HostKeyRepository {
  static final String MISMATCH = "pinned host key mismatch";

  private final String algorithm;
  private final byte[] key;

  private PinnedHostKey(String algorithm, byte[] key) {
    this.algorithm = algorithm;
    this.key = key;
  }

  static PinnedHostKey parse(String line) {
    String[] parts = line.strip().split("\\s+");
    if (parts.length < 2 || !parts[0].matches("(ssh|ecdsa)-[a-z0-9-]+")) {
      throw new IllegalArgumentException("junit.mirage.dom0.hostKey is not an OpenSSH public key "
          + "line (\"ssh-ed25519 AAAA... [comment]\"): " + line);
    }
    try {
      return new PinnedHostKey(parts[0], Base64.getDecoder().decode(parts[1]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("junit.mirage.dom0.hostKey has a key that is not base64: "
          + parts[1], e);
    }
  }

  /**
   * {@return the signature algorithms to ask for} An RSA key's type is {@code ssh-rsa}, but that
   * name also means SHA-1 signatures, which OpenSSH refuses since 8.8: ask for rsa-sha2.
   */
  String algorithm() {
    return algorithm.equals("ssh-rsa") ? "rsa-sha2-512,rsa-sha2-256" : algorithm;
  }

  @Override
  public int check(String host, byte[] offered) {
    return Arrays.equals(key, offered) ? OK : CHANGED;
  }

  @Override
  public void add(HostKey hostkey, UserInfo ui) {
    throw new UnsupportedOperationException(MISMATCH + ": the pinned key is fixed");
  }

  @Override
  public void remove(String host, String type) {}

  @Override
  public void remove(String host, String type, byte[] key) {}

  @Override
  public String getKnownHostsRepositoryID() {
    return "junit.mirage.dom0.hostKey";
  }

  @Override
  public HostKey[] getHostKey() {
    return new HostKey[0];
  }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    try {
      return new HostKey[] {new HostKey(host, key)};
    } catch (JSchException e) {
      return new HostKey[0];
    }
  }
}

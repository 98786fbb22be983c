package io.github.junitmirage.boot;

import io.github.junitmirage.MirageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files, for content-addressed uploads. */
public final class Hashing {
  private Hashing() {}

  private static final java.util.Map<String, String> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  /** Cached per path, size and modification time: a 65 MB kernel is hashed once per run. */
  static String sha256(Path file) {
    String key;
    try {
      key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new MirageException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return CACHE.computeIfAbsent(key, k -> digest(file));
  }

  /** {@return the SHA-256 of {@code content}, in lower-case hex} */
  public static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String digest(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file),
        MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new MirageException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

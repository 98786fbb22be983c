package io.github.junitmirage.lab;

import io.github.junitmirage.MirageException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A built lab: Xen, the dom0 kernel and initramfs, SSH keys and the stand-in unikernel, as
 * {@code fixtures/lab/build-lab.sh} leaves them in {@code <cache>/lab-<recipe hash>/}.
 */
public final class LabImage {
  private final Path dir;
  private final Properties manifest;

  private LabImage(Path dir, Properties manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Opens the image in {@code dir}; fails naming the file that is missing. */
  public static LabImage open(Path dir) {
    Path file = dir.resolve("lab.properties");
    if (!Files.isRegularFile(file)) {
      throw new MirageException("no lab image in " + dir + " (lab.properties missing): build it with "
          + "sudo fixtures/lab/build-lab.sh");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new MirageException("cannot read " + file + ": " + e.getMessage(), e);
    }
    LabImage image = new LabImage(dir, p);
    for (String key : List.of("xen", "dom0.kernel", "dom0.initrd", "ssh.key", "ssh.hostKey",
        "standin.kernel", "standin.initrd")) {
      if (!Files.isRegularFile(image.file(key))) {
        throw new MirageException("lab image " + dir + " is incomplete: " + image.file(key)
            + " is missing; delete " + dir + " and run sudo fixtures/lab/build-lab.sh");
      }
    }
    return image;
  }

  /**
   * Finds the image: the one the recipe in {@code fixtures} names when that folder is known (so a
   * changed recipe is noticed), otherwise the newest one in the cache.
   */
  public static LabImage locate(Path cache, Path fixtures) {
    if (fixtures != null && Files.isRegularFile(fixtures.resolve("lab/build-lab.sh"))) {
      Path expected = cache.resolve("lab-" + RecipeKey.of(fixtures));
      if (!Files.isDirectory(expected)) {
        String stale = newest(cache).map(p -> " (found " + p.getFileName() + ", built from an "
            + "older recipe: stale)").orElse("");
        throw new MirageException("the lab image for the current recipe is not built: " + expected
            + " is missing" + stale + "; run sudo " + fixtures.resolve("lab/build-lab.sh"));
      }
      return open(expected);
    }
    return open(newest(cache).orElseThrow(() -> new MirageException("no lab image in " + cache
        + ": build one with sudo fixtures/lab/build-lab.sh, or configure your own dom0 with "
        + "junit.mirage.dom0.host")));
  }

  private static java.util.Optional<Path> newest(Path cache) {
    if (!Files.isDirectory(cache)) {
      return java.util.Optional.empty();
    }
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(p -> p.getFileName().toString().startsWith("lab-"))
          .filter(p -> Files.isRegularFile(p.resolve("lab.properties")))
          .max(Comparator.comparing(p -> p.resolve("lab.properties").toFile().lastModified()));
    } catch (IOException e) {
      throw new MirageException("cannot list " + cache + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** A file of the image by its manifest key, e.g. {@code standin.kernel}. */
  public Path file(String key) {
    String name = manifest.getProperty(key);
    if (name == null) {
      throw new MirageException("lab image " + dir + " has no '" + key + "' in lab.properties: "
          + "rebuild it with sudo fixtures/lab/build-lab.sh");
    }
    return dir.resolve(name);
  }

  /** Seconds building this image took, as build-lab.sh noted it (absent in older images). */
  public java.util.OptionalLong buildSeconds() {
    String s = manifest.getProperty("build.seconds");
    return s == null || !s.matches("\\d+") ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(Long.parseLong(s));
  }

  public String sshUser() {
    return manifest.getProperty("ssh.user", "root");
  }

  public String hostKey() {
    try {
      return Files.readString(file("ssh.hostKey")).strip();
    } catch (IOException e) {
      throw new MirageException("cannot read the lab's host key: " + e.getMessage(), e);
    }
  }
}

package io.github.junitmirage.lab;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.junitmirage.MirageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the lab image: missing, incomplete and stale images are named with what to run. */
class LabImageTests {
  private static final Path FIXTURES = Path.of("..", "fixtures").toAbsolutePath().normalize();

  @TempDir
  Path cache;

  @Test
  void missingImage() {
    assertThatThrownBy(() -> LabImage.open(cache.resolve("lab-x"))).isInstanceOf(MirageException.class)
        .hasMessage("no lab image in " + cache.resolve("lab-x") + " (lab.properties missing): build "
            + "it with sudo fixtures/lab/build-lab.sh");
    assertThatThrownBy(() -> LabImage.locate(cache, null)).hasMessage("no lab image in " + cache
        + ": build one with sudo fixtures/lab/build-lab.sh, or configure your own dom0 with "
        + "junit.mirage.dom0.host");
  }

  @Test
  void incompleteImage() throws Exception {
    Path dir = Files.createDirectories(cache.resolve("lab-x"));
    Files.writeString(dir.resolve("lab.properties"), "xen=xen\ndom0.kernel=k\n");
    assertThatThrownBy(() -> LabImage.open(dir)).hasMessage("lab image " + dir + " is incomplete: "
        + dir.resolve("xen") + " is missing; delete " + dir + " and run sudo fixtures/lab/build-lab.sh");
  }

  @Test
  void imageOfTheCurrentRecipeNotBuilt() {
    assertThatThrownBy(() -> LabImage.locate(cache, FIXTURES))
        .hasMessageMatching("the lab image for the current recipe is not built: " + cache
            + "/lab-[0-9a-f]{12} is missing; run sudo " + FIXTURES + "/lab/build-lab.sh");
  }

  @Test
  void staleImage() throws Exception {
    Path old = Files.createDirectories(cache.resolve("lab-000000000000"));
    Files.writeString(old.resolve("lab.properties"), "recipe=000000000000\n");
    assertThatThrownBy(() -> LabImage.locate(cache, FIXTURES))
        .hasMessageContaining(" is missing (found lab-000000000000, built from an older recipe: "
            + "stale); run sudo ");
  }
}

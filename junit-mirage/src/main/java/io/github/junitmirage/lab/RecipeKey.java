package io.github.junitmirage.lab;

import io.github.junitmirage.MirageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The recipe hash of the lab, asked of build-lab.sh itself so that there is one definition. */
final class RecipeKey {
  private RecipeKey() {}

  static String of(Path fixtures) {
    Path script = fixtures.resolve("lab/build-lab.sh");
    try {
      Process p = new ProcessBuilder("bash", script.toString(), "--key")
          .redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new MirageException(script + " --key did not answer within 30 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0 || !out.matches("[0-9a-f]{12}")) {
        throw new MirageException(script + " --key failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new MirageException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MirageException("interrupted while asking " + script + " for the recipe key", e);
    }
  }
}

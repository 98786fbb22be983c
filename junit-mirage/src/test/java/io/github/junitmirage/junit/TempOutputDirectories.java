package io.github.junitmirage.junit;

import java.nio.file.Path;

/** Report files go to a temporary folder, as a build tool's would go to its reports. */
final class TempOutputDirectories
    implements org.junit.platform.engine.reporting.OutputDirectoryProvider {
  private final Path root;

  TempOutputDirectories() {
    try {
      root = java.nio.file.Files.createTempDirectory("junit-mirage-reports-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public Path getRootDirectory() {
    return root;
  }

  @Override
  public Path createOutputDirectory(org.junit.platform.engine.TestDescriptor descriptor)
      throws java.io.IOException {
    return java.nio.file.Files.createDirectories(root.resolve(
        descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9._-]", "_")));
  }
}

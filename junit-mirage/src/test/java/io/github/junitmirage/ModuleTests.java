package io.github.junitmirage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Opens;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The compiled module: what it exports, what it opens, and that its packages form no cycle. */
class ModuleTests {
  private static final String ROOT = "io.github.junitmirage";

  @Test
  void exportsOnlyTheApiAndOpensOnlyTheExtensionPackageToJUnit() throws IOException {
    ModuleDescriptor module = descriptor();

    assertThat(module.exports()).allMatch(e -> !e.isQualified())
        .extracting(Exports::source)
        .containsExactlyInAnyOrder(ROOT, ROOT + ".junit");
    assertThat(module.opens()).extracting(Opens::source, Opens::targets)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ROOT + ".junit",
            Set.of("org.junit.platform.commons")));
  }

  @Test
  void theExportedPackagesHoldOnlyTheTypesUsersNeed() throws IOException {
    assertThat(publicTypesIn(ROOT)).containsExactlyInAnyOrder("DestroyMode",
        "Dom0ConnectionException", "MirageException", "Unikernel", "UnikernelStartupException");
    assertThat(publicTypesIn(ROOT + ".junit")).containsExactlyInAnyOrder("Lifecycle",
        "MirageSettings", "MirageUnikernel", "MirageUnikernelContainer", "MirageUnikernels",
        "UnikernelName");
  }

  @Test
  void packagesDependOnEachOtherWithoutCycles() throws IOException {
    Map<String, Set<String>> graph = packageGraph();

    assertThat(graph).as("packages seen by jdeps").containsKeys(ROOT + ".boot", ROOT + ".junit");
    assertThat(cycleIn(graph)).as("a package cycle").isEmpty();
  }

  /** One cycle of {@code graph} as its packages in order, or an empty list when it has none. */
  static List<String> cycleIn(Map<String, Set<String>> graph) {
    Map<String, Integer> state = new TreeMap<>();
    List<String> path = new ArrayList<>();
    for (String start : graph.keySet()) {
      List<String> cycle = visit(start, graph, state, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    return List.of();
  }

  private static List<String> visit(String node, Map<String, Set<String>> graph,
      Map<String, Integer> state, List<String> path) {
    int seen = state.getOrDefault(node, 0);
    if (seen == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
      cycle.add(node);
      return cycle;
    }
    if (seen == 2) {
      return List.of();
    }
    state.put(node, 1);
    path.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      List<String> cycle = visit(next, graph, state, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    state.put(node, 2);
    return List.of();
  }

  @Test
  void theCycleFinderFindsACycle() {
    assertThat(cycleIn(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a")))))
        .containsExactly("a", "b", "c", "a");
    assertThat(cycleIn(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of()))).isEmpty();
  }

  private static Map<String, Set<String>> packageGraph() throws IOException {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    String modulePath = Files.readString(classes().resolveSibling("classpath.txt")).strip();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--multi-release", "17",
        "--module-path", modulePath, "-verbose:package", "-filter:none", classes().toString());
    assertThat(status).as("jdeps exit status; its output:%n%s", out).isZero();

    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 3 && words[1].equals("->") && words[0].startsWith(ROOT)
          && words[2].startsWith(ROOT) && !words[0].equals(words[2])) {
        graph.computeIfAbsent(words[0], k -> new TreeSet<>()).add(words[2]);
      }
    }
    return graph;
  }

  private static Set<String> publicTypesIn(String packageName) throws IOException {
    Path folder = classes().resolve(packageName.replace('.', '/'));
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".class") && !f.contains("$"))
          .map(f -> f.substring(0, f.length() - ".class".length()))
          .filter(name -> Modifier.isPublic(load(packageName + "." + name).getModifiers()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ModuleTests.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ModuleDescriptor descriptor() throws IOException {
    try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  private static Path classes() {
    try {
      return Path.of(Unikernel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

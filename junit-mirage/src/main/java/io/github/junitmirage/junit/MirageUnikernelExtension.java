package io.github.junitmirage.junit;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.Unikernel;
import io.github.junitmirage.UnikernelStartupException;
import io.github.junitmirage.boot.Evidence;
import io.github.junitmirage.boot.RunningUnikernel;
import io.github.junitmirage.boot.UnikernelSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.MediaType;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Boots, injects and destroys the unikernels declared with {@link MirageUnikernel}. All state is in
 * JUnit's store: the run's dom0 session in the root context, each unikernel in the context of its
 * lifecycle, closed (destroyed) by JUnit when that context ends.
 */
final class MirageUnikernelExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback, ParameterResolver {
  private static final Namespace NS = Namespace.create(MirageUnikernelExtension.class);
  private static final System.Logger LOG = System.getLogger("junit-mirage");

  @Override
  public void beforeAll(ExtensionContext context) {
    JupiterVersion.require();
    List<Declaration> declared = Declarations.ofClass(context.getRequiredTestClass());
    declared.forEach(SpecResolver::validate);
    bootAll(declared.stream().filter(d -> !d.perMethod()).toList(), context);
    for (Declaration d : declared) {
      if (d.origin() == Declaration.Origin.STATIC_FIELD) {
        inject(d, null, context);
      }
    }
    // @TestInstance(PER_CLASS): the instance exists already, and a non-static @BeforeAll may use
    // its per-class fields.
    context.getTestInstance().ifPresent(instance -> {
      for (Declaration d : declared) {
        if (d.origin() == Declaration.Origin.INSTANCE_FIELD && !d.perMethod()) {
          inject(d, instance, context);
        }
      }
    });
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    List<Declaration> method = Declarations.ofMethod(context.getRequiredTestMethod());
    method.forEach(SpecResolver::validate);
    Declarations.visible(context); // rejects a method declaration that clashes with a class one
    List<Declaration> perMethod = new ArrayList<>(method);
    perMethod.addAll(Declarations.perMethodOf(context));
    bootAll(perMethod, context);
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Declaration d : Declarations.ofClass(instance.getClass())) {
        if (d.origin() == Declaration.Origin.INSTANCE_FIELD) {
          inject(d, instance, context);
        }
      }
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    for (Declaration d : Declarations.visible(context)) {
      RunningUnikernel u = context.getStore(NS).get(d.storeKey(), RunningUnikernel.class);
      if (u != null) {
        publishEvidence(context, u);
        DestroyMode mode = spec(context, d).map(UnikernelSpec::destroyMode).orElse(DestroyMode.ALWAYS);
        if (mode == DestroyMode.ON_SUCCESS) {
          u.keep();
        }
      }
    }
  }

  /** One declaration made ready to launch: everything checked, name and MAC chosen. */
  private record Pending(Declaration declaration, UnikernelSpec spec, String domain, String mac,
      ExtensionContext.Store store, RunResources run) {}

  /**
   * Boots the declarations of one context, side by side when there are several (each boot spends
   * most of its time waiting for the guest); either all succeed or none is left running.
   */
  private void bootAll(List<Declaration> declarations, ExtensionContext context) {
    List<Pending> pending = new ArrayList<>();
    for (Declaration d : declarations) {
      if (d.lifecycle() == Lifecycle.PER_RUN) {
        bootOncePerRun(d, context);
      } else {
        pending.add(prepare(d, context.getStore(NS), context));
      }
    }
    List<CompletableFuture<RunningUnikernel>> launches = new ArrayList<>();
    ExecutorService pool = pending.size() > 1 ? Executors.newFixedThreadPool(pending.size()) : null;
    for (Pending p : pending) {
      Supplier<RunningUnikernel> launch = () -> p.run().launch(p.spec(), p.domain(), p.mac());
      launches.add(pool == null ? completedOrFailed(launch) : CompletableFuture.supplyAsync(launch, pool));
    }
    RuntimeException failure = null;
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      try {
        register(p, launches.get(i).join());
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
        reportStartupFailure(p, cause, context);
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (pool != null) {
      pool.shutdown();
    }
    if (failure != null) {
      throw failure; // the ones that did boot are in the store already: JUnit closes them
    }
  }

  /**
   * A PER_RUN unikernel boots once for the whole run, also when classes run in parallel: the
   * first class to need it boots it while holding its run-wide lock; the others wait, then share
   * it if they declare it identically.
   */
  private void bootOncePerRun(Declaration d, ExtensionContext context) {
    ExtensionContext.Store root = context.getRoot().getStore(NS);
    Object lock = root.getOrComputeIfAbsent("lock:" + d.name(), k -> new Object());
    synchronized (lock) {
      if (root.get(d.storeKey()) != null) {
        requireSameSpec(d, context);
        return;
      }
      Pending p = prepare(d, root, context);
      try {
        register(p, p.run().launch(p.spec(), p.domain(), p.mac()));
      } catch (RuntimeException e) {
        reportStartupFailure(p, e, context);
        throw e;
      }
    }
  }

  private static CompletableFuture<RunningUnikernel> completedOrFailed(Supplier<RunningUnikernel> s) {
    try {
      return CompletableFuture.completedFuture(s.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Pending prepare(Declaration d, ExtensionContext.Store store, ExtensionContext context) {
    MirageSettings settings = MirageSettings.of(context);
    // Resolve before touching dom0, so that a wrong path or setting fails without booting the lab.
    UnikernelSpec spec = SpecResolver.resolve(d, settings, variables(context, settings),
        settings.timeouts());
    RunResources run = run(context);
    return new Pending(d, spec, run.nextDomainName(d.name()), spec.mac().orElseGet(run::nextMac),
        store, run);
  }

  private static void register(Pending p, RunningUnikernel u) {
    if (p.spec().destroyMode() == DestroyMode.NEVER) {
      u.keep();
    }
    p.store().put("spec:" + p.declaration().name(), p.spec());
    p.store().put(p.declaration().storeKey(), u);
  }

  private static void reportStartupFailure(Pending p, RuntimeException e, ExtensionContext context) {
    if (e instanceof UnikernelStartupException startup) {
      publish(context, p.domain() + "-console.txt", String.join("\n", startup.console()) + "\n");
    }
    if (p.spec().destroyMode() != DestroyMode.ALWAYS) {
      LOG.log(System.Logger.Level.WARNING, "kept failed domain " + p.domain() + "; attach with: "
          + Evidence.attachCommand(p.run().session(), p.domain()));
    }
  }

  private static java.util.function.Function<String, Optional<String>> variables(
      ExtensionContext context, MirageSettings settings) {
    return name -> "lab".equals(name) ? run(context).labDir().map(Object::toString)
        : settings.get(name).or(() -> Optional.ofNullable(System.getenv(name)));
  }

  private void requireSameSpec(Declaration d, ExtensionContext context) {
    MirageSettings settings = MirageSettings.of(context);
    UnikernelSpec mine = SpecResolver.resolve(d, settings, variables(context, settings),
        settings.timeouts());
    UnikernelSpec theirs = context.getRoot().getStore(NS).get("spec:" + d.name(), UnikernelSpec.class);
    if (theirs != null && !theirs.equals(mine)) {
      throw new ExtensionConfigurationException("@MirageUnikernel '" + d.name() + "' on "
          + d.where() + " is PER_RUN, and another class declared a PER_RUN unikernel of that name "
          + "with different settings: declare it identically everywhere (for example in one "
          + "meta-annotation) or give it another name");
    }
  }

  private Optional<UnikernelSpec> spec(ExtensionContext context, Declaration d) {
    return Optional.ofNullable(context.getStore(NS).get("spec:" + d.name(), UnikernelSpec.class));
  }

  private static RunResources run(ExtensionContext context) {
    return context.getRoot().getStore(NS).getOrComputeIfAbsent("run",
        k -> RunResources.create(MirageSettings.of(context)), RunResources.class);
  }

  private void inject(Declaration d, Object instance, ExtensionContext context) {
    Field f = d.field();
    RunningUnikernel u = context.getStore(NS).get(d.storeKey(), RunningUnikernel.class);
    if (u == null) {
      throw new ExtensionConfigurationException("@MirageUnikernel on " + d.where() + ": no booted "
          + "unikernel to inject (a per-method unikernel cannot go into a static field)");
    }
    try {
      f.setAccessible(true);
      f.set(Modifier.isStatic(f.getModifiers()) ? null : instance, u);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExtensionConfigurationException("cannot inject into " + d.where() + ": "
          + e.getMessage() + " (is the test package opened to junit-mirage?)", e);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    Class<?> type = p.getParameter().getType();
    // Unikernel is ours alone; InetAddress and OkHttpClient only where a unikernel is declared,
    // so that other resolvers can supply them elsewhere.
    boolean ours = type == Unikernel.class || ((type == InetAddress.class
        || type == OkHttpClient.class) && !Declarations.visible(context).isEmpty());
    if (ours && p.getDeclaringExecutable() instanceof Constructor) {
      throw new ParameterResolutionException("junit-mirage does not inject constructor parameters ("
          + p.getParameter() + " of " + p.getDeclaringExecutable().getName() + "): take the "
          + type.getSimpleName() + " as a parameter of the test, @BeforeEach or @BeforeAll method, "
          + "or annotate a Unikernel field with @MirageUnikernel");
    }
    return ours;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    Unikernel u = ParameterChoice.choose(p, Declarations.visible(context),
        d -> context.getStore(NS).get(d.storeKey(), RunningUnikernel.class));
    Class<?> type = p.getParameter().getType();
    if (type == InetAddress.class) {
      return u.ip();
    }
    return type == OkHttpClient.class ? u.httpClient() : u;
  }

  private void publishEvidence(ExtensionContext context, RunningUnikernel u) {
    String d = u.domainName();
    publish(context, d + "-console.txt", u.transcript().text());
    publish(context, d + ".xl", u.xlConfig());
    for (Map.Entry<String, String> e : Evidence.collect(
        run(context).session(), d).entrySet()) {
      publish(context, d + "-" + e.getKey(), e.getValue());
    }
    context.publishReportEntry("junit-mirage." + u.name(), u + "; attach: " + u.attachCommand());
  }

  private static void publish(ExtensionContext context, String name, String text) {
    try {
      context.publishFile(name, MediaType.TEXT_PLAIN_UTF_8,
          path -> Files.writeString(path, text, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not attach " + name + " to the report: " + e);
    }
  }
}

package io.github.junitmirage.junit;

import io.github.junitmirage.boot.RunningUnikernel;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/** Picks the unikernel a parameter asks for, or says exactly why it cannot. */
final class ParameterChoice {
  private ParameterChoice() {}

  static RunningUnikernel choose(ParameterContext p, List<Declaration> visible,
      Function<Declaration, RunningUnikernel> booted) {
    String param = p.getParameter().getType().getSimpleName() + " parameter '"
        + p.getParameter().getName() + "' of " + p.getDeclaringExecutable().getName();
    if (visible.isEmpty()) {
      throw new ParameterResolutionException("no @MirageUnikernel is declared for " + param
          + ": annotate the test class, a field or the method with @MirageUnikernel");
    }
    Declaration chosen;
    var named = p.findAnnotation(UnikernelName.class);
    if (named.isPresent()) {
      chosen = visible.stream().filter(d -> d.name().equals(named.get().value())).findFirst()
          .orElseThrow(() -> new ParameterResolutionException("@UnikernelName(\"" + named.get().value()
              + "\") on " + param + " names no declared unikernel; declared: " + names(visible)));
    } else if (visible.size() == 1) {
      chosen = visible.get(0);
    } else {
      throw new ParameterResolutionException(param + " is ambiguous: " + visible.size()
          + " unikernels are declared (" + names(visible) + "); say which, as in @UnikernelName(\""
          + visible.get(0).name() + "\") " + p.getParameter().getType().getSimpleName() + " "
          + p.getParameter().getName());
    }
    RunningUnikernel u = booted.apply(chosen);
    if (u == null) {
      throw new ParameterResolutionException("unikernel '" + chosen.name() + "' (" + chosen.where()
          + ") is " + chosen.lifecycle() + " and not booted where " + param + " asks for it: a "
          + "per-method unikernel exists only in @BeforeEach, the test and @AfterEach");
    }
    return u;
  }

  private static String names(List<Declaration> visible) {
    return visible.stream().map(Declaration::name).collect(Collectors.joining(", "));
  }
}

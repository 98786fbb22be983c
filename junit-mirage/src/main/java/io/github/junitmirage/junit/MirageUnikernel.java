package io.github.junitmirage.junit;

import io.github.junitmirage.DestroyMode;
import io.github.junitmirage.Unikernel;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Boots a MirageOS unikernel on a Xen dom0 for the annotated test class, method or field, waits
 * until its console reports an address, injects it and destroys the domain afterwards.
 *
 * <pre>
 * &#64;MirageUnikernel(name = "www", kernel = "target/www.xen")
 * class StaticWebsiteIT {
 *   &#64;Test
 *   void home(Unikernel www, OkHttpClient http) throws IOException {
 *     try (Response r = http.newCall(new Request.Builder().url(www.url("/")).build()).execute()) {
 *       assertThat(r.body().string()).contains("Hello Mirage World!");
 *     }
 *   }
 * }
 * </pre>
 *
 * <h2>Where it goes</h2>
 * <ul>
 *   <li>On a class (repeatable): one unikernel per declaration, {@link Lifecycle#PER_CLASS} by
 *       default; test and lifecycle methods take it as a {@link Unikernel}, {@code InetAddress} or
 *       {@code OkHttpClient} parameter ({@link UnikernelName} picks one when several are declared).
 *   <li>On a field of type {@link Unikernel}: declares and injects one; the field name is its name.
 *       Static fields are per class, instance fields per method unless {@link #lifecycle()} says otherwise.
 *   <li>On a test method: a fresh unikernel for that method only.
 * </ul>
 *
 * <h2>Limitations</h2>
 * Readiness is judged from the console (and optionally HTTP). Constructor parameters are not
 * injected. Where a dom0 is configured (see the README), the unikernel runs there; otherwise the
 * embedded QEMU lab is booted once per test run.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD})
@Repeatable(MirageUnikernels.class)
@ExtendWith(MirageUnikernelExtension.class)
public @interface MirageUnikernel {
  /**
   * {@return its name} The domain is called {@code <name>-<run tag>}. Default: the field or method
   * name, else the kernel's or xl file's name without extension.
   */
  String name() default "";

  /**
   * {@return the kernel image on the test host} It is uploaded to dom0; a relative path is
   * resolved against the working directory. Give either this or {@link #xlFile()}.
   */
  String kernel() default "";

  /** {@return an initial ramdisk on the test host, uploaded to dom0} Real unikernels need none. */
  String ramdisk() default "";

  /**
   * {@return an xl file as {@code mirage configure -t xen} writes it} Its kernel, memory, type,
   * bridge and cmdline are taken from it, other lines passed through; attributes set here override
   * it.
   */
  String xlFile() default "";

  /** {@return memory in MiB} Default: the xl file's, else 128. */
  int memoryMb() default 0;

  /** {@return the dom0 bridge for the interface} Default: {@code junit.mirage.bridge}, else br0. */
  String bridge() default "";

  /** {@return the interface's MAC} Default: a locally administered one, unique in this run. */
  String mac() default "";

  /**
   * {@return the guest type, {@code pv} or {@code pvh}} Default: the xl file's, else the kernel's
   * own, read from its ELF notes (PVH for Solo5/Mirage 4, PV for Mini-OS/Mirage 2 and 3 and for
   * Linux).
   */
  String type() default "";

  /**
   * {@return the kernel command line} For Mirage 4, its runtime arguments, such as
   * {@code --ipv4=10.0.0.2/24}.
   */
  String cmdline() default "";

  /**
   * {@return raw {@code key = value} lines added to the xl config} Each is read with xl's grammar
   * (one setting, no {@code ;}, no {@code +=}) and must use a key that neither runs a program on
   * dom0 nor gives the guest dom0's devices or files ({@code vcpus}, {@code maxmem},
   * {@code on_poweroff}, {@code cpus}, an empty {@code disk}, ...); lines passed through from
   * {@link #xlFile()} are checked the same way.
   */
  String[] xl() default {};

  /**
   * {@return xl keys you accept although they can run programs on dom0 or hand it to the guest}
   * For instance {@code "bootloader"} or {@code "disk"}. Dangerous on a shared dom0: only for a
   * dom0 you own.
   */
  String[] allowDangerousXlKeys() default {};

  /**
   * {@return a regular expression for the console line that means ready} Named groups become
   * {@link Unikernel#captured()}, a group {@code ip} gives the address. Default: the address line
   * of any Mirage generation.
   */
  String readyPattern() default "";

  /**
   * {@return a path that must also answer {@link #readyHttpStatus()} before the unikernel is ready}
   * Default: none, the console line alone decides.
   */
  String readyHttpPath() default "";

  /** {@return the HTTP status {@link #readyHttpPath()} must answer} Default: 200. */
  int readyHttpStatus() default 200;

  /**
   * {@return seconds from {@code xl create} to the ready line} Default:
   * {@code junit.mirage.bootTimeoutSeconds}, else 120.
   */
  int bootTimeoutSeconds() default 0;

  /** {@return seconds for the HTTP readiness check} Default: 30. */
  int readyTimeoutSeconds() default 0;

  /** {@return how long it lives} The default depends on where the annotation is (see above). */
  Lifecycle lifecycle() default Lifecycle.DEFAULT;

  /** {@return when its domain is destroyed} */
  DestroyMode destroy() default DestroyMode.DEFAULT;
}

package io.github.junitmirage.dom0;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A healthy dom0 as junit-mirage uses it: xl list/create/domid/destroy, the work folder, uploads,
 * the watchdog. {@code xl create -c} runs the given console script. Tests wrap it to inject faults.
 */
public class FakeXl implements FakeDom0.Script {
  /** What {@code xl create -c} prints; runs while the domain "exists". */
  @FunctionalInterface
  public interface Console {
    void run(String domain, OutputStream out) throws Exception;
  }

  private final Console console;
  private final Map<String, Integer> domains = new ConcurrentHashMap<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, String> states = new ConcurrentHashMap<>();

  public FakeXl(Console console) {
    this.console = console;
  }

  /** What was uploaded to a path, or null. */
  public byte[] file(String path) {
    return files.get(path);
  }

  /** What {@code xl list} shows as the domain's state from now on (default {@code -b----}). */
  public void setState(String domain, String state) {
    states.put(domain, state);
  }

  public boolean exists(String domain) {
    return domains.containsKey(domain);
  }

  @Override
  public int run(List<String> argv, InputStream in, OutputStream out, OutputStream err) throws Exception {
    List<String> xl = argv.size() > 2 && argv.get(0).equals("sudo") ? argv.subList(2, argv.size()) : argv;
    if (xl.get(0).equals("xl")) {
      return xl(xl.subList(1, xl.size()), out, err);
    }
    switch (argv.get(0)) {
      case "mkdir":
        return 0;
      case "test":
        return files.containsKey(argv.get(2)) ? 0 : 1;
      case "sh":
        // (the watchdog comes as sh -c <launcher> <script> <tag> ...)
        String role = argv.get(2).startsWith("if command -v bash") ? "watchdog" : argv.get(3);
        if (role.equals("upload")) {
          files.put(argv.get(4), in.readAllBytes());
        } else if (role.equals("place")) {
          String file = argv.get(4) + "/" + argv.get(5);
          if (files.containsKey(file)) {
            FakeDom0.print(out, "present\n");
          } else {
            FakeDom0.print(out, "send\n");
            files.put(file, in.readAllBytes());
          }
        } else if (role.equals("create")) {
          // create.sh: $1 config path, $2 domain name, $3 first|again, $4 config text, then xl
          files.put(argv.get(4), argv.get(7).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          if (argv.get(6).equals("again")) {
            domains.remove(argv.get(5));
          }
          return xl(List.of("create", "-c", argv.get(4)), out, err);
        } else if (role.equals("watchdog")) {
          in.transferTo(OutputStream.nullOutputStream()); // until the channel closes
        }
        return 0;
      default:
        FakeDom0.print(err, "sh: 1: " + argv.get(0) + ": not found\n");
        return 127;
    }
  }

  private int xl(List<String> args, OutputStream out, OutputStream err) throws Exception {
    switch (args.get(0)) {
      case "list":
        if (args.size() == 1) {
          FakeDom0.print(out, "Name  ID   Mem VCPUs\tState\tTime(s)\nDomain-0  0  1024  2  r-----  1.0\n");
          return 0;
        }
        String name = args.get(args.size() - 1);
        if (!exists(name)) {
          FakeDom0.print(err, name + " is an invalid domain identifier (rc=-6)\n");
          return 1;
        }
        FakeDom0.print(out, "Name  ID   Mem VCPUs\tState\tTime(s)\n" + name + "  " + domains.get(name)
            + "  128  1  " + states.getOrDefault(name, "-b----") + "  0.5\n");
        return 0;
      case "create":
        String path = args.get(args.size() - 1);
        String domain = path.substring(path.lastIndexOf('/') + 1).replace(".xl", "");
        domains.put(domain, 7);
        FakeDom0.print(err, "Parsing config from " + path + "\n");
        console.run(domain, out);
        return 0;
      case "domid":
        FakeDom0.print(out, "7\n");
        return 0;
      case "destroy":
        domains.remove(args.get(1));
        return 0;
      default:
        return 0;
    }
  }
}

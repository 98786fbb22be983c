package io.github.junitmirage.xen;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code xl network-list NAME} says of a domain's vifs, in words: how far each got in the
 * Xenbus handshake between the guest's netfront and dom0's netback, which tells a guest that never
 * connected its network from one that did and then waited for something else.
 */
public final class XlNetworkList {
  private static final List<String> STATES = List.of("Unknown", "Initialising", "InitWait",
      "Initialised", "Connected", "Closing", "Closed", "Reconfiguring", "Reconfigured");

  private XlNetworkList() {}

  /**
   * Describes xl's table ({@code Idx BE Mac Addr. handle state evt-ch tx-/rx-ring-ref BE-path}),
   * e.g. {@code vif 0: Connected (4), event channel 10, rings 768/769}; lines it cannot read are
   * kept as they are.
   */
  public static String describe(String output) {
    List<String> vifs = new ArrayList<>();
    for (String line : output.strip().split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("Idx")) {
        continue;
      }
      String[] c = l.split("\\s+");
      if (c.length >= 7 && c[0].matches("\\d+") && c[4].matches("-?\\d+")) {
        int state = Integer.parseInt(c[4]);
        String name = state >= 0 && state < STATES.size() ? STATES.get(state) : "state";
        vifs.add("vif " + c[0] + ": " + name + " (" + state + "), event channel " + c[5]
            + ", rings " + c[6]);
      } else {
        vifs.add("vif: " + l.replaceAll("\\p{Cntrl}", "?"));
      }
    }
    return vifs.isEmpty() ? "no vif listed" : String.join(", ", vifs);
  }
}

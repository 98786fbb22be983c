package io.github.junitmirage.xen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * How Xen can boot a kernel image, read from its ELF notes as Xen's own loader does: a
 * {@code XEN_ELFNOTE_PHYS32_ENTRY} note makes it PVH-capable (Solo5, so MirageOS 4), a
 * {@code XEN_ELFNOTE_ENTRY} note or a {@code __xen_guest} section PV-capable (Mini-OS, so MirageOS
 * 2 and 3, and Linux).
 */
public enum KernelKind {
  /** Only PV: Mini-OS, MirageOS 2 and 3. */
  PV_ONLY("a PV-only kernel (Mini-OS style)", "pv"),
  /** Only PVH: Solo5, MirageOS 4. */
  PVH_ONLY("a PVH-only kernel (Solo5/MirageOS 4 style)", "pvh"),
  /** Both, as Linux: booted as PV unless told otherwise. */
  PV_AND_PVH("a kernel that boots as PV or PVH (Linux style)", "pv"),
  /** No Xen notes found: a compressed image, or not a Xen kernel. */
  UNKNOWN("a kernel without readable Xen ELF notes", "pv");

  private static final int NOTE_ENTRY = 1;
  private static final int NOTE_PHYS32_ENTRY = 18;
  private static final int PT_NOTE = 4;
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private static final System.Logger LOG = System.getLogger("junit-mirage");

  private final String description;
  private final String defaultType;

  KernelKind(String description, String defaultType) {
    this.description = description;
    this.defaultType = defaultType;
  }

  /** What this kind is, for messages. */
  public String description() {
    return description;
  }

  /** The xl {@code type} to use when none is given. */
  public String defaultType() {
    return defaultType;
  }

  /** Whether Xen can boot this kind as {@code type} ({@code pv} or {@code pvh}). */
  public boolean supports(String type) {
    return switch (this) {
      case PV_ONLY -> type.equals("pv");
      case PVH_ONLY -> type.equals("pvh");
      case PV_AND_PVH, UNKNOWN -> true;
    };
  }

  /**
   * The xl {@code type} for booting {@code kernel}: {@code given} when the kernel can boot that
   * way, the kernel's own when {@code given} is empty (logged, naming {@code subject}).
   *
   * @throws IllegalArgumentException when the kernel cannot be read or cannot boot as {@code given}
   */
  public static String guestType(String subject, Path kernel, String given) {
    KernelKind kind;
    try {
      kind = of(kernel);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read kernel " + kernel + ": " + e.getMessage(), e);
    }
    if (given.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, subject + ": " + kernel.getFileName() + " is "
          + kind.description() + ": booting it as type '" + kind.defaultType() + "'");
      return kind.defaultType();
    }
    if (!kind.supports(given)) {
      throw new IllegalArgumentException("type '" + given + "' cannot boot " + kernel + ": it is "
          + kind.description() + "; set type = '" + kind.defaultType()
          + "' or leave type unset to use the kernel's own");
    }
    return given;
  }

  /** Reads the kind of the kernel image at {@code path}. */
  public static KernelKind of(Path path) throws IOException {
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
      Optional<Elf> elf = Elf.read(file);
      return elf.isPresent() ? fromElf(elf.get()) : UNKNOWN;
    }
  }

  private static KernelKind fromElf(Elf elf) throws IOException {
    boolean pv = elf.hasSection("__xen_guest") || elf.hasXenNote(NOTE_ENTRY);
    boolean pvh = elf.hasXenNote(NOTE_PHYS32_ENTRY);
    if (pv && pvh) {
      return PV_AND_PVH;
    }
    return pv ? PV_ONLY : pvh ? PVH_ONLY : UNKNOWN;
  }

  /** The few parts of an ELF file needed here: note segments and section names. */
  private record Elf(FileChannel file, boolean is64, ByteOrder order) {
    static Optional<Elf> read(FileChannel file) throws IOException {
      ByteBuffer ident = readAt(file, 0, 16, ByteOrder.LITTLE_ENDIAN);
      if (ident.remaining() < 16 || ident.getInt(0) != 0x464c457f) {
        return Optional.empty();
      }
      ByteOrder order = ident.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      return Optional.of(new Elf(file, ident.get(4) == 2, order));
    }

    boolean hasXenNote(int type) throws IOException {
      ByteBuffer h = header();
      long phoff = is64 ? h.getLong(32) : Integer.toUnsignedLong(h.getInt(28));
      int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 54 : 42));
      int phnum = Short.toUnsignedInt(h.getShort(is64 ? 56 : 44));
      for (int i = 0; i < phnum; i++) {
        ByteBuffer ph = readAt(file, phoff + (long) i * phentsize, phentsize, order);
        if (ph.getInt(0) == PT_NOTE && notesContain(word(ph, is64 ? 8 : 4, is64),
            word(ph, is64 ? 32 : 16, is64), type)) {
          return true;
        }
      }
      return false;
    }

    boolean hasSection(String wanted) throws IOException {
      ByteBuffer h = header();
      long shoff = is64 ? h.getLong(40) : Integer.toUnsignedLong(h.getInt(32));
      int shentsize = Short.toUnsignedInt(h.getShort(is64 ? 58 : 46));
      int shnum = Short.toUnsignedInt(h.getShort(is64 ? 60 : 48));
      int shstrndx = Short.toUnsignedInt(h.getShort(is64 ? 62 : 50));
      if (shoff == 0 || shstrndx >= shnum) {
        return false;
      }
      ByteBuffer names = section(shoff, shentsize, shstrndx);
      for (int i = 0; i < shnum; i++) {
        ByteBuffer sh = readAt(file, shoff + (long) i * shentsize, shentsize, order);
        if (wanted.equals(cString(names, sh.getInt(0)))) {
          return true;
        }
      }
      return false;
    }

    private ByteBuffer section(long shoff, int shentsize, int index) throws IOException {
      ByteBuffer sh = readAt(file, shoff + (long) index * shentsize, shentsize, order);
      long offset = word(sh, is64 ? 24 : 16, is64);
      long size = word(sh, is64 ? 32 : 20, is64);
      return readAt(file, offset, (int) Math.min(size, MAX_HEADER_BYTES), order);
    }

    private boolean notesContain(long offset, long size, int wantedType) throws IOException {
      ByteBuffer notes = readAt(file, offset, (int) Math.min(size, MAX_HEADER_BYTES), order);
      while (notes.remaining() >= 12) {
        int nameSize = notes.getInt();
        int descSize = notes.getInt();
        int type = notes.getInt();
        if (nameSize < 0 || descSize < 0 || align4(nameSize) + align4(descSize) > notes.remaining()) {
          return false;
        }
        byte[] name = new byte[nameSize];
        notes.get(name);
        notes.position(notes.position() + align4(nameSize) - nameSize + align4(descSize));
        if (type == wantedType && new String(name, StandardCharsets.US_ASCII).startsWith("Xen")) {
          return true;
        }
      }
      return false;
    }

    private ByteBuffer header() throws IOException {
      return readAt(file, 0, 64, order);
    }
  }

  private static long word(ByteBuffer b, int offset, boolean is64) {
    return is64 ? b.getLong(offset) : Integer.toUnsignedLong(b.getInt(offset));
  }

  private static int align4(int n) {
    return (n + 3) & ~3;
  }

  private static String cString(ByteBuffer table, int offset) {
    StringBuilder s = new StringBuilder();
    for (int i = offset; i >= 0 && i < table.limit() && table.get(i) != 0; i++) {
      s.append((char) table.get(i));
    }
    return s.toString();
  }

  private static ByteBuffer readAt(FileChannel file, long position, int length, ByteOrder order)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.max(0, length)).order(order);
    while (b.hasRemaining() && file.read(b, position + b.position()) > 0) {
      // read until full or end of file
    }
    return b.flip();
  }
}

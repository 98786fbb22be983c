package io.github.junitmirage.xen;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small ELF images written byte by byte, with the Xen notes that Xen's loader (and ours) read. */
public final class ElfImages {
  public static final int XEN_ELFNOTE_ENTRY = 1;
  public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

  private ElfImages() {}

  /** An image that only boots as PVH, as Solo5 (MirageOS 4) kernels are. */
  public static Path pvhOnly(Path file) throws java.io.IOException {
    return Files.write(file, elf(notes(note("Xen", XEN_ELFNOTE_PHYS32_ENTRY)), false));
  }

  public static byte[] note(String owner, int type) {
    byte[] name = (owner + "\0").getBytes(StandardCharsets.US_ASCII);
    int nameSize = (name.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(12 + nameSize + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(name.length).putInt(4).putInt(type).put(name);
    b.position(12 + nameSize);
    b.putInt(0x100000);
    return b.array();
  }

  public static byte[] notes(byte[]... notes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] n : notes) {
      out.writeBytes(n);
    }
    return out.toByteArray();
  }

  /**
   * A little-endian ELF64 file: the header, one PT_NOTE program header over {@code notes}, and,
   * when asked, section headers naming a {@code __xen_guest} section.
   */
  public static byte[] elf(byte[] notes, boolean xenGuestSection) {
    byte[] strtab = "\0.shstrtab\0__xen_guest\0".getBytes(StandardCharsets.US_ASCII);
    int phoff = 64;
    int notesAt = phoff + 56;
    int strtabAt = notesAt + notes.length;
    int shoff = (strtabAt + strtab.length + 7) & ~7;
    int shnum = xenGuestSection ? 3 : 0;
    ByteBuffer b = ByteBuffer.allocate(shoff + shnum * 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
    b.putLong(32, phoff).putLong(40, xenGuestSection ? shoff : 0);
    b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
    b.putShort(58, (short) 64).putShort(60, (short) shnum).putShort(62, (short) (shnum > 0 ? 1 : 0));
    b.putInt(phoff, 4).putLong(phoff + 8, notesAt).putLong(phoff + 32, notes.length);
    b.put(notesAt, notes);
    if (xenGuestSection) {
      b.put(strtabAt, strtab);
      int sh1 = shoff + 64;
      b.putInt(sh1, 1).putInt(sh1 + 4, 3).putLong(sh1 + 24, strtabAt).putLong(sh1 + 32, strtab.length);
      int sh2 = shoff + 128;
      b.putInt(sh2, 11).putInt(sh2 + 4, 1);
    }
    return b.array();
  }
}

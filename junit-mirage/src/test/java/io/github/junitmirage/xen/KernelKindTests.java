package io.github.junitmirage.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ELF images written here byte by byte, with the notes Xen's loader reads; real kernels (Solo5,
 * Linux) are read by {@code RealKernelsIT}.
 */
class KernelKindTests {
  private static final int XEN_ELFNOTE_ENTRY = 1;
  private static final int XEN_ELFNOTE_GUEST_OS = 6;
  private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

  @TempDir Path dir;

  @Test
  void solo5StyleKernelIsPvhOnly() throws IOException {
    Path k = elf("solo5.xen", notes(note("Solo5", 0x31494241), note("Xen", XEN_ELFNOTE_PHYS32_ENTRY)),
        false);
    assertThat(KernelKind.of(k)).isEqualTo(KernelKind.PVH_ONLY);
    assertThat(KernelKind.guestType("'www'", k, "")).isEqualTo("pvh");
  }

  @Test
  void linuxStyleKernelBootsAsPvUnlessToldOtherwise() throws IOException {
    Path k = elf("vmlinux", notes(note("Xen", XEN_ELFNOTE_GUEST_OS), note("Xen", XEN_ELFNOTE_ENTRY),
        note("Xen", XEN_ELFNOTE_PHYS32_ENTRY)), false);
    assertThat(KernelKind.of(k)).isEqualTo(KernelKind.PV_AND_PVH);
    assertThat(KernelKind.guestType("'linux'", k, "")).isEqualTo("pv");
    assertThat(KernelKind.guestType("'linux'", k, "pvh")).isEqualTo("pvh");
  }

  @Test
  void miniOsStyleKernelIsPvOnly() throws IOException {
    Path withNote = elf("mir-www.xen", notes(note("Xen", XEN_ELFNOTE_ENTRY)), false);
    Path withSection = elf("old-mini-os.xen", new byte[0], true);
    assertThat(KernelKind.of(withNote)).isEqualTo(KernelKind.PV_ONLY);
    assertThat(KernelKind.of(withSection)).isEqualTo(KernelKind.PV_ONLY);
  }

  @Test
  void notesOfAnotherOwnerDoNotCount() throws IOException {
    Path k = elf("other.elf", notes(note("GNU", XEN_ELFNOTE_PHYS32_ENTRY)), false);
    assertThat(KernelKind.of(k)).isEqualTo(KernelKind.UNKNOWN);
  }

  @Test
  void compressedOrForeignImagesAreUnknownAndBootAsPv() throws IOException {
    Path bz = Files.write(dir.resolve("vmlinuz"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0});
    assertThat(KernelKind.of(bz)).isEqualTo(KernelKind.UNKNOWN);
    assertThat(KernelKind.guestType("'x'", bz, "")).isEqualTo("pv");
    Path truncated = Files.write(dir.resolve("truncated"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1});
    assertThat(KernelKind.of(truncated)).isEqualTo(KernelKind.UNKNOWN);
  }

  @Test
  void wrongExplicitTypeNamesTheKernelsRealKind() throws IOException {
    Path pvh = elf("www.xen", notes(note("Xen", XEN_ELFNOTE_PHYS32_ENTRY)), false);
    assertThatThrownBy(() -> KernelKind.guestType("'www'", pvh, "pv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("type 'pv' cannot boot " + pvh + ": it is a PVH-only kernel (Solo5/MirageOS 4 "
            + "style); set type = 'pvh' or leave type unset to use the kernel's own");
    Path pv = elf("mini-os.xen", notes(note("Xen", XEN_ELFNOTE_ENTRY)), false);
    assertThatThrownBy(() -> KernelKind.guestType("'old'", pv, "pvh"))
        .hasMessageContaining("it is a PV-only kernel (Mini-OS style); set type = 'pv'");
  }

  @Test
  void unreadableKernelIsNamed() {
    Path missing = dir.resolve("nope.xen");
    assertThatThrownBy(() -> KernelKind.guestType("'www'", missing, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot read kernel " + missing);
  }

  private static byte[] note(String owner, int type) {
    byte[] name = (owner + "\0").getBytes(StandardCharsets.US_ASCII);
    int nameSize = (name.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(12 + nameSize + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(name.length).putInt(4).putInt(type).put(name);
    b.position(12 + nameSize);
    b.putInt(0x100000);
    return b.array();
  }

  private static byte[] notes(byte[]... notes) {
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
  private Path elf(String name, byte[] notes, boolean xenGuestSection) throws IOException {
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
    return Files.write(dir.resolve(name), b.array());
  }
}

package io.github.junitmirage.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ELF images written here byte by byte, with the notes Xen's loader reads; real kernels (Solo5,
 * Linux) are read by {@code RealKernelsIT}.
 */
class KernelKindTests {
  private static final int XEN_ELFNOTE_ENTRY = ElfImages.XEN_ELFNOTE_ENTRY;
  private static final int XEN_ELFNOTE_GUEST_OS = 6;
  private static final int XEN_ELFNOTE_PHYS32_ENTRY = ElfImages.XEN_ELFNOTE_PHYS32_ENTRY;

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

  private Path elf(String name, byte[] notes, boolean xenGuestSection) throws IOException {
    return Files.write(dir.resolve(name), ElfImages.elf(notes, xenGuestSection));
  }

  private static byte[] note(String owner, int type) {
    return ElfImages.note(owner, type);
  }

  private static byte[] notes(byte[]... notes) {
    return ElfImages.notes(notes);
  }
}

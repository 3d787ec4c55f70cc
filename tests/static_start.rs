//! How the binary is linked. On x86-64 Linux with glibc, `.cargo/config.toml`
//! links it static (issue 13: the dynamic loader was the largest part of a
//! small redline's start). This keeps that build honest: no loader, but
//! still position-independent and with read-only relocations.
//!
//! What a static glibc cannot do as well is load name-service modules, and
//! duthao never needs them: remotes are reached through the `git` program
//! (whose own lookups are dynamic as ever), and libgit2 reads the password
//! database only when run setuid. The sync tests go through loopback
//! servers with this binary.

/// ELF program header types this test reads.
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
mod elf {
    pub const PT_INTERP: u32 = 3;
    pub const PT_GNU_RELRO: u32 = 0x6474_e552;
    pub const ET_DYN: u16 = 3;

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes(b[at..at + 2].try_into().expect("two bytes"))
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
    }

    fn u64_at(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
    }

    /// The file type and the type of every program header of a 64-bit
    /// little-endian ELF file.
    pub fn headers(bytes: &[u8]) -> (u16, Vec<u32>) {
        assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
        assert_eq!(bytes[4], 2, "not a 64-bit ELF file");
        assert_eq!(bytes[5], 1, "not a little-endian ELF file");
        let file_type = u16_at(bytes, 0x10);
        let offset = usize::try_from(u64_at(bytes, 0x20)).expect("offset fits");
        let size = usize::from(u16_at(bytes, 0x36));
        let count = usize::from(u16_at(bytes, 0x38));
        let types = (0..count)
            .map(|i| u32_at(bytes, offset + i * size))
            .collect();
        (file_type, types)
    }
}

#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_starts_without_the_dynamic_loader_and_keeps_its_protections() {
    let path = env!("CARGO_BIN_EXE_duthao");
    let bytes = std::fs::read(path).expect("read the duthao binary");
    let (file_type, headers) = elf::headers(&bytes);
    assert!(
        !headers.contains(&elf::PT_INTERP),
        "{path} names a dynamic loader: .cargo/config.toml's static link is not in effect \
         (RUSTFLAGS in the environment replaces it)"
    );
    // A static-pie: loaded at a random address like any PIE, and its
    // relocated tables made read-only once relocated.
    assert_eq!(file_type, elf::ET_DYN, "{path} is not position-independent");
    assert!(
        headers.contains(&elf::PT_GNU_RELRO),
        "{path} has no RELRO segment"
    );
}

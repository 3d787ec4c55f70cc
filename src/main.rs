//! The `duthao` command line: a thin layer over the library.

#[cfg(not(target_env = "msvc"))]
mod alloc;
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

/// See [`alloc::release_free_memory`]; nothing to do with the system allocator.
pub(crate) fn release_free_memory() {
    #[cfg(not(target_env = "msvc"))]
    alloc::release_free_memory();
}

/// See [`alloc::prefault`]; nothing to do with the system allocator.
pub(crate) fn prefault(bytes: usize) {
    #[cfg(not(target_env = "msvc"))]
    alloc::prefault(bytes);
    #[cfg(target_env = "msvc")]
    let _ = bytes;
}

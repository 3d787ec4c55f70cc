//! The `duthao` command line: a thin layer over the library.

#[cfg(not(target_env = "msvc"))]
mod alloc;
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

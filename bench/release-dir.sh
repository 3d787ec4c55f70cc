# Sourced by the bench scripts: sets RELEASE to the folder of the release
# build. .cargo/config.toml names the host as Cargo's target (so that x86-64
# Linux links static without touching proc-macros), which puts artifacts
# under target/<host tuple>/release rather than target/release.
RELEASE="${CARGO_TARGET_DIR:-$PWD/target}/$(rustc --print host-tuple)/release"

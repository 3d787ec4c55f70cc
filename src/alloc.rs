//! The allocator of the `duthao` binary (the library leaves the choice to
//! whoever links it).
//!
//! jemalloc: its per-thread caches let the reader, the word diff and the
//! JSON writer allocate on two cores without waiting on one another, where
//! glibc's malloc either serialises them (one arena) or gives each thread an
//! arena of its own that memory freed elsewhere never returns to. jemalloc
//! does not build with MSVC; there the system allocator serves.

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// One arena: the threads' caches take the contention away, and a single
/// arena reuses what any thread freed (the drafts' file buffers once
/// parsed). The caches hold sizes up to 32 KiB, jemalloc's default: with
/// only small sizes cached, every paragraph-sized string took the arena's
/// lock, and two threads waited on each other for 5 % of a redline's time,
/// while the peak memory of a 5,000-page redline did not move (see
/// bench/diff.sh).
///
/// Freed pages are kept for the next allocation rather than handed back to
/// the system: a first touch of a page costs far more than reusing one (a
/// 5,000-page redline faulted in 118 MB to peak at 88 MB). So there is no
/// separate arena for large requests (`oversize_threshold:0`: the drafts'
/// file buffers, freed once parsed, were purged at once, and the model
/// faulted in new pages), slabs for small sizes may be cut from a large
/// freed extent (`lg_extent_max_active_fit`, by default at most 64 times the
/// request), and freed pages are never purged on their own
/// (`dirty_decay_ms:-1`): duthao is a command, not a server, and its memory
/// goes back to the system when it exits; [`release_free_memory`] purges
/// between phases where one is worth it (the DOCX writer). A quarter fewer
/// page faults at 5,000 pages, the same peak (the demo, a DOCX export and a
/// 3,000-page redline peak within a few MB of before).
///
/// Nor do the threads' caches hand back what they hold every 64 KiB
/// allocated (`tcache_gc_incr_bytes` at 1 GiB: in effect never): a cache
/// holds a bounded number of each size, and handing it back cost 5 % of a
/// 10-page redline's instructions while a 5,000-page redline peaks at the
/// same memory either way.
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: MallocConf = MallocConf(
    c"narenas:1,tcache_max:32768,oversize_threshold:0,lg_extent_max_active_fit:30,dirty_decay_ms:-1,tcache_gc_incr_bytes:1073741824"
        .as_ptr(),
);

#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: a pointer to a static, read-only C string.
unsafe impl Sync for MallocConf {}

/// Faults in `bytes` of fresh memory, half on each of two threads of
/// rayon's pool (one call each), and frees it again, so that what is
/// allocated next takes pages already there (freed pages are kept: see
/// [`MALLOC_CONF`], and slabs are cut from a large free extent). For a
/// command about to build something large of known size: the kernel fills
/// the pages in one go rather than at a fault per page as the program
/// first touches each, and a redline of long drafts spent a fifth of its
/// CPU time in page faults (2–4 % less CPU time at 1,000 and 5,000 pages,
/// see `bench/diff.sh`). On two threads, since one alone made the redline
/// 3.5–6 % longer on the clock. Linux 5.14 and later
/// (`MADV_POPULATE_WRITE`); elsewhere, and when the call fails, nothing is
/// faulted in and the pages come a fault at a time as before.
pub fn prefault(bytes: usize) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let Ok(layout) = std::alloc::Layout::from_size_align(bytes.next_multiple_of(page), page)
        else {
            return;
        };
        if layout.size() == 0 {
            return;
        }
        // SAFETY: a non-zero size; the memory is only handed to madvise
        // (which writes zeroes where it faults a page in, as a first touch
        // would) and freed with the layout it was allocated with.
        unsafe {
            let p = std::alloc::alloc(layout);
            if p.is_null() {
                return;
            }
            // Cut at a page: each half is whole pages of the allocation.
            let half = (layout.size() / 2)
                .next_multiple_of(page)
                .min(layout.size());
            // The pointer crosses to the other thread as an address: both
            // halves are done when `join` returns, before the memory is freed.
            let base = p as usize;
            let populate = |at: usize, len: usize| {
                if len > 0 {
                    libc::madvise(
                        (base + at) as *mut libc::c_void,
                        len,
                        libc::MADV_POPULATE_WRITE,
                    );
                }
            };
            rayon::join(
                || populate(0, half),
                || populate(half, layout.size() - half),
            );
            std::alloc::dealloc(p, layout);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// Gives the pages of freed memory back to the system now rather than
/// later. Called between two phases that allocate very differently (the
/// diff's small strings, then the DOCX writer's XML): the second would
/// otherwise take fresh pages while the first's free ones sit idle.
pub fn release_free_memory() {
    // SAFETY: "arena.<i>.purge" with i = MALLCTL_ARENAS_ALL (4096) takes
    // and returns nothing.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            c"arena.4096.purge".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// Set for the run of the test binary that measures (see below).
    const MEASURE: &str = "DUTHAO_TEST_PREFAULT_MEASURE";

    /// This process's resident memory, in bytes.
    fn resident() -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
        let pages: usize = statm
            .split(' ')
            .nth(1)
            .and_then(|p| p.parse().ok())
            .expect("resident pages in /proc/self/statm");
        // SAFETY: sysconf has no preconditions.
        pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize
    }

    /// Whether this kernel fills pages on MADV_POPULATE_WRITE (Linux 5.14;
    /// asked of a page of its own, since a version number says nothing
    /// under gVisor or seccomp).
    fn kernel_populates() -> bool {
        // SAFETY: a fresh private anonymous page, advised and unmapped; no
        // other memory is touched.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
            let p = libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return false;
            }
            let done = libc::madvise(p, page, libc::MADV_POPULATE_WRITE) == 0;
            libc::munmap(p, page);
            done
        }
    }

    /// Memory faulted in at once is what the allocations after it take,
    /// on this thread and another: they touch it without the process
    /// growing. Measured in a process of its own (this test, run again by
    /// itself with [`MEASURE`] set), since the other tests allocate beside
    /// it in the one arena.
    #[test]
    fn memory_faulted_in_at_once_serves_the_allocations_after_it() {
        if std::env::var_os(MEASURE).is_some() {
            measure();
            return;
        }
        if !kernel_populates() {
            eprintln!(
                "skipped: this kernel does not fill pages on MADV_POPULATE_WRITE (Linux 5.14)"
            );
            return;
        }
        let exe = std::env::current_exe().expect("the test binary");
        let out = std::process::Command::new(exe)
            .env(MEASURE, "1")
            .args([
                "--exact",
                "alloc::tests::memory_faulted_in_at_once_serves_the_allocations_after_it",
                "--nocapture",
                "--test-threads=1",
            ])
            .output()
            .expect("the test binary runs");
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
    }

    fn measure() {
        const MIB: usize = 1 << 20;
        let before = resident();
        // On two threads, as a redline's pool does it.
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool of two")
            .install(|| super::prefault(48 * MIB));
        let faulted = resident();
        assert!(
            faulted >= before + 46 * MIB,
            "48 MiB faulted in: resident {before} then {faulted}"
        );
        // 32 MiB in paragraph-sized strings and large buffers, each
        // written to the end, half of it on another thread (a redline's
        // worker allocates too).
        let allocate = |mark: u8| {
            let mut kept: Vec<Vec<u8>> = (0..(12 * MIB / 600)).map(|_| vec![mark; 600]).collect();
            kept.push(vec![mark; 4 * MIB]);
            kept
        };
        let here = allocate(1);
        let there = std::thread::spawn(move || allocate(2))
            .join()
            .expect("the other thread allocates");
        let after = resident();
        assert!(
            after <= faulted + 4 * MIB,
            "32 MiB allocated and written after 48 MiB faulted in: resident {faulted} then {after}"
        );
        drop((here, there));
    }
}

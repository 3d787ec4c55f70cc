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

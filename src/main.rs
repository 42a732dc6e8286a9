fn main() {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`rsqlmig lint | head`) would panic;
    // the default action ends the process quietly, as `grep` or `cat` do.
    #[cfg(unix)]
    // SAFETY: called first thing, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(rsqlmig::cli::main());
}

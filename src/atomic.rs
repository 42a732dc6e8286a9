//! Atomic file writes: a temporary file in the target's directory, written, synced and renamed
//! into place, so a reader never sees half a file and a failed write (a full disk) leaves the
//! old file, or none, and no temporary file behind.
//!
//! Outputs derived from inputs (`convert`, `catalog init`) skip the sync of each file, which on
//! a journaling file system makes every next file creation wait for the disk (10,000 outputs
//! took 8 s more), and sync the file system once after the last one ([`sync_file_system`]); an
//! output already there with the same bytes is not written again.

use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::path::Path;

/// What a write may do beside writing the bytes.
#[derive(Clone, Debug)]
pub struct WriteOptions {
    /// Replace a file already at the path (otherwise the write fails with `AlreadyExists`).
    pub replace: bool,
    /// Permissions for the new file (a rewritten job script stays executable).
    pub permissions: Option<Permissions>,
    /// Sync the data to disk before the rename: a file the user wrote (`lint --fix`) must never
    /// be lost to a crash. An output that can be made again syncs later, all at once.
    pub durable: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            replace: true,
            permissions: None,
            durable: true,
        }
    }
}

/// Writes `bytes` to `path`, replacing any file there; creates missing directories.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, &WriteOptions::default(), |file| file.write_all(bytes))
}

/// As [`write`], for an output made from an input: not synced; call [`sync_file_system`] after
/// the last one. A file already there with the same bytes is left as it is: converting the
/// estate again rewrites only what changed, and replacing 10,000 files means 10,000 inodes freed
/// and allocated, which on ext4 costs more than the conversion itself.
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if holds(path, bytes) {
        return Ok(());
    }
    let options = WriteOptions {
        durable: false,
        ..WriteOptions::default()
    };
    write_with(path, &options, |file| file.write_all(bytes))
}

/// Whether `path` is a file holding exactly `bytes` (its size is checked before it is read).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|existing| existing == bytes)
}

/// Writes `bytes` to `path` only if no file is there, even one created meanwhile.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let options = WriteOptions {
        replace: false,
        ..WriteOptions::default()
    };
    write_with(path, &options, |file| file.write_all(bytes))
}

/// Flushes everything written to the file system holding `dir` (after [`write_output`]s), so
/// the command ends with its outputs on disk.
#[cfg(unix)]
pub fn sync_file_system(dir: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = File::open(dir)?;
    // SAFETY: `syncfs` only reads the descriptor, which `dir` keeps open.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Elsewhere no call flushes a whole file system: the outputs are left to the system's cache.
#[cfg(not(unix))]
pub fn sync_file_system(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// The general form: `write` fills the temporary file (tests inject a failing disk here).
pub fn write_with(
    path: &Path,
    options: &WriteOptions,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // The temporary file is removed when `tmp` drops without being persisted.
    let mut tmp = tempfile::Builder::new()
        .prefix(".rsqlmig-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    write(tmp.as_file_mut())?;
    if let Some(permissions) = &options.permissions {
        tmp.as_file().set_permissions(permissions.clone())?;
    }
    if options.durable {
        tmp.as_file().sync_all()?;
    }
    if options.replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_unchanged_output_is_left_in_place() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.rsql");
        write_output(&target, b"SELECT 1;\n").unwrap();
        let inode = std::fs::metadata(&target).unwrap().ino();
        write_output(&target, b"SELECT 1;\n").unwrap();
        assert_eq!(std::fs::metadata(&target).unwrap().ino(), inode);
        // Same size, other bytes: replaced.
        write_output(&target, b"SELECT 2;\n").unwrap();
        assert_ne!(std::fs::metadata(&target).unwrap().ino(), inode);
        assert_eq!(std::fs::read(&target).unwrap(), b"SELECT 2;\n");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.rsql");
        std::fs::write(&target, "old\n").unwrap();
        let disk_full = write_with(&target, &WriteOptions::default(), |file| {
            file.write_all(b"half")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        });
        assert_eq!(disk_full.unwrap_err().kind(), io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
        write(&target, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
    }

    #[test]
    fn new_files_never_replace_and_permissions_carry_over() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/job.sh");
        write_new(&target, b"one\n").unwrap();
        let again = write_new(&target, b"two\n").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "one\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let options = WriteOptions {
                replace: true,
                permissions: Some(Permissions::from_mode(0o750)),
                ..WriteOptions::default()
            };
            write_with(&target, &options, |f| f.write_all(b"three\n")).unwrap();
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o750);
        }
    }

    #[test]
    fn outputs_are_renamed_into_place_and_flushed_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("wf/job.sh");
        write_output(&target, b"old\n").unwrap();
        write_output(&target, b"new\n").unwrap();
        sync_file_system(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        let names: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
        assert!(sync_file_system(&dir.path().join("missing")).is_err());
    }
}

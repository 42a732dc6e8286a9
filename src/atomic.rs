//! Atomic file writes: a temporary file in the target's directory, written, synced and renamed
//! into place, so a reader never sees half a file and a failed write (a full disk) leaves the
//! old file, or none, and no temporary file behind.

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
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            replace: true,
            permissions: None,
        }
    }
}

/// Writes `bytes` to `path`, replacing any file there; creates missing directories.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, &WriteOptions::default(), |file| file.write_all(bytes))
}

/// Writes `bytes` to `path` only if no file is there, even one created meanwhile.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let options = WriteOptions {
        replace: false,
        permissions: None,
    };
    write_with(path, &options, |file| file.write_all(bytes))
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
    tmp.as_file().sync_all()?;
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
            };
            write_with(&target, &options, |f| f.write_all(b"three\n")).unwrap();
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o750);
        }
    }
}

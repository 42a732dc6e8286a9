//! Finding the input files of a command: files as named, directories walked recursively.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// One input: where it was found and its path relative to that root (mirrored in `--out`).
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    pub relative: PathBuf,
}

/// A path that could not be walked (unreadable directory, symlink loop): reported per file.
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Extensions taken from directories by default.
pub const DEFAULT_EXTENSIONS: &[&str] = &[
    "btq", "bteq", "bte", "sql", "sh", "ksh", "bash", "txt", "rsql",
];

/// Expands `paths`: a file is taken whatever its extension; a directory is walked (symlinks
/// followed, loops reported) for files with one of `extensions`.
pub fn collect(paths: &[PathBuf], extensions: &[String]) -> Result<(Vec<Input>, Vec<WalkError>)> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => bail!("{}: {e}", root.display()),
        };
        if meta.is_file() {
            let name = root
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| root.clone());
            inputs.push(Input {
                path: root.clone(),
                relative: name,
            });
            continue;
        }
        for entry in walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() && has_extension(e.path(), extensions) => {
                    let relative = e
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(e.path())
                        .to_path_buf();
                    inputs.push(Input {
                        path: e.path().to_path_buf(),
                        relative,
                    });
                }
                Ok(_) => {}
                Err(e) => errors.push(WalkError {
                    path: e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone()),
                    message: if e.loop_ancestor().is_some() {
                        "symbolic link loop: not followed".to_string()
                    } else {
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string())
                    },
                }),
            }
        }
    }
    Ok((inputs, errors))
}

fn has_extension(path: &Path, extensions: &[String]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Refuses an output directory that is, or is inside, an input directory: outputs would be read
/// back as inputs next time. (An output that would land on an input file is refused per file.)
pub fn check_output_dir(out: &Path, paths: &[PathBuf]) -> Result<()> {
    let out_abs = absolute(out);
    for p in paths {
        let p_abs = absolute(p);
        if p.is_dir() && out_abs.starts_with(&p_abs) {
            bail!(
                "output directory {} is inside the input directory {}: choose another --out",
                out.display(),
                p.display()
            );
        }
    }
    Ok(())
}

/// `path` made absolute and resolved as far as it exists (a not-yet-created output directory
/// resolves through its existing ancestors).
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while let Some(parent) = existing.parent() {
        rest.push(existing.file_name().map(PathBuf::from).unwrap_or_default());
        existing = parent;
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
    }
    abs
}

//! Writing results atomically: a temporary file in the target's directory, then a rename,
//! so a reader never sees a partial file and a failed run leaves the old file untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: cannot write output: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: output would overwrite input witness {input}")]
    WouldOverwriteInput { path: PathBuf, input: PathBuf },
    #[error("{path}: output directory {dir} does not exist")]
    NoDirectory { path: PathBuf, dir: PathBuf },
}

/// Refuse an output path that names one of the inputs (also through `./`, `..` or symlinks).
pub fn check_not_an_input(output: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let Some(out) = resolve(output) else {
        return Ok(());
    };
    for input in inputs {
        if resolve(input).as_deref() == Some(out.as_path()) {
            return Err(OutputError::WouldOverwriteInput {
                path: output.to_path_buf(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}

/// Check that the output's directory exists before any work is done.
pub fn check_writable_location(output: &Path) -> Result<(), OutputError> {
    let dir = parent_dir(output);
    if dir.is_dir() {
        Ok(())
    } else {
        Err(OutputError::NoDirectory {
            path: output.to_path_buf(),
            dir: dir.to_path_buf(),
        })
    }
}

/// Canonical form of a path that may not exist yet: canonicalise its directory and
/// re-attach the file name (a symlink at the final component is followed too).
fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let dir = parent_dir(path).canonicalize().ok()?;
    Some(dir.join(path.file_name()?))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Write `contents` to `path` atomically (temp file in the same directory, fsync, rename).
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    let err = |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".reconcile-")
        .suffix(".tmp")
        .tempfile_in(parent_dir(path))
        .map_err(err)?;
    tmp.write_all(contents).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        std::fs::write(&p, "old contents that are longer").unwrap();
        write_atomically(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn output_naming_an_input_is_refused_through_dot_paths() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.txt");
        std::fs::write(&input, "x").unwrap();
        let sneaky = dir.path().join(".").join("a.txt");
        assert!(check_not_an_input(&sneaky, std::slice::from_ref(&input)).is_err());
        let other = dir.path().join("b.txt");
        assert!(check_not_an_input(&other, &[input]).is_ok());
    }
}

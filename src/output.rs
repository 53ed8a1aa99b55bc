//! Writing results atomically: a temporary file in the target's directory, then a rename,
//! so a reader never sees a partial file and a failed run leaves the old file untouched.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use tempfile::NamedTempFile;

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

/// Temporary files this process has created and not yet renamed or removed. The lock is
/// held while a temporary file is created and registered, and by the interrupt handler
/// while it removes them, so no temporary file can escape the handler.
static LIVE_TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live_temps() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE_TEMPS.lock().unwrap_or_else(|e| e.into_inner())
}

fn unregister(temp: &Path) {
    live_temps().retain(|p| p != temp);
}

/// On SIGINT, SIGTERM or SIGHUP: remove every temporary file this process has created and
/// exit with 128 + the signal number (130 for SIGINT, 143 for SIGTERM). An output already
/// renamed into place is complete; one not yet renamed never appears.
pub fn install_interrupt_cleanup() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("interrupt-cleanup".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Keep the lock until exit, so no new temporary file can be created.
                let live = live_temps();
                for temp in live.iter() {
                    let _ = std::fs::remove_file(temp);
                }
                let name = match signal {
                    SIGINT => "SIGINT",
                    SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                eprintln!("reconcile: interrupted by {name}; no partial output left behind");
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// A temporary file next to `path`, registered for removal on interrupt. It gets the
/// permissions the output would have had if written in place: those of the file it replaces,
/// or for a new file the usual 0666 less the umask (a temporary file's own default, 0600,
/// would make every output private to its owner).
fn registered_temp(path: &Path) -> std::io::Result<NamedTempFile> {
    let mut live = live_temps();
    let mut builder = tempfile::Builder::new();
    builder.prefix(".reconcile-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(parent_dir(path))?;
    if let Ok(existing) = std::fs::metadata(path) {
        // Best effort: a file we may replace but not chmod keeps the default.
        let _ = tmp.as_file().set_permissions(existing.permissions());
    }
    live.push(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Test hook: with `RECONCILE_PAUSE_BEFORE_RENAME_MS` set, wait that long between writing
/// the temporary files and renaming them, so that tests/interrupt.rs can interrupt a run
/// at exactly the moment a partial output could otherwise be left behind.
fn pause_for_tests() {
    if let Some(ms) = std::env::var("RECONCILE_PAUSE_BEFORE_RENAME_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// What goes into an output file: bytes already in memory, or a function that writes them,
/// so that a large output (the JSON report) is streamed into its temporary file instead of
/// being built as one more copy in memory first.
pub enum Contents<'a> {
    Bytes(&'a [u8]),
    Writer(&'a dyn Fn(&mut dyn Write) -> std::io::Result<()>),
}

/// Write `contents` to `path` atomically (temp file in the same directory, fsync, rename).
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    write_all_atomically(&[(path, Contents::Bytes(contents))])
}

/// Whether `path` names an existing file that is not a regular file or a directory: a device
/// such as /dev/null, or a pipe. A rename would replace it with a regular file (as root, a
/// system's /dev/null), so such an output is written into, as the user means.
fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Write `contents` into the special file `path` (`is_special_file`).
fn write_into(path: &Path, contents: &Contents) -> Result<(), OutputError> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|source| OutputError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    match contents {
        Contents::Bytes(bytes) => file.write_all(bytes),
        Contents::Writer(write) => {
            let mut buffered = std::io::BufWriter::new(&mut file);
            write(&mut buffered).and_then(|_| buffered.flush())
        }
    }
    .map_err(|source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Write several files atomically: every temporary file is written and synced before the
/// first rename, so a failure or an interrupt while writing leaves all targets as they
/// were, and the renames follow each other closely. Special files (a device, a pipe) are
/// written into after the renames (`is_special_file`).
pub fn write_all_atomically(files: &[(&Path, Contents)]) -> Result<(), OutputError> {
    let (special, files): (Vec<_>, Vec<_>) = files.iter().partition(|(p, _)| is_special_file(p));
    let mut temps: Vec<(NamedTempFile, &Path)> = Vec::with_capacity(files.len());
    let mut result = Ok(());
    for (path, contents) in files {
        let path: &Path = path;
        let err = |source| OutputError::Write {
            path: path.to_path_buf(),
            source,
        };
        let written = registered_temp(path).map_err(err).and_then(|mut tmp| {
            let outcome = match contents {
                Contents::Bytes(bytes) => tmp.write_all(bytes),
                Contents::Writer(write) => {
                    let mut buffered = std::io::BufWriter::new(&mut tmp);
                    write(&mut buffered).and_then(|_| buffered.flush())
                }
            }
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(err);
            temps.push((tmp, path));
            outcome
        });
        if let Err(e) = written {
            result = Err(e);
            break;
        }
    }
    if result.is_ok() {
        pause_for_tests();
    }
    for (tmp, path) in temps {
        let temp_path = tmp.path().to_path_buf();
        if result.is_ok()
            && let Err(e) = tmp.persist(path)
        {
            result = Err(OutputError::Write {
                path: path.to_path_buf(),
                source: e.error,
            });
        }
        // Renamed, or (on failure) deleted when `tmp` was dropped.
        unregister(&temp_path);
    }
    result?;
    special
        .into_iter()
        .try_for_each(|(path, contents)| write_into(path, contents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_pipe_or_device_output_is_written_into_not_replaced() {
        // A named pipe stands for /dev/null, which a regression must not replace.
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let reader = {
            let pipe = pipe.clone();
            std::thread::spawn(move || std::fs::read_to_string(pipe).unwrap())
        };
        let p = dir.path().join("out.txt");
        write_all_atomically(&[
            (&pipe, Contents::Bytes(b"piped")),
            (&p, Contents::Bytes(b"kept")),
        ])
        .unwrap();
        assert!(std::fs::metadata(&pipe).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), "piped");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "kept");
    }

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

    #[cfg(unix)]
    #[test]
    fn outputs_get_ordinary_permissions_and_keep_those_of_a_replaced_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A new file: readable by group and others unless the umask forbids it, as a file
        // written in place would be (not the 0600 of a temporary file).
        let fresh = dir.path().join("new.txt");
        write_atomically(&fresh, b"x").unwrap();
        let probe = dir.path().join("probe.txt");
        std::fs::write(&probe, "x").unwrap();
        assert_eq!(mode(&fresh), mode(&probe));
        // A replaced file keeps its mode.
        let kept = dir.path().join("kept.txt");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, b"new").unwrap();
        assert_eq!(mode(&kept), 0o640);
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

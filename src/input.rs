//! Stage 1 — reading witnesses: bytes from disk to text with unified line endings.
//!
//! Every failure names the file and the problem, so the command line can report it
//! and exit without writing anything.

use std::path::{Path, PathBuf};

/// One transcription of the document, as read from disk.
#[derive(Debug, Clone)]
pub struct Witness {
    /// The path as the user gave it (used in messages and the report).
    pub path: PathBuf,
    /// Short label for summaries: the file name without directories.
    pub label: String,
    /// Decoded text, BOM removed, CRLF and CR turned into LF.
    pub text: String,
    /// Name of the encoding the bytes were decoded from.
    pub encoding: &'static str,
}

/// Why a witness could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no such file")]
    Missing { path: PathBuf },
    #[error("{path}: is a directory, not a text file")]
    Directory { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: contains only whitespace")]
    Blank { path: PathBuf },
    #[error(
        "{path}: not valid UTF-8 at byte offset {offset} (other encodings are not supported yet; convert the file to UTF-8)"
    )]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: looks like a binary file (NUL byte at offset {offset})")]
    Binary { path: PathBuf, offset: usize },
}

/// How to decode witness files.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Encoding name to use instead of detection.
    pub encoding: Option<String>,
    /// Replace undecodable bytes instead of refusing the file.
    pub lossy: bool,
}

/// Read and decode one witness file with the default options.
pub fn read_witness(path: &Path) -> Result<Witness, InputError> {
    read_witness_with(path, &ReadOptions::default())
}

/// Read and decode one witness file.
pub fn read_witness_with(path: &Path, _options: &ReadOptions) -> Result<Witness, InputError> {
    let owned = || path.to_path_buf();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => InputError::Missing { path: owned() },
        _ => InputError::Unreadable {
            path: owned(),
            source: e,
        },
    })?;
    if meta.is_dir() {
        return Err(InputError::Directory { path: owned() });
    }
    let bytes = std::fs::read(path).map_err(|e| InputError::Unreadable {
        path: owned(),
        source: e,
    })?;
    let text = decode(path, &bytes)?;
    if text.trim().is_empty() {
        return Err(InputError::Blank { path: owned() });
    }
    Ok(Witness {
        label: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        path: owned(),
        text,
        encoding: "UTF-8",
    })
}

/// Decode UTF-8 (with or without BOM) and unify line endings.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, InputError> {
    if bytes.is_empty() {
        return Err(InputError::Empty {
            path: path.to_path_buf(),
        });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bom_len = bytes.len() - body.len();
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        return Err(InputError::Binary {
            path: path.to_path_buf(),
            offset: offset + bom_len,
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| InputError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.valid_up_to() + bom_len,
    })?;
    Ok(unify_line_endings(text))
}

/// CRLF and lone CR become LF, so every later stage sees one kind of line break.
pub fn unify_line_endings(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_line_endings_are_removed() {
        let t = decode(Path::new("x"), b"\xEF\xBB\xBFa\r\nb\rc\n").unwrap();
        assert_eq!(t, "a\nb\nc\n");
    }

    #[test]
    fn invalid_utf8_reports_byte_offset() {
        let err = decode(Path::new("w.txt"), b"abc\xff\xfe").unwrap_err();
        assert_eq!(
            err.to_string(),
            "w.txt: not valid UTF-8 at byte offset 3 (other encodings are not supported yet; convert the file to UTF-8)"
        );
    }

    #[test]
    fn nul_byte_is_binary() {
        let err = decode(Path::new("w.bin"), b"ab\0c").unwrap_err();
        assert!(matches!(err, InputError::Binary { offset: 2, .. }));
    }
}

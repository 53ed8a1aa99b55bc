//! Stage 1 — reading witnesses: bytes from disk to text with unified line endings.
//!
//! Decoding, in this order (docs/input-and-errors.md tells the same for users):
//! 1. files that are known binary formats (PNG, JPEG, GIF, PDF, ZIP, …) are refused;
//! 2. a byte-order mark decides the encoding (UTF-8, UTF-16LE, UTF-16BE), even over
//!    `--encoding`;
//! 3. `--encoding NAME` decides it otherwise;
//! 4. otherwise it is detected: NUL bytes mean UTF-16 without a BOM when the text reads
//!    plausibly so in exactly one byte order, and a binary file if not; valid UTF-8 is
//!    UTF-8 (so is text that is mostly UTF-8 with a few bad bytes); anything else goes to
//!    chardetng, and only its GBK (read as GB18030, a superset) and Big5 guesses are
//!    accepted.
//!
//! Undecodable bytes are an error naming the file and the byte offset in it, or, with
//! `--lossy`, are replaced by U+FFFD and counted. Every failure names the file and the
//! problem, so the command line can report it and exit without writing anything.

use encoding_rs::{BIG5, DecoderResult, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};
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
    /// Name of the encoding the bytes were decoded from (encoding_rs's name, e.g. "UTF-8",
    /// "UTF-16LE", "gb18030", "Big5").
    pub encoding: &'static str,
    /// Undecodable byte sequences replaced by U+FFFD (only ever non-zero with `--lossy`).
    pub replaced: usize,
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
    #[error("{path}: is {kind}, not a text file")]
    NotText { path: PathBuf, kind: &'static str },
    #[error("{path}: looks like a binary file, not text (NUL byte at byte offset {offset})")]
    Binary { path: PathBuf, offset: usize },
    #[error(
        "{path}: looks like a binary file, not text ({count} control bytes in its first {window} bytes)"
    )]
    ControlBytes {
        path: PathBuf,
        count: usize,
        window: usize,
    },
    #[error(
        "{path}: looks like UTF-16 without a byte-order mark, but the byte order cannot be told; use --encoding UTF-16LE or --encoding UTF-16BE"
    )]
    Utf16ByteOrder { path: PathBuf },
    #[error(
        "{path}: not valid {encoding} at byte offset {offset}{note}; name the encoding with --encoding NAME, or use --lossy to replace undecodable bytes"
    )]
    Undecodable {
        path: PathBuf,
        encoding: &'static str,
        offset: usize,
        /// Why this encoding was tried, when it was a fallback.
        note: String,
    },
    #[error(
        "unknown encoding '{label}' given to --encoding (supported: UTF-8, UTF-16LE, UTF-16BE, GB18030, GBK, Big5, and the other WHATWG encoding labels)"
    )]
    UnknownEncoding { label: String },
}

/// How to decode witness files.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Encoding name to use instead of detection.
    pub encoding: Option<String>,
    /// Replace undecodable bytes instead of refusing the file.
    pub lossy: bool,
}

/// The text of a file and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// BOM removed, line endings unified.
    pub text: String,
    pub encoding: &'static str,
    /// Undecodable byte sequences replaced by U+FFFD.
    pub replaced: usize,
}

/// Read and decode one witness file with the default options.
pub fn read_witness(path: &Path) -> Result<Witness, InputError> {
    read_witness_with(path, &ReadOptions::default())
}

/// Read and decode one witness file.
pub fn read_witness_with(path: &Path, options: &ReadOptions) -> Result<Witness, InputError> {
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
    let decoded = decode_with(path, &bytes, options)?;
    Ok(Witness {
        label: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        path: owned(),
        text: decoded.text,
        encoding: decoded.encoding,
        replaced: decoded.replaced,
    })
}

/// Decode with the default options (detection, no replacement); only the text.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, InputError> {
    decode_with(path, bytes, &ReadOptions::default()).map(|d| d.text)
}

/// The encoding `--encoding NAME` names (any WHATWG label, case-insensitive).
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, InputError> {
    match Encoding::for_label(label.trim().as_bytes()) {
        // "replacement" is what labels of unsafe encodings (ISO-2022-KR, HZ) map to: it
        // decodes nothing, so it is as unknown as a typo.
        Some(e) if e != encoding_rs::REPLACEMENT => Ok(e),
        _ => Err(InputError::UnknownEncoding {
            label: label.to_string(),
        }),
    }
}

/// Decode the bytes of the file `path` (used in messages only).
pub fn decode_with(
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Decoded, InputError> {
    let owned = || path.to_path_buf();
    let forced = options
        .encoding
        .as_deref()
        .map(encoding_for_label)
        .transpose()?;
    if bytes.is_empty() {
        return Err(InputError::Empty { path: owned() });
    }
    if let Some(kind) = binary_format(bytes) {
        return Err(InputError::NotText {
            path: owned(),
            kind,
        });
    }
    let (encoding, bom_len, note) = match (Encoding::for_bom(bytes), forced) {
        (Some((encoding, bom_len)), _) => (encoding, bom_len, String::new()),
        (None, Some(encoding)) => (encoding, 0, String::new()),
        (None, None) => detect(path, bytes)?,
    };
    let body = &bytes[bom_len..];
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    if !utf16 {
        refuse_binary(path, body, bom_len)?;
    }
    let (text, replaced) =
        decode_body(encoding, body, options.lossy).map_err(|offset| InputError::Undecodable {
            path: owned(),
            encoding: encoding.name(),
            offset: bom_len + offset,
            note,
        })?;
    if let Some(at) = text.find('\0') {
        // Only UTF-16 gets here with a NUL: U+0000 is two zero bytes.
        let units = text[..at].encode_utf16().count();
        return Err(InputError::Binary {
            path: owned(),
            offset: bom_len + 2 * units,
        });
    }
    if text.is_empty() {
        return Err(InputError::Empty { path: owned() });
    }
    if text.chars().all(is_blank) {
        return Err(InputError::Blank { path: owned() });
    }
    Ok(Decoded {
        text: unify_line_endings(&text),
        encoding: encoding.name(),
        replaced,
    })
}

/// Whitespace, or a character that carries no text (zero-width space and joiners, word
/// joiner, BOM, soft hyphen): a file of only these has nothing to reconcile.
fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Known binary formats by their magic numbers.
fn binary_format(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"II*\0", "a TIFF image"),
        (b"MM\0*", "a TIFF image"),
        (b"%PDF-", "a PDF document (extract its text first)"),
        (
            b"PK\x03\x04",
            "a ZIP archive (or a .docx, .xlsx, .odt or .epub file)",
        ),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (b"\xFD7zXZ\0", "an xz-compressed file"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "a Microsoft Office document (.doc, .xls)",
        ),
        (b"\x7FELF", "an executable (ELF)"),
    ];
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("a WebP image");
    }
    MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// How much of the start of a file the control-byte test looks at.
const CONTROL_WINDOW: usize = 64 * 1024;

/// Control bytes other than tab, line feed, vertical tab, form feed, carriage return and
/// escape never occur in text (nor inside the multi-byte characters of UTF-8, GB18030 or
/// Big5): more than this share of them in the first [`CONTROL_WINDOW`] bytes (and at
/// least [`MIN_CONTROL_BYTES`]) means a binary file.
const MAX_CONTROL_SHARE: f64 = 0.01;
const MIN_CONTROL_BYTES: usize = 8;

fn is_control_byte(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)
}

/// Refuse a file in a byte-oriented encoding that has NUL bytes or many control bytes.
fn refuse_binary(path: &Path, body: &[u8], bom_len: usize) -> Result<(), InputError> {
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        return Err(InputError::Binary {
            path: path.to_path_buf(),
            offset: bom_len + offset,
        });
    }
    let window = &body[..body.len().min(CONTROL_WINDOW)];
    let count = window.iter().filter(|&&b| is_control_byte(b)).count();
    if count >= MIN_CONTROL_BYTES && count as f64 > MAX_CONTROL_SHARE * window.len() as f64 {
        return Err(InputError::ControlBytes {
            path: path.to_path_buf(),
            count,
            window: window.len(),
        });
    }
    Ok(())
}

/// At most this many bytes go to chardetng (plenty to tell GB18030 from Big5).
const DETECTOR_WINDOW: usize = 1 << 20;

/// Text that is valid UTF-8 apart from at most one bad sequence in this many good
/// multi-byte characters is broken UTF-8, not another encoding (GB18030 or Big5 text forms
/// a valid UTF-8 sequence by chance far less often than it breaks one).
const MOSTLY_UTF8: usize = 10;

/// Pick the encoding of a file without a BOM or `--encoding`. The note says why a
/// fallback was chosen, for the error message if decoding then fails.
fn detect(path: &Path, bytes: &[u8]) -> Result<(&'static Encoding, usize, String), InputError> {
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return match utf16_without_bom(bytes) {
            Utf16Guess::Encoding(e) => Ok((e, 0, String::new())),
            Utf16Guess::Ambiguous => Err(InputError::Utf16ByteOrder {
                path: path.to_path_buf(),
            }),
            Utf16Guess::No => Err(InputError::Binary {
                path: path.to_path_buf(),
                offset: nul,
            }),
        };
    }
    refuse_binary(path, bytes, 0)?;
    let (good, bad) = utf8_sequences(bytes);
    if bad == 0 || good >= MOSTLY_UTF8 * bad {
        return Ok((UTF_8, 0, String::new()));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let window = &bytes[..bytes.len().min(DETECTOR_WINDOW)];
    detector.feed(window, window.len() == bytes.len());
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    if guess == GBK || guess == GB18030 {
        Ok((GB18030, 0, " (detected as GB18030)".to_string()))
    } else if guess == BIG5 {
        Ok((BIG5, 0, " (detected as Big5)".to_string()))
    } else {
        Ok((
            UTF_8,
            0,
            format!(
                " (nor does it look like GB18030 or Big5; the closest guess is {})",
                guess.name()
            ),
        ))
    }
}

/// Counts of valid multi-byte UTF-8 characters and of invalid sequences.
fn utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let (mut good, mut bad) = (0, 0);
    let mut rest = bytes;
    loop {
        let (valid, next) = match std::str::from_utf8(rest) {
            Ok(s) => (s, None),
            Err(e) => {
                let valid = std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default();
                let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                (valid, Some(e.valid_up_to() + skip))
            }
        };
        good += valid.chars().filter(|c| !c.is_ascii()).count();
        match next {
            Some(n) => {
                bad += 1;
                rest = &rest[n..];
            }
            None => return (good, bad),
        }
    }
}

enum Utf16Guess {
    Encoding(&'static Encoding),
    Ambiguous,
    No,
}

/// A file with NUL bytes and no BOM is taken for UTF-16 when, in one byte order, it decodes
/// without error to text with a line break or space, no NUL and no control characters
/// (bar tab, line feed, form feed, carriage return); when both orders read so, the one
/// with at least twice as many ASCII characters wins (ASCII text in the wrong order reads
/// as CJK ideographs, not as ASCII).
fn utf16_without_bom(bytes: &[u8]) -> Utf16Guess {
    if !bytes.len().is_multiple_of(2) {
        return Utf16Guess::No;
    }
    let ascii_in = |encoding: &'static Encoding| -> Option<usize> {
        let (text, malformed) = encoding.decode_without_bom_handling(bytes);
        if malformed {
            return None;
        }
        let mut ascii = 0;
        let mut separator = false;
        for c in text.chars() {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\x0C' | '\r') {
                return None;
            }
            separator |= c == '\n' || c == ' ';
            ascii += usize::from(c.is_ascii());
        }
        separator.then_some(ascii)
    };
    match (ascii_in(UTF_16LE), ascii_in(UTF_16BE)) {
        (Some(_), None) => Utf16Guess::Encoding(UTF_16LE),
        (None, Some(_)) => Utf16Guess::Encoding(UTF_16BE),
        (Some(le), Some(be)) if le >= 2 * be => Utf16Guess::Encoding(UTF_16LE),
        (Some(le), Some(be)) if be >= 2 * le => Utf16Guess::Encoding(UTF_16BE),
        (Some(_), Some(_)) => Utf16Guess::Ambiguous,
        (None, None) => Utf16Guess::No,
    }
}

/// Decode `body` (no BOM) strictly, or with U+FFFD for each malformed sequence when
/// `lossy`. Returns the text and the number of replacements, or the byte offset (in
/// `body`) of the first malformed sequence.
fn decode_body(
    encoding: &'static Encoding,
    body: &[u8],
    lossy: bool,
) -> Result<(String, usize), usize> {
    if encoding == UTF_8 {
        // The common case, without a copy through the decoder.
        match std::str::from_utf8(body) {
            Ok(s) => return Ok((s.to_string(), 0)),
            Err(e) if !lossy => return Err(e.valid_up_to()),
            Err(_) => {}
        }
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let mut read = 0;
    let mut replaced = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&body[read..], &mut text, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok((text, replaced)),
            DecoderResult::OutputFull => text.reserve(body.len() - read + 16),
            DecoderResult::Malformed(bad, after) => {
                if !lossy {
                    return Err(read.saturating_sub(usize::from(bad) + usize::from(after)));
                }
                text.push('\u{FFFD}');
                replaced += 1;
            }
        }
    }
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

    fn decoded(bytes: &[u8]) -> Decoded {
        decode_with(Path::new("x"), bytes, &ReadOptions::default()).unwrap()
    }

    fn error(bytes: &[u8], options: &ReadOptions) -> String {
        decode_with(Path::new("w.txt"), bytes, options)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bom_and_line_endings_are_removed() {
        let t = decode(Path::new("x"), b"\xEF\xBB\xBFa\r\nb\rc\n").unwrap();
        assert_eq!(t, "a\nb\nc\n");
    }

    #[test]
    fn invalid_utf8_reports_byte_offset() {
        let message = error(b"abc def\n\xff ghi", &ReadOptions::default());
        assert!(
            message.starts_with("w.txt: not valid UTF-8 at byte offset 8 (nor does it look"),
            "{message}"
        );
    }

    #[test]
    fn nul_byte_is_binary() {
        let err = decode(Path::new("w.bin"), b"ab\0c").unwrap_err();
        assert!(matches!(err, InputError::Binary { offset: 2, .. }));
    }

    #[test]
    fn utf16_with_boms() {
        let text = "中文 and English\r\n第二行\n";
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in &units {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        let want = "中文 and English\n第二行\n";
        assert_eq!(decoded(&le).text, want);
        assert_eq!(decoded(&le).encoding, "UTF-16LE");
        assert_eq!(decoded(&be).text, want);
        assert_eq!(decoded(&be).encoding, "UTF-16BE");
        // Without the BOM, the byte order shows in where the ASCII characters' zero bytes are.
        assert_eq!(decoded(&le[2..]).encoding, "UTF-16LE");
        assert_eq!(decoded(&be[2..]).encoding, "UTF-16BE");
        assert_eq!(decoded(&be[2..]).text, want);
    }

    #[test]
    fn utf16_without_bom_of_unclear_byte_order_is_refused() {
        // Little-endian "\n\u{2000}" is big-endian "\u{0A00} ": a separator either way.
        let message = error(b"\x0A\0\0\x20", &ReadOptions::default());
        assert_eq!(
            message,
            "w.txt: looks like UTF-16 without a byte-order mark, but the byte order cannot be told; use --encoding UTF-16LE or --encoding UTF-16BE"
        );
        let forced = ReadOptions {
            encoding: Some("utf-16be".into()),
            lossy: false,
        };
        assert!(decode_with(Path::new("x"), b"\0a\0 \0b", &forced).is_ok());
    }

    #[test]
    fn utf16_with_a_nul_character_is_binary() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "ab\0c".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let err = decode_with(Path::new("x"), &bytes, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, InputError::Binary { offset: 6, .. }), "{err}");
    }

    #[test]
    fn odd_utf16_reports_the_dangling_byte() {
        let message = error(b"\xFF\xFEa\0b\0c", &ReadOptions::default());
        assert!(
            message.starts_with("w.txt: not valid UTF-16LE at byte offset 6;"),
            "{message}"
        );
    }

    #[test]
    fn gb18030_and_big5_are_detected() {
        let simplified = "学校春季运动会总结。二〇二三年，面对连续几天的大雨，全校师生坚持按照原来的比赛计划，顺利完成各项比赛。\n";
        let (gb, _, _) = GB18030.encode(simplified);
        let d = decoded(&gb);
        assert_eq!(d.text, simplified);
        assert_eq!(d.encoding, "gb18030");
        let traditional = "學校春季運動會總結。二〇二三年，面對連續幾天的大雨，全校師生堅持按照原來的比賽計劃，順利完成各項比賽。\n";
        let (big5, _, unmappable) = BIG5.encode(traditional);
        assert!(!unmappable);
        let d = decoded(&big5);
        assert_eq!(d.text, traditional);
        assert_eq!(d.encoding, "Big5");
    }

    #[test]
    fn forced_encoding_and_lossy_replacement() {
        let (gb, _, _) = GB18030.encode("中文\n");
        let forced = ReadOptions {
            encoding: Some("GBK".into()),
            lossy: false,
        };
        let d = decode_with(Path::new("x"), &gb, &forced).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("中文\n", "GBK"));
        let utf8 = ReadOptions {
            encoding: Some("utf-8".into()),
            lossy: false,
        };
        assert!(
            error(&gb, &utf8).starts_with("w.txt: not valid UTF-8 at byte offset 0;"),
            "{}",
            error(&gb, &utf8)
        );
        let lossy = ReadOptions {
            encoding: Some("utf-8".into()),
            lossy: true,
        };
        let d = decode_with(Path::new("x"), b"ab\xFFcd\xFE\n", &lossy).unwrap();
        assert_eq!(d.text, "ab\u{FFFD}cd\u{FFFD}\n");
        assert_eq!(d.replaced, 2);
    }

    #[test]
    fn unknown_encoding_label() {
        let options = ReadOptions {
            encoding: Some("klingon".into()),
            lossy: false,
        };
        assert!(
            error(b"abc", &options).starts_with("unknown encoding 'klingon' given to --encoding")
        );
        let replacement = ReadOptions {
            encoding: Some("iso-2022-kr".into()),
            lossy: false,
        };
        assert!(matches!(
            decode_with(Path::new("x"), b"abc", &replacement),
            Err(InputError::UnknownEncoding { .. })
        ));
    }

    #[test]
    fn images_and_control_bytes_are_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            error(png, &ReadOptions::default()),
            "w.txt: is a PNG image, not a text file"
        );
        let junk: Vec<u8> = (0..200u8)
            .map(|i| if i % 3 == 0 { 0x01 } else { b'a' })
            .collect();
        assert_eq!(
            error(&junk, &ReadOptions::default()),
            "w.txt: looks like a binary file, not text (67 control bytes in its first 200 bytes)"
        );
    }

    #[test]
    fn blank_and_bom_only_files() {
        assert_eq!(
            error(b" \n\t\r\n\xE3\x80\x80", &ReadOptions::default()),
            "w.txt: contains only whitespace"
        );
        assert_eq!(
            error(b"\xEF\xBB\xBF", &ReadOptions::default()),
            "w.txt: the file is empty"
        );
        assert_eq!(
            error(b"", &ReadOptions::default()),
            "w.txt: the file is empty"
        );
    }

    #[test]
    fn mostly_utf8_with_one_bad_byte_is_broken_utf8() {
        let mut bytes = "第一段落的文字内容在这里继续写下去直到学校共有"
            .as_bytes()
            .to_vec();
        let at = bytes.len();
        bytes.push(0xFF);
        bytes.extend("名学生报名参加了比赛".as_bytes());
        let message = error(&bytes, &ReadOptions::default());
        assert!(
            message.starts_with(&format!("w.txt: not valid UTF-8 at byte offset {at};")),
            "{message}"
        );
    }
}

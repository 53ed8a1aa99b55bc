//! Known terms supplied by the user (`--glossary FILE`): names, places and other words no
//! dictionary knows. Used as evidence for readings that contain them (issue 3).

use std::path::Path;

/// Read a glossary: one term per line; blank lines and lines starting with '#' are skipped.
pub fn load(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read glossary: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

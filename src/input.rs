//! Reading an input file: only a regular file (a FIFO or a device would
//! block or never end), and at most [`max_bytes`] of it (a documented cap,
//! raised with `--max-input-mb` or `MIDCALL_MAX_INPUT_MB`). Every file
//! midcall reads from disk (specs, templates, bindings, examples, tool
//! definitions, platform schemas) goes through [`read`].

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default cap: 64 MiB, sixteen times Stripe's 4 MB spec, the largest
/// real one seen.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

static MAX_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_BYTES);

/// The current cap in bytes.
pub fn max_bytes() -> u64 {
    MAX_BYTES.load(Ordering::Relaxed)
}

/// Sets the cap for the rest of the process (the command line does, once).
pub fn set_max_bytes(bytes: u64) {
    MAX_BYTES.store(bytes.max(1), Ordering::Relaxed);
}

/// Reads the file at `path` whole, refusing anything but a regular file
/// and anything larger than [`max_bytes`]. The refusals are
/// `std::io::Error`s (kind `InvalidInput`) whose message says what to do,
/// so every caller's error type can carry them.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let refuse = |message: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, message);
    // Checked before opening: opening a FIFO for reading blocks until a
    // writer comes.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(refuse(format!(
            "not a regular file ({}); give a file",
            kind(&meta.file_type())
        )));
    }
    let cap = max_bytes();
    let too_large = || {
        refuse(format!(
            "larger than the input cap of {} MiB; raise it with --max-input-mb or MIDCALL_MAX_INPUT_MB",
            cap.div_ceil(1024 * 1024)
        ))
    };
    if meta.len() > cap {
        return Err(too_large());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(refuse("not a regular file; give a file".to_string()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // One byte past the cap tells a file that grew since the check.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_and_a_folder_are_refused_and_a_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
        #[cfg(unix)]
        {
            let err = read(Path::new("/dev/zero")).unwrap_err();
            assert!(err.to_string().contains("a device"), "{err}");
        }
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "x: 1\n").unwrap();
        assert_eq!(read_text(&file).unwrap(), "x: 1\n");
    }
}

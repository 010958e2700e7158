//! Readers that stop a file from making one piece too large to hold: a CSV row, a JSON string.
//! The CSV reader and the JSON parser buffer each row or string whole; these sit under them
//! and fail the read with an [`Oversized`] error once a piece passes its cap, before it is held.

use std::io::{self, Read};

/// A piece of the file passed its cap.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{what} is larger than {limit} bytes")]
pub(super) struct Oversized {
    pub what: &'static str,
    pub limit: u64,
}

impl Oversized {
    fn error(what: &'static str, limit: u64) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, Oversized { what, limit })
    }

    /// The [`Oversized`] an I/O error carries, if that is what it is.
    pub fn of(err: &io::Error) -> Option<&Oversized> {
        err.get_ref().and_then(|e| e.downcast_ref::<Oversized>())
    }
}

/// Caps CSV rows: counts the bytes since the last line break outside quotes (a quote toggles
/// quoting, which `""` inside a quoted field does twice).
pub(super) struct RowLimit<R> {
    inner: R,
    limit: u64,
    row: u64,
    quoted: bool,
}

impl<R: Read> RowLimit<R> {
    pub fn new(inner: R, limit: u64) -> RowLimit<R> {
        RowLimit {
            inner,
            limit,
            row: 0,
            quoted: false,
        }
    }
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'"' => self.quoted = !self.quoted,
                b'\n' if !self.quoted => {
                    self.row = 0;
                    continue;
                }
                _ => {}
            }
            self.row += 1;
            if self.row > self.limit {
                return Err(Oversized::error("a row", self.limit));
            }
        }
        Ok(n)
    }
}

/// Caps JSON strings: counts the bytes of the string being read (escapes followed).
pub(super) struct StringLimit<R> {
    inner: R,
    limit: u64,
    length: u64,
    in_string: bool,
    escaped: bool,
}

impl<R: Read> StringLimit<R> {
    pub fn new(inner: R, limit: u64) -> StringLimit<R> {
        StringLimit {
            inner,
            limit,
            length: 0,
            in_string: false,
            escaped: false,
        }
    }
}

impl<R> StringLimit<R> {
    /// Whether a string passed the cap (the read that saw it failed).
    pub fn tripped(&self) -> bool {
        self.length > self.limit
    }
}

impl<R: Read> Read for StringLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if !self.in_string {
                if b == b'"' {
                    self.in_string = true;
                    self.length = 0;
                }
                continue;
            }
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                continue;
            }
            self.length += 1;
            if self.length > self.limit {
                return Err(Oversized::error("a string", self.limit));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut r: impl Read) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        r.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn rows_count_from_the_last_unquoted_line_break() {
        let ok = b"a,b\n\"long\nquoted\",x\n".repeat(3);
        assert!(read_all(RowLimit::new(&ok[..], 20)).is_ok());
        let runaway = b"a,\"never closed\nmore\nand more\nand more\n";
        let err = read_all(RowLimit::new(&runaway[..], 20)).unwrap_err();
        assert_eq!(Oversized::of(&err).map(|o| o.what), Some("a row"));
    }

    #[test]
    fn strings_are_counted_through_their_escapes() {
        let ok = br#"[{"a": "short \" quote"}, {"b": "another"}]"#;
        assert!(read_all(StringLimit::new(&ok[..], 16)).is_ok());
        let long = br#"{"a": "this \" string goes on for long"}"#;
        let err = read_all(StringLimit::new(&long[..], 16)).unwrap_err();
        assert_eq!(Oversized::of(&err).map(|o| o.limit), Some(16));
    }
}

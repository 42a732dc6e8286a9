//! Reading and writing script files in the encoding and line endings they came in.

use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Bytes that are not valid UTF-8, read as ISO-8859-1 (every byte is one character).
    Latin1,
}

impl Encoding {
    /// The name a user knows the encoding by.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with a byte-order mark",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Latin1 => "ISO-8859-1",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }

    /// The ending most lines of `text` use.
    pub fn detect(text: &str) -> LineEnding {
        let bytes = text.as_bytes();
        let (mut lf, mut crlf) = (0, 0);
        for i in memchr::memchr_iter(b'\n', bytes) {
            lf += 1;
            crlf += usize::from(i > 0 && bytes[i - 1] == b'\r');
        }
        if crlf > 0 && crlf * 2 >= lf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("binary file: NUL byte at byte offset {offset}")]
    Binary { offset: usize },
    #[error("invalid UTF-16 at byte offset {offset}")]
    InvalidUtf16 { offset: usize },
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("character {ch:?} cannot be written in Latin-1")]
pub struct EncodeError {
    pub ch: char,
}

pub struct Decoded {
    pub encoding: Encoding,
    pub text: String,
}

/// Decodes a script file: a BOM decides UTF-8 or UTF-16; otherwise valid UTF-8 is UTF-8 and
/// anything else is Latin-1. A NUL byte outside UTF-16 means the file is not a script.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, u16::from_le_bytes, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, u16::from_be_bytes, Encoding::Utf16Be);
    }
    utf8_or_latin1(bytes)
}

fn utf8_or_latin1(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(i) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset: i });
    }
    let (body, encoding) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (rest, Encoding::Utf8Bom),
        None => (bytes, Encoding::Utf8),
    };
    Ok(match std::str::from_utf8(body) {
        Ok(text) => Decoded {
            encoding,
            text: text.to_owned(),
        },
        // Not UTF-8, even after a BOM: every byte is a character, the BOM's too, so writing
        // the text back loses none (found by fuzzing: a BOM before Latin-1 bytes was dropped).
        Err(_) => Decoded {
            encoding: Encoding::Latin1,
            text: bytes.iter().map(|&b| b as char).collect(),
        },
    })
}

fn utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    encoding: Encoding,
) -> Result<Decoded, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            offset: bytes.len() + 1,
        });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        match ch {
            Ok(c) => text.push(c),
            Err(_) => return Err(DecodeError::InvalidUtf16 { offset: 2 + i * 2 }),
        }
    }
    Ok(Decoded { encoding, text })
}

/// Encodes `text` back into `encoding`, BOM included.
pub fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
    Ok(match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
        Encoding::Utf16Le => std::iter::once(0xFEFFu16)
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect(),
        Encoding::Utf16Be => std::iter::once(0xFEFFu16)
            .chain(text.encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect(),
        Encoding::Latin1 => text
            .chars()
            .map(|ch| u8::try_from(u32::from(ch)).map_err(|_| EncodeError { ch }))
            .collect::<Result<_, _>>()?,
    })
}

/// Whether `needle` occurs in `haystack`: a vectorised search, for whole scripts (several times
/// faster than `str::contains` with a string pattern).
pub fn contains(haystack: &str, needle: &str) -> bool {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes()).is_some()
}

/// A word in upper case for `match`ing against keywords, without allocating; words longer than
/// any keyword come out empty.
pub struct Upper {
    buf: [u8; 24],
    len: usize,
}

impl Upper {
    pub fn of(word: &str) -> Upper {
        let mut up = Upper {
            buf: [0; 24],
            len: 0,
        };
        if word.len() <= up.buf.len() {
            up.len = word.len();
            up.buf[..up.len].copy_from_slice(word.as_bytes());
            up.buf[..up.len].make_ascii_uppercase();
        }
        up
    }

    pub fn as_str(&self) -> &str {
        // Upper-casing ASCII letters keeps UTF-8 valid.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8], encoding: Encoding) {
        let decoded = decode(bytes).unwrap();
        assert_eq!(decoded.encoding, encoding);
        assert_eq!(encode(&decoded.text, encoding).unwrap(), bytes);
    }

    #[test]
    fn every_encoding_round_trips() {
        round_trip(b"SELECT 1;\n", Encoding::Utf8);
        round_trip(b"\xef\xbb\xbfSELECT '\xc3\xa9';\n", Encoding::Utf8Bom);
        round_trip(b"SELECT 'caf\xe9 \x80\x9f';\r\n", Encoding::Latin1);
        round_trip(b"\xff\xfeS\x00;\x00\n\x00", Encoding::Utf16Le);
        round_trip(b"\xfe\xff\x00S\x00;", Encoding::Utf16Be);
        // A UTF-8 BOM before bytes that are not UTF-8: the BOM's bytes are kept as Latin-1 text.
        round_trip(b"\xef\xbb\xbf\xef\xbb\xbf\x8d", Encoding::Latin1);
    }

    #[test]
    fn latin1_text_is_decoded_per_byte() {
        assert_eq!(decode(b"caf\xe9").unwrap().text, "café");
    }

    #[test]
    fn binary_and_broken_utf16_are_errors() {
        assert_eq!(
            decode(b"ab\x00c").err(),
            Some(DecodeError::Binary { offset: 2 })
        );
        assert!(matches!(
            decode(b"\xff\xfe\x00\xd8\x41\x00").err(),
            Some(DecodeError::InvalidUtf16 { .. })
        ));
    }

    #[test]
    fn latin1_cannot_hold_every_character() {
        assert_eq!(encode("€", Encoding::Latin1), Err(EncodeError { ch: '€' }));
    }

    #[test]
    fn line_endings_follow_the_majority() {
        assert_eq!(LineEnding::detect("a\r\nb\r\nc\n"), LineEnding::CrLf);
        assert_eq!(LineEnding::detect("a\nb\n"), LineEnding::Lf);
    }
}

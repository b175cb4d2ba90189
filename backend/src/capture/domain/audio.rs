//! Audio a capture accepts, decided by its bytes (what a client declares never decides),
//! and how long it lasts when the container says so cheaply.
//!
//! Hand-written on purpose: the common sniffing crates file WebM audio as video and know
//! nothing of durations. WebM from MediaRecorder and MP3 carry no reliable duration in
//! their first bytes; theirs is checked against what the transcription reports.

/// An accepted audio container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioType {
    /// WebM (Opus), what Chrome's and Firefox's MediaRecorder produce.
    Webm,
    /// Ogg (Opus or Vorbis).
    Ogg,
    Wav,
    /// MP4/M4A (AAC), what Safari and phones record.
    Mp4,
    Mp3,
    Flac,
}

/// MP4 brands of audio files (ISO base media, 3GPP, Apple's M4A/M4B).
const MP4_BRANDS: [&[u8; 4]; 12] = [
    b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"3gp4", b"3gp5", b"dash",
];

impl AudioType {
    /// How many leading bytes [`AudioType::sniff`] needs.
    pub const SNIFF_LEN: usize = 64;

    /// The type of a file starting with `head`, or None when it is not audio we accept.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            // EBML: WebM says so in its DocType, near the start of the header.
            let header = &head[..head.len().min(Self::SNIFF_LEN)];
            header.windows(4).any(|w| w == b"webm").then_some(Self::Webm)
        } else if head.starts_with(b"OggS") {
            Some(Self::Ogg)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WAVE" {
            Some(Self::Wav)
        } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
            MP4_BRANDS.iter().any(|brand| &head[8..12] == *brand).then_some(Self::Mp4)
        } else if head.starts_with(b"fLaC") {
            Some(Self::Flac)
        } else if head.starts_with(b"ID3") || is_mpeg_layer3_frame(head) {
            Some(Self::Mp3)
        } else {
            None
        }
    }

    /// The media type sent to the transcription service.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Webm => "audio/webm",
            Self::Ogg => "audio/ogg",
            Self::Wav => "audio/wav",
            Self::Mp4 => "audio/mp4",
            Self::Mp3 => "audio/mpeg",
            Self::Flac => "audio/flac",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webm => "webm",
            Self::Ogg => "ogg",
            Self::Wav => "wav",
            Self::Mp4 => "mp4",
            Self::Mp3 => "mp3",
            Self::Flac => "flac",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Webm, Self::Ogg, Self::Wav, Self::Mp4, Self::Mp3, Self::Flac]
            .into_iter()
            .find(|t| t.as_str() == raw)
    }

    /// How long the audio lasts, in milliseconds, when its container says so.
    pub fn duration_ms(self, bytes: &[u8]) -> Option<u64> {
        match self {
            Self::Wav => wav_duration(bytes),
            Self::Flac => flac_duration(bytes),
            Self::Ogg => ogg_duration(bytes),
            Self::Mp4 => mp4_duration(bytes),
            Self::Webm | Self::Mp3 => None,
        }
    }
}

/// An MPEG audio frame header of layer III (11 sync bits, a known version).
fn is_mpeg_layer3_frame(head: &[u8]) -> bool {
    head.len() >= 4 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 && head[1] & 0x18 != 0x08 && head[1] & 0x06 == 0x02
}

fn u16_le(b: &[u8], at: usize) -> Option<u64> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as u64)
}

fn u32_le(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

fn u32_be(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

fn u64_be(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// WAV: the `data` chunk's size over the `fmt ` chunk's byte rate. A recorder that never
/// went back to write the size leaves it 0 or all ones: then the bytes that follow.
fn wav_duration(b: &[u8]) -> Option<u64> {
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= b.len() {
        let id = &b[at..at + 4];
        let size = u32_le(b, at + 4)?;
        if id == b"fmt " {
            byte_rate = u32_le(b, at + 16);
        } else if id == b"data" {
            let rate = byte_rate.filter(|r| *r > 0)?;
            let available = (b.len() - at - 8) as u64;
            let size = if size == 0 || size == 0xFFFF_FFFF { available } else { size.min(available) };
            return Some(size * 1000 / rate);
        }
        at += 8 + size as usize + (size as usize & 1);
    }
    None
}

/// FLAC: STREAMINFO's total samples over its sample rate (0 samples: unknown).
fn flac_duration(b: &[u8]) -> Option<u64> {
    // "fLaC", a 4-byte block header, then STREAMINFO; its bytes 10..18 pack the sample
    // rate (20 bits), channels and depth (8 bits) and the total samples (36 bits).
    if b.get(4)? & 0x7F != 0 {
        return None;
    }
    let packed = u64_be(b, 8 + 10)?;
    let rate = packed >> 44;
    let samples = packed & 0xF_FFFF_FFFF;
    (rate > 0 && samples > 0).then(|| samples * 1000 / rate)
}

/// Ogg: the last page's granule position, in samples of the stream's rate (48 kHz for
/// Opus, less its pre-skip; Vorbis says its rate in the identification header).
fn ogg_duration(b: &[u8]) -> Option<u64> {
    let head = &b[..b.len().min(512)];
    let (rate, pre_skip) = if let Some(at) = find(head, b"OpusHead") {
        (48_000, u16_le(head, at + 10)?)
    } else if let Some(at) = find(head, b"\x01vorbis") {
        (u32_le(head, at + 12)?, 0)
    } else {
        return None;
    };
    let tail_start = b.len().saturating_sub(64 * 1024);
    let last_page = tail_start + rfind(&b[tail_start..], b"OggS")?;
    let granule = u64::from_le_bytes(b.get(last_page + 6..last_page + 14)?.try_into().ok()?);
    (rate > 0 && granule != u64::MAX).then(|| granule.saturating_sub(pre_skip) * 1000 / rate)
}

/// MP4: the movie header's duration over its timescale (`moov` → `mvhd`).
fn mp4_duration(b: &[u8]) -> Option<u64> {
    let moov = child_box(b, b"moov")?;
    let mvhd = child_box(moov, b"mvhd")?;
    let (timescale, duration) = match mvhd.first()? {
        0 => (u32_be(mvhd, 12)?, u32_be(mvhd, 16)?),
        1 => (u32_be(mvhd, 20)?, u64_be(mvhd, 24)?),
        _ => return None,
    };
    (timescale > 0).then(|| duration * 1000 / timescale)
}

/// The body of the first box named `name` among the boxes that make up `b`.
fn child_box<'a>(b: &'a [u8], name: &[u8; 4]) -> Option<&'a [u8]> {
    let mut at = 0usize;
    while at + 8 <= b.len() {
        let size = u32_be(b, at)?;
        let (header, size) = match size {
            1 => (16, u64_be(b, at + 8)?),
            0 => (8, (b.len() - at) as u64),
            n => (8, n),
        };
        let end = at.checked_add(usize::try_from(size).ok()?)?.min(b.len());
        if size < header as u64 {
            return None;
        }
        if &b[at + 4..at + 8] == name {
            return b.get(at + header..end);
        }
        at = end;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PCM WAV of `ms` milliseconds of silence at 8 kHz, 16-bit mono.
    fn wav(ms: u64) -> Vec<u8> {
        let data = (ms * 16) as u32;
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&8000u32.to_le_bytes());
        b.extend_from_slice(&16000u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&data.to_le_bytes());
        b.resize(b.len() + data as usize, 0);
        b
    }

    #[test]
    fn sniffs_each_container_by_its_bytes() {
        let webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm";
        assert_eq!(AudioType::sniff(webm), Some(AudioType::Webm));
        let mkv = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska";
        assert_eq!(AudioType::sniff(mkv), None);
        assert_eq!(AudioType::sniff(b"OggS\0\x02"), Some(AudioType::Ogg));
        assert_eq!(AudioType::sniff(&wav(10)), Some(AudioType::Wav));
        assert_eq!(AudioType::sniff(b"\0\0\0\x20ftypM4A \0\0\0\0"), Some(AudioType::Mp4));
        assert_eq!(AudioType::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), None, "an image is not audio");
        assert_eq!(AudioType::sniff(b"fLaC\0\0\0\x22"), Some(AudioType::Flac));
        assert_eq!(AudioType::sniff(b"ID3\x04\0\0"), Some(AudioType::Mp3));
        assert_eq!(AudioType::sniff(&[0xFF, 0xFB, 0x90, 0x64]), Some(AudioType::Mp3));
        assert_eq!(AudioType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), None, "a JPEG is not MP3");
        assert_eq!(AudioType::sniff(b"<!DOCTYPE html><html>"), None);
        assert_eq!(AudioType::sniff(b""), None);
    }

    #[test]
    fn reads_a_wav_duration_and_survives_a_truncated_one() {
        assert_eq!(AudioType::Wav.duration_ms(&wav(2500)), Some(2500));
        let mut cut = wav(2500);
        cut.truncate(44 + 16 * 1000);
        assert_eq!(AudioType::Wav.duration_ms(&cut), Some(1000));
        assert_eq!(AudioType::Wav.duration_ms(&cut[..30]), None);
    }

    #[test]
    fn reads_flac_and_mp4_headers() {
        // STREAMINFO: 16 kHz, 48,000 samples: 3 s.
        let mut flac = b"fLaC\0\0\0\x22".to_vec();
        flac.extend_from_slice(&[0; 10]);
        let packed: u64 = (16_000u64 << 44) | (0b0000_1111 << 36) | 48_000;
        flac.extend_from_slice(&packed.to_be_bytes());
        flac.extend_from_slice(&[0; 16]);
        assert_eq!(AudioType::Flac.duration_ms(&flac), Some(3000));

        let mut mvhd = vec![0u8; 4 + 8];
        mvhd.extend_from_slice(&1000u32.to_be_bytes());
        mvhd.extend_from_slice(&4500u32.to_be_bytes());
        let mut mp4 = b"\0\0\0\x10ftypM4A \0\0\0\0".to_vec();
        let inner = [&((mvhd.len() + 8) as u32).to_be_bytes()[..], b"mvhd", &mvhd].concat();
        mp4.extend_from_slice(&((inner.len() + 8) as u32).to_be_bytes());
        mp4.extend_from_slice(b"moov");
        mp4.extend_from_slice(&inner);
        assert_eq!(AudioType::Mp4.duration_ms(&mp4), Some(4500));
        assert_eq!(AudioType::Mp4.duration_ms(&mp4[..20]), None);
    }
}

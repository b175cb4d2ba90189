/// A file type the vault accepts, decided by the file's first bytes: what a client
/// declares (Content-Type, extension) never decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Jpeg,
    Png,
    Webp,
    Heic,
    Heif,
    Pdf,
}

/// HEIF brands (ISO/IEC 23008-12) that carry HEVC-coded images.
const HEIC_BRANDS: [&[u8; 4]; 6] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"];
/// Generic HEIF brands: image or image sequence, codec unspecified.
const HEIF_BRANDS: [&[u8; 4]; 2] = [b"mif1", b"msf1"];

impl FileType {
    pub const ALL: [Self; 6] = [
        Self::Jpeg,
        Self::Png,
        Self::Webp,
        Self::Heic,
        Self::Heif,
        Self::Pdf,
    ];

    /// How many leading bytes [`FileType::sniff`] needs to decide.
    pub const SNIFF_LEN: usize = 64;

    /// The type of a file starting with `head`, or None when it is not one we accept.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if head.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            sniff_heif(head)
        }
    }

    /// The media type served with the file.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Heic => "image/heic",
            Self::Heif => "image/heif",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Heic => "heic",
            Self::Heif => "heif",
            Self::Pdf => "pdf",
        }
    }

    /// Whether the vault makes a thumbnail of it.
    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }
}

/// An ISO base media file whose `ftyp` box names a HEIF brand, as major brand or among
/// the compatible brands within the box.
fn sniff_heif(head: &[u8]) -> Option<FileType> {
    if head.len() < 16 || &head[4..8] != b"ftyp" {
        return None;
    }
    let box_len = u32::from_be_bytes(head[..4].try_into().ok()?) as usize;
    if box_len < 16 {
        return None;
    }
    let end = box_len.min(head.len());
    // The major brand, then (after the minor version) the compatible brands.
    let brands = std::iter::once(&head[8..12]).chain(head[16..end].chunks_exact(4));
    let mut generic = false;
    for brand in brands {
        if HEIC_BRANDS.iter().any(|b| b.as_slice() == brand) {
            return Some(FileType::Heic);
        }
        generic |= HEIF_BRANDS.iter().any(|b| b.as_slice() == brand);
    }
    generic.then_some(FileType::Heif)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut bytes = (len as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(b"ftyp");
        bytes.extend_from_slice(major);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        for brand in compatible {
            bytes.extend_from_slice(*brand);
        }
        bytes.extend_from_slice(&[0; 8]);
        bytes
    }

    #[test]
    fn each_accepted_type_is_recognised_by_its_signature() {
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileType::Png)
        );
        assert_eq!(FileType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(FileType::sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(FileType::Pdf));
        assert_eq!(
            FileType::sniff(&ftyp(b"heic", &[b"mif1", b"heic"])),
            Some(FileType::Heic)
        );
        assert_eq!(FileType::sniff(&ftyp(b"mif1", &[b"heic"])), Some(FileType::Heic));
        assert_eq!(FileType::sniff(&ftyp(b"mif1", &[b"miaf"])), Some(FileType::Heif));
    }

    #[test]
    fn html_and_other_files_are_not_accepted_whatever_they_are_called() {
        for head in [
            b"<!DOCTYPE html><html>".as_slice(),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\">",
            b"GIF89a\x01\0\x01\0",
            b"PK\x03\x04\x14\0",
            b"",
            b"\xFF\xD8",
            b"RIFF\x24\0\0\0WAVEfmt ",
        ] {
            assert_eq!(FileType::sniff(head), None, "{head:?}");
        }
        // An MP4 or AVIF is an ISO media file too, but not HEIF.
        assert_eq!(FileType::sniff(&ftyp(b"isom", &[b"mp41"])), None);
        assert_eq!(FileType::sniff(&ftyp(b"avif", &[b"avif"])), None);
    }

    #[test]
    fn a_truncated_or_lying_ftyp_box_is_not_trusted() {
        let mut lying = ftyp(b"isom", &[]);
        lying[..4].copy_from_slice(&8u32.to_be_bytes());
        assert_eq!(FileType::sniff(&lying), None);
        assert_eq!(FileType::sniff(&ftyp(b"heic", &[])[..10]), None);
    }

    #[test]
    fn only_pdf_gets_no_thumbnail() {
        assert!(!FileType::Pdf.is_image());
        assert!(FileType::Heic.is_image());
    }
}

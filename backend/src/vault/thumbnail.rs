//! Thumbnails: decoded from the original, turned upright, shrunk to fit 512 px and
//! written as a new JPEG. Encoding fresh pixels is what strips EXIF (GPS included): no
//! metadata of the original is copied. The original itself is never rewritten.
//!
//! Decompression bombs: the declared dimensions are read from the header first and an
//! image over the pixel limit is refused before any pixel is decoded; the decoder also
//! runs under allocation limits.

use std::io::BufWriter;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// The longest side of a thumbnail.
pub const THUMBNAIL_SIZE: u32 = 512;
const JPEG_QUALITY: u8 = 80;

/// The original's dimensions, once a thumbnail was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("The image is {width} × {height} pixels, more than the {limit} pixels Softly processes.")]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    #[error("The image could not be read: {0}.")]
    Unreadable(String),
}

/// Writes a thumbnail of the image at `source` to `target`. Blocking: run it on the
/// blocking pool.
pub fn make(source: &Path, target: &Path, max_pixels: u64) -> Result<Dimensions, Refusal> {
    let unreadable = |e: &dyn std::fmt::Display| Refusal::Unreadable(e.to_string());
    let open = || {
        ImageReader::open(source)
            .and_then(ImageReader::with_guessed_format)
            .map_err(|e| unreadable(&e))
    };
    let (width, height) = open()?.into_dimensions().map_err(|e| unreadable(&e))?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Refusal::TooManyPixels {
            width,
            height,
            limit: max_pixels,
        });
    }
    let mut reader = open()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Four bytes a pixel, twice over for conversions, plus slack for decoder state.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let orientation = decoder.orientation().map_err(|e| unreadable(&e))?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(&e))?;
    image.apply_orientation(orientation);
    // Shrunk to fit, never enlarged: a small image keeps its size.
    let fits = image.width() <= THUMBNAIL_SIZE && image.height() <= THUMBNAIL_SIZE;
    let small = if fits {
        image.to_rgb8()
    } else {
        image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).to_rgb8()
    };
    let file = std::fs::File::create(target).map_err(|e| unreadable(&e))?;
    let mut writer = BufWriter::new(file);
    small
        .write_with_encoder(JpegEncoder::new_with_quality(&mut writer, JPEG_QUALITY))
        .map_err(|e| unreadable(&e))?;
    writer
        .into_inner()
        .map_err(|e| unreadable(&e.error()))?
        .sync_all()
        .map_err(|e| unreadable(&e))?;
    Ok(Dimensions { width, height })
}

//! Thumbnails: decoded from the original, turned upright, shrunk to fit 512 px and
//! written as a new JPEG. Encoding fresh pixels is what strips EXIF (GPS included): no
//! metadata of the original is copied. The original itself is never rewritten.
//!
//! Decompression bombs: what decoding costs is known from the header alone — width ×
//! height × bytes per pixel of the decoded colour type (a 16-bit RGBA pixel is 8
//! bytes), times what the format's decoder keeps beside it — so [`plan`] reads only the
//! header, refuses an image over the pixel limit, and says how much memory [`make`]
//! will need; the caller reserves that much of the process's budget before decoding,
//! and the decoder runs with it as its allocation limit. The image is shrunk before it
//! is turned upright, so no rotated copy of the full image is ever made.

use std::io::BufWriter;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail.
pub const THUMBNAIL_SIZE: u32 = 512;
const JPEG_QUALITY: u8 = 80;

/// Room for the decoder's own state and the thumbnail itself, beyond the pixels.
const OVERHEAD_BYTES: u64 = 16 << 20;

/// The original's dimensions, once a thumbnail was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// What decoding an image will take, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub dimensions: Dimensions,
    /// Bytes of memory decoding and shrinking it may allocate at most.
    pub memory_bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("The image is {width} × {height} pixels, more than the {limit} pixels Softly processes.")]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    #[error("The image is too large to process: decoding it would take {needed_mib} MiB, more than the {budget_mib} MiB available.")]
    TooMuchMemory { needed_mib: u64, budget_mib: u64 },
    #[error("The image could not be read: {0}.")]
    Unreadable(String),
}

fn unreadable(error: &dyn std::fmt::Display) -> Refusal {
    Refusal::Unreadable(error.to_string())
}

fn open(source: &Path) -> Result<ImageReader<std::io::BufReader<std::fs::File>>, Refusal> {
    ImageReader::open(source)
        .and_then(ImageReader::with_guessed_format)
        .map_err(|e| unreadable(&e))
}

/// Reads the header of the image at `source`: refused over `max_pixels`, else what
/// decoding it will cost. Blocking.
pub fn plan(source: &Path, max_pixels: u64) -> Result<Plan, Refusal> {
    let reader = open(source)?;
    let format = reader.format();
    let decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Refusal::TooManyPixels {
            width,
            height,
            limit: max_pixels,
        });
    }
    // Beside the decoded pixels, a progressive JPEG decoder keeps every coefficient (two
    // bytes a sample) and a lossy WebP decoder its YUV planes.
    let decoded = decoder.total_bytes();
    let beside = match format {
        Some(ImageFormat::Jpeg) => decoded.saturating_mul(2),
        Some(ImageFormat::WebP) => decoded,
        _ => 0,
    };
    Ok(Plan {
        dimensions: Dimensions { width, height },
        memory_bytes: decoded.saturating_add(beside).saturating_add(OVERHEAD_BYTES),
    })
}

/// Writes a thumbnail of the image at `source` to `target`, allocating no more than
/// `plan` says. Blocking: run it on the blocking pool, holding the plan's memory.
pub fn make(source: &Path, target: &Path, plan: Plan) -> Result<Dimensions, Refusal> {
    let mut reader = open(source)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(plan.dimensions.width);
    limits.max_image_height = Some(plan.dimensions.height);
    limits.max_alloc = Some(plan.memory_bytes);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(&e))?;
    let orientation = decoder.orientation().map_err(|e| unreadable(&e))?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(&e))?;
    // Shrunk to fit, never enlarged: a small image keeps its size. Into a square, so
    // shrinking before turning upright gives the same thumbnail.
    let fits = image.width() <= THUMBNAIL_SIZE && image.height() <= THUMBNAIL_SIZE;
    let mut small = if fits {
        DynamicImage::ImageRgb8(image.to_rgb8())
    } else {
        DynamicImage::ImageRgb8(image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).to_rgb8())
    };
    drop(image);
    small.apply_orientation(orientation);
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
    Ok(plan.dimensions)
}

//! Keeping large images at reading size: a photo wider or taller than a reading column ever
//! shows is shrunk to [`READING_EDGE`] on its longest edge and encoded again. A storage option
//! the person turns on (the originals stay the default); only JPEG, PNG and WebP are touched,
//! upright by their EXIF orientation, with their colour profile kept. GIFs (perhaps animated),
//! AVIF and icons stay as they are.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{
    DynamicImage, ImageBuffer, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits,
    PixelWithColorType,
};

/// The longest edge an image keeps at reading size: wider than the reading column on a 4K
/// screen at 150 %, so nothing a story shows gets blurrier.
pub const READING_EDGE: u32 = 1600;

/// Images smaller than this are left alone: what shrinking them saves is not worth the work.
pub const FIT_FROM_BYTES: u64 = 100_000;

/// JPEG quality of a shrunk photo: no visible loss at reading size.
const JPEG_QUALITY: u8 = 85;

/// The most an image may declare (each edge) or take decoded: a hostile file claiming to be
/// enormous is left alone instead of allocating.
const MAX_EDGE: u32 = 20_000;
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// An image shrunk to reading size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// Its type now: JPEG for an opaque image, PNG for one with transparency.
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// `bytes` shrunk to [`READING_EDGE`] on its longest edge (upright), if that is smaller than
/// it is now. `None` when it already fits, is under [`FIT_FROM_BYTES`], is not JPEG, PNG or
/// WebP, cannot be read, or would not get smaller.
pub fn fit_reading_size(bytes: &[u8]) -> Option<Fitted> {
    if (bytes.len() as u64) < FIT_FROM_BYTES {
        return None;
    }
    let format = match super::sniff(bytes)? {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        "image/webp" => ImageFormat::WebP,
        _ => return None,
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    if width.max(height) <= READING_EDGE {
        return None;
    }
    let orientation = decoder.orientation().ok()?;
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);
    // Triangle (bilinear over the whole footprint) is sharp enough for a shrink and the
    // cheapest smooth filter: a 12-megapixel photo takes 0.30 s decoded, shrunk and encoded,
    // against 0.41 s with Lanczos3 (measured on the 2-core development VM).
    let image = image.resize(
        READING_EDGE,
        READING_EDGE,
        image::imageops::FilterType::Triangle,
    );
    let fitted = encode(&image, icc)?;
    (fitted.bytes.len() < bytes.len()).then_some(fitted)
}

fn encode(image: &DynamicImage, icc: Option<Vec<u8>>) -> Option<Fitted> {
    let mut bytes = Vec::new();
    let mime = if image.color().has_alpha() {
        write(PngEncoder::new(&mut bytes), icc, &image.to_rgba8())?;
        "image/png"
    } else {
        let encoder = JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
        write(encoder, icc, &image.to_rgb8())?;
        "image/jpeg"
    };
    Some(Fitted {
        mime,
        bytes,
        width: image.width(),
        height: image.height(),
    })
}

fn write<P>(
    mut encoder: impl ImageEncoder,
    icc: Option<Vec<u8>>,
    pixels: &ImageBuffer<P, Vec<u8>>,
) -> Option<()>
where
    P: PixelWithColorType<Subpixel = u8>,
{
    if let Some(icc) = icc {
        // A profile the encoder cannot carry costs only colour accuracy.
        let _ = encoder.set_icc_profile(icc);
    }
    let (width, height) = pixels.dimensions();
    encoder
        .write_image(pixels.as_raw(), width, height, P::COLOR_TYPE)
        .ok()
}

/// An image's width and height, read from its header only.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    /// Grain, as a photo has: a pixel's own pseudo-random value.
    fn grain(x: u32, y: u32) -> u8 {
        (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).rotate_left(7) as u8 & 63
    }

    /// A photo-like test card: gradients with grain and a bright corner, so orientation shows.
    fn card(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            if x < width / 8 && y < height / 8 {
                Rgb([255, 255, 255])
            } else {
                let g = grain(x, y);
                Rgb([
                    (x * 190 / width) as u8 + g,
                    (y * 190 / height) as u8 + g,
                    60 + g,
                ])
            }
        })
    }

    fn jpeg(image: &RgbImage, exif_orientation: Option<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 95);
        if let Some(o) = exif_orientation {
            // A little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT, 1, o.
            let mut exif = b"II\x2a\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
            exif.extend_from_slice(&[o, 0, 0, 0, 0, 0, 0, 0]);
            encoder.set_exif_metadata(exif).unwrap();
        }
        encoder
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_shrunk_to_the_reading_edge_and_smaller() {
        let original = jpeg(&card(3200, 1200), None);
        assert!(original.len() as u64 > FIT_FROM_BYTES, "{}", original.len());
        let fitted = fit_reading_size(&original).expect("shrunk");
        assert_eq!((fitted.width, fitted.height), (1600, 600));
        assert_eq!(fitted.mime, "image/jpeg");
        assert_eq!(dimensions(&fitted.bytes), Some((1600, 600)));
        assert!(fitted.bytes.len() < original.len());
        // Nothing more to do at reading size.
        assert_eq!(fit_reading_size(&fitted.bytes), None);
    }

    #[test]
    fn an_image_that_fits_or_is_not_a_photo_format_is_left_alone() {
        let fits = jpeg(&card(1600, 900), None);
        assert!(fits.len() as u64 > FIT_FROM_BYTES, "{}", fits.len());
        assert_eq!(fit_reading_size(&fits), None);
        let small = jpeg(&RgbImage::from_pixel(3000, 200, Rgb([90, 90, 90])), None);
        assert!((small.len() as u64) < FIT_FROM_BYTES, "{}", small.len());
        assert_eq!(fit_reading_size(&small), None, "under FIT_FROM_BYTES");
        assert_eq!(fit_reading_size(&jpeg(&card(900, 1600), None)), None);
        assert_eq!(fit_reading_size(b"GIF89a\x40\x1f\x40\x1f"), None);
        assert_eq!(
            fit_reading_size(b"\xFF\xD8\xFF\xE0 not really a jpeg"),
            None
        );
        assert_eq!(fit_reading_size(b"<svg/>"), None);
    }

    #[test]
    fn a_rotated_photo_comes_out_upright() {
        // Stored landscape with "rotate 90° clockwise to view": people see it in portrait.
        let original = jpeg(&card(3200, 1600), Some(6));
        let fitted = fit_reading_size(&original).expect("shrunk");
        assert_eq!((fitted.width, fitted.height), (800, 1600));
        // The stored top-left (bright) corner is the viewed top-right one.
        let viewed = image::load_from_memory(&fitted.bytes).unwrap().to_rgb8();
        let right = viewed.get_pixel(790, 10)[0];
        let left = viewed.get_pixel(10, 10)[0];
        assert!(right > 200 && left < 100, "right {right}, left {left}");
    }

    #[test]
    fn transparency_stays_as_png() {
        let image = RgbaImage::from_fn(2400, 2400, |x, y| {
            Rgba([grain(x, y), 0, 0, (x % 256) as u8])
        });
        let mut original = Vec::new();
        PngEncoder::new(&mut original)
            .write_image(image.as_raw(), 2400, 2400, image::ExtendedColorType::Rgba8)
            .unwrap();
        let fitted = fit_reading_size(&original).expect("shrunk");
        assert_eq!(fitted.mime, "image/png");
        assert_eq!((fitted.width, fitted.height), (1600, 1600));
    }

    #[test]
    fn a_file_claiming_to_be_enormous_is_left_alone() {
        // A PNG header declaring 100,000 × 100,000 pixels (40 GB decoded) and no data.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        for chunk in [b"IDAT", b"IEND"] {
            png.extend_from_slice(&[0, 0, 0, 0]);
            png.extend_from_slice(chunk);
            png.extend_from_slice(&crc32(chunk).to_be_bytes());
        }
        assert_eq!(dimensions(&png), Some((100_000, 100_000)));
        assert_eq!(fit_reading_size(&png), None);
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}

//! Screenshots taken from the X display, as the user sees the window.
//!
//! WebKit's own snapshot (WebDriver's `/screenshot`) never answers in the software rendering
//! the app uses (`src-tauri/src/launch.rs`) while a story frame shows pictures; the X server's
//! copy of the window is what is on screen anyway. `xwd` (x11-apps) dumps the window named
//! "Tidings"; this turns its ZPixmap into a PNG.

use std::process::Command;

/// The app window on `display` as a PNG.
pub fn window_png(display: &str) -> Result<Vec<u8>, String> {
    let out = Command::new("xwd")
        .args(["-silent", "-display", display, "-name", "Tidings"])
        .output()
        .map_err(|e| format!("xwd: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "xwd failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    xwd_to_png(&out.stdout)
}

/// An XWD dump (version 7, ZPixmap, 24 or 32 bits per pixel, true colour) as a PNG.
fn xwd_to_png(xwd: &[u8]) -> Result<Vec<u8>, String> {
    let field = |i: usize| -> Result<u32, String> {
        xwd.get(i * 4..i * 4 + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| "the XWD header is cut short".to_string())
    };
    let (header_size, version, format) = (field(0)? as usize, field(1)?, field(2)?);
    if version != 7 || format != 2 {
        return Err(format!(
            "XWD version {version}, format {format}: not a ZPixmap dump"
        ));
    }
    let (width, height) = (field(4)? as usize, field(5)? as usize);
    let byte_order = field(7)?; // 0: least significant byte first
    let bits_per_pixel = field(11)? as usize;
    let bytes_per_line = field(12)? as usize;
    let masks = [field(14)?, field(15)?, field(16)?].map(|m| m.max(1));
    let colors = field(19)? as usize; // XColor entries (12 bytes each) after the header
    if bits_per_pixel != 32 && bits_per_pixel != 24 {
        return Err(format!("{bits_per_pixel} bits per pixel"));
    }
    let start = header_size + colors * 12;
    let pixel_bytes = bits_per_pixel / 8;
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let at = start + y * bytes_per_line + x * pixel_bytes;
            let bytes = xwd
                .get(at..at + pixel_bytes)
                .ok_or("the XWD pixels are cut short")?;
            let mut value: u32 = 0;
            for (i, b) in bytes.iter().enumerate() {
                let shift = if byte_order == 0 {
                    8 * i
                } else {
                    8 * (pixel_bytes - 1 - i)
                };
                value |= u32::from(*b) << shift;
            }
            for mask in masks {
                rgb.push(((value & mask) >> mask.trailing_zeros()) as u8);
            }
        }
    }
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(png_bytes)
}

#[test]
fn an_xwd_dump_becomes_a_png_with_the_same_pixels() {
    // A 2x1 dump: red then blue, 32 bits per pixel, least significant byte first.
    let mut xwd = Vec::new();
    let name = b"t\0\0\0";
    let header_size = 100 + name.len() as u32;
    let fields: [u32; 25] = [
        header_size,
        7,
        2,
        24,
        2,
        1,
        0,
        0,
        32,
        0,
        32,
        32,
        8,
        4,
        0xff0000,
        0xff00,
        0xff,
        8,
        0,
        0,
        2,
        1,
        0,
        0,
        0,
    ];
    for f in fields {
        xwd.extend_from_slice(&f.to_be_bytes());
    }
    xwd.extend_from_slice(name);
    xwd.extend_from_slice(&[0, 0, 0xff, 0, 0xff, 0, 0, 0]);
    let png_bytes = xwd_to_png(&xwd).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (2, 1));
    assert_eq!(&buf[..6], &[0xff, 0, 0, 0, 0, 0xff]);
}

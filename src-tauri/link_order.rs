// Link order for a faster start (Linux), shared by build.rs and a test in src/main.rs.
//
// At exec the dynamic loader binds every symbol of WebKitGTK's ~170 libraries (they are all
// linked with BIND_NOW), searching the libraries in load order for each one. On Debian 12,
// 31,288 of those 72,223 bindings resolve inside one library, WebKitGTK's speech voice
// `libflite_cmu_time_awb.so.1` (its own tables, referenced through its GOT), which loads
// ~150th: each of those searches walks ~150 libraries first. Naming it among the app's own
// libraries moves it to the front, and the binding result is the same (checked with
// LD_DEBUG=bindings). Measured: exec to `main` 96 -> 77 ms (6 launches each). Only done when the
// WebKitGTK being linked needs that library, so the app never needs anything WebKit does not.

/// The library named first.
pub const SPEECH_VOICE: &str = "libflite_cmu_time_awb.so.1";

/// The `DT_NEEDED` names of a 64-bit little-endian ELF file; empty for anything else or any
/// malformed file (the caller then leaves the link order alone).
pub fn elf_needed(elf: &[u8]) -> Vec<String> {
    needed(elf).unwrap_or_default()
}

fn needed(elf: &[u8]) -> Option<Vec<String>> {
    let u16_at = |at: usize| -> Option<u64> {
        Some(u16::from_le_bytes(elf.get(at..at + 2)?.try_into().ok()?).into())
    };
    let u32_at = |at: usize| -> Option<u64> {
        Some(u32::from_le_bytes(elf.get(at..at + 4)?.try_into().ok()?).into())
    };
    let u64_at = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(elf.get(at..at + 8)?.try_into().ok()?))
    };
    let index = |value: u64| usize::try_from(value).ok();
    // "\x7fELF", 64-bit, little-endian.
    if elf.get(0..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let section_table = index(u64_at(0x28)?)?;
    let entry_size = index(u16_at(0x3a)?)?;
    let count = index(u16_at(0x3c)?)?;
    // Sections: (type, file offset, size, link).
    let sections: Vec<(u64, usize, usize, usize)> = (0..count)
        .map(|i| {
            let at = section_table.checked_add(i.checked_mul(entry_size)?)?;
            Some((
                u32_at(at + 4)?,
                index(u64_at(at + 0x18)?)?,
                index(u64_at(at + 0x20)?)?,
                index(u32_at(at + 0x28)?)?,
            ))
        })
        .collect::<Option<_>>()?;
    const SHT_DYNAMIC: u64 = 6;
    const DT_NEEDED: u64 = 1;
    let &(_, dynamic, size, link) = sections.iter().find(|s| s.0 == SHT_DYNAMIC)?;
    let &(_, strings, strings_size, _) = sections.get(link)?;
    let strings = elf.get(strings..strings.checked_add(strings_size)?)?;
    let mut names = Vec::new();
    for entry in (dynamic..dynamic.checked_add(size)?).step_by(16) {
        if u64_at(entry)? == DT_NEEDED {
            let name = strings.get(index(u64_at(entry + 8)?)?..)?;
            let end = name.iter().position(|&b| b == 0)?;
            names.push(String::from_utf8_lossy(&name[..end]).into_owned());
        }
    }
    Some(names)
}

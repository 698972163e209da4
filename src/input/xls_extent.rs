//! Bounds for legacy XLS workbooks before calamine reads them.
//!
//! calamine parses every sheet of an XLS file into a dense grid spanning
//! the sheet's furthest cells (and a second one for formulas), so one cell at
//! `IV65536` next to `A1` costs half a gigabyte. This module walks the
//! compound file (CFB) far enough to find the `Workbook` stream, scans its
//! BIFF cell records for their row and column, and refuses a workbook whose
//! sheets together span more than the allowed number of cells.
//!
//! The compound file is read exactly as calamine reads it (a stricter
//! reader of our own let a fuzzed file through that calamine could open:
//! its far cells then cost 130 GB), each sheet is scanned from the position
//! its BOUNDSHEET record gives, as calamine scans it, and a DIMENSIONS
//! record (from which calamine reserves rows × columns cells) counts too.
//! A compound file whose sector chains loop is refused: calamine follows a
//! chain until its end, or until the length a directory entry gives,
//! appending every sector, so a loop grows without bound (a 45 KB file
//! found by fuzzing took 24 GB).

use crate::error::{Error, Result};

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// One sheet's bounding box, as calamine would allocate it.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
    /// The largest rows × columns a DIMENSIONS record declared: calamine
    /// reserves that many cells before reading any.
    declared: Option<(u64, u64)>,
}

impl Extent {
    fn add(&mut self, row: u32, first_col: u32, last_col: u32) {
        let r = self.rows.get_or_insert((row, row));
        *r = (r.0.min(row), r.1.max(row));
        let c = self.cols.get_or_insert((first_col, last_col));
        *c = (c.0.min(first_col), c.1.max(last_col));
    }

    fn size(&self) -> (u64, u64) {
        match (self.rows, self.cols) {
            (Some(r), Some(c)) => (
                u64::from(r.1 - r.0) + 1,
                u64::from(c.1.saturating_sub(c.0)) + 1,
            ),
            _ => (0, 0),
        }
    }
}

const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Sector ids from here up are markers, not sectors (calamine's bound on
/// the DIFAT chain).
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;
/// calamine reads a stream shorter than this from the mini stream.
const MINI_STREAM_CUTOFF: usize = 4096;

/// The sectors of a compound file as calamine addresses them: sector `id`
/// follows the header, ids up to `file length / sector size` are read (a
/// sector past the end of the file is short or empty).
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    max_id: u32,
}

impl<'a> Sectors<'a> {
    fn get(&self, id: u32) -> Option<&'a [u8]> {
        if id > self.max_id {
            return None;
        }
        let start = (id as usize + 1).saturating_mul(self.size);
        let end = start.saturating_add(self.size).min(self.bytes.len());
        Some(self.bytes.get(start..end).unwrap_or(&[]))
    }
}

/// How following one chain the way calamine does ends.
enum Walk {
    /// At its end, at its length, or at a link calamine refuses.
    Ends(Vec<u8>),
    /// Back at a sector already read, before the length was reached.
    Loops(u32),
}

/// Follow the chain from `first` through `links`, reading `sector(id)` for
/// each link, up to `len` bytes, as calamine's `get_chain` does.
fn walk<'a>(
    first: u32,
    links: &[u32],
    len: usize,
    sector: impl Fn(u32) -> Option<&'a [u8]>,
) -> Walk {
    let mut out = Vec::new();
    let mut seen = vec![false; links.len()];
    let mut id = first;
    while id != END_OF_CHAIN {
        let Some(bytes) = sector(id) else {
            return Walk::Ends(out);
        };
        out.extend_from_slice(&bytes[..bytes.len().min(len - out.len())]);
        if out.len() >= len {
            return Walk::Ends(out);
        }
        let Some(next) = links.get(id as usize) else {
            return Walk::Ends(out);
        };
        if std::mem::replace(&mut seen[id as usize], true) {
            return Walk::Loops(id);
        }
        id = *next;
    }
    Walk::Ends(out)
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The `Workbook` (or `Book`) stream of an XLS compound file, read exactly
/// as calamine reads it (header, DIFAT, FAT, directory, mini stream), so
/// that the checks below see the bytes calamine will parse; `None` when
/// calamine itself would refuse the file. A chain that loops is an error:
/// calamine follows a chain until its end or the length a directory entry
/// gives, appending every sector, so a loop grows without bound.
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    let looped = |what: &str, id: u32| {
        Err(Error::Corrupt {
            format: "xls",
            detail: format!("the compound file's {what} chain loops back to sector {id}"),
        })
    };
    if bytes.len() < 512 || &bytes[..8] != SIGNATURE {
        return Ok(None);
    }
    let size = match u16_at(bytes, 30) {
        Some(0x9) => 512,
        Some(0xC) => 4096,
        _ => return Ok(None),
    };
    let Some(header) = bytes.get(..512) else {
        return Ok(None);
    };
    let sectors = Sectors {
        bytes,
        size,
        max_id: u32::try_from(bytes.len() / size).unwrap_or(u32::MAX),
    };
    let field = |at: usize| u32_at(header, at).unwrap_or(END_OF_CHAIN);
    let (dir_start, mini_fat_start, mini_fat_len, difat_start) =
        (field(48), field(60), field(64) as usize, field(68));
    // The DIFAT: 109 entries in the header, then its own chain (bounded).
    let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
    let mut id = difat_start;
    let mut steps = 0u32;
    while id < RESERVED_SECTORS {
        steps += 1;
        if steps > sectors.max_id.saturating_add(1) {
            return Ok(None);
        }
        let Some(s) = sectors.get(id) else {
            return Ok(None);
        };
        difat.extend(u32s(s));
        let Some(next) = difat.pop() else {
            return Ok(None);
        };
        id = next;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFAT_SECTOR) {
        let Some(s) = sectors.get(id) else {
            return Ok(None);
        };
        fat.extend(u32s(s));
    }
    let regular = |id: u32| sectors.get(id);
    let dirs = match walk(dir_start, &fat, usize::MAX, regular) {
        Walk::Ends(d) => d,
        Walk::Loops(id) => return looped("directory", id),
    };
    let entries: Vec<(String, u32, usize)> = dirs
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = (0..32)
                .filter_map(|k| u16_at(e, 2 * k))
                .take_while(|u| *u != 0)
                .collect();
            let len = if size == 512 {
                u32_at(e, 120).map_or(0, |l| l as usize)
            } else {
                u64::from_le_bytes(e[120..128].try_into().unwrap_or_default()) as usize
            };
            (
                String::from_utf16_lossy(&units),
                u32_at(e, 116).unwrap_or(END_OF_CHAIN),
                len,
            )
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let (mut mini_stream, mut mini_fat) = (Vec::new(), Vec::new());
    if mini_fat_len > 0 {
        mini_stream = match walk(root.1, &fat, root.2, regular) {
            Walk::Ends(m) => m,
            Walk::Loops(id) => return looped("mini stream", id),
        };
        mini_fat = match walk(
            mini_fat_start,
            &fat,
            mini_fat_len.saturating_mul(size),
            regular,
        ) {
            Walk::Ends(m) => u32s(&m).collect(),
            Walk::Loops(id) => return looped("mini sector table", id),
        };
    }
    let stream = ["Workbook", "Book"].iter().find_map(|name| {
        entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
    });
    let Some((_, start, len)) = stream else {
        return Ok(None);
    };
    {
        let walked = if *len < MINI_STREAM_CUTOFF {
            let mini = |id: u32| {
                let at = (id as usize).saturating_mul(64);
                Some(
                    mini_stream
                        .get(at..at.saturating_add(64).min(mini_stream.len()))
                        .unwrap_or(&[]),
                )
            };
            walk(*start, &mini_fat, *len, mini)
        } else {
            walk(*start, &fat, *len, regular)
        };
        match walked {
            Walk::Loops(id) => looped("workbook stream", id),
            Walk::Ends(stream) => Ok(Some(stream)),
        }
    }
}

/// The rows and columns a DIMENSIONS record makes calamine reserve, read as
/// calamine reads it (first row, last row + 1, first column, last column +
/// 1; a first column past IV or after the last counts from A), with its
/// `end - start + 1` wrapping as it does in a release build.
fn declared_dimensions(data: &[u8]) -> Option<(u64, u64)> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl < 1 || cl < 1 {
        return Some((1, 1));
    }
    let span = |first: u32, last: u32| u64::from(last.wrapping_sub(first).wrapping_add(1));
    Some((span(rf, rl - 1), span(cf, cl - 1)))
}

/// Refuse an XLS workbook whose sheets together span more than `max_cells`
/// cells. A file whose structure cannot be followed is left to calamine,
/// which reports it as damaged.
pub fn check(bytes: &[u8], max_cells: u64) -> Result<()> {
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    // Sheet names by the stream offset of their BOF record (BOUNDSHEET).
    let mut names: Vec<(u32, String)> = Vec::new();
    let mut at = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data_start = at + 4;
        let Some(data) = stream.get(data_start..data_start + usize::from(len)) else {
            break;
        };
        if kind == 0x0085 && data.len() >= 8 {
            let pos = u32_at(data, 0).unwrap_or(0);
            let cch = usize::from(data[6]);
            let name = if data[7] & 1 == 1 {
                let units: Vec<u16> = (0..cch).filter_map(|k| u16_at(data, 8 + 2 * k)).collect();
                String::from_utf16_lossy(&units)
            } else {
                String::from_utf8_lossy(data.get(8..8 + cch).unwrap_or_default()).into_owned()
            };
            names.push((pos, name));
        }
        at = data_start + usize::from(len);
    }
    // calamine reads each sheet from the position its BOUNDSHEET record
    // gives (not necessarily a record boundary of the scan above): read every
    // sheet from there the way calamine does, and bound what that adds up to.
    let mut total = 0u64;
    for (pos, name) in &names {
        let e = sheet_extent(stream.get(*pos as usize..).unwrap_or_default());
        if let Some((rows, cols)) = e.declared
            && rows.saturating_mul(cols) > max_cells
        {
            return Err(Error::Limit(format!(
                "sheet {name} declares {rows} rows × {cols} columns (its DIMENSIONS record), more than {max_cells} cells"
            )));
        }
        let (rows, cols) = e.size();
        total = total.saturating_add(rows.saturating_mul(cols));
        if total > max_cells {
            let last = e.cols.map(|c| c.1).unwrap_or(0);
            return Err(Error::Limit(format!(
                "sheet {name} spans {rows} rows × {cols} columns (to column {}), more than {max_cells} cells for the whole workbook",
                super::sheet::column_name(last)
            )));
        }
    }
    Ok(())
}

/// The cells one sheet's records give calamine, read from the sheet's BOF
/// as calamine's record iterator reads them (CONTINUE records joined to the
/// record before them, nested substreams such as embedded charts skipped,
/// up to the sheet's EOF or the first record it cannot read).
fn sheet_extent(sheet: &[u8]) -> Extent {
    let mut e = Extent::default();
    let mut at = 0usize;
    let (mut seen_bof, mut depth) = (false, 0usize);
    while let (Some(kind), Some(len)) = (u16_at(sheet, at), u16_at(sheet, at + 2)) {
        let data_start = at + 4;
        let Some(data) = sheet.get(data_start..data_start + usize::from(len)) else {
            break;
        };
        at = data_start + usize::from(len);
        while u16_at(sheet, at) == Some(0x003C) && sheet.len() > at + 4 {
            let Some(l) = u16_at(sheet, at + 2) else {
                break;
            };
            at += 4 + usize::from(l);
        }
        if depth > 0 {
            match kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => {
                if let Some((r, c)) = declared_dimensions(data)
                    && e.declared
                        .is_none_or(|(dr, dc)| r.saturating_mul(c) > dr.saturating_mul(dc))
                {
                    e.declared = Some((r, c));
                }
            }
            _ => add_cell_record(&mut e, kind, data),
        }
    }
    e
}

/// Add the position of a cell record (FORMULA, NUMBER, RK, LABELSST, LABEL,
/// BOOLERR, RSTRING, MULRK) to `e`.
fn add_cell_record(e: &mut Extent, kind: u16, data: &[u8]) {
    match kind {
        0x0006 | 0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0205 | 0x00D6 => {
            if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                e.add(u32::from(r), u32::from(c), u32::from(c));
            }
        }
        // MULRK: row, first column, …, last column.
        0x00BD if data.len() >= 6 => {
            if let (Some(r), Some(c0), Some(c1)) = (
                u16_at(data, 0),
                u16_at(data, 2),
                u16_at(data, data.len() - 2),
            ) {
                e.add(u32::from(r), u32::from(c0), u32::from(c1.max(c0)));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {

    /// The seed workbook with its DIMENSIONS record claiming 268 million
    /// rows: calamine would reserve them all before reading a cell.
    #[test]
    fn a_forged_dimensions_record_is_refused() {
        let mut xls = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed.xls"),
        )
        .unwrap();
        let at = xls
            .windows(4)
            .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
            .expect("a DIMENSIONS record");
        xls[at + 8..at + 12].copy_from_slice(&0x1000_0000u32.to_le_bytes());
        let err = check(&xls, 2_000_000).unwrap_err().to_string();
        assert!(err.contains("DIMENSIONS"), "{err}");
        assert_eq!(declared_dimensions(&[0; 14]), Some((1, 1)));
    }

    /// The seed workbook with the FAT entry of its first directory sector
    /// pointing back at that sector: calamine would append it forever.
    #[test]
    fn a_looping_directory_chain_is_refused_before_calamine_reads_it() {
        let seed = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed.xls"),
        )
        .unwrap();
        assert!(workbook_stream(&seed).is_ok());
        let dir_start = u32_at(&seed, 48).unwrap();
        let fat_sector = u32_at(&seed, 76).unwrap();
        assert!(
            dir_start < 128,
            "the directory starts in the first FAT sector"
        );
        let mut looped = seed.clone();
        let at = (fat_sector as usize + 1) * 512 + 4 * dir_start as usize;
        looped[at..at + 4].copy_from_slice(&dir_start.to_le_bytes());
        let err = workbook_stream(&looped).unwrap_err().to_string();
        assert!(err.contains("directory chain loops"), "{err}");
        let err = crate::input::sheet::read(&looped, super::super::Format::Xls)
            .unwrap_err()
            .to_string();
        assert!(err.contains("damaged xls file"), "{err}");
    }
    use super::*;

    #[test]
    fn the_seed_workbook_passes() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/formats/seed.xls"
        ))
        .unwrap();
        check(&bytes, 2_000_000).unwrap();
        // …and a small bound catches it: the scan sees its cells.
        let err = check(&bytes, 10).unwrap_err().to_string();
        assert!(err.contains("spans") || err.contains("declares"), "{err}");
    }

    /// The seed workbook with its first LABELSST cell moved to IV65536.
    pub(crate) fn far_cell_xls() -> Vec<u8> {
        let mut bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/formats/seed.xls"
        ))
        .unwrap();
        let at = bytes
            .windows(4)
            .position(|w| w == [0xFD, 0x00, 0x0A, 0x00])
            .expect("a LABELSST record");
        bytes[at + 4..at + 8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
        bytes
    }

    #[test]
    fn a_far_cell_is_refused_before_calamine_allocates() {
        let err = check(&far_cell_xls(), 2_000_000).unwrap_err().to_string();
        assert!(
            err.contains("65535 rows × 256 columns (to column IV)"),
            "{err}"
        );
        let err = crate::input::sheet::read(&far_cell_xls(), crate::input::Format::Xls)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("limit exceeded: sheet "), "{err}");
    }

    #[test]
    fn garbage_is_left_to_calamine() {
        check(b"", 10).unwrap();
        check(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0], 10).unwrap();
        let mut junk = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        junk.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
        let _ = check(&junk, 10);
    }
}

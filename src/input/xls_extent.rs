//! Bounds for legacy XLS workbooks before calamine reads them.
//!
//! calamine parses every sheet of an XLS file into a dense grid spanning
//! the sheet's furthest cells (and a second one for formulas), so one cell at
//! `IV65536` next to `A1` costs half a gigabyte. This module walks the
//! compound file (CFB) far enough to find the `Workbook` stream, scans its
//! BIFF cell records for their row and column, and refuses a workbook whose
//! sheets together span more than the allowed number of cells.
//!
//! It also refuses a compound file whose sector chains loop
//! ([`check_chains`]): calamine follows a chain until its end, or until the
//! length a directory entry gives, appending every sector, so a loop grows
//! without bound (a 45 KB file found by fuzzing took 24 GB).

use crate::error::{Error, Result};

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A compound file's sector tables, enough to read its streams.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector: usize,
    mini_sector: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
}

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Option<Cfb<'a>> {
        let sector_shift = u16_at(bytes, 0x1E)?;
        let mini_shift = u16_at(bytes, 0x20)?;
        if !(7..=16).contains(&sector_shift) || mini_shift > sector_shift {
            return None;
        }
        let sector = 1usize << sector_shift;
        let mut cfb = Cfb {
            bytes,
            sector,
            mini_sector: 1usize << mini_shift,
            mini_cutoff: u64::from(u32_at(bytes, 0x38)?),
            fat: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
        };
        // The FAT's own sectors: 109 in the header, the rest in DIFAT sectors.
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .take_while(|s| *s < END_OF_CHAIN)
            .collect();
        let mut difat = u32_at(bytes, 0x44)?;
        let per = sector / 4 - 1;
        let mut guard = cfb.sector_count();
        while difat < END_OF_CHAIN && guard > 0 {
            guard -= 1;
            let s = cfb.sector_bytes(difat)?;
            fat_sectors.extend(
                (0..per)
                    .filter_map(|i| u32_at(s, 4 * i))
                    .take_while(|x| *x < END_OF_CHAIN),
            );
            difat = u32_at(s, 4 * per)?;
        }
        fat_sectors.truncate(cfb.sector_count());
        for fs in fat_sectors {
            let s = cfb.sector_bytes(fs)?;
            cfb.fat
                .extend((0..sector / 4).filter_map(|i| u32_at(s, 4 * i)));
        }
        let mini_fat = cfb.chain(u32_at(bytes, 0x3C)?, usize::MAX);
        cfb.mini_fat = (0..mini_fat.len() / 4)
            .filter_map(|i| u32_at(&mini_fat, 4 * i))
            .collect();
        Some(cfb)
    }

    fn sector_count(&self) -> usize {
        self.bytes.len() / self.sector
    }

    fn sector_bytes(&self, n: u32) -> Option<&'a [u8]> {
        let start = (n as usize).checked_add(1)?.checked_mul(self.sector)?;
        self.bytes.get(start..start.checked_add(self.sector)?)
    }

    /// The bytes of the regular-sector chain starting at `first`, at most
    /// `limit` bytes; a cycle or a bad link ends the chain.
    fn chain(&self, first: u32, limit: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut s = first;
        let mut guard = self.sector_count();
        while s < END_OF_CHAIN && guard > 0 && out.len() < limit {
            guard -= 1;
            let Some(bytes) = self.sector_bytes(s) else {
                break;
            };
            out.extend_from_slice(bytes);
            s = self.fat.get(s as usize).copied().unwrap_or(END_OF_CHAIN);
        }
        out.truncate(limit);
        out
    }

    /// The bytes of the mini-sector chain starting at `first`.
    fn mini_chain(&self, first: u32, limit: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut s = first;
        let mut guard = self.mini_fat.len();
        while s < END_OF_CHAIN && guard > 0 && out.len() < limit {
            guard -= 1;
            let start = s as usize * self.mini_sector;
            let Some(bytes) = self.mini_stream.get(start..start + self.mini_sector) else {
                break;
            };
            out.extend_from_slice(bytes);
            s = self
                .mini_fat
                .get(s as usize)
                .copied()
                .unwrap_or(END_OF_CHAIN);
        }
        out.truncate(limit);
        out
    }

    /// The content of the first stream named one of `names`.
    fn stream(&mut self, names: &[&str]) -> Option<Vec<u8>> {
        let dir = self.chain(u32_at(self.bytes, 0x30)?, usize::MAX);
        let mut found = None;
        for (i, e) in dir.chunks_exact(128).enumerate() {
            let start = u32_at(e, 116)?;
            let size = u64::from(u32_at(e, 120)?);
            if i == 0 {
                // The root entry holds the mini stream.
                self.mini_stream = self.chain(start, size as usize);
                continue;
            }
            let len = usize::from(u16_at(e, 64)?).min(64);
            let units: Vec<u16> = (0..len / 2)
                .filter_map(|k| u16_at(e, 2 * k))
                .take_while(|u| *u != 0)
                .collect();
            let name = String::from_utf16_lossy(&units);
            if e[66] == 2 && found.is_none() && names.contains(&name.as_str()) {
                found = Some((start, size));
            }
        }
        let (start, size) = found?;
        Some(if size < self.mini_cutoff {
            self.mini_chain(start, size as usize)
        } else {
            self.chain(start, size as usize)
        })
    }
}

/// One sheet's bounding box, as calamine would allocate it.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
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

/// Refuse a compound file in which a chain calamine follows when it opens
/// an XLS workbook loops: the directory, the mini stream and its table, and
/// the `Workbook` (or `Book`) stream. The header and tables are read exactly
/// as calamine reads them; anything calamine itself refuses is left to it.
pub fn check_chains(bytes: &[u8]) -> Result<()> {
    let looped = |what: &str, id: u32| {
        Err(Error::Corrupt {
            format: "xls",
            detail: format!("the compound file's {what} chain loops back to sector {id}"),
        })
    };
    if bytes.len() < 512 || &bytes[..8] != SIGNATURE {
        return Ok(());
    }
    let size = match u16_at(bytes, 30) {
        Some(0x9) => 512,
        Some(0xC) => 4096,
        _ => return Ok(()),
    };
    let Some(header) = bytes.get(..512) else {
        return Ok(());
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
            return Ok(());
        }
        let Some(s) = sectors.get(id) else {
            return Ok(());
        };
        difat.extend(u32s(s));
        let Some(next) = difat.pop() else {
            return Ok(());
        };
        id = next;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFAT_SECTOR) {
        let Some(s) = sectors.get(id) else {
            return Ok(());
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
        return Ok(());
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
    if let Some((_, start, len)) = stream {
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
        if let Walk::Loops(id) = walked {
            return looped("workbook stream", id);
        }
    }
    Ok(())
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
    let Some(mut cfb) = Cfb::open(bytes) else {
        return Ok(());
    };
    let Some(stream) = cfb.stream(&["Workbook", "Book"]) else {
        return Ok(());
    };
    // Sheet names by the stream offset of their BOF record (BOUNDSHEET).
    let mut names: Vec<(u32, String)> = Vec::new();
    let mut total = 0u64;
    let mut current: Option<(usize, Extent)> = None;
    let mut at = 0usize;
    let mut finish = |start: usize, e: Extent, names: &[(u32, String)]| -> Result<()> {
        let (rows, cols) = e.size();
        total = total.saturating_add(rows * cols);
        if total > max_cells {
            let name = names
                .iter()
                .find(|(pos, _)| *pos as usize == start)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| format!("at offset {start}"));
            let last = e.cols.map(|c| c.1).unwrap_or(0);
            return Err(Error::Limit(format!(
                "sheet {name} spans {rows} rows × {cols} columns (to column {}), more than {max_cells} cells for the whole workbook",
                super::sheet::column_name(last)
            )));
        }
        Ok(())
    };
    while let (Some(kind), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data_start = at + 4;
        let Some(data) = stream.get(data_start..data_start + usize::from(len)) else {
            break;
        };
        match kind {
            // BOUNDSHEET: stream position of the sheet's BOF, then its name.
            0x0085 if data.len() >= 8 => {
                let pos = u32_at(data, 0).unwrap_or(0);
                let cch = usize::from(data[6]);
                let name = if data[7] & 1 == 1 {
                    let units: Vec<u16> =
                        (0..cch).filter_map(|k| u16_at(data, 8 + 2 * k)).collect();
                    String::from_utf16_lossy(&units)
                } else {
                    String::from_utf8_lossy(data.get(8..8 + cch).unwrap_or_default()).into_owned()
                };
                names.push((pos, name));
            }
            // BOF: a substream starts.
            0x0809 => {
                if let Some((start, e)) = current.take() {
                    finish(start, e, &names)?;
                }
                current = Some((at, Extent::default()));
            }
            // EOF: the substream ends.
            0x000A => {
                if let Some((start, e)) = current.take() {
                    finish(start, e, &names)?;
                }
            }
            // FORMULA, NUMBER, RK, LABELSST, LABEL, BOOLERR, RSTRING.
            0x0006 | 0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0205 | 0x00D6 => {
                if let (Some((_, e)), Some(r), Some(c)) =
                    (current.as_mut(), u16_at(data, 0), u16_at(data, 2))
                {
                    e.add(u32::from(r), u32::from(c), u32::from(c));
                }
            }
            // DIMENSIONS: calamine reserves rows × columns cells from it
            // before reading any (a forged one asked for 43 GB).
            0x0200 => {
                if let Some((rows, cols)) = declared_dimensions(data)
                    && rows.saturating_mul(cols) > max_cells
                {
                    let start = current.as_ref().map_or(at, |(s, _)| *s);
                    let name = names
                        .iter()
                        .find(|(pos, _)| *pos as usize == start)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_else(|| format!("at offset {start}"));
                    return Err(Error::Limit(format!(
                        "sheet {name} declares {rows} rows × {cols} columns (its DIMENSIONS record), more than {max_cells} cells"
                    )));
                }
            }
            // MULRK: row, first column, …, last column.
            0x00BD if data.len() >= 6 => {
                if let (Some((_, e)), Some(r), Some(c0), Some(c1)) = (
                    current.as_mut(),
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len() - 2),
                ) {
                    e.add(u32::from(r), u32::from(c0), u32::from(c1.max(c0)));
                }
            }
            _ => {}
        }
        at = data_start + usize::from(len);
    }
    if let Some((start, e)) = current.take() {
        finish(start, e, &names)?;
    }
    Ok(())
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
        assert!(check_chains(&seed).is_ok());
        let dir_start = u32_at(&seed, 48).unwrap();
        let fat_sector = u32_at(&seed, 76).unwrap();
        assert!(
            dir_start < 128,
            "the directory starts in the first FAT sector"
        );
        let mut looped = seed.clone();
        let at = (fat_sector as usize + 1) * 512 + 4 * dir_start as usize;
        looped[at..at + 4].copy_from_slice(&dir_start.to_le_bytes());
        let err = check_chains(&looped).unwrap_err().to_string();
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

//! Reads a `.safetensors` file tensor by tensor. Reading the whole file
//! into one buffer first (what a safe, mmap-free load otherwise does) holds
//! every weight twice while the model is built, and a search process's peak
//! memory is what users see; this keeps one copy plus one tensor in flight.
//! A table read a row at a time (the word embeddings: 47 MB, of which a
//! query needs a dozen rows) can be left in the file ([`DiskRows`]).

use candle_core::{DType, Device, Tensor};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// An f32 table left in the model file, read a row at a time (the page
/// cache keeps the rows in use; the process does not hold the table).
#[derive(Debug)]
pub struct DiskRows {
    file: Mutex<std::fs::File>,
    path: PathBuf,
    start: u64,
    rows: usize,
    cols: usize,
}

impl DiskRows {
    /// The table's shape: (rows, columns).
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Row `i` into `out` (`cols` long).
    pub fn row_into(&self, i: usize, out: &mut [f32]) -> Result<(), String> {
        if i >= self.rows || out.len() != self.cols {
            return Err(format!("row {i} is outside the table ({} rows)", self.rows));
        }
        let mut bytes = vec![0u8; self.cols * 4];
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| "the model file lock is poisoned")?;
            file.seek(SeekFrom::Start(self.start + (i * self.cols * 4) as u64))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(|e| format!("reading {}: {e}", self.path.display()))?;
        }
        for (o, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(())
    }
}

/// What [`load`] read: tensors in memory, and the tables left on disk.
pub struct Loaded {
    pub tensors: HashMap<String, Tensor>,
    pub on_disk: HashMap<String, DiskRows>,
}

#[derive(serde::Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: [u64; 2],
}

/// Loads every tensor as f32 on `device`, except the 2-D f32 tables that
/// `leave_on_disk` names, which are left in the file.
pub fn load(
    path: &Path,
    device: &Device,
    leave_on_disk: &dyn Fn(&str) -> bool,
) -> Result<Loaded, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let file_len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut len = [0u8; 8];
    file.read_exact(&mut len)
        .map_err(|e| format!("no header: {e}"))?;
    let header_len = u64::from_le_bytes(len);
    if header_len > 100_000_000 || header_len + 8 > file_len {
        return Err(format!(
            "the header length {header_len} does not fit the file"
        ));
    }
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header)
        .map_err(|e| format!("short header: {e}"))?;
    let entries: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&header).map_err(|e| format!("the header is not JSON: {e}"))?;
    let data_start = 8 + header_len;
    let mut tensors = HashMap::with_capacity(entries.len());
    let mut on_disk = HashMap::new();
    for (name, value) in entries {
        if name == "__metadata__" {
            continue;
        }
        let entry: Entry = serde_json::from_value(value).map_err(|e| format!("{name}: {e}"))?;
        let dtype = match entry.dtype.as_str() {
            "F32" => DType::F32,
            "F16" => DType::F16,
            "BF16" => DType::BF16,
            "F64" => DType::F64,
            "I64" => DType::I64,
            other => return Err(format!("{name}: unsupported dtype {other}")),
        };
        let [start, end] = entry.data_offsets;
        let expected = entry.shape.iter().product::<usize>() as u64 * dtype.size_in_bytes() as u64;
        if end < start || end - start != expected || data_start + end > file_len {
            return Err(format!(
                "{name}: its data does not fit the file (truncated?)"
            ));
        }
        if let ([rows, cols], DType::F32) = (entry.shape.as_slice(), dtype) {
            if leave_on_disk(&name) {
                let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
                on_disk.insert(
                    name,
                    DiskRows {
                        file: Mutex::new(file),
                        path: path.to_path_buf(),
                        start: data_start + start,
                        rows: *rows,
                        cols: *cols,
                    },
                );
                continue;
            }
        }
        let mut bytes = vec![0u8; (end - start) as usize];
        file.seek(SeekFrom::Start(data_start + start))
            .map_err(|e| e.to_string())?;
        file.read_exact(&mut bytes)
            .map_err(|e| format!("{name}: {e}"))?;
        let tensor = Tensor::from_raw_buffer(&bytes, dtype, &entry.shape, device)
            .map_err(|e| format!("{name}: {e}"))?;
        drop(bytes);
        // Integer tensors (position ids) are not weights; skip them.
        if dtype == DType::I64 {
            continue;
        }
        let tensor = if dtype == DType::F32 {
            tensor
        } else {
            tensor
                .to_dtype(DType::F32)
                .map_err(|e| format!("{name}: {e}"))?
        };
        tensors.insert(name, tensor);
    }
    Ok(Loaded { tensors, on_disk })
}

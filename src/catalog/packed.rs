//! Catalog lists stored one MessagePack record per entry, LZ4-compressed in chunks, and their
//! lookups stored beside them.
//!
//! A chunk decodes on its own, so a full load decodes the chunks on every core, and the embedded
//! catalog leaves its ADMX policies, DDF nodes, definitions and links packed until a lookup asks
//! for one: a CLI run that looks up a few registry values decodes a few chunks, not 34,000
//! entries. The lookups hold hashes, not key text, so reading them is a few copies.
//!
//! Layout of a packed list: chunks back to back, each a little-endian u32 record count, a u32
//! block length and an LZ4 block (size-prepended) holding `count + 1` u32 offsets then the
//! records (MessagePack, see [`Fields`]) at those offsets.

use std::borrow::Cow;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Records per chunk: about 100 KB of definitions, decompressed in well under a millisecond.
const CHUNK_RECORDS: usize = 64;

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fields {
    /// Structs as maps of field names: a reader can skip fields and read internally tagged enums.
    Named,
    /// Structs as arrays: smaller and faster to read, for types that write every field.
    Positional,
}

/// Encodes `items` as a packed list.
pub(crate) fn encode<T: Serialize>(items: &[T], fields: Fields) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for chunk in items.chunks(CHUNK_RECORDS) {
        let mut records = Vec::new();
        let mut offsets = Vec::with_capacity(chunk.len() + 1);
        for item in chunk {
            offsets.push(records.len());
            match fields {
                Fields::Named => rmp_serde::encode::write_named(&mut records, item),
                Fields::Positional => rmp_serde::encode::write(&mut records, item),
            }
            .map_err(|e| e.to_string())?;
        }
        offsets.push(records.len());
        let header = offsets.len() * 4;
        let mut raw = Vec::with_capacity(header + records.len());
        for offset in offsets {
            let offset = u32::try_from(header + offset).map_err(|_| "chunk over 4 GiB")?;
            raw.extend_from_slice(&offset.to_le_bytes());
        }
        raw.extend_from_slice(&records);
        let block = lz4_flex::compress_prepend_size(&raw);
        let len = u32::try_from(block.len()).map_err(|_| "chunk over 4 GiB")?;
        out.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&block);
    }
    Ok(out)
}

/// Decodes every record of a packed list, the chunks in parallel.
pub(crate) fn decode_all<T: DeserializeOwned + Send>(bytes: &[u8]) -> Result<Vec<T>, String> {
    let chunks = split_chunks(bytes)?;
    let decoded: Vec<Vec<T>> = chunks
        .par_iter()
        .enumerate()
        .map(|(i, &(count, block))| {
            let raw = decompress(block).map_err(|e| format!("chunk {i}: {e}"))?;
            (0..count)
                .map(|r| decode_record(&raw, r).map_err(|e| format!("chunk {i}: {e}")))
                .collect()
        })
        .collect::<Result<_, String>>()?;
    Ok(decoded.into_iter().flatten().collect())
}

/// (record count, LZ4 block) of each chunk.
fn split_chunks(mut rest: &[u8]) -> Result<Vec<(usize, &[u8])>, String> {
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        let (count, tail) = rest
            .split_first_chunk::<4>()
            .ok_or("truncated chunk header")?;
        let (len, tail) = tail
            .split_first_chunk::<4>()
            .ok_or("truncated chunk header")?;
        let count = u32::from_le_bytes(*count) as usize;
        let len = u32::from_le_bytes(*len) as usize;
        if len > tail.len() {
            return Err(format!("chunk of {len} bytes, only {} left", tail.len()));
        }
        let (block, tail) = tail.split_at(len);
        chunks.push((count, block));
        rest = tail;
    }
    Ok(chunks)
}

/// Decompresses a size-prepended LZ4 block.
pub(crate) fn decompress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    // LZ4 expands at most ~255 times: a larger prepended size is corruption, and trusting it
    // would allocate up to 4 GiB before failing.
    let (size, block) = bytes
        .split_first_chunk::<4>()
        .ok_or("truncated LZ4 block")?;
    let size = u32::from_le_bytes(*size) as usize;
    if size > block.len().saturating_mul(255).saturating_add(64) {
        return Err(format!(
            "corrupt LZ4 block: {size} bytes claimed from {}",
            block.len()
        ));
    }
    lz4_flex::decompress_size_prepended(bytes).map_err(|e| format!("corrupt LZ4 block: {e}"))
}

/// Record `index` of a decompressed chunk.
fn decode_record<T: DeserializeOwned>(raw: &[u8], index: usize) -> Result<T, String> {
    let offset = |i: usize| {
        raw.get(i * 4..i * 4 + 4)
            .and_then(|b| b.try_into().ok())
            .map(|b| u32::from_le_bytes(b) as usize)
    };
    let record = offset(index)
        .zip(offset(index + 1))
        .and_then(|(start, end)| raw.get(start..end))
        .ok_or_else(|| format!("record {index} outside its chunk"))?;
    rmp_serde::from_slice(record).map_err(|e| format!("malformed record {index}: {e}"))
}

/// A list of catalog entries, either decoded or still packed in the embedded catalog.
#[derive(Clone)]
pub(crate) enum PackedList<T> {
    Decoded(Vec<T>),
    Packed(Box<Packed<T>>),
}

impl<T> Default for PackedList<T> {
    fn default() -> Self {
        PackedList::Decoded(Vec::new())
    }
}

impl<T> std::fmt::Debug for PackedList<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PackedList::Decoded(items) => write!(f, "{} decoded entries", items.len()),
            PackedList::Packed(packed) => write!(f, "{} packed entries", packed.records.len()),
        }
    }
}

/// A packed list read from bytes that live as long as the program (the embedded catalog).
/// Records decode on first use and stay decoded.
#[derive(Clone)]
pub(crate) struct Packed<T> {
    chunks: Vec<Chunk>,
    /// Each record, decoded on first use; None when it does not decode.
    records: Vec<OnceLock<Option<Box<T>>>>,
    /// The position of the first record of each chunk.
    chunk_starts: Vec<usize>,
    /// Every record, for callers that want the whole list as a slice.
    all: OnceLock<Vec<T>>,
}

#[derive(Clone)]
struct Chunk {
    count: usize,
    block: &'static [u8],
    /// The block decompressed when a record of it is first read, and kept for the next ones.
    raw: OnceLock<Option<Vec<u8>>>,
}

impl Chunk {
    fn raw(&self) -> Option<&[u8]> {
        self.raw
            .get_or_init(|| decompress(self.block).ok())
            .as_deref()
    }
}

impl<T: DeserializeOwned + Send + Sync> PackedList<T> {
    /// Reads the chunk headers of a packed list; no record is decoded.
    pub(crate) fn packed(bytes: &'static [u8]) -> Result<PackedList<T>, String> {
        let mut chunks = Vec::new();
        let mut chunk_starts = Vec::new();
        let mut records = 0usize;
        for (count, block) in split_chunks(bytes)? {
            chunk_starts.push(records);
            records = records.saturating_add(count);
            chunks.push(Chunk {
                count,
                block,
                raw: OnceLock::new(),
            });
        }
        // A record is at least one byte: a larger count is corruption, not a list to allocate.
        if records > bytes.len() {
            return Err(format!(
                "{records} records claimed in {} bytes",
                bytes.len()
            ));
        }
        Ok(PackedList::Packed(Box::new(Packed {
            chunks,
            records: (0..records).map(|_| OnceLock::new()).collect(),
            chunk_starts,
            all: OnceLock::new(),
        })))
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            PackedList::Decoded(items) => items.len(),
            PackedList::Packed(packed) => packed.records.len(),
        }
    }

    /// The entry at `index`, decoded on first use. A packed record that does not decode is None
    /// (the embedded catalog's records all decode: a test reads every one).
    pub(crate) fn get(&self, index: usize) -> Option<&T> {
        match self {
            PackedList::Decoded(items) => items.get(index),
            PackedList::Packed(packed) => packed.get(index),
        }
    }

    /// Every entry, in order; a packed list decodes all its chunks on first call, in parallel.
    pub(crate) fn all(&self) -> &[T] {
        match self {
            PackedList::Decoded(items) => items,
            PackedList::Packed(packed) => packed.all.get_or_init(|| {
                packed
                    .chunks
                    .par_iter()
                    .flat_map_iter(|chunk| {
                        // Not kept: once every record is decoded, no lookup reads the chunk.
                        let raw: Option<Cow<[u8]>> = match chunk.raw.get() {
                            Some(raw) => raw.as_deref().map(Cow::Borrowed),
                            None => decompress(chunk.block).ok().map(Cow::Owned),
                        };
                        (0..chunk.count).filter_map(move |r| {
                            raw.as_deref().and_then(|raw| decode_record(raw, r).ok())
                        })
                    })
                    .collect()
            }),
        }
    }
}

impl<T> PackedList<T> {
    /// The position of an entry this list handed out, found by identity: a packed list hands
    /// out an entry decoded on its own before [`PackedList::all`] is called, and from the full
    /// list after.
    pub(crate) fn index_of(&self, item: &T) -> Option<usize> {
        let in_slice = |items: &[T]| {
            let offset = (item as *const T as usize).checked_sub(items.as_ptr() as usize)?;
            let index = offset / std::mem::size_of::<T>().max(1);
            items
                .get(index)
                .filter(|found| std::ptr::eq(*found, item))
                .map(|_| index)
        };
        match self {
            PackedList::Decoded(items) => in_slice(items),
            PackedList::Packed(packed) => {
                packed.all.get().and_then(|all| in_slice(all)).or_else(|| {
                    packed.records.iter().position(|record| {
                        record
                            .get()
                            .and_then(|r| r.as_deref())
                            .is_some_and(|r| std::ptr::eq(r, item))
                    })
                })
            }
        }
    }
}

impl<T: DeserializeOwned> Packed<T> {
    fn get(&self, index: usize) -> Option<&T> {
        // Once every record is decoded in `all`, hand out those (when none failed to decode, so
        // positions agree) rather than decode one again.
        if let Some(all) = self.all.get().filter(|all| all.len() == self.records.len()) {
            return all.get(index);
        }
        self.records
            .get(index)?
            .get_or_init(|| {
                let c = self
                    .chunk_starts
                    .partition_point(|&s| s <= index)
                    .checked_sub(1)?;
                let start = self.chunk_starts.get(c)?;
                decode_record(self.chunks.get(c)?.raw()?, index - start)
                    .ok()
                    .map(Box::new)
            })
            .as_deref()
    }
}

/// How a list's lookups are built from its entries.
pub(crate) trait Lookups<T> {
    fn build(items: &[T]) -> Self;
}

/// A list with its lookups, stored as two catalog file sections: the lookups (MessagePack in
/// LZ4), then the list packed. Decoding the file rebuilds the lookups from the entries; the
/// embedded catalog reads the stored lookups and leaves the entries packed.
#[derive(Debug, Clone)]
pub(crate) struct IndexedList<T, L> {
    pub(crate) items: PackedList<T>,
    pub(crate) lookups: L,
}

/// Two lists are equal when their entries are; the lookups follow from the entries.
impl<T, L> PartialEq for IndexedList<T, L>
where
    T: PartialEq + DeserializeOwned + Send + Sync,
{
    fn eq(&self, other: &Self) -> bool {
        self.items.all() == other.items.all()
    }
}

impl<T, L> Eq for IndexedList<T, L> where T: Eq + DeserializeOwned + Send + Sync {}

impl<T, L: Default> Default for IndexedList<T, L> {
    fn default() -> Self {
        IndexedList {
            items: PackedList::default(),
            lookups: L::default(),
        }
    }
}

impl<T, L> IndexedList<T, L>
where
    T: Serialize + DeserializeOwned + Send + Sync,
    L: Lookups<T> + Serialize + DeserializeOwned,
{
    pub(crate) fn new(items: Vec<T>) -> Self {
        IndexedList {
            lookups: L::build(&items),
            items: PackedList::Decoded(items),
        }
    }

    pub(crate) fn to_sections(&self) -> Result<[Vec<u8>; 2], String> {
        Ok([
            super::encode_section(&self.lookups)?,
            encode(self.items.all(), Fields::Named)?,
        ])
    }

    /// Every entry decoded (in parallel), the lookups rebuilt from them.
    pub(crate) fn decode(packed: &[u8]) -> Result<Self, String> {
        decode_all(packed).map(IndexedList::new)
    }

    /// The stored lookups; the entries left packed until used.
    pub(crate) fn packed(lookups: &[u8], packed: &'static [u8]) -> Result<Self, String> {
        Ok(IndexedList {
            items: PackedList::packed(packed)?,
            lookups: super::decode_section(lookups)?,
        })
    }

    /// Every entry, without a copy when they are decoded already.
    pub(crate) fn into_items(self) -> Vec<T>
    where
        T: Clone,
    {
        match self.items {
            PackedList::Decoded(items) => items,
            packed @ PackedList::Packed(_) => packed.all().to_vec(),
        }
    }
}

/// FNV-1a (32 bits) of a lookup key: fixed, since catalog files store it.
fn key_hash(key: &str) -> u32 {
    key.bytes().fold(0x811c_9dc5, |hash, b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Text keys → positions in a list, as (hash of the key, position) pairs sorted by hash. No key
/// text is kept, so reading a lookup back is two copies; a hit is a candidate that the caller
/// confirms on the entry it decodes, since keys can share a hash. Candidates come in position
/// order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Positions {
    /// Each key's [`key_hash`], sorted.
    hashes: U32s,
    positions: U32s,
}

impl Positions {
    pub(crate) fn new<K: AsRef<str>>(keys: impl IntoIterator<Item = (K, usize)>) -> Self {
        let mut pairs: Vec<(u32, u32)> = keys
            .into_iter()
            .map(|(key, position)| (key_hash(key.as_ref()), position as u32))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let (hashes, positions) = pairs.into_iter().unzip();
        Positions {
            hashes: U32s(hashes),
            positions: U32s(positions),
        }
    }

    /// The positions whose key may be `key`.
    pub(crate) fn candidates(&self, key: &str) -> impl Iterator<Item = usize> + '_ {
        let hash = key_hash(key);
        let start = self.hashes.0.partition_point(|&h| h < hash);
        let same = self.hashes.0.get(start..).unwrap_or_default();
        let end = start + same.partition_point(|&h| h == hash);
        let positions = self.positions.0.get(start..end).unwrap_or_default();
        positions.iter().map(|&p| p as usize)
    }
}

/// Numbers serialized as one byte string (little-endian u32s).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct U32s(Vec<u32>);

impl Serialize for U32s {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = self.0.iter().flat_map(|n| n.to_le_bytes()).collect();
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de> Deserialize<'de> for U32s {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = U32s;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string of little-endian u32s")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<U32s, E> {
                let numbers = bytes.chunks_exact(4);
                if !numbers.remainder().is_empty() {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                Ok(U32s(
                    numbers
                        .filter_map(|b| b.try_into().ok().map(u32::from_le_bytes))
                        .collect(),
                ))
            }
        }
        deserializer.deserialize_bytes(Visitor)
    }
}

// Reads a Parquet file with hyparquet (an implementation that is not
// councildash's) and prints one JSON document: the file's key-value
// metadata, its schema (name, physical and logical type of each column),
// its row groups' sizes, and every row as an object. Timestamps are printed
// as RFC 3339 in UTC, whole seconds (the exports' precision).
// Usage: node parquet.mjs FILE
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";

const file = await asyncBufferFromFile(process.argv[2]);
const meta = await parquetMetadataAsync(file);
const rows = await parquetReadObjects({ file, compressors });
const value = (v) => {
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, "Z");
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(value);
  return v;
};
const out = {
  metadata: Object.fromEntries((meta.key_value_metadata || []).map((kv) => [kv.key, kv.value])),
  created_by: meta.created_by || "",
  schema: meta.schema.slice(1).map((s) => ({
    name: s.name,
    type: s.type || "",
    logical: s.logical_type ? s.logical_type.type : "",
    converted: s.converted_type || "",
    repetition: s.repetition_type || "",
  })),
  row_groups: meta.row_groups.map((g) => Number(g.num_rows)),
  rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, value(v)]))),
};
process.stdout.write(JSON.stringify(out));

// Reads WARC files with Webrecorder's warcio and prints one JSON line per
// record: type, target URI, ids, HTTP status, offset and length in the file,
// the digests the record declares and SHA-256 digests computed here of the
// raw payload (after the HTTP headers) and of the whole block.
// Usage: node check.mjs FILE...
import { WARCParser } from "warcio";
import fs from "node:fs";
import crypto from "node:crypto";

const sha256 = (b) => crypto.createHash("sha256").update(b).digest("hex");

async function records(file, parseHttp) {
  const out = [];
  const parser = new WARCParser(fs.createReadStream(file), { parseHttp });
  for await (const record of parser) {
    const raw = await record.readFully(false);
    await record.skipFully();
    const h = record.warcHeaders.headers;
    out.push({
      file,
      offset: parser.offset,
      length: parser.recordLength,
      type: record.warcType,
      uri: record.warcTargetURI || "",
      id: h.get("WARC-Record-ID") || "",
      concurrentTo: h.get("WARC-Concurrent-To") || "",
      warcinfoID: h.get("WARC-Warcinfo-ID") || "",
      status: record.httpHeaders ? Number(record.httpHeaders.statusCode || 0) : 0,
      payloadDigest: h.get("WARC-Payload-Digest") || "",
      blockDigest: h.get("WARC-Block-Digest") || "",
      contentLength: Number(h.get("Content-Length") || 0),
      sha256: sha256(raw),
      bytes: raw.length,
    });
  }
  return out;
}

for (const file of process.argv.slice(2)) {
  const withHttp = await records(file, true);
  const blocks = await records(file, false);
  if (withHttp.length !== blocks.length) {
    throw new Error(`${file}: ${withHttp.length} records with HTTP parsing, ${blocks.length} without`);
  }
  withHttp.forEach((r, i) => {
    r.blockSha256 = blocks[i].sha256;
    r.blockBytes = blocks[i].bytes;
    process.stdout.write(JSON.stringify(r) + "\n");
  });
}

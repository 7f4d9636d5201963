/**
 * Bytes an HTTP/3 layer would refuse to send: frames written straight to a QUIC stream,
 * with QPACK field sections that use the static table only.
 */
import { FrameParser, QpackDecoder, QpackEncoder, encodeFrame, type Field, type Frame } from "@zquic/h3";
import type { Connection } from "@zquic/quic";
import { concatBytes } from "@zquic/wire";

/** A HEADERS frame carrying `fields`, encoded without the dynamic table. */
export function headersFrame(fields: readonly Field[]): Uint8Array {
  return encodeFrame({ type: "headers", fieldSection: new QpackEncoder().encodeFieldSection(0, fields) });
}

/** A DATA frame. */
export function dataFrame(data: Uint8Array | string): Uint8Array {
  return encodeFrame({ type: "data", data: typeof data === "string" ? new TextEncoder().encode(data) : data });
}

/** Any frame. */
export function frame(f: Frame): Uint8Array {
  return encodeFrame(f);
}

/** Writes `bytes` on stream `id` of `connection` (all of them, or it throws), ending it when `fin`. */
export function writeAll(connection: Connection, id: number, bytes: Uint8Array, fin: boolean): void {
  const taken = connection.streamWrite(id, bytes, fin);
  if (taken !== bytes.length) throw new Error(`stream ${id} took ${taken} of ${bytes.length} octets`);
}

/** Opens a bidirectional stream on `connection` and writes the frames; returns its ID. */
export function rawStream(connection: Connection, frames: readonly Uint8Array[], fin = true): number {
  const id = connection.openStream(true);
  if (id === undefined) throw new Error("no stream available");
  writeAll(connection, id, concatBytes(...frames), fin);
  return id;
}

/** Opens a unidirectional stream on `connection` and writes `bytes`; returns its ID. */
export function rawUniStream(connection: Connection, bytes: Uint8Array, fin = false): number {
  const id = connection.openStream(false);
  if (id === undefined) throw new Error("no stream available");
  writeAll(connection, id, bytes, fin);
  return id;
}

/** The header sections read so far from a raw request stream (a peer without a dynamic table for us). */
export function readHeaderSections(connection: Connection, id: number): Field[][] {
  const parser = new FrameParser({ stream: "request" });
  const decoder = new QpackDecoder();
  const sections: Field[][] = [];
  for (let r = connection.streamRead(id); r !== undefined; r = r.fin ? undefined : connection.streamRead(id)) {
    parser.push(r.data);
    for (let e = parser.poll(); e !== null; e = parser.poll()) {
      if (e.kind === "frame" && e.frame.type === "headers") {
        const result = decoder.decodeFieldSection(id, e.frame.fieldSection);
        if ("fields" in result) sections.push(result.fields);
      }
    }
  }
  return sections;
}

/**
 * Decoding a capture with tshark: decrypted with the run's key log, QUIC
 * forced on the run's ports, HTTP/3 dissection off (as the interop runner
 * does). Two passes run side by side: the full JSON tree for datagrams with
 * long-header packets (the handshake: few, and every field matters), and a
 * few fields per datagram for everything else (see field-rows.ts) — the full
 * tree of a 10 MB transfer would take ten times as long.
 *
 * A capture must hold one vantage point (one leg of the relay): tshark tracks
 * a QUIC connection by its connection IDs and fails to decrypt one seen on
 * two 4-tuples at once.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { datagramFromRow, parseRow, ROW_FIELDS } from "./field-rows.js";
import { datagramFrom, type CapturedDatagram } from "./packet.js";

/** What to decode, as data. */
export interface DecodeSpec {
  readonly pcap: string;
  /** NSS key log (both endpoints' lines may be concatenated); without it only Initial packets decrypt. */
  readonly keylog?: string;
  /** UDP ports to dissect as QUIC whatever tshark's heuristics think. */
  readonly quicPorts: readonly number[];
}

/** tshark's reading options for `spec`. */
function readOptions(spec: DecodeSpec): string[] {
  return [
    "-r", spec.pcap,
    ...(spec.keylog === undefined ? [] : ["-o", `tls.keylog_file:${spec.keylog}`]),
    ...[...new Set(spec.quicPorts)].flatMap((port) => ["-d", `udp.port==${port},quic`]),
    "--disable-protocol", "http3",
  ];
}

/** Arguments of the JSON pass: whole trees of the datagrams that carry a long header. */
export function jsonPassArgs(spec: DecodeSpec): string[] {
  return [...readOptions(spec), "-Y", "quic.header_form == 1", "--no-duplicate-keys", "-T", "json", "-J", "frame ip ipv6 udp quic"];
}

/** Arguments of the fields pass: {@link ROW_FIELDS} of every datagram. */
export function rowPassArgs(spec: DecodeSpec): string[] {
  return [...readOptions(spec), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", ...ROW_FIELDS.flatMap((field) => ["-e", field])];
}

/**
 * Splits tshark's pretty-printed JSON array into its elements: each frame
 * object opens with a line `  {` and closes with `  }` or `  },`.
 */
export async function* jsonArrayElements(lines: AsyncIterable<string>): AsyncGenerator<unknown> {
  let buffer: string[] | undefined;
  for await (const line of lines) {
    if (line === "  {") buffer = [line];
    else if (buffer !== undefined) {
      if (line === "  }" || line === "  },") {
        buffer.push("  }");
        yield JSON.parse(buffer.join("\n"));
        buffer = undefined;
      } else buffer.push(line);
    }
  }
}

/** Runs tshark with `args`, handing each stdout line to `consume`; rejects when tshark fails. */
async function tshark(args: readonly string[], consume: (lines: AsyncIterable<string>) => Promise<void>): Promise<void> {
  const child = spawn("tshark", [...args], { stdio: ["ignore", "pipe", "pipe"] });
  let errors = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    if (errors.length < 10_000) errors += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  await consume(createInterface({ input: child.stdout, crlfDelay: Infinity }));
  const status = await exited;
  if (status !== 0) throw new Error(`tshark exited ${status}: ${errors.trim().split("\n").slice(-3).join(" / ")}`);
}

async function longHeaderDatagrams(spec: DecodeSpec): Promise<Map<number, CapturedDatagram>> {
  const datagrams = new Map<number, CapturedDatagram>();
  await tshark(jsonPassArgs(spec), async (lines) => {
    for await (const element of jsonArrayElements(lines)) {
      const layers = (element as { _source?: { layers?: Record<string, unknown> } })._source?.layers;
      const datagram = layers === undefined ? undefined : datagramFrom(layers);
      if (datagram !== undefined) datagrams.set(datagram.number, datagram);
    }
  });
  return datagrams;
}

async function everyDatagram(spec: DecodeSpec): Promise<CapturedDatagram[]> {
  const datagrams: CapturedDatagram[] = [];
  await tshark(rowPassArgs(spec), async (lines) => {
    for await (const line of lines) {
      const datagram = datagramFromRow(parseRow(line));
      if (datagram !== undefined) datagrams.push(datagram);
    }
  });
  return datagrams;
}

/** Decodes `spec.pcap` into datagrams in capture order; rejects when tshark fails. */
export async function decodeCapture(spec: DecodeSpec): Promise<CapturedDatagram[]> {
  const [all, detailed] = await Promise.all([everyDatagram(spec), longHeaderDatagrams(spec)]);
  return all.map((datagram) => detailed.get(datagram.number) ?? datagram);
}

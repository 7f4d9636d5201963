/**
 * A DNS response laid out the way `dig` prints one: header, flags, the OPT
 * pseudosection, the four sections, and the statistics at the end.
 *
 * @module
 */
import { EdnsOptionCode, formatRData, opcodes, rcodes, rdataTypeName, rrClasses, rrTypes, type DnsMessage, type EdnsOption, type ResourceRecord } from "@zquic/doq";

/** What `dig` prints besides the message. */
export interface DigContext {
  /** The command's arguments, for the first line. */
  readonly arguments: string;
  /** `HOST#PORT`, as dig names a server. */
  readonly server: string;
  readonly queryTimeMs: number;
  readonly when: Date;
  /** Octets received. */
  readonly size: number;
  /** How the response came, e.g. `DoQ, 0-RTT`. */
  readonly transport: string;
}

// RFC 1035 §4.1.1 and RFC 4035 §3.2: dig's order of the header flags.
const FLAGS = ["qr", "aa", "tc", "rd", "ra", "ad", "cd"] as const;

/** `response` in dig's layout, one string per line. */
export function formatDig(response: DnsMessage, context: DigContext): string[] {
  const flags = FLAGS.filter((flag) => response[flag]).join(" ");
  const counts = `QUERY: ${response.question.length}, ANSWER: ${response.answer.length}, AUTHORITY: ${response.authority.length}, ADDITIONAL: ${response.additional.length + (response.edns === undefined ? 0 : 1)}`;
  return [
    `; <<>> zquic dns query <<>> ${context.arguments}`,
    ";; Got answer:",
    `;; ->>HEADER<<- opcode: ${opcodes.nameOf(response.opcode)}, status: ${rcodes.nameOf(response.rcode)}, id: ${response.id}`,
    `;; flags: ${flags}; ${counts}`,
    ...optPseudosection(response),
    ...section("QUESTION", response.question.map((q) => `;${q.name}\t\t${rrClasses.nameOf(q.class)}\t${rrTypes.nameOf(q.type)}`)),
    ...section("ANSWER", response.answer.map(recordLine)),
    ...section("AUTHORITY", response.authority.map(recordLine)),
    ...section("ADDITIONAL", response.additional.map(recordLine)),
    "",
    `;; Query time: ${Math.round(context.queryTimeMs)} msec`,
    `;; SERVER: ${context.server} (${context.transport})`,
    `;; WHEN: ${context.when.toUTCString()}`,
    `;; MSG SIZE  rcvd: ${context.size}`,
  ];
}

/** One record: owner, TTL, class, type, data, tab-separated. */
function recordLine(record: ResourceRecord): string {
  return `${record.name}\t${record.ttl}\t${rrClasses.nameOf(record.class)}\t${rdataTypeName(record.data)}\t${formatRData(record.data)}`;
}

/** A section's heading and lines; nothing for an empty section, as dig does. */
function section(name: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : ["", `;; ${name} SECTION:`, ...lines];
}

/** RFC 6891 §6.1: the OPT record's fields and options. */
function optPseudosection(response: DnsMessage): string[] {
  const edns = response.edns;
  if (edns === undefined) return [];
  return ["", ";; OPT PSEUDOSECTION:", `; EDNS: version: ${edns.version}, flags:${edns.dnssecOk ? " do" : ""}; udp: ${edns.udpPayloadSize}`, ...edns.options.map(optionLine)];
}

function optionLine(option: EdnsOption): string {
  // RFC 7830: dig shows the padding's size, not its zeros.
  if (option.code === EdnsOptionCode.PADDING) return `; PAD: (${option.data.length} bytes)`;
  return `; OPT=${option.code}: ${[...option.data].map((byte) => byte.toString(16).padStart(2, "0")).join(" ")}`;
}

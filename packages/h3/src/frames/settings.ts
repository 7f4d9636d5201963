/**
 * RFC 9114 §7.2.4: the SETTINGS frame payload, and the settings this package understands.
 *
 * @module
 */
import { Reader, WireError, type Writer, ZquicError } from "@zquic/wire";
import { H3Error, H3ErrorCode } from "../errors.js";
import { randomReservedCodepoint, type RandomSource } from "../reserved.js";

/** Setting identifiers (RFC 9114 §7.2.4.1, RFC 9204 §5, RFC 9220 §3, RFC 9297 §2.1.1). */
export const SettingId = {
  QPACK_MAX_TABLE_CAPACITY: 0x01,
  MAX_FIELD_SECTION_SIZE: 0x06,
  QPACK_BLOCKED_STREAMS: 0x07,
  ENABLE_CONNECT_PROTOCOL: 0x08,
  H3_DATAGRAM: 0x33,
} as const;

/**
 * RFC 9114 §7.2.4.1, Appendix A.3: HTTP/2 settings with no HTTP/3 counterpart (ENABLE_PUSH,
 * MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE); receipt is H3_SETTINGS_ERROR.
 * (0x00 is reserved too, but was never an HTTP/2 setting, so it is ignored like any unknown.)
 */
export const HTTP2_ONLY_SETTINGS: ReadonlySet<number> = new Set([0x02, 0x03, 0x04, 0x05]);

/** A setting as sent: identifier and value, both up to 2^62 − 1. */
export interface SettingParameter {
  readonly id: bigint;
  readonly value: bigint;
}

/** An endpoint's HTTP/3 settings; absent settings take their defaults ({@link DEFAULT_SETTINGS}). */
export interface Settings {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY (RFC 9204 §5). */
  readonly qpackMaxTableCapacity: number;
  /** SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2); `Infinity` means unlimited. */
  readonly maxFieldSectionSize: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS (RFC 9204 §5). */
  readonly qpackBlockedStreams: number;
  /** SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 9220 §3): extended CONNECT is allowed. */
  readonly enableConnectProtocol: boolean;
  /** SETTINGS_H3_DATAGRAM (RFC 9297 §2.1.1): HTTP/3 datagrams are accepted. */
  readonly h3Datagram: boolean;
  /** Settings this package does not interpret (including GREASE), in the order sent. */
  readonly unknown: readonly SettingParameter[];
}

/** Every setting at its default value. */
export const DEFAULT_SETTINGS: Settings = {
  qpackMaxTableCapacity: 0,
  maxFieldSectionSize: Infinity,
  qpackBlockedStreams: 0,
  enableConnectProtocol: false,
  h3Datagram: false,
  unknown: [],
};

type KnownSetting = Exclude<keyof Settings, "unknown">;

/** How each understood setting maps to a {@link Settings} field. */
const DEFINITIONS: readonly { readonly id: number; readonly key: KnownSetting; readonly kind: "integer" | "boolean" }[] = [
  { id: SettingId.QPACK_MAX_TABLE_CAPACITY, key: "qpackMaxTableCapacity", kind: "integer" },
  { id: SettingId.MAX_FIELD_SECTION_SIZE, key: "maxFieldSectionSize", kind: "integer" },
  { id: SettingId.QPACK_BLOCKED_STREAMS, key: "qpackBlockedStreams", kind: "integer" },
  // RFC 8441 §3 (via RFC 9220) and RFC 9297 §2.1.1: the value is 0 or 1.
  { id: SettingId.ENABLE_CONNECT_PROTOCOL, key: "enableConnectProtocol", kind: "boolean" },
  { id: SettingId.H3_DATAGRAM, key: "h3Datagram", kind: "boolean" },
];

const definitionById = new Map(DEFINITIONS.map((d) => [BigInt(d.id), d]));

/**
 * Appends the SETTINGS payload for `settings`: every setting that differs from its default,
 * then the unknown ones. Throws a `ZquicError` for a value no peer could accept, or an
 * "unknown" identifier that is in fact understood or forbidden.
 */
export function writeSettings(w: Writer, settings: Settings): void {
  for (const { id, key, kind } of DEFINITIONS) {
    const value = settings[key];
    if (value === DEFAULT_SETTINGS[key]) continue;
    if (kind === "integer" && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new ZquicError("INVALID_SETTING", `setting ${key} must be a non-negative safe integer (or Infinity for maxFieldSectionSize); got ${value}`);
    }
    w.varint(id).varint(Number(value));
  }
  for (const { id, value } of settings.unknown) {
    if (definitionById.has(id) || isHttp2Only(id)) {
      throw new ZquicError("INVALID_SETTING", `setting 0x${id.toString(16)} is understood or forbidden; set it by name, or not at all`);
    }
    w.varintBig(id).varintBig(value);
  }
}

/**
 * Decodes a SETTINGS payload. Throws an {@link H3Error}: H3_SETTINGS_ERROR for a repeated
 * identifier (§7.2.4), an HTTP/2-only setting (§7.2.4.1) or a boolean setting that is not
 * 0 or 1; H3_FRAME_ERROR when the payload ends inside a setting (§7.1).
 */
export function decodeSettings(payload: Uint8Array): Settings {
  const r = new Reader(payload);
  const values: Record<string, number | boolean> = {};
  const unknown: SettingParameter[] = [];
  const seen = new Set<bigint>();
  try {
    while (!r.done) {
      const id = r.varintBig();
      const value = r.varintBig();
      if (seen.has(id)) throw settingsError(`setting 0x${id.toString(16)} appears twice`);
      seen.add(id);
      if (isHttp2Only(id)) throw settingsError(`HTTP/2 setting 0x${id.toString(16)} is not allowed in HTTP/3`);
      const definition = definitionById.get(id);
      if (definition === undefined) {
        unknown.push({ id, value });
      } else if (definition.kind === "boolean") {
        if (value > 1n) throw settingsError(`setting ${definition.key} must be 0 or 1, not ${value}`);
        values[definition.key] = value === 1n;
      } else {
        values[definition.key] = Number(value);
      }
    }
  } catch (e) {
    if (e instanceof WireError) throw new H3Error(H3ErrorCode.H3_FRAME_ERROR, "SETTINGS payload ends inside a setting");
    throw e;
  }
  return { ...DEFAULT_SETTINGS, ...values, unknown };
}

/**
 * RFC 9114 §7.2.4.1: a reserved setting with a random identifier and value; endpoints
 * SHOULD send at least one.
 */
export function greaseSetting(random: RandomSource): SettingParameter {
  const v = random(4);
  return { id: BigInt(randomReservedCodepoint(random)), value: BigInt((((v[0] ?? 0) << 24) | ((v[1] ?? 0) << 16) | ((v[2] ?? 0) << 8) | (v[3] ?? 0)) >>> 0) };
}

function isHttp2Only(id: bigint): boolean {
  return id < 0x100n && HTTP2_ONLY_SETTINGS.has(Number(id));
}

function settingsError(message: string): H3Error {
  return new H3Error(H3ErrorCode.H3_SETTINGS_ERROR, message);
}

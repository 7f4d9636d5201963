import { Reader, Writer, ZquicError } from "@zquic/wire";
import { DnsError } from "./errors.js";
import { U16_MAX, checkField } from "./field-checks.js";

/** RFC 9460 §14.3.2: the SvcParamKeys with a defined format. */
export const SvcParamKey = {
  mandatory: 0,
  alpn: 1,
  "no-default-alpn": 2,
  port: 3,
  ipv4hint: 4,
  ech: 5,
  ipv6hint: 6,
} as const;

/** The presentation name of a SvcParamKey with a defined format. */
export type KnownSvcParamKey = keyof typeof SvcParamKey;

/** RFC 9460 §7 and §8: one SvcParam, typed when its key is known. */
export type SvcParam =
  /** §8: keys the client must understand, in increasing order. */
  | { key: "mandatory"; keys: number[] }
  /** §7.1: ALPN protocol identifiers (1–255 octets each). */
  | { key: "alpn"; alpnIds: Uint8Array[] }
  /** §7.1: the default ALPN set is not supported. */
  | { key: "no-default-alpn" }
  /** §7.2 */
  | { key: "port"; port: number }
  /** §7.3: 4-octet addresses. */
  | { key: "ipv4hint"; addresses: Uint8Array[] }
  /** §9: an ECHConfigList, kept as octets. */
  | { key: "ech"; echConfigList: Uint8Array }
  /** §7.3: 16-octet addresses. */
  | { key: "ipv6hint"; addresses: Uint8Array[] }
  /** Any other key, its value kept as octets (§2.1 "keyNNNNN"). */
  | { key: "unknown"; code: number; value: Uint8Array };

interface SvcParamCodec<P extends SvcParam> {
  decode(value: Reader): P;
  encode(param: P, writer: Writer): void;
}

type CodecTable = { [K in KnownSvcParamKey]: SvcParamCodec<Extract<SvcParam, { key: K }>> };

function malformed(key: string, why: string): DnsError {
  return new DnsError("bad-svc-param", `SvcParam ${key}: ${why}`);
}

function misuse(key: string, why: string): ZquicError {
  return new ZquicError("DNS_BAD_SVC_PARAM", `SvcParam ${key}: ${why}`);
}

function readAddresses(value: Reader, size: number, key: string): Uint8Array[] {
  if (value.remaining === 0 || value.remaining % size !== 0) throw malformed(key, `needs one or more ${size}-octet addresses`);
  const addresses: Uint8Array[] = [];
  while (!value.done) addresses.push(value.bytesCopy(size));
  return addresses;
}

function writeAddresses(addresses: Uint8Array[], size: number, key: string, writer: Writer): void {
  if (addresses.length === 0) throw misuse(key, "needs at least one address");
  for (const address of addresses) {
    if (address.length !== size) throw misuse(key, `addresses must be ${size} octets`);
    writer.bytes(address);
  }
}

const codecs: CodecTable = {
  mandatory: {
    // RFC 9460 §8: a non-empty list of keys in strictly increasing order.
    decode(value) {
      if (value.remaining === 0 || value.remaining % 2 !== 0) throw malformed("mandatory", "needs one or more 2-octet keys");
      const keys: number[] = [];
      while (!value.done) {
        const key = value.u16();
        if (keys.length > 0 && key <= keys[keys.length - 1]!) throw malformed("mandatory", "keys are not in increasing order");
        keys.push(key);
      }
      return { key: "mandatory", keys };
    },
    encode(param, writer) {
      const keys = [...param.keys].sort((a, b) => a - b);
      if (keys.length === 0) throw misuse("mandatory", "needs at least one key");
      keys.forEach((key, i) => {
        checkField(key, U16_MAX, "mandatory key");
        if (i > 0 && key === keys[i - 1]) throw misuse("mandatory", `key ${key} is listed twice`);
        writer.u16(key);
      });
    },
  },
  alpn: {
    // RFC 9460 §7.1.1: length-prefixed alpn-ids that exactly fill the value.
    decode(value) {
      if (value.done) throw malformed("alpn", "needs at least one protocol");
      const alpnIds: Uint8Array[] = [];
      while (!value.done) {
        const id = value.prefixedBytes(1);
        if (id.length === 0) throw malformed("alpn", "a protocol identifier cannot be empty");
        alpnIds.push(id.slice());
      }
      return { key: "alpn", alpnIds };
    },
    encode(param, writer) {
      if (param.alpnIds.length === 0) throw misuse("alpn", "needs at least one protocol");
      for (const id of param.alpnIds) {
        if (id.length === 0 || id.length > 255) throw misuse("alpn", "protocol identifiers are 1 to 255 octets");
        writer.prefixedBytes(1, id);
      }
    },
  },
  "no-default-alpn": {
    // RFC 9460 §7.1.1: the value is empty.
    decode(value) {
      if (!value.done) throw malformed("no-default-alpn", "value must be empty");
      return { key: "no-default-alpn" };
    },
    encode() {},
  },
  port: {
    decode(value) {
      if (value.remaining !== 2) throw malformed("port", "value must be 2 octets");
      return { key: "port", port: value.u16() };
    },
    encode(param, writer) {
      checkField(param.port, U16_MAX, "port");
      writer.u16(param.port);
    },
  },
  ipv4hint: {
    decode: (value) => ({ key: "ipv4hint", addresses: readAddresses(value, 4, "ipv4hint") }),
    encode: (param, writer) => writeAddresses(param.addresses, 4, "ipv4hint", writer),
  },
  ech: {
    decode: (value) => ({ key: "ech", echConfigList: value.rest().slice() }),
    encode: (param, writer) => void writer.bytes(param.echConfigList),
  },
  ipv6hint: {
    decode: (value) => ({ key: "ipv6hint", addresses: readAddresses(value, 16, "ipv6hint") }),
    encode: (param, writer) => writeAddresses(param.addresses, 16, "ipv6hint", writer),
  },
};

const knownByCode = new Map<number, KnownSvcParamKey>(
  Object.entries(SvcParamKey).map(([key, code]) => [code, key as KnownSvcParamKey]),
);

/** The numeric SvcParamKey of `param`. */
export function svcParamCode(param: SvcParam): number {
  return param.key === "unknown" ? param.code : SvcParamKey[param.key];
}

/** The key name for `code`: its registered name, or `keyNNNNN` (RFC 9460 §2.1). */
export function svcParamKeyName(code: number): string {
  return knownByCode.get(code) ?? `key${code}`;
}

/** The key with name `text` (registered or `keyNNNNN`), or `undefined`. */
export function svcParamKeyCode(text: string): number | undefined {
  if (Object.hasOwn(SvcParamKey, text)) return SvcParamKey[text as KnownSvcParamKey];
  const match = /^key(0|[1-9][0-9]{0,4})$/.exec(text);
  const code = match === null ? undefined : Number(match[1]);
  return code !== undefined && code <= U16_MAX ? code : undefined;
}

/** The SvcParam for key `code` with wire-format `value` (RFC 9460 §2.2). */
export function decodeSvcParamValue(code: number, value: Reader): SvcParam {
  const key = knownByCode.get(code);
  if (key === undefined) return { key: "unknown", code, value: value.rest().slice() };
  const param = (codecs[key] as SvcParamCodec<SvcParam>).decode(value);
  if (!value.done) throw malformed(key, "value has trailing octets");
  return param;
}

/** The wire-format value of `param`. */
export function encodeSvcParamValue(param: SvcParam): Uint8Array {
  const writer = new Writer(32);
  if (param.key === "unknown") {
    if (knownByCode.has(param.code)) throw misuse(`key${param.code}`, `use the typed "${knownByCode.get(param.code)}" form`);
    writer.bytes(param.value);
  } else (codecs[param.key] as SvcParamCodec<SvcParam>).encode(param, writer);
  return writer.toBytes();
}

/** RFC 9460 §2.2: SvcParams to the end of `reader`, keys strictly increasing. */
export function readSvcParams(reader: Reader): SvcParam[] {
  const params: SvcParam[] = [];
  let previous = -1;
  while (!reader.done) {
    const code = reader.u16();
    if (code <= previous) throw malformed(svcParamKeyName(code), "keys are not in strictly increasing order");
    previous = code;
    const value = reader.sub(reader.u16());
    params.push(decodeSvcParamValue(code, value));
  }
  return params;
}

/** RFC 9460 §2.2: writes `params` sorted by key; a repeated key is an error. */
export function writeSvcParams(writer: Writer, params: readonly SvcParam[]): void {
  const sorted = [...params].sort((a, b) => svcParamCode(a) - svcParamCode(b));
  sorted.forEach((param, i) => {
    const code = svcParamCode(param);
    checkField(code, U16_MAX, "SvcParamKey");
    if (i > 0 && code === svcParamCode(sorted[i - 1]!)) throw misuse(svcParamKeyName(code), "appears more than once");
    writer.u16(code).prefixedBytes(2, encodeSvcParamValue(param));
  });
}

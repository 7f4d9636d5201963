import { Reader, concatBytes, fromUtf8 } from "@zquic/wire";
import {
  DnsError,
  type SvcParam,
  SvcParamKey,
  U16_MAX,
  decodeSvcParamValue,
  decodingDns,
  svcParamCode,
  svcParamKeyCode,
  svcParamKeyName,
} from "../dns/index.js";
import { fromBase64, toBase64 } from "./base64.js";
import { PresentationError } from "./errors.js";
import { decodeToken, formatCharacterString } from "./fields.js";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./ip-address.js";
import type { Token } from "./lexer.js";

const COMMA = 0x2c;
const BACKSLASH = 0x5c;

/** RFC 9460 Appendix A.1: splits a value-list at commas; `\,` and `\\` stand for themselves. */
export function splitValueList(value: Uint8Array): Uint8Array[] {
  const items: Uint8Array[] = [];
  let item: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const byte = value[i]!;
    if (byte === BACKSLASH && i + 1 < value.length) item.push(value[++i]!);
    else if (byte === COMMA) {
      items.push(Uint8Array.from(item));
      item = [];
    } else item.push(byte);
  }
  items.push(Uint8Array.from(item));
  return items;
}

/** RFC 9460 Appendix A.1: joins items into a value-list, escaping `,` and `\`. */
export function joinValueList(items: readonly Uint8Array[]): Uint8Array {
  const escaped = items.map((item) => Uint8Array.from([...item].flatMap((byte) => (byte === COMMA || byte === BACKSLASH ? [BACKSLASH, byte] : [byte]))));
  return concatBytes(...escaped.flatMap((item, i) => (i === 0 ? [item] : [Uint8Array.of(COMMA), item])));
}

interface ParamText<P extends SvcParam> {
  parse(value: Uint8Array, fail: (why: string) => never): P;
  format(param: P): string | undefined;
}

type TextTable = { [K in keyof typeof SvcParamKey]: ParamText<SvcParam & { key: K }> };

function items(value: Uint8Array, what: string, fail: (why: string) => never): string[] {
  const list = fromUtf8(value).split(",");
  if (list.some((item) => item === "")) fail(`needs a comma-separated list of ${what}`);
  return list;
}

function addresses(parse: (text: string) => Uint8Array | undefined, family: string) {
  return (value: Uint8Array, fail: (why: string) => never): Uint8Array[] =>
    items(value, `${family} addresses`, fail).map((text) => parse(text) ?? fail(`bad ${family} address "${text}"`));
}

const paramText: TextTable = {
  mandatory: {
    parse(value, fail) {
      const keys = items(value, "keys", fail).map((name) => svcParamKeyCode(name) ?? fail(`unknown key "${name}"`));
      // RFC 9460 §8: keys at most once, and never "mandatory" itself.
      if (new Set(keys).size !== keys.length) fail("lists a key twice");
      if (keys.includes(SvcParamKey.mandatory)) fail('cannot list "mandatory"');
      return { key: "mandatory", keys: keys.sort((a, b) => a - b) };
    },
    format: (param) => param.keys.map(svcParamKeyName).join(","),
  },
  alpn: {
    parse(value, fail) {
      const alpnIds = splitValueList(value);
      if (alpnIds.some((id) => id.length === 0 || id.length > 255)) fail("needs protocol identifiers of 1 to 255 octets");
      return { key: "alpn", alpnIds };
    },
    format: (param) => formatCharacterString(joinValueList(param.alpnIds)),
  },
  "no-default-alpn": {
    parse(value, fail) {
      if (value.length > 0) fail("takes no value");
      return { key: "no-default-alpn" };
    },
    format: () => undefined,
  },
  port: {
    parse(value, fail) {
      const text = fromUtf8(value);
      if (!/^[0-9]{1,5}$/.test(text) || Number(text) > U16_MAX) fail(`bad port "${text}"`);
      return { key: "port", port: Number(text) };
    },
    format: (param) => String(param.port),
  },
  ipv4hint: {
    parse: (value, fail) => ({ key: "ipv4hint", addresses: addresses(parseIPv4, "IPv4")(value, fail) }),
    format: (param) => param.addresses.map(formatIPv4).join(","),
  },
  ech: {
    parse: (value, fail) => ({ key: "ech", echConfigList: fromBase64(fromUtf8(value)) ?? fail("needs Base 64") }),
    format: (param) => (param.echConfigList.length === 0 ? '""' : toBase64(param.echConfigList)),
  },
  ipv6hint: {
    parse: (value, fail) => ({ key: "ipv6hint", addresses: addresses(parseIPv6, "IPv6")(value, fail) }),
    format: (param) => param.addresses.map(formatIPv6).join(","),
  },
};

// RFC 9460 §7 and the Appendix D failure cases: these keys need a value.
const VALUE_REQUIRED = new Set<string>(["mandatory", "alpn", "port", "ipv4hint", "ipv6hint"]);

/** RFC 9460 §2.1: the "keyNNNNN" form carries the value in wire format, for any key. */
function parseGenericValue(code: number, value: Uint8Array, fail: (why: string) => never): SvcParam {
  try {
    return decodingDns(() => decodeSvcParamValue(code, new Reader(value)));
  } catch (error) {
    if (error instanceof DnsError) return fail(error.message);
    throw error;
  }
}

/** RFC 9460 §2.1: one `key[=value]` token as a SvcParam. */
function parseSvcParam(token: Token): SvcParam {
  const equals = token.text.indexOf("=");
  const keyText = equals < 0 ? token.text : token.text.slice(0, equals);
  const fail = (why: string): never => {
    throw new PresentationError(`bad SvcParam ${keyText}: ${why}`, token.line);
  };
  const code = svcParamKeyCode(keyText) ?? fail("not a key name (use a registered name or keyNNNNN)");
  const name = svcParamKeyName(code);
  if (equals < 0 && VALUE_REQUIRED.has(keyText)) fail("needs a value");
  const value = equals < 0 ? new Uint8Array(0) : decodeToken({ ...token, text: token.text.slice(equals + 1) });
  const text = keyText === name ? (paramText as Partial<Record<string, ParamText<SvcParam>>>)[name] : undefined;
  return text === undefined ? parseGenericValue(code, value, fail) : text.parse(value, fail);
}

/**
 * RFC 9460 §2.1: SvcParams from presentation tokens, in any order but each
 * key once; keys listed as mandatory must be present (§8).
 */
export function parseSvcParams(tokens: readonly Token[]): SvcParam[] {
  const params = tokens.map(parseSvcParam);
  const codes = params.map(svcParamCode);
  params.forEach((param, i) => {
    const line = tokens[i]!.line;
    if (codes.indexOf(codes[i]!) !== i) throw new PresentationError(`SvcParam ${svcParamKeyName(codes[i]!)} appears twice`, line);
    const missing = param.key === "mandatory" ? param.keys.find((key) => !codes.includes(key)) : undefined;
    if (missing !== undefined) throw new PresentationError(`mandatory key ${svcParamKeyName(missing)} is not present`, line);
  });
  return params.sort((a, b) => svcParamCode(a) - svcParamCode(b));
}

/** RFC 9460 §2.1: SvcParams in presentation form. */
export function formatSvcParams(params: readonly SvcParam[]): string[] {
  return params.map((param) => {
    const name = svcParamKeyName(svcParamCode(param));
    const value =
      param.key === "unknown"
        ? formatCharacterString(param.value)
        : (paramText[param.key] as ParamText<SvcParam>).format(param);
    return value === undefined ? name : `${name}=${value}`;
  });
}

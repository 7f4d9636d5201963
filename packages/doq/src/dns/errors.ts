import { WireError, ZquicError } from "@zquic/wire";

/** Why a DNS message or name could not be read. */
export type DnsErrorReason =
  | "truncated"
  | "trailing-bytes"
  | "bad-pointer"
  | "too-many-pointers"
  | "bad-label-type"
  | "label-too-long"
  | "name-too-long"
  | "bad-name"
  | "bad-text"
  | "bad-rdata"
  | "bad-svc-param"
  | "too-many-records"
  | "too-many-labels"
  | "misplaced-opt"
  | "multiple-opt"
  | "too-large";

/**
 * A DNS message, name or RDATA that does not decode (or, for {@link DnsError.reason}
 * `label-too-long`, `name-too-long` and `bad-name`, a name that breaks RFC 1035
 * §2.3.4). Decoders throw nothing else for any input.
 */
export class DnsError extends ZquicError {
  override name = "DnsError";
  constructor(
    readonly reason: DnsErrorReason,
    message: string,
  ) {
    super("DNS_MALFORMED", message);
  }
}

/**
 * Runs a decoder, turning the Reader's truncation errors into
 * {@link DnsError} so callers see one error type for bad input.
 */
export function decodingDns<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof WireError) throw new DnsError("truncated", error.message);
    throw error;
  }
}

import { ZquicError } from "@zquic/wire";
import { DEFAULT_UDP_PAYLOAD_SIZE, type Edns, EdnsOptionCode } from "./edns.js";
import { type DnsMessage, MAX_MESSAGE_LENGTH, encodeMessage } from "./message.js";

/** RFC 8467 §4.1: clients pad queries to a multiple of 128 octets. */
export const QUERY_BLOCK_LENGTH = 128;
/** RFC 8467 §4.1: servers pad responses to a multiple of 468 octets. */
export const RESPONSE_BLOCK_LENGTH = 468;

/** True when `message` carries the EDNS(0) Padding option (RFC 7830). */
export function hasPadding(message: DnsMessage): boolean {
  return message.edns?.options.some((option) => option.code === EdnsOptionCode.PADDING) ?? false;
}

/**
 * RFC 7830 and RFC 8467 §4.1 (Block-Length Padding): `message` with a Padding
 * option sized so its encoded length is a multiple of `blockLength`, never
 * beyond 65535 octets. An OPT record is added when missing; any previous
 * padding is replaced. RFC 9250 §5.4 asks DoQ to pad every message.
 */
export function padToBlock(message: DnsMessage, blockLength: number): DnsMessage {
  if (!Number.isInteger(blockLength) || blockLength < 1 || blockLength > MAX_MESSAGE_LENGTH) {
    throw new ZquicError("DNS_BAD_BLOCK_LENGTH", `block length must be an integer from 1 to ${MAX_MESSAGE_LENGTH}, e.g. ${QUERY_BLOCK_LENGTH}`);
  }
  const edns: Edns = message.edns ?? { udpPayloadSize: DEFAULT_UDP_PAYLOAD_SIZE, version: 0, dnssecOk: false, options: [] };
  const withPadding = (length: number): DnsMessage => ({
    ...message,
    edns: {
      ...edns,
      options: [
        ...edns.options.filter((option) => option.code !== EdnsOptionCode.PADDING),
        { code: EdnsOptionCode.PADDING, data: new Uint8Array(length) },
      ],
    },
  });
  // Measured with an empty Padding option, so its 4-octet header (RFC 7830 §3) is counted.
  const unpadded = encodeMessage(withPadding(0)).length;
  const wanted = (blockLength - (unpadded % blockLength)) % blockLength;
  return withPadding(Math.min(wanted, MAX_MESSAGE_LENGTH - unpadded));
}

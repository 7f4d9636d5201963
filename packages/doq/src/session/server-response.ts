/**
 * What a DoQ server puts on a request stream: the handler's response made fit
 * for DoQ, or a SERVFAIL when there is none to send (RFC 9250 §4.3.2).
 *
 * @module
 */
import { Reader, ZquicError } from "@zquic/wire";
import {
  type DnsMessage,
  DEFAULT_UDP_PAYLOAD_SIZE,
  DnsError,
  EdnsOptionCode,
  MAX_MESSAGE_LENGTH,
  RESPONSE_BLOCK_LENGTH,
  Rcode,
  decodeMessage,
  encodeMessage,
  hasPadding,
  padToBlock,
  readHeader,
} from "../dns/index.js";
import { hasTcpKeepalive, type ReceivedMessage } from "./protocol-errors.js";

/** A response ready to frame, and its RCODE for reporting. */
export interface PreparedResponse {
  readonly bytes: Uint8Array;
  readonly rcode: number;
}

/**
 * The handler's `response` as DoQ sends it: Message ID 0 (RFC 9250 §4.2.1),
 * no edns-tcp-keepalive (§5.5.2), padded to 468-octet blocks when the query
 * was padded (§5.4, RFC 8467 §4.1). Bytes that pass unchanged are sent as
 * they are. `undefined` when `response` is no DNS message.
 */
export function prepareResponse(response: Uint8Array, query: ReceivedMessage): PreparedResponse | undefined {
  if (response.length > MAX_MESSAGE_LENGTH) return undefined;
  let message: DnsMessage;
  try {
    message = decodeMessage(response);
  } catch (error) {
    if (error instanceof DnsError) return undefined;
    throw error;
  }
  const pad = wasPadded(query);
  if (message.id === 0 && !hasTcpKeepalive(message) && (!pad || hasPadding(message))) return { bytes: response, rcode: message.rcode };
  const fixed: DnsMessage = { ...message, id: 0 };
  if (message.edns !== undefined) {
    fixed.edns = { ...message.edns, options: message.edns.options.filter((option) => option.code !== EdnsOptionCode.TCP_KEEPALIVE) };
  }
  return encodeOrUndefined(fixed, pad);
}

/**
 * RFC 9250 §4.3.2: a SERVFAIL answering `query`, echoing its question and
 * EDNS as a resolver would, padded when the query was.
 */
export function serverFailure(query: ReceivedMessage): PreparedResponse {
  const decoded = query.message;
  const header = decoded ?? readHeader(new Reader(query.bytes));
  const response: DnsMessage = {
    id: 0,
    qr: true,
    opcode: header.opcode,
    aa: false,
    tc: false,
    rd: header.rd,
    ra: false,
    ad: false,
    cd: header.cd,
    rcode: Rcode.SERVFAIL,
    question: decoded?.question ?? [],
    answer: [],
    authority: [],
    additional: [],
  };
  // RFC 6891 §7: an OPT in the response only when the query had one.
  if (decoded?.edns !== undefined) response.edns = { udpPayloadSize: DEFAULT_UDP_PAYLOAD_SIZE, version: 0, dnssecOk: decoded.edns.dnssecOk, options: [] };
  const pad = wasPadded(query);
  // Questions that would not fit again in 65535 octets are left out.
  return encodeOrUndefined(response, pad) ?? { bytes: encodeMessage({ ...response, question: [] }), rcode: Rcode.SERVFAIL };
}

/** RFC 7830 §4: responses are padded when their query was. */
function wasPadded(query: ReceivedMessage): boolean {
  return query.message !== undefined && hasPadding(query.message);
}

/** `message` encoded, padded to 468-octet blocks when `pad`; `undefined` when it does not fit a message. */
function encodeOrUndefined(message: DnsMessage, pad: boolean): PreparedResponse | undefined {
  try {
    return { bytes: encodeMessage(pad ? padToBlock(message, RESPONSE_BLOCK_LENGTH) : message), rcode: message.rcode };
  } catch (error) {
    if (error instanceof ZquicError) return undefined;
    throw error;
  }
}

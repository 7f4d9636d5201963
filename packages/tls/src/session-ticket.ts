/**
 * The client's record of a resumable session (RFC 8446 §4.6.1): what it needs
 * to offer the ticket as a PSK and, for 0-RTT, to remember the parameters of
 * the connection that issued it (RFC 9001 §4.6.1, RFC 9000 §7.4.1).
 *
 * @module
 */
import { Reader, WireError, Writer, ZquicError, fromUtf8Strict, utf8 } from "@zquic/wire";

/** A session the client may resume. Serialize with {@link encodeSessionTicket}. */
export interface SessionTicket {
  /** The opaque ticket, sent as the PSK identity. */
  readonly ticket: Uint8Array;
  /** The resumption PSK (RFC 8446 §4.6.1). Secret. */
  readonly psk: Uint8Array;
  /** The cipher suite of the issuing connection; resumption needs one with the same hash. */
  readonly suite: number;
  /** The ALPN protocol of the issuing connection (0-RTT must use the same). */
  readonly alpn: string;
  /** The SNI the issuing connection used; the ticket is offered only for the same name. */
  readonly serverName: string | undefined;
  /** ticket_lifetime in seconds. */
  readonly lifetime: number;
  /** ticket_age_add. */
  readonly ageAdd: number;
  /** Unix ms at which the ticket arrived (the ticket age counts from here). */
  readonly receivedAt: number;
  /** True when the server allows 0-RTT with this ticket (max_early_data_size 0xffffffff, RFC 9001 §4.6.1). */
  readonly earlyData: boolean;
  /** The server's transport parameters on the issuing connection, which 0-RTT must respect (RFC 9000 §7.4.1). */
  readonly peerTransportParameters: Uint8Array;
}

const FORMAT_VERSION = 1;

/** The bytes of `ticket`, to store and later give to {@link decodeSessionTicket}. */
export function encodeSessionTicket(ticket: SessionTicket): Uint8Array {
  const w = new Writer(256 + ticket.ticket.length + ticket.peerTransportParameters.length);
  w.u8(FORMAT_VERSION);
  w.prefixedBytes(2, ticket.ticket).prefixedBytes(1, ticket.psk).u16(ticket.suite);
  w.prefixedBytes(1, utf8(ticket.alpn));
  w.u8(ticket.serverName === undefined ? 0 : 1).prefixedBytes(2, utf8(ticket.serverName ?? ""));
  w.u32(ticket.lifetime).u32(ticket.ageAdd).uint(ticket.receivedAt, 6).u8(ticket.earlyData ? 1 : 0);
  w.prefixedBytes(2, ticket.peerTransportParameters);
  return w.toBytes();
}

/** The ticket `bytes` hold; throws a `ZquicError` (code TLS_SESSION_TICKET) when they are not one. */
export function decodeSessionTicket(bytes: Uint8Array): SessionTicket {
  try {
    const r = new Reader(bytes);
    if (r.u8() !== FORMAT_VERSION) throw new WireError("unknown format version");
    const ticket = r.prefixedBytes(2).slice();
    const psk = r.prefixedBytes(1).slice();
    const suite = r.u16();
    const alpn = text(r.prefixedBytes(1));
    const hasServerName = flag(r.u8());
    const serverName = text(r.prefixedBytes(2));
    const lifetime = r.u32();
    const ageAdd = r.u32();
    const receivedAt = r.uint(6);
    const earlyData = flag(r.u8());
    const peerTransportParameters = r.prefixedBytes(2).slice();
    if (!r.done) throw new WireError("trailing bytes");
    return {
      ticket,
      psk,
      suite,
      alpn,
      serverName: hasServerName ? serverName : undefined,
      lifetime,
      ageAdd,
      receivedAt,
      earlyData,
      peerTransportParameters,
    };
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    throw new ZquicError("TLS_SESSION_TICKET", `not a stored session ticket (${error.message}); store what encodeSessionTicket returned`);
  }
}

function text(bytes: Uint8Array): string {
  const value = fromUtf8Strict(bytes);
  if (value === undefined) throw new WireError("a text field is not UTF-8");
  return value;
}

function flag(byte: number): boolean {
  if (byte > 1) throw new WireError("a flag is neither 0 nor 1");
  return byte === 1;
}

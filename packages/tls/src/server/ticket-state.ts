/**
 * What a server seals into its stateless tickets (see {@link TicketKeys}): the
 * resumption PSK and the parameters of the issuing connection that resumption
 * and 0-RTT must match (RFC 8446 §4.2.10, §4.6.1, §8.3).
 *
 * @module
 */
import { Reader, WireError, Writer, fromUtf8Strict, utf8 } from "@zquic/wire";

/** The resumption state inside a ticket. */
export interface TicketState {
  readonly suite: number;
  readonly psk: Uint8Array;
  /** Unix ms at issue (RFC 8446 §8.3: the ticket's creation_time). */
  readonly createdAt: number;
  /** ticket_lifetime in seconds. */
  readonly lifetime: number;
  readonly ageAdd: number;
  readonly alpn: string;
  /** True when the ticket allows 0-RTT. */
  readonly earlyData: boolean;
  /** The server's earlyDataContext when the ticket was issued. */
  readonly earlyDataContext: Uint8Array;
}

const FORMAT_VERSION = 1;

/** The plaintext of a ticket. */
export function encodeTicketState(state: TicketState): Uint8Array {
  const w = new Writer(128 + state.earlyDataContext.length);
  w.u8(FORMAT_VERSION).u16(state.suite).prefixedBytes(1, state.psk).uint(state.createdAt, 6).u32(state.lifetime).u32(state.ageAdd);
  w.prefixedBytes(1, utf8(state.alpn)).u8(state.earlyData ? 1 : 0).prefixedBytes(2, state.earlyDataContext);
  return w.toBytes();
}

/** The state in a ticket's plaintext, or `undefined` when it is not one (an unusable ticket is ignored, RFC 8446 §4.2.11). */
export function decodeTicketState(bytes: Uint8Array): TicketState | undefined {
  try {
    const r = new Reader(bytes);
    if (r.u8() !== FORMAT_VERSION) return undefined;
    const suite = r.u16();
    const psk = r.prefixedBytes(1).slice();
    const createdAt = r.uint(6);
    const lifetime = r.u32();
    const ageAdd = r.u32();
    const alpn = fromUtf8Strict(r.prefixedBytes(1));
    const earlyData = r.u8();
    const earlyDataContext = r.prefixedBytes(2).slice();
    if (!r.done || alpn === undefined || earlyData > 1) return undefined;
    return { suite, psk, createdAt, lifetime, ageAdd, alpn, earlyData: earlyData === 1, earlyDataContext };
  } catch (error) {
    if (error instanceof WireError) return undefined;
    throw error;
  }
}

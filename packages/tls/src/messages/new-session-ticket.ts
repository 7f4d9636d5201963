/**
 * NewSessionTicket (RFC 8446 §4.6.1).
 *
 * @module
 */
import { type NewSessionTicketExtension, readExtensions, writeExtensions } from "./extensions.js";
import { HandshakeType, encodeHandshake, expectEnd, tlsReader } from "./handshake.js";
import { readOpaque } from "./vectors.js";

/** A decoded NewSessionTicket. */
export interface NewSessionTicket {
  /** Seconds (RFC 8446 §4.6.1: at most 604800). */
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  readonly ticketNonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly extensions: readonly NewSessionTicketExtension[];
}

/** Reads a NewSessionTicket body. */
export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = tlsReader(body);
  const ticketLifetime = r.u32();
  const ticketAgeAdd = r.u32();
  const ticketNonce = readOpaque(r, 1, 0, 255, "ticket_nonce");
  const ticket = readOpaque(r, 2, 1, 0xffff, "ticket");
  // RFC 8446 §4.6.1: Extension extensions<0..2^16-2>
  const extensions = readExtensions(r, "NST");
  expectEnd(r, "NewSessionTicket");
  return { ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions };
}

/** Encodes a NewSessionTicket as a framed handshake message. */
export function encodeNewSessionTicket(ticket: NewSessionTicket): Uint8Array {
  return encodeHandshake(HandshakeType.new_session_ticket, (w) => {
    w.u32(ticket.ticketLifetime).u32(ticket.ticketAgeAdd).prefixedBytes(1, ticket.ticketNonce).prefixedBytes(2, ticket.ticket);
    writeExtensions(w, "NST", ticket.extensions);
  });
}

/**
 * Finished (RFC 8446 §4.4.4): `opaque verify_data[Hash.length]`.
 *
 * @module
 */
import { alert } from "../alert.js";
import { HandshakeType, frameHandshake } from "./handshake.js";

/** Reads a Finished body; its length must be the negotiated hash's (else decode_error). */
export function decodeFinished(body: Uint8Array, hashLength: number): Uint8Array {
  if (body.length !== hashLength) throw alert("decode_error", `Finished has ${body.length} bytes, not ${hashLength}`);
  return body;
}

/** Encodes a Finished as a framed handshake message. */
export function encodeFinished(verifyData: Uint8Array): Uint8Array {
  return frameHandshake(HandshakeType.finished, verifyData);
}

/**
 * The transcript hash (RFC 8446 §4.4.1), including the message_hash
 * construction that replaces ClientHello1 after a HelloRetryRequest.
 *
 * @module
 */
import type { IncrementalHash } from "@zquic/crypto";
import { ZquicError } from "@zquic/wire";
import type { Hkdf } from "./hkdf.js";
import { HandshakeType, frameHandshake } from "./messages/handshake.js";

/**
 * A running hash of the handshake messages. A client does not know the hash
 * until the server picks a cipher suite, so messages added before
 * {@link Transcript.useHash} are kept and hashed then.
 */
export class Transcript {
  private pending: Uint8Array[] = [];
  private hasher: IncrementalHash | undefined;
  /** The digest of the messages so far, once asked for: the handshake reads some twice (Finished, then the next secrets). */
  private digest: Uint8Array | undefined;

  /** Adds one framed handshake message. */
  add(message: Uint8Array): void {
    this.digest = undefined;
    if (this.hasher === undefined) this.pending.push(message);
    else this.hasher.update(message);
  }

  /** Fixes the hash (the cipher suite's) and hashes what was added before. Later calls are ignored. */
  useHash(hkdf: Hkdf): void {
    if (this.hasher !== undefined) return;
    this.hasher = hkdf.provider.hasher(hkdf.hash);
    for (const message of this.pending) this.hasher.update(message);
    this.pending = [];
  }

  /** Transcript-Hash of every message so far. */
  hash(): Uint8Array {
    return (this.digest ??= this.running().digest());
  }

  /** Transcript-Hash of every message so far followed by `partial`, which is not added (PSK binders). */
  hashWith(partial: Uint8Array): Uint8Array {
    const copy = this.running().clone();
    copy.update(partial);
    return copy.digest();
  }

  /**
   * RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
   * `message_hash ‖ 00 00 Hash.length ‖ Hash(ClientHello1)`. Call with only
   * ClientHello1 added.
   */
  replaceWithMessageHash(hkdf: Hkdf): void {
    this.useHash(hkdf);
    const clientHello1 = this.hash();
    this.hasher = hkdf.provider.hasher(hkdf.hash);
    this.add(frameHandshake(HandshakeType.message_hash, clientHello1));
  }

  private running(): IncrementalHash {
    if (this.hasher === undefined) throw new ZquicError("TLS_TRANSCRIPT", "the transcript hash is read before a cipher suite chose it; call useHash first");
    return this.hasher;
  }
}

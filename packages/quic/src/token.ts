import type { Aead, CryptoProvider, RandomSource } from "@zquic/crypto";
import { Reader, Writer, utf8 } from "@zquic/wire";
import type { SocketAddress } from "@zquic/wire";

/** What a token vouches for. */
export type TokenKind = "retry" | "new_token";

/** A token's contents once opened (RFC 9000 §8.1.3, §8.1.4). */
export interface OpenedToken {
  readonly kind: TokenKind;
  /** Retry tokens: the client's first Destination Connection ID. */
  readonly originalDcid: Uint8Array;
  /** Retry tokens: the Source Connection ID of the Retry packet. */
  readonly retryScid: Uint8Array;
}

/** Lifetimes in ms (RFC 9000 §8.1.3: Retry tokens short, NEW_TOKEN tokens long). */
export interface TokenLifetimes {
  readonly retry: number;
  readonly newToken: number;
  /** How long a sealing key is used before the next one (the previous still opens tokens). */
  readonly keyRotation: number;
}

export const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = { retry: 10_000, newToken: 24 * 3600_000, keyRotation: 3600_000 };

const KIND_CODE: Readonly<Record<TokenKind, number>> = { retry: 0, new_token: 1 };
const NONCE_LENGTH = 12;

/**
 * Address-validation tokens (RFC 9000 §8.1.3, §8.1.4): sealed with an AEAD
 * under a key that rotates, bound to the client's IP address and issue time, so
 * only this endpoint can make or read them and a stolen token works only from
 * the address it was issued to, for a limited time.
 */
export class TokenSealer {
  private keys: { id: number; aead: Aead; since: number }[] = [];

  constructor(
    private readonly provider: CryptoProvider,
    private readonly random: RandomSource,
    private readonly lifetimes: TokenLifetimes = DEFAULT_TOKEN_LIFETIMES,
  ) {}

  private currentKey(now: number): { id: number; aead: Aead } {
    const newest = this.keys[0];
    if (newest !== undefined && now - newest.since < this.lifetimes.keyRotation) return newest;
    const id = ((newest?.id ?? -1) + 1) & 0xff;
    const key = { id, aead: this.provider.aead("aes-128-gcm", this.random(16)), since: now };
    this.keys = [key, ...this.keys.slice(0, 1)];
    return key;
  }

  /** A token for `client`, issued at `now`. */
  seal(kind: TokenKind, client: SocketAddress, now: number, retry?: { originalDcid: Uint8Array; retryScid: Uint8Array }): Uint8Array {
    const key = this.currentKey(now);
    const body = new Writer(64)
      .u8(KIND_CODE[kind])
      .u32(Math.floor(now / 0x1_0000_0000))
      .u32(now >>> 0)
      .prefixedBytes(1, retry?.originalDcid ?? new Uint8Array(0))
      .prefixedBytes(1, retry?.retryScid ?? new Uint8Array(0))
      .toBytes();
    const nonce = this.random(NONCE_LENGTH);
    const sealed = key.aead.seal(nonce, this.associatedData(key.id, client), body);
    return new Writer(1 + NONCE_LENGTH + sealed.length).u8(key.id).bytes(nonce).bytes(sealed).toBytes();
  }

  /** The token's contents, or undefined when it is forged, expired, from another address or of the wrong kind. */
  open(token: Uint8Array, client: SocketAddress, now: number): OpenedToken | undefined {
    if (token.length < 1 + NONCE_LENGTH + 16) return undefined;
    const id = token[0]!;
    const key = this.keys.find((k) => k.id === id);
    if (key === undefined) return undefined;
    const body = key.aead.open(token.subarray(1, 1 + NONCE_LENGTH), this.associatedData(id, client), token.subarray(1 + NONCE_LENGTH));
    if (body === null) return undefined;
    try {
      const reader = new Reader(body);
      const kindCode = reader.u8();
      const issued = reader.u32() * 0x1_0000_0000 + reader.u32();
      const originalDcid = reader.prefixedBytes(1).slice();
      const retryScid = reader.prefixedBytes(1).slice();
      const kind: TokenKind = kindCode === KIND_CODE.retry ? "retry" : "new_token";
      const lifetime = kind === "retry" ? this.lifetimes.retry : this.lifetimes.newToken;
      if (now < issued || now - issued > lifetime) return undefined;
      return { kind, originalDcid, retryScid };
    } catch {
      return undefined;
    }
  }

  /** Binds a token to the key id and the client's IP (not its port: NATs rebind ports). */
  private associatedData(id: number, client: SocketAddress): Uint8Array {
    return new Writer(32).u8(id).bytes(utf8(client.address)).toBytes();
  }
}

/** RFC 9000 §10.3.2: stateless reset tokens derived from the CID with a static key. */
export class ResetTokens {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly key: Uint8Array,
  ) {}

  /** The token for `cid`: HMAC-SHA256(key, cid), first 16 bytes. */
  tokenFor(cid: Uint8Array): Uint8Array {
    return this.provider.hmac("sha256", this.key, cid).subarray(0, 16);
  }

}

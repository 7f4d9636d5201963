// The key schedule's shared values and the transcript's remembered digest:
// what is computed once must equal what would be computed every time.
import { describe, expect, it } from "vitest";
import { type CryptoProvider, loadProvider, nobleProvider } from "@zquic/crypto";
import { EarlySecret, HandshakeType, Hkdf, Transcript } from "../src/index.js";
import { frameHandshake } from "../src/messages/handshake.js";
import { concatBytes, toHex, utf8 } from "@zquic/wire";

const native = await loadProvider("native");
const providers: readonly CryptoProvider[] = [nobleProvider, native];
const shared = new Uint8Array(32).fill(0x5a);

describe("Hkdf.of", () => {
  it("is one instance per provider and hash", () => {
    expect(Hkdf.of(native, "sha256")).toBe(Hkdf.of(native, "sha256"));
    expect(Hkdf.of(native, "sha384")).not.toBe(Hkdf.of(native, "sha256"));
    expect(Hkdf.of(nobleProvider, "sha256")).not.toBe(Hkdf.of(native, "sha256"));
  });
});

describe.each(providers.map((provider) => [provider.name, provider] as const))("the Early Secret without a PSK (%s)", (_, provider) => {
  const hkdf = Hkdf.of(provider, "sha256");

  it("is HKDF-Extract(0, 0), shared by every session, and leads to the same Handshake Secret as computing it afresh", () => {
    const [first, second] = [new EarlySecret(hkdf), new EarlySecret(hkdf)];
    expect(first.secret).toBe(second.secret);
    expect(toHex(first.secret)).toBe(toHex(provider.hkdfExtract("sha256", hkdf.zeros, hkdf.zeros)));
    // RFC 8446 §7.1, spelled out: Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).
    const salt = hkdf.deriveSecret(first.secret, utf8("derived"), hkdf.emptyHash);
    expect(toHex(first.handshakeSecret(shared).secret)).toBe(toHex(hkdf.extract(salt, shared)));
    expect(toHex(second.handshakeSecret(shared).secret)).toBe(toHex(first.handshakeSecret(shared).secret));
  });

  it("differs from the Early Secret of a PSK, whose salt is its own", () => {
    const withPsk = new EarlySecret(hkdf, new Uint8Array(32).fill(1));
    expect(toHex(withPsk.secret)).not.toBe(toHex(new EarlySecret(hkdf).secret));
    const salt = hkdf.deriveSecret(withPsk.secret, utf8("derived"), hkdf.emptyHash);
    expect(toHex(withPsk.handshakeSecret(shared).secret)).toBe(toHex(hkdf.extract(salt, shared)));
  });
});

it("each provider keeps its own constants", () => {
  // A provider whose HMAC differs must never see another provider's Early Secret.
  const flipped: CryptoProvider = { ...native, hkdfExtract: (hash, salt, ikm) => native.hkdfExtract(hash, salt, ikm).map((byte) => byte ^ 0xff) };
  expect(toHex(new EarlySecret(Hkdf.of(flipped, "sha256")).secret)).not.toBe(toHex(new EarlySecret(Hkdf.of(native, "sha256")).secret));
});

describe("Transcript", () => {
  const hkdf = Hkdf.of(native, "sha256");
  const messages = [1, 2, 3].map((n) => frameHandshake(HandshakeType.finished, new Uint8Array(32).fill(n)));

  it("hash() follows every add, even when read between them", () => {
    const transcript = new Transcript();
    transcript.useHash(hkdf);
    for (let i = 0; i < messages.length; i++) {
      transcript.add(messages[i]!);
      const expected = toHex(hkdf.digest(concatBytes(...messages.slice(0, i + 1))));
      expect(toHex(transcript.hash())).toBe(expected);
      expect(toHex(transcript.hash())).toBe(expected);
    }
  });

  it("hashWith() leaves the running hash alone", () => {
    const transcript = new Transcript();
    transcript.add(messages[0]!);
    transcript.useHash(hkdf);
    const before = toHex(transcript.hash());
    expect(toHex(transcript.hashWith(messages[1]!))).toBe(toHex(hkdf.digest(concatBytes(messages[0]!, messages[1]!))));
    expect(toHex(transcript.hash())).toBe(before);
  });

  it("replaceWithMessageHash() starts over from message_hash (RFC 8446 §4.4.1)", () => {
    const transcript = new Transcript();
    transcript.add(messages[0]!);
    transcript.useHash(hkdf);
    const clientHello1 = transcript.hash();
    transcript.replaceWithMessageHash(hkdf);
    expect(toHex(transcript.hash())).toBe(toHex(hkdf.digest(frameHandshake(HandshakeType.message_hash, clientHello1))));
  });
});

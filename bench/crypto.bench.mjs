// Packet protection cost per provider and cipher suite, beside the bare cost of
// the node:crypto calls it cannot avoid, plus handshake primitives per provider.
// Run: npx tsc -b && node bench/run.mjs crypto
import { createCipheriv, createDecipheriv } from "node:crypto";
import { QUIC_V1 } from "@zquic/wire";
import {
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
  hkdfExpandLabel,
  loadProvider,
  nobleProvider,
  openPayload,
  packetKeys,
  protect,
  protectInPlace,
  removeHeaderProtection,
} from "@zquic/crypto";
import { interleavedMicroseconds } from "./cpu-time.mjs";
import { runSuite } from "./lib.mjs";

const native = await loadProvider("native");
const providers = [nobleProvider, native];
const suites = [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256];

// A 1200-byte 1-RTT packet: first byte, 8-byte DCID, 2-byte packet number, payload, 16-byte tag.
const DATAGRAM = 1200;
const CID_LENGTH = 8;
const PN_LENGTH = 2;
const PN_OFFSET = 1 + CID_LENGTH;
const header = new Uint8Array(PN_OFFSET + PN_LENGTH);
header[0] = 0x40 | (PN_LENGTH - 1);
header.fill(0xcd, 1, PN_OFFSET);
const payload = new Uint8Array(DATAGRAM - header.length - 16).fill(0x61);

/** Receiving: header protection off in place, then the payload opened. */
function unprotect(keys, packet, pn) {
  const unprotected = removeHeaderProtection(keys.headerProtection, packet, PN_OFFSET);
  if (unprotected === null || openPayload(keys, packet, PN_OFFSET + unprotected.pnLength, pn) === null) throw new Error("round trip failed");
}

/** protect() into a new packet, then unprotect. */
function ourTask(provider, suite) {
  const keys = packetKeys(provider, suite, new Uint8Array(provider.hashLength(suite.hash)).fill(7), QUIC_V1);
  let pn = 0;
  return () => {
    pn++;
    header[PN_OFFSET] = (pn >>> 8) & 0xff;
    header[PN_OFFSET + 1] = pn & 0xff;
    unprotect(keys, protect(keys, header, payload, pn), pn);
  };
}

/** The transport's way: write header and payload into a datagram buffer, protectInPlace, then unprotect. */
function inPlaceTask(provider, suite) {
  const keys = packetKeys(provider, suite, new Uint8Array(provider.hashLength(suite.hash)).fill(7), QUIC_V1);
  const datagram = new Uint8Array(DATAGRAM);
  let pn = 0;
  return () => {
    pn++;
    header[PN_OFFSET] = (pn >>> 8) & 0xff;
    header[PN_OFFSET + 1] = pn & 0xff;
    datagram.set(header);
    datagram.set(payload, header.length);
    protectInPlace(keys, datagram, 0, header.length, header.length + payload.length, pn);
    unprotect(keys, datagram, pn);
  };
}

/**
 * The floor: one node:crypto seal, one open and `masks` header protection
 * masks (the baseline has one; a protect+unprotect round trip needs two).
 */
function bareTask(suite, masks) {
  const key = new Uint8Array(suite.keyLength).fill(7);
  const nonce = new Uint8Array(12).fill(3);
  const ecb = suite.headerProtection === "chacha20" ? null : createCipheriv(suite.headerProtection, key, null).setAutoPadding(false);
  const options = { authTagLength: 16 };
  return () => {
    const cipher = createCipheriv(suite.aead, key, nonce, options);
    cipher.setAAD(header);
    const ciphertext = cipher.update(payload);
    cipher.final();
    const tag = cipher.getAuthTag();
    const sample = ciphertext.subarray(2, 18);
    let mask;
    for (let i = 0; i < masks; i++) mask = ecb === null ? createCipheriv("chacha20", key, sample).update(new Uint8Array(5)) : ecb.update(sample);
    const decipher = createDecipheriv(suite.aead, key, nonce, options);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    decipher.update(ciphertext);
    decipher.final();
    return mask;
  };
}

// First, while only the native provider's code has run (as in a real process).
console.log("\nnative provider cost over the bare node:crypto calls, interleaved CPU time (target ≤ 1.15 over the one-mask floor):");
for (const suite of suites) {
  const measured = interleavedMicroseconds({
    bare: bareTask(suite, 1),
    bare2: bareTask(suite, 2),
    protect: ourTask(native, suite),
    inPlace: inPlaceTask(native, suite),
  });
  const us = Object.fromEntries(Object.entries(measured).map(([name, { median }]) => [name, median]));
  const line = (label, value) => `${label} ${value.toFixed(2)} µs = ${(value / us.bare).toFixed(3)}× one-mask floor, ${(value / us.bare2).toFixed(3)}× two-mask floor`;
  console.log(`  ${suite.name}: floor ${us.bare.toFixed(2)} µs (two masks ${us.bare2.toFixed(2)} µs)`);
  console.log(`    ${line("protect+unprotect       ", us.protect)}`);
  console.log(`    ${line("protectInPlace+unprotect", us.inPlace)}`);
}

const tasks = {};
for (const suite of suites) {
  tasks[`bare node:crypto seal+open+mask ${suite.name}`] = bareTask(suite, 1);
  tasks[`bare node:crypto seal+open+2 masks ${suite.name}`] = bareTask(suite, 2);
  for (const provider of providers) tasks[`${provider.name} protect+unprotect ${suite.name}`] = ourTask(provider, suite);
  tasks[`${native.name} protectInPlace+unprotect ${suite.name}`] = inPlaceTask(native, suite);
}
const rows = await runSuite(`QUIC packet protection, ${DATAGRAM}-byte short-header packet (packets/s)`, tasks);

// Handshake primitives, per provider.
const handshake = {};
const message = new Uint8Array(200).fill(0x55);
let counter = 0;
const random = (length) => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (counter++ * 131 + i * 7) & 0xff;
  return bytes;
};
for (const provider of providers) {
  const x25519Share = provider.generateKeyShare("x25519", random);
  const peerX25519 = provider.respondKeyShare("x25519", x25519Share.publicKey, random).publicKey;
  const kemShare = provider.generateKeyShare("mlkem768", random);
  const kemCiphertext = provider.respondKeyShare("mlkem768", kemShare.publicKey, random).publicKey;
  const hybridShare = provider.generateKeyShare("x25519mlkem768", random);
  const p256 = { kind: "ec", curve: "P-256", d: new Uint8Array(32).fill(0x42) };
  const p256Public = provider.publicKeyOf(p256);
  const p256Signature = provider.sign("ecdsa_secp256r1_sha256", p256, message, random);
  const secret = new Uint8Array(32).fill(0x17);
  const transcriptMessage = new Uint8Array(150).fill(0x33);
  const name = provider.name;
  handshake[`${name} X25519 key share (key pair)`] = () => provider.generateKeyShare("x25519", random);
  handshake[`${name} X25519 shared secret`] = () => x25519Share.complete(peerX25519);
  handshake[`${name} P-256 sign`] = () => provider.sign("ecdsa_secp256r1_sha256", p256, message, random);
  handshake[`${name} P-256 verify`] = () => provider.verify("ecdsa_secp256r1_sha256", p256Public, message, p256Signature);
  // As a handshake sees it: the certificate decoded afresh, so a new key object every time.
  handshake[`${name} P-256 verify, key decoded afresh`] = () =>
    provider.verify("ecdsa_secp256r1_sha256", { ...p256Public, point: p256Public.point.slice() }, message, p256Signature);
  handshake[`${name} HKDF-Expand-Label SHA-256 (one HMAC)`] = () => hkdfExpandLabel(provider, "sha256", secret, "c hs traffic", transcriptMessage.subarray(0, 32), 32);
  handshake[`${name} transcript: update 150 B + running digest`] = (() => {
    const transcript = provider.hasher("sha256");
    return () => {
      transcript.update(transcriptMessage);
      return transcript.digest();
    };
  })();
  handshake[`${name} ML-KEM-768 key share (keygen)`] = () => provider.generateKeyShare("mlkem768", random);
  handshake[`${name} ML-KEM-768 encaps (respond)`] = () => provider.respondKeyShare("mlkem768", kemShare.publicKey, random);
  handshake[`${name} ML-KEM-768 decaps (complete)`] = () => kemShare.complete(kemCiphertext);
  handshake[`${name} X25519MLKEM768 server share`] = () => provider.respondKeyShare("x25519mlkem768", hybridShare.publicKey, random);
}
await runSuite("handshake primitives (operations/s)", handshake, { time: Number(process.env.ZQUIC_BENCH_MS ?? 500) });

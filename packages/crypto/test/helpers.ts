// Shared by the crypto tests: both providers, a reproducible random source, fixture loading.
import { readFileSync } from "node:fs";
import { createPrivateKey } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { loadProvider, nobleProvider, type CryptoProvider, type PrivateKey, type RandomSource } from "@zquic/crypto";

/** The noble provider and the native one (which must be entirely native on Node). */
export const providers: readonly CryptoProvider[] = [nobleProvider, await loadProvider("native")];

/** A deterministic random source: SHA-256(seed ‖ counter) blocks, so a seed reproduces every draw. */
export function seededRandom(seed: number): RandomSource {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (length) => {
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; ) {
      if (pool.length === 0) {
        const input = new Uint8Array(8);
        new DataView(input.buffer).setUint32(0, seed);
        new DataView(input.buffer).setUint32(4, counter++);
        pool = sha256(input);
      }
      const take = Math.min(pool.length, length - filled);
      out.set(pool.subarray(0, take), filled);
      pool = pool.subarray(take);
      filled += take;
    }
    return out;
  };
}

/** A random source that hands out `bytes` in order, for known-answer tests of keys drawn from it. */
export function scriptedRandom(...bytes: Uint8Array[]): RandomSource {
  const queue = [...bytes];
  return (length) => {
    const next = queue.shift();
    if (next === undefined || next.length !== length) throw new Error(`scripted random: unexpected draw of ${length} bytes`);
    return next;
  };
}

/** A file under test/fixtures. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));
}

function bigintFromBase64url(text: string | undefined): bigint {
  const bytes = Buffer.from(text ?? "", "base64url");
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

/** The RSA-2048 fixture key (parsed by node:crypto: the X.509/PKCS#8 parser lives in @zquic/tls). */
export function rsaFixtureKey(): Extract<PrivateKey, { kind: "rsa" }> {
  const jwk = createPrivateKey(Buffer.from(fixture("rsa2048.key.pem"))).export({ format: "jwk" });
  return {
    kind: "rsa",
    n: bigintFromBase64url(jwk.n),
    e: bigintFromBase64url(jwk.e),
    d: bigintFromBase64url(jwk.d),
    p: bigintFromBase64url(jwk.p),
    q: bigintFromBase64url(jwk.q),
    dp: bigintFromBase64url(jwk.dp),
    dq: bigintFromBase64url(jwk.dq),
    qInv: bigintFromBase64url(jwk.qi),
  };
}

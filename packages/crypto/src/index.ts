/**
 * `@zquic/crypto`: the crypto provider seam and QUIC packet protection.
 *
 * @packageDocumentation
 */
export * from "./provider.js";

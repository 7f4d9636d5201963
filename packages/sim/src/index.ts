/**
 * `@zquic/sim`: A deterministic network simulator: virtual clock, impaired links, seeded randomness.
 *
 * @packageDocumentation
 */
export {};

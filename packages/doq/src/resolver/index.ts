/**
 * The resolver's pure logic: name backends, authoritative zones, the cache.
 *
 * @module
 */
export * from "./answer.js";
export * from "./negative-ttl.js";
export * from "./cname-chain.js";
export * from "./authoritative-zone.js";
export * from "./zone-backend.js";
export * from "./dns-cache.js";
export * from "./metrics.js";
export * from "./resolver.js";

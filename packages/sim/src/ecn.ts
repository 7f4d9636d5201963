/**
 * ECN codepoints of the IP header (RFC 3168 §5), shared with the transport.
 *
 * @module
 */
export { EcnCodepoint, isEct, type Ecn } from "@zquic/wire";

/**
 * RFC 9250 §4.1: how a DoQ connection is recognised and where it is made.
 *
 * @module
 */

/** RFC 9250 §4.1: the ALPN token that selects DoQ in the TLS handshake. */
export const DOQ_ALPN = "doq";

/** RFC 9250 §4.1.1: the UDP port DoQ servers listen on by default. */
export const DOQ_PORT = 853;

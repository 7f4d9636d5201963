/**
 * `@zquic/h3`: HTTP/3 (RFC 9114) and QPACK (RFC 9204), sans-I/O.
 *
 * @packageDocumentation
 */
export {};

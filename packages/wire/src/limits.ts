/**
 * Sizes and bounds the RFCs fix and more than one codec checks.
 *
 * @module
 */
import { ZquicError } from "./errors.js";

/** RFC 9000 §17.2: a version 1 (and version 2) connection ID is at most 20 bytes. */
export const MAX_CONNECTION_ID_LENGTH = 20;

/** Throws a {@link ZquicError} unless `cid` fits {@link MAX_CONNECTION_ID_LENGTH}; `name` says which field it is for. */
export function checkConnectionIdLength(cid: Uint8Array, name: string): void {
  if (cid.length > MAX_CONNECTION_ID_LENGTH) {
    throw new ZquicError("CONNECTION_ID", `${name} has ${cid.length} bytes; QUIC v1 and v2 allow at most ${MAX_CONNECTION_ID_LENGTH}`);
  }
}

/** RFC 9000 §10.3: a stateless reset token is 16 bytes. */
export const STATELESS_RESET_TOKEN_LENGTH = 16;

/**
 * RFC 9000 §19.11, §18.2: a stream count can never exceed 2^60, as stream IDs
 * above 2^62 − 1 cannot be encoded.
 */
export const MAX_STREAM_COUNT = 2 ** 60;

/** RFC 9000 §19.17, §19.18: PATH_CHALLENGE and PATH_RESPONSE carry 8 bytes of data. */
export const PATH_DATA_LENGTH = 8;

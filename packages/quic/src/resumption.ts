import { decodeSessionTicket, encodeSessionTicket, type SessionTicket } from "@zquic/tls";
import { Reader, WireError, Writer, ZquicError, decodeTransportParameters, encodeTransportParameters, type TransportParameters } from "@zquic/wire";

/**
 * What a client keeps to resume a connection: the TLS session ticket and the
 * server's transport parameters, which govern 0-RTT (RFC 9000 §7.4.1).
 */
export interface ResumptionState {
  readonly ticket: SessionTicket;
  readonly parameters: TransportParameters;
}

/** Serializes resumption state for a session store. */
export function encodeResumption(state: ResumptionState): Uint8Array {
  return new Writer(512).varintBytes(encodeSessionTicket(state.ticket)).varintBytes(encodeTransportParameters(state.parameters)).toBytes();
}

/** Reads what {@link encodeResumption} wrote; a `ZquicError` when the bytes are not resumption state. */
export function decodeResumption(bytes: Uint8Array): ResumptionState {
  try {
    const reader = new Reader(bytes);
    const ticket = decodeSessionTicket(reader.varintBytes());
    const parameters = decodeTransportParameters(reader.varintBytes(), "server");
    return { ticket, parameters };
  } catch (error) {
    if (error instanceof ZquicError || error instanceof WireError) {
      throw new ZquicError("RESUMPTION_INVALID", `stored session is not usable: ${error.message}`);
    }
    throw error;
  }
}

import { TransportError, equalBytes, type PreferredAddress, type TransportParameters } from "@zquic/wire";
import type { TransportConfig } from "./config.js";
import type { Role } from "./streams/stream-id.js";

/** The CIDs the handshake must authenticate (RFC 9000 §7.3). */
export interface HandshakeCids {
  /** Our Source Connection ID in our first Initial. */
  readonly localInitialScid: Uint8Array;
  /** Server: the Destination Connection ID of the client's first Initial. */
  readonly originalDcid?: Uint8Array;
  /** Server: the Source Connection ID of our Retry, when one was sent. */
  readonly retryScid?: Uint8Array;
  /** Server: the stateless reset token of our handshake CID. */
  readonly statelessResetToken?: Uint8Array;
  /** Server: the preferred_address to offer (RFC 9000 §9.6). */
  readonly preferredAddress?: PreferredAddress;
}

/** Our transport parameters from the configuration (RFC 9000 §18.2). */
export function localTransportParameters(config: TransportConfig, role: Role, cids: HandshakeCids, versions?: { chosen: number; available: readonly number[] }): Partial<TransportParameters> {
  return {
    maxIdleTimeout: config.maxIdleTimeout,
    maxUdpPayloadSize: config.maxUdpPayloadSize,
    initialMaxData: config.initialMaxData,
    initialMaxStreamDataBidiLocal: config.initialMaxStreamDataBidiLocal,
    initialMaxStreamDataBidiRemote: config.initialMaxStreamDataBidiRemote,
    initialMaxStreamDataUni: config.initialMaxStreamDataUni,
    initialMaxStreamsBidi: config.maxStreamsBidi,
    initialMaxStreamsUni: config.maxStreamsUni,
    ackDelayExponent: config.ackDelayExponent,
    maxAckDelay: config.maxAckDelay,
    disableActiveMigration: config.disableActiveMigration,
    activeConnectionIdLimit: config.activeConnectionIdLimit,
    initialSourceConnectionId: cids.localInitialScid,
    maxDatagramFrameSize: config.maxDatagramFrameSize,
    greaseQuicBit: config.greaseQuicBit,
    ...(versions !== undefined ? { versionInformation: { chosenVersion: versions.chosen, availableVersions: versions.available } } : {}),
    ...(role === "server"
      ? {
          originalDestinationConnectionId: cids.originalDcid,
          retrySourceConnectionId: cids.retryScid,
          statelessResetToken: cids.statelessResetToken,
          preferredAddress: cids.preferredAddress,
        }
      : {}),
  };
}

/** What the peer's handshake CIDs must have been (RFC 9000 §7.3). */
export interface ExpectedPeerCids {
  /** The Source Connection ID of the peer's first Initial. */
  readonly peerInitialScid: Uint8Array;
  /** Client: the DCID it first sent to. */
  readonly originalDcid?: Uint8Array;
  /** Client: the SCID of the Retry it processed, if any. */
  readonly retryScid?: Uint8Array;
}

/**
 * RFC 9000 §7.3: the CIDs in the transport parameters must match what was seen
 * on the wire, or the connection fails with TRANSPORT_PARAMETER_ERROR.
 * Returns a reason when they do not.
 */
export function checkHandshakeCids(params: TransportParameters, role: Role, expected: ExpectedPeerCids): { code: number; reason: string } | undefined {
  const mismatch = (reason: string) => ({ code: TransportError.TRANSPORT_PARAMETER_ERROR, reason });
  if (params.initialSourceConnectionId === undefined || !equalBytes(params.initialSourceConnectionId, expected.peerInitialScid)) {
    return mismatch("initial_source_connection_id does not match the peer's Source Connection ID");
  }
  if (role === "client") {
    if (params.originalDestinationConnectionId === undefined || !equalBytes(params.originalDestinationConnectionId, expected.originalDcid ?? new Uint8Array(0))) {
      return mismatch("original_destination_connection_id does not match the client's first Destination Connection ID");
    }
    if (expected.retryScid !== undefined) {
      if (params.retrySourceConnectionId === undefined || !equalBytes(params.retrySourceConnectionId, expected.retryScid)) {
        return mismatch("retry_source_connection_id does not match the Retry packet");
      }
    } else if (params.retrySourceConnectionId !== undefined) {
      return mismatch("retry_source_connection_id present without a Retry");
    }
  }
  return undefined;
}

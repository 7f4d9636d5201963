import { TransportError, equalBytes, type NewConnectionIdFrame } from "@zquic/wire";

/** A connection ID with its sequence number and stateless reset token. */
export interface IssuedCid {
  readonly sequenceNumber: number;
  readonly cid: Uint8Array;
  /** 16 bytes; absent for the peer's handshake CID when it gave none (clients never do). */
  readonly resetToken: Uint8Array | undefined;
}

/** What the endpoint must learn when our set of CIDs changes, to route packets. */
export type CidRoutingChange =
  | { readonly type: "add"; readonly cid: Uint8Array; readonly resetToken: Uint8Array }
  | { readonly type: "remove"; readonly cid: Uint8Array };

type Outcome = { ok: true } | { ok: false; code: number; reason: string };
const OK: Outcome = { ok: true };

/** Sources the manager needs: fresh CIDs and the endpoint's reset token for a CID. */
export interface CidSource {
  /** A fresh, unpredictable connection ID of the endpoint's chosen length. */
  newCid(): Uint8Array;
  /** RFC 9000 §10.3.2: the stateless reset token, derived from the CID by the endpoint. */
  resetToken(cid: Uint8Array): Uint8Array;
}

/**
 * RFC 9000 §5.1: the connection IDs we issued (the peer sends to them) and the
 * ones the peer issued (we send to them), with NEW_CONNECTION_ID,
 * RETIRE_CONNECTION_ID and retire_prior_to.
 */
export class CidManager {
  private readonly local = new Map<number, IssuedCid>();
  private nextLocalSequence = 0;
  /** The peer's active_connection_id_limit: how many of ours it keeps. */
  private peerLimit = 2;
  private readonly localRetirePriorTo = 0;
  private readonly routing: CidRoutingChange[] = [];
  private readonly newCidFrames: NewConnectionIdFrame[] = [];

  private readonly peer = new Map<number, IssuedCid>();
  private activePeerSequence = 0;
  private peerRetirePriorTo = 0;
  /** RETIRE_CONNECTION_ID frames owed (sequence numbers). */
  private readonly retiring = new Set<number>();
  /** Sequence numbers of peer CIDs already used on some path (for migration). */
  private readonly usedPeerSequences = new Set<number>();

  constructor(
    private readonly source: CidSource,
    /** Our active_connection_id_limit. */
    private readonly localLimit: number,
    /** Zero-length CIDs can never be replaced (RFC 9000 §5.1.1). */
    private readonly zeroLength = false,
  ) {}

  // ---- CIDs we issued ----

  /** Registers the CID we put in our first Source Connection ID (sequence 0) or preferred_address (1). */
  addLocal(cid: Uint8Array): IssuedCid {
    const issued = { sequenceNumber: this.nextLocalSequence++, cid, resetToken: this.source.resetToken(cid) };
    this.local.set(issued.sequenceNumber, issued);
    this.routing.push({ type: "add", cid, resetToken: issued.resetToken });
    return issued;
  }

  /** Applies the peer's active_connection_id_limit and issues CIDs up to it. */
  setPeerLimit(limit: number): void {
    this.peerLimit = Math.min(limit, 8);
    this.replenish();
  }

  /** RFC 9000 §5.1.1: keep the peer supplied with as many CIDs as it accepts. */
  private replenish(): void {
    if (this.zeroLength) return;
    while (this.local.size < this.peerLimit) {
      const issued = this.addLocal(this.source.newCid());
      this.newCidFrames.push(this.frameFor(issued));
    }
  }

  private frameFor(issued: IssuedCid): NewConnectionIdFrame {
    return {
      type: "new_connection_id",
      sequenceNumber: issued.sequenceNumber,
      retirePriorTo: this.localRetirePriorTo,
      connectionId: issued.cid,
      statelessResetToken: issued.resetToken!,
    };
  }

  /** True when NEW_CONNECTION_ID or RETIRE_CONNECTION_ID frames are owed. */
  get owesFrames(): boolean {
    return this.newCidFrames.length > 0 || this.retiring.size > 0;
  }

  /** NEW_CONNECTION_ID frames to send. */
  takeNewCidFrames(): NewConnectionIdFrame[] {
    return this.newCidFrames.length === 0 ? [] : this.newCidFrames.splice(0);
  }

  /** A NEW_CONNECTION_ID was lost: resend it if the CID is still active. */
  newCidLost(frame: NewConnectionIdFrame): void {
    const issued = this.local.get(frame.sequenceNumber);
    if (issued !== undefined) this.newCidFrames.push(this.frameFor(issued));
  }

  /** True when the endpoint's routing table has changes to apply. */
  get routingChanged(): boolean {
    return this.routing.length > 0;
  }

  /** Changes the endpoint's routing table must apply. */
  takeRoutingChanges(): CidRoutingChange[] {
    return this.routing.splice(0);
  }

  /** Every CID we issued that is still active (for cleanup when the connection ends). */
  localCids(): IterableIterator<IssuedCid> {
    return this.local.values();
  }

  /** RFC 9000 §19.16: RETIRE_CONNECTION_ID, received in a packet sent to `packetDcid`. */
  onRetireConnectionId(sequenceNumber: number, packetDcid: Uint8Array): Outcome {
    if (sequenceNumber >= this.nextLocalSequence) {
      return { ok: false, code: TransportError.PROTOCOL_VIOLATION, reason: `retired CID sequence ${sequenceNumber} was never issued` };
    }
    const issued = this.local.get(sequenceNumber);
    if (issued === undefined) return OK;
    if (equalBytes(issued.cid, packetDcid)) {
      return { ok: false, code: TransportError.PROTOCOL_VIOLATION, reason: "a CID was retired by a packet sent to it" };
    }
    this.local.delete(sequenceNumber);
    this.routing.push({ type: "remove", cid: issued.cid });
    this.replenish();
    return OK;
  }

  // ---- CIDs the peer issued ----

  /** Registers the peer's handshake CID (sequence 0), and its reset token once known. */
  setPeerInitial(cid: Uint8Array, resetToken?: Uint8Array): void {
    this.peer.set(0, { sequenceNumber: 0, cid, resetToken });
    this.activePeerSequence = 0;
    this.usedPeerSequences.add(0);
  }

  /** RFC 9000 §18.2: the preferred_address CID has sequence number 1. */
  addPeerPreferred(cid: Uint8Array, resetToken: Uint8Array): void {
    this.peer.set(1, { sequenceNumber: 1, cid, resetToken });
  }

  /** The CID to put in the Destination Connection ID of packets we send. */
  get activePeerCid(): Uint8Array {
    return this.peer.get(this.activePeerSequence)?.cid ?? new Uint8Array(0);
  }

  /** RFC 9000 §19.15: NEW_CONNECTION_ID. */
  onNewConnectionId(frame: NewConnectionIdFrame): Outcome {
    if (this.zeroLength || this.activePeerCid.length === 0) {
      return { ok: false, code: TransportError.PROTOCOL_VIOLATION, reason: "NEW_CONNECTION_ID sent to an endpoint using zero-length CIDs" };
    }
    const known = this.peer.get(frame.sequenceNumber);
    if (known !== undefined) {
      if (!equalBytes(known.cid, frame.connectionId)) {
        return { ok: false, code: TransportError.PROTOCOL_VIOLATION, reason: `CID sequence ${frame.sequenceNumber} reused for a different CID` };
      }
      return OK;
    }
    for (const other of this.peer.values()) {
      if (equalBytes(other.cid, frame.connectionId)) {
        return { ok: false, code: TransportError.PROTOCOL_VIOLATION, reason: "one CID announced with two sequence numbers" };
      }
    }
    if (frame.sequenceNumber < this.peerRetirePriorTo) {
      // Already retired by an earlier retire_prior_to: retire it straight away.
      this.retiring.add(frame.sequenceNumber);
    } else {
      this.peer.set(frame.sequenceNumber, { sequenceNumber: frame.sequenceNumber, cid: frame.connectionId, resetToken: frame.statelessResetToken });
    }
    if (frame.retirePriorTo > this.peerRetirePriorTo) {
      this.peerRetirePriorTo = frame.retirePriorTo;
      for (const sequence of [...this.peer.keys()]) {
        if (sequence < frame.retirePriorTo) {
          this.peer.delete(sequence);
          this.retiring.add(sequence);
        }
      }
      if (!this.peer.has(this.activePeerSequence)) this.switchPeerCid();
    }
    if (this.peer.size > this.localLimit) {
      return { ok: false, code: TransportError.CONNECTION_ID_LIMIT_ERROR, reason: `peer supplied ${this.peer.size} CIDs, limit ${this.localLimit}` };
    }
    // RFC 9000 §5.1.2: bound the retirements in flight.
    if (this.retiring.size > 2 * this.localLimit + 8) {
      return { ok: false, code: TransportError.CONNECTION_ID_LIMIT_ERROR, reason: "too many CIDs awaiting retirement" };
    }
    return OK;
  }

  /**
   * Moves to an unused peer CID (for migration, RFC 9000 §9.5), retiring the
   * current one. False when none is available.
   */
  switchPeerCid(): boolean {
    let next: number | undefined;
    for (const sequence of this.peer.keys()) {
      if (!this.usedPeerSequences.has(sequence) && (next === undefined || sequence < next)) next = sequence;
    }
    if (next === undefined) return false;
    if (this.peer.has(this.activePeerSequence)) {
      this.peer.delete(this.activePeerSequence);
      this.retiring.add(this.activePeerSequence);
    }
    this.activePeerSequence = next;
    this.usedPeerSequences.add(next);
    return true;
  }

  /** True when an unused peer CID is available for a new path. */
  get hasSparePeerCid(): boolean {
    for (const sequence of this.peer.keys()) if (!this.usedPeerSequences.has(sequence)) return true;
    return false;
  }

  /** RETIRE_CONNECTION_ID frames to send (sequence numbers). */
  takeRetirements(): number[] {
    if (this.retiring.size === 0) return [];
    const out = [...this.retiring];
    this.retiring.clear();
    return out;
  }

  /** A RETIRE_CONNECTION_ID was lost: send it again. */
  retirementLost(sequenceNumber: number): void {
    this.retiring.add(sequenceNumber);
  }

  /** RFC 9000 §10.3.1: does `token` match a reset token of any peer CID? */
  matchesResetToken(token: Uint8Array): boolean {
    for (const issued of this.peer.values()) {
      if (issued.resetToken !== undefined && equalBytes(issued.resetToken, token)) return true;
    }
    return false;
  }
}

import { equalBytes } from "@zquic/wire";
import { addressKey, sameAddress, type NetworkPath, type SocketAddress } from "@zquic/wire";

/** RFC 9000 §8.1: before validation a server sends at most three times what it received. */
export const AMPLIFICATION_FACTOR = 3;
/** Outstanding PATH_RESPONSEs kept per path; more challenges than this are answered only in part. */
const MAX_PENDING_RESPONSES = 4;
/** Paths being probed at once besides the active one. */
const MAX_PROBED_PATHS = 4;

/** One four-tuple the connection has seen or used (RFC 9000 §8.2, §9). */
export class Path implements NetworkPath {
  /** True once the peer proved it receives on this path (RFC 9000 §8). */
  validated: boolean;
  /** Bytes received on this path, for the anti-amplification limit. */
  bytesReceived = 0;
  /** Bytes sent on this path while unvalidated. */
  bytesSent = 0;
  /** Our outstanding PATH_CHALLENGE. */
  challenge: { data: Uint8Array; sentAt: number | undefined; deadline: number } | undefined;
  /** PATH_RESPONSEs owed on this path (RFC 9000 §8.2.2: sent on the path the challenge came from). */
  readonly responses: Uint8Array[] = [];
  /** The four-tuple alone, as datagrams sent on this path carry it. */
  readonly addresses: NetworkPath;

  constructor(
    readonly local: SocketAddress,
    readonly remote: SocketAddress,
    validated: boolean,
    /** RFC 9000 §8.1, §9.3.1: only servers limit what they send to unvalidated addresses. */
    private readonly amplificationLimited: boolean,
  ) {
    this.validated = validated;
    this.addresses = { local, remote };
  }

  /** How many more bytes may be sent on this path now (RFC 9000 §8.1). */
  get amplificationAllowance(): number {
    if (this.validated || !this.amplificationLimited) return Infinity;
    return Math.max(0, AMPLIFICATION_FACTOR * this.bytesReceived - this.bytesSent);
  }

  /** True when this path has the given four-tuple. */
  matches(path: NetworkPath): boolean {
    return sameAddress(this.remote, path.remote) && sameAddress(this.local, path.local);
  }
}

/**
 * The connection's paths: the active one, paths being validated, and the
 * last validated path to fall back to when a migration fails (RFC 9000 §9.3.2).
 */
export class PathManager {
  active: Path;
  private fallback: Path | undefined;
  private readonly probed = new Map<string, Path>();

  constructor(
    initial: NetworkPath,
    validated: boolean,
    private readonly amplificationLimited: boolean,
  ) {
    this.active = new Path(initial.local, initial.remote, validated, amplificationLimited);
  }

  private key(path: NetworkPath): string {
    return `${addressKey(path.local)}|${addressKey(path.remote)}`;
  }

  /** The path a datagram arrived on: the active one, a known probed one, or a new one (bounded). */
  pathFor(path: NetworkPath): Path | undefined {
    if (this.active.matches(path)) return this.active;
    const key = this.key(path);
    let known = this.probed.get(key);
    if (known === undefined) {
      if (this.probed.size >= MAX_PROBED_PATHS) return undefined;
      known = new Path(path.local, path.remote, false, this.amplificationLimited);
      this.probed.set(key, known);
    }
    return known;
  }

  /** Starts (or restarts) validation of `path` with fresh challenge data. */
  startValidation(path: Path, data: Uint8Array, deadline: number): void {
    path.challenge = { data, sentAt: undefined, deadline };
  }

  /**
   * RFC 9000 §8.2.3: a PATH_RESPONSE validates the path whose challenge it
   * echoes, whichever path it arrived on. Returns that path.
   */
  onPathResponse(data: Uint8Array): Path | undefined {
    for (const path of [this.active, ...this.probed.values()]) {
      if (path.challenge !== undefined && equalBytes(path.challenge.data, data)) {
        path.challenge = undefined;
        path.validated = true;
        return path;
      }
    }
    return undefined;
  }

  /** RFC 9000 §8.2.2: answer a PATH_CHALLENGE on the path it came from. */
  onPathChallenge(path: Path, data: Uint8Array): void {
    if (path.responses.length < MAX_PENDING_RESPONSES) path.responses.push(data.slice());
  }

  /**
   * RFC 9000 §9.3: make `path` the active one. Returns true when the peer's IP
   * address changed (not just its port), which resets congestion control (§9.4).
   */
  migrate(path: Path): boolean {
    if (path === this.active) return false;
    const addressChanged = path.remote.address !== this.active.remote.address;
    this.probed.delete(this.key(path));
    if (this.active.validated) this.fallback = this.active;
    this.active = path;
    return addressChanged;
  }

  /**
   * RFC 9000 §8.2.4: abandons validations whose deadline passed. When the
   * active path fails, the connection returns to the last validated path (§9.3.2);
   * the returned flag says whether no validated path remains.
   */
  expireValidations(now: number): { activeFailed: boolean; revertedTo: Path | undefined } {
    for (const [key, path] of this.probed) {
      if (path.challenge !== undefined && now >= path.challenge.deadline) this.probed.delete(key);
    }
    const active = this.active;
    if (active.challenge === undefined || now < active.challenge.deadline) return { activeFailed: false, revertedTo: undefined };
    active.challenge = undefined;
    if (active.validated) return { activeFailed: false, revertedTo: undefined };
    if (this.fallback !== undefined) {
      this.active = this.fallback;
      this.fallback = undefined;
      return { activeFailed: false, revertedTo: this.active };
    }
    return { activeFailed: true, revertedTo: undefined };
  }

  /** True while some path has a PATH_CHALLENGE outstanding. */
  get validating(): boolean {
    if (this.active.challenge !== undefined) return true;
    if (this.probed.size === 0) return false;
    for (const path of this.probed.values()) if (path.challenge !== undefined) return true;
    return false;
  }

  /** The earliest validation deadline or challenge resend, for the connection's timer. */
  nextDeadline(resendInterval: number): number | undefined {
    let earliest: number | undefined;
    for (const path of [this.active, ...this.probed.values()]) {
      const challenge = path.challenge;
      if (challenge === undefined) continue;
      const resend = challenge.sentAt === undefined ? undefined : challenge.sentAt + resendInterval;
      for (const time of [challenge.deadline, resend]) if (time !== undefined && (earliest === undefined || time < earliest)) earliest = time;
    }
    return earliest;
  }

  /** True while paths other than the active one are known (being probed, or probing us). */
  get probing(): boolean {
    return this.probed.size > 0;
  }

  /** Paths with something to send besides the active one (probes and responses). */
  *pathsWithProbes(now: number, resendInterval: number): IterableIterator<Path> {
    for (const path of this.probed.values()) {
      if (path.responses.length > 0 || challengeDue(path, now, resendInterval)) yield path;
    }
  }
}

/**
 * RFC 9000 §8.2.1: a PATH_CHALLENGE goes out once, then again after `resendInterval`
 * (a PTO) while no response came, until validation is abandoned.
 */
export function challengeDue(path: Path, now: number, resendInterval: number): boolean {
  const challenge = path.challenge;
  return challenge !== undefined && (challenge.sentAt === undefined || now - challenge.sentAt >= resendInterval);
}

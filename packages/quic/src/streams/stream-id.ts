/**
 * RFC 9000 §2.1: the two low bits of a stream ID say who opened it and whether
 * it is bidirectional. Arithmetic, not bit operators: IDs reach 2^62.
 *
 * @module
 */

/** Which side of the connection an endpoint is. */
export type Role = "client" | "server";

/** Who opened stream `id`. */
export function streamInitiator(id: number): Role {
  return id % 2 === 0 ? "client" : "server";
}

/** True for a bidirectional stream. */
export function isBidirectional(id: number): boolean {
  return id % 4 < 2;
}

/** The stream's position among the streams of its type (0, 1, 2 …). */
export function streamIndex(id: number): number {
  return Math.floor(id / 4);
}

/** The ID of the `index`-th stream of a type. */
export function streamId(index: number, initiator: Role, bidirectional: boolean): number {
  return index * 4 + (initiator === "server" ? 1 : 0) + (bidirectional ? 0 : 2);
}

/** True when this endpoint (`role`) may send on stream `id` (RFC 9000 §2.1). */
export function canSend(id: number, role: Role): boolean {
  return isBidirectional(id) || streamInitiator(id) === role;
}

/** True when this endpoint (`role`) may receive on stream `id`. */
export function canReceive(id: number, role: Role): boolean {
  return isBidirectional(id) || streamInitiator(id) !== role;
}

/** RFC 9000 §4.6: at most 2^60 streams of each type. */
export const MAX_STREAM_COUNT = 2 ** 60;

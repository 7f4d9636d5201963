import { Name, type Question, RRClass, Rcode } from "../dns/index.js";
import type { Zone } from "../zone/index.js";
import { type Answer, type NameBackend, emptyAnswer } from "./answer.js";
import { AuthoritativeZone } from "./authoritative-zone.js";

/**
 * A {@link NameBackend} answering authoritatively from loaded zones (RFC 1034
 * §4.3.2). Zones can be replaced while it serves: each lookup sees either the
 * old zone or the new one, never a mix.
 */
export class ZoneBackend implements NameBackend {
  private readonly byOrigin = new Map<string, AuthoritativeZone>();

  constructor(zones: readonly Zone[] = []) {
    for (const zone of zones) this.replaceZone(zone);
  }

  /** The apex of every zone served. */
  get zones(): string[] {
    return [...this.byOrigin.values()].map((zone) => zone.origin.toString());
  }

  /** Serves `zone` from now on, in place of any zone with the same apex. */
  replaceZone(zone: Zone): void {
    const indexed = new AuthoritativeZone(zone);
    this.byOrigin.set(zone.origin.key, indexed);
  }

  /** Stops serving the zone at `origin`; true if there was one. */
  removeZone(origin: Name | string): boolean {
    return this.byOrigin.delete((typeof origin === "string" ? Name.parse(origin) : origin).key);
  }

  /** The answer from the closest enclosing zone; REFUSED when none encloses the name. */
  lookup(question: Question): Answer {
    const zone = this.closestZone(question.name);
    if (zone === undefined) return emptyAnswer(Rcode.REFUSED);
    if (question.class !== zone.class && question.class !== RRClass.ANY) return emptyAnswer(Rcode.REFUSED);
    return zone.lookup(question.name, question.type);
  }

  private closestZone(name: Name): AuthoritativeZone | undefined {
    for (let candidate = name; ; candidate = candidate.parent()) {
      const zone = this.byOrigin.get(candidate.key);
      if (zone !== undefined) return zone;
      if (candidate.isRoot) return undefined;
    }
  }
}

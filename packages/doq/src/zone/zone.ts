import { Name, RRType, type ResourceRecord, type SoaRData, recordType, rrClasses } from "../dns/index.js";
import { ZoneError } from "./errors.js";
import { type MasterFileOptions, type MasterFileRecord, parseMasterFile } from "./master-file.js";

/** An SOA record. */
export type SoaRecord = ResourceRecord & { data: SoaRData };

/** A zone loaded from a master file: its apex, its SOA, and every record (SOA included). */
export interface Zone {
  /** The apex: the SOA's owner. */
  origin: Name;
  soa: SoaRecord;
  records: ResourceRecord[];
}

const isSoa = (record: ResourceRecord): record is SoaRecord => record.data.type === "SOA";

/**
 * RFC 1035 §5.2: loads a zone and checks it as a whole. Exactly one SOA, at the
 * apex (`options.origin` when given); every record at or below the apex, all
 * of one class; a CNAME owner holds nothing else (RFC 2181 §10.1). Any error
 * suppresses the whole load, as §5.2 asks. Throws {@link ZoneError}.
 */
export function loadZone(text: string, options: MasterFileOptions = {}): Zone {
  const file = options.fileName ?? "<zone>";
  const entries = parseMasterFile(text, options);
  const soas = entries.filter((entry) => isSoa(entry.record));
  const soaEntry = soas[0];
  if (soaEntry === undefined) throw new ZoneError(file, 1, "no SOA record: a zone needs one at its apex");
  if (soas.length > 1) throw new ZoneError(soas[1]!.file, soas[1]!.line, "a second SOA record: a zone has exactly one");
  const soa = soaEntry.record as SoaRecord;
  const expected = typeof options.origin === "string" ? Name.parse(options.origin) : options.origin;
  if (expected !== undefined && !soa.name.equals(expected)) {
    throw new ZoneError(soaEntry.file, soaEntry.line, `SOA is owned by ${soa.name}, but the zone apex is ${expected}`);
  }
  for (const entry of entries) checkRecord(entry, soa);
  checkCnames(entries);
  return { origin: soa.name, soa, records: entries.map((entry) => entry.record) };
}

function checkRecord({ record, file, line }: MasterFileRecord, soa: SoaRecord): void {
  if (!record.name.isSubdomainOf(soa.name)) throw new ZoneError(file, line, `${record.name} is outside the zone ${soa.name}`);
  if (record.class !== soa.class) {
    throw new ZoneError(file, line, `class ${rrClasses.nameOf(record.class)} differs from the zone's ${rrClasses.nameOf(soa.class)}`);
  }
}

// RFC 2181 §10.1: a name with a CNAME has no other data (RFC 4035 §2.5: DNSSEC records excepted).
const CNAME_COMPANIONS: ReadonlySet<number> = new Set([RRType.RRSIG, RRType.NSEC]);

function checkCnames(entries: readonly MasterFileRecord[]): void {
  const typesByOwner = new Map<string, number[]>();
  for (const { record, file, line } of entries) {
    const types = typesByOwner.get(record.name.key) ?? [];
    types.push(recordType(record));
    typesByOwner.set(record.name.key, types);
    const data = types.filter((type) => !CNAME_COMPANIONS.has(type));
    if (data.includes(RRType.CNAME) && data.length > 1) {
      throw new ZoneError(file, line, `${record.name} has a CNAME and other data: a CNAME must stand alone`);
    }
  }
}

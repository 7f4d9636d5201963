import { DnsError, Name, RRClass, type ResourceRecord, rrClasses, rrTypes } from "../dns/index.js";
import { PresentationError, ZoneError } from "./errors.js";
import { FieldReader, nameFromToken, parseTtl } from "./fields.js";
import { type Entry, type Token, lex } from "./lexer.js";
import { formatRData, parseRData, rdataTypeName } from "./rdata-text.js";

/** How to read a master file. */
export interface MasterFileOptions {
  /** The name errors report (e.g. `zones/example.ghost`); `<zone>` if not given. */
  fileName?: string;
  /** The origin before any `$ORIGIN` (RFC 1035 §5.1: "an argument to the master file loading routine"). */
  origin?: Name | string;
  /** The TTL for records that state none when no `$TTL` (RFC 2308 §4) or earlier TTL applies. */
  defaultTtl?: number;
  /**
   * Returns the text of a file named by `$INCLUDE`. Without it, `$INCLUDE` is
   * an error: reading files is the caller's business.
   */
  include?: (fileName: string) => string;
}

/** A record read from a master file, with where it came from. */
export interface MasterFileRecord {
  record: ResourceRecord;
  file: string;
  line: number;
}

/** Nested `$INCLUDE`s allowed before the reader gives up (a file including itself). */
export const MAX_INCLUDE_DEPTH = 8;

// RFC 6895 §3.1: 128–255 are QTYPEs and meta-TYPEs; OPT (41) is a meta-RR too (RFC 6891 §6.1.1).
const isMetaType = (type: number): boolean => type === 41 || (type >= 128 && type <= 255);
// QCLASS values NONE and ANY are not classes of data.
const isDataClass = (klass: number): boolean => klass !== RRClass.NONE && klass !== RRClass.ANY;

interface ReaderState {
  origin: Name | undefined;
  owner: Name | undefined;
  lastTtl: number | undefined;
  directiveTtl: number | undefined;
  lastClass: number | undefined;
}

/**
 * RFC 1035 §5.1: the records of a master file (`$ORIGIN`, `$TTL` from RFC 2308
 * §4, `$INCLUDE` through `options.include`, `@`, relative names, omitted owner,
 * TTL and class in either order, parentheses, comments, quoted strings, RFC
 * 3597 generic RDATA). Throws {@link ZoneError} naming the file and line.
 */
export function parseMasterFile(text: string, options: MasterFileOptions = {}): MasterFileRecord[] {
  const origin = typeof options.origin === "string" ? Name.parse(options.origin) : options.origin;
  const state: ReaderState = { origin, owner: undefined, lastTtl: undefined, directiveTtl: undefined, lastClass: undefined };
  return readFile(text, options.fileName ?? "<zone>", state, options, 0);
}

function readFile(text: string, file: string, state: ReaderState, options: MasterFileOptions, depth: number): MasterFileRecord[] {
  const records: MasterFileRecord[] = [];
  const located = <T>(line: number, step: () => T): T => {
    try {
      return step();
    } catch (error) {
      if (error instanceof PresentationError) throw new ZoneError(file, error.line ?? line, error.message);
      if (error instanceof DnsError) throw new ZoneError(file, line, error.message);
      throw error;
    }
  };
  const entries = located(1, () => lex(text));
  for (const entry of entries) {
    const first = entry.tokens[0]!;
    if (!entry.startsWithBlank && !first.quoted && first.text.startsWith("$")) {
      records.push(...located(entry.line, () => readDirective(entry, file, state, options, depth)));
    } else {
      records.push({ record: located(entry.line, () => readRecord(entry, state, options)), file, line: entry.line });
    }
  }
  return records;
}

function readDirective(entry: Entry, file: string, state: ReaderState, options: MasterFileOptions, depth: number): MasterFileRecord[] {
  const [directive, ...args] = entry.tokens as [Token, ...Token[]];
  const fields = new FieldReader(args, state.origin, entry.line);
  switch (directive.text.toUpperCase()) {
    case "$ORIGIN":
      state.origin = fields.name("$ORIGIN name");
      fields.end();
      return [];
    case "$TTL":
      state.directiveTtl = fields.duration("$TTL value");
      fields.end();
      return [];
    case "$INCLUDE": {
      const target = fields.next("$INCLUDE file name").text;
      const origin = fields.done ? state.origin : fields.name("$INCLUDE origin");
      fields.end();
      if (options.include === undefined) {
        throw new PresentationError(`$INCLUDE ${target} is not supported: inline the file or load it with an include reader`);
      }
      if (depth >= MAX_INCLUDE_DEPTH) throw new PresentationError(`$INCLUDE nested deeper than ${MAX_INCLUDE_DEPTH} (does ${target} include itself?)`);
      // RFC 1035 §5.1: an included file never changes the parent's origin.
      const nested: ReaderState = { ...state, origin, owner: undefined };
      return readFile(readIncluded(options.include, target), target, nested, options, depth + 1);
    }
    default:
      throw new PresentationError(`unknown directive ${directive.text} (only $ORIGIN, $TTL and $INCLUDE exist)`);
  }
}

function readIncluded(include: (fileName: string) => string, target: string): string {
  try {
    return include(target);
  } catch (error) {
    throw new PresentationError(`cannot read $INCLUDE file ${target}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readRecord(entry: Entry, state: ReaderState, options: MasterFileOptions): ResourceRecord {
  const tokens = entry.startsWithBlank ? entry.tokens : entry.tokens.slice(1);
  const owner = entry.startsWithBlank ? state.owner : nameFromToken(entry.tokens[0]!, state.origin, "owner name");
  if (owner === undefined) throw new PresentationError("no owner name: the first record cannot start with a blank");
  const fields = new FieldReader(tokens, state.origin, entry.line);
  // RFC 1035 §5.1: [<TTL>] [<class>] <type> or [<class>] [<TTL>] <type>.
  let ttl: number | undefined;
  let klass: number | undefined;
  for (let token = fields.peek(); token !== undefined; token = fields.peek()) {
    const asTtl = parseTtl(token.text);
    const asClass = rrClasses.codeOf(token.text);
    if (ttl === undefined && asTtl !== undefined) ttl = asTtl;
    else if (klass === undefined && asClass !== undefined && isDataClass(asClass)) klass = asClass;
    else break;
    fields.next("TTL or class");
  }
  const typeToken = fields.next("type");
  const type = rrTypes.codeOf(typeToken.text);
  if (type === undefined) throw new PresentationError(`unknown type "${typeToken.text}"`, typeToken.line);
  if (isMetaType(type)) throw new PresentationError(`${typeToken.text} is not a type of data and cannot appear in a zone`, typeToken.line);
  const data = parseRData(type, fields);
  // RFC 1035 §5.1: omitted TTL and class default to the last stated; RFC 2308 §4: $TTL first.
  const effectiveTtl = ttl ?? state.directiveTtl ?? state.lastTtl ?? options.defaultTtl;
  if (effectiveTtl === undefined) throw new PresentationError("no TTL: state one, or add a $TTL line before this record");
  state.owner = owner;
  state.lastTtl = ttl ?? state.lastTtl;
  state.lastClass = klass ?? state.lastClass ?? RRClass.IN;
  return { name: owner, class: state.lastClass, ttl: effectiveTtl, data };
}

/** RFC 1035 §5.1: `record` as one master-file line, absolute names throughout. */
export function formatRecord(record: ResourceRecord): string {
  return `${record.name.toString()} ${record.ttl} ${rrClasses.nameOf(record.class)} ${rdataTypeName(record.data)} ${formatRData(record.data)}`;
}

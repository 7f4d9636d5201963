/**
 * Field lines as the QPACK encoder takes them and the decoder returns them.
 *
 * @module
 */
import { ENTRY_OVERHEAD } from "./dynamic-table.js";

/**
 * A field line: name and value as byte strings (see `byte-string.ts`), and, when `true`,
 * the RFC 9204 §4.5.4 'N' bit — this line must stay a literal on every hop (§7.1.3).
 */
export type Field = readonly [name: string, value: string, neverIndex?: boolean];

/**
 * RFC 9114 §4.2.2: the size of a field section as SETTINGS_MAX_FIELD_SECTION_SIZE counts it —
 * name and value octets plus 32 for each field line.
 */
export function fieldSectionSize(fields: readonly Field[]): number {
  let size = 0;
  for (const [name, value] of fields) size += name.length + value.length + ENTRY_OVERHEAD;
  return size;
}

/**
 * tshark's JSON trees, flattened: every leaf field of a protocol layer (at
 * any depth, through subtrees and arrays) collected under its field name, as
 * pyshark presents a layer. The interop runner's checks read fields this way
 * (`hasattr(p, "tls_handshake_ciphersuite")`), so flattening keeps ours equal
 * to theirs while staying indifferent to how Wireshark nests a field.
 *
 * @module
 */

/** Field name → every value it has in the layer, in tree order. */
export type Fields = ReadonlyMap<string, readonly string[]>;

/** Collects every string leaf of `tree` under its key. */
export function flattenFields(tree: unknown): Fields {
  const fields = new Map<string, string[]>();
  const visit = (key: string, value: unknown): void => {
    if (typeof value === "string") {
      const list = fields.get(key);
      if (list === undefined) fields.set(key, [value]);
      else list.push(value);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(key, item);
    } else if (typeof value === "object" && value !== null) {
      for (const [childKey, child] of Object.entries(value)) visit(childKey, child);
    }
  };
  visit("", tree);
  return fields;
}

/** The first value of `name`, if any. */
export function first(fields: Fields, name: string): string | undefined {
  return fields.get(name)?.[0];
}

/** Every value of `name` (none when absent). */
export function all(fields: Fields, name: string): readonly string[] {
  return fields.get(name) ?? [];
}

/** Wireshark's `aa:bb:cc` bytes as `aabbcc`. */
export function hex(value: string | undefined): string | undefined {
  return value?.replaceAll(":", "");
}

/** How many bytes Wireshark's `aa:bb:cc` form holds. */
export function byteCount(value: string | undefined): number {
  return value === undefined || value === "" ? 0 : value.split(":").length;
}

/** A decimal or `0x` hexadecimal field as a number; `undefined` when absent or not numeric. */
export function numeric(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

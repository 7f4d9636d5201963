/**
 * A table of IANA-registered codes with mnemonics, read both ways. Codes
 * without a mnemonic use RFC 3597 §5 generic names (`TYPE65280`, `CLASS3`).
 */
export interface Registry {
  /** The mnemonic of `code`, or the generic form (`TYPE4711`). */
  nameOf(code: number): string;
  /** The code a mnemonic or generic form names (case-insensitive), or `undefined`. */
  codeOf(text: string): number | undefined;
}

/** Builds a {@link Registry} from a mnemonic → code table and the RFC 3597 generic prefix. */
export function makeRegistry(table: Readonly<Record<string, number>>, genericPrefix: string): Registry {
  const names = new Map<number, string>();
  const codes = new Map<string, number>();
  for (const [name, code] of Object.entries(table)) {
    if (!names.has(code)) names.set(code, name);
    codes.set(name.toUpperCase(), code);
  }
  const generic = new RegExp(`^${genericPrefix}(\\d{1,5})$`, "i");
  return {
    nameOf: (code) => names.get(code) ?? `${genericPrefix}${code}`,
    codeOf: (text) => {
      const known = codes.get(text.toUpperCase());
      if (known !== undefined) return known;
      const match = generic.exec(text);
      if (match === null) return undefined;
      const code = Number(match[1]);
      return code <= 0xffff ? code : undefined;
    },
  };
}

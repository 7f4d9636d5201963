import { ZquicError } from "@zquic/wire";

/**
 * A master file that cannot be loaded. The message names the file and line:
 * `zones/example.ghost:12: bad IPv4 address "1.2.3"`.
 */
export class ZoneError extends ZquicError {
  override name = "ZoneError";
  constructor(
    /** The file name the caller gave for the text. */
    readonly file: string,
    /** 1-based line number. */
    readonly line: number,
    /** What is wrong, without the position. */
    readonly detail: string,
  ) {
    super("DNS_ZONE", `${file}:${line}: ${detail}`);
  }
}

/**
 * Presentation text that does not parse, before it is tied to a file
 * position; `line` is set when the offending token is known.
 */
export class PresentationError extends ZquicError {
  override name = "PresentationError";
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super("DNS_PRESENTATION", message);
  }
}

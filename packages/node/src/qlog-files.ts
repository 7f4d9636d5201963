/**
 * qlog traces as files: one `<odcid>_<role>.sqlog` (JSON-SEQ, RFC 7464) per
 * connection in a directory, as qvis and the QUIC interop runner expect.
 *
 * @module
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { QlogFactory } from "@zquic/io";

/** Records are written once this many characters are buffered, or after {@link FLUSH_MS}. */
const FLUSH_CHARS = 64 * 1024;
const FLUSH_MS = 200;

/** Files with records not yet written, flushed synchronously when the process exits. */
const unflushed = new Set<BufferedFile>();
let exitHookInstalled = false;

/** Appends to a file in batches, so a trace costs a write per batch rather than per event. */
class BufferedFile {
  #pending: string[] = [];
  #chars = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly path: string) {}

  write(record: string): void {
    this.#pending.push(record);
    this.#chars += record.length;
    unflushed.add(this);
    if (this.#chars >= FLUSH_CHARS) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    unflushed.delete(this);
    if (this.#pending.length === 0) return;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#chars = 0;
    appendFileSync(this.path, text);
  }
}

/** A qlog factory writing each connection's trace to a file in `directory` (created if missing). */
export function qlogDirectory(directory: string): QlogFactory {
  mkdirSync(directory, { recursive: true });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const file of [...unflushed]) file.flush();
    });
  }
  return ({ role, odcid }) => {
    const file = new BufferedFile(join(directory, `${Buffer.from(odcid).toString("hex")}_${role}.sqlog`));
    return (record) => file.write(record);
  };
}

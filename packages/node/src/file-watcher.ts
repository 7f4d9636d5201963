/**
 * Watching one file for changes, however it is saved: written in place,
 * replaced by a rename (as editors and `mv` do), or removed and created again.
 *
 * @module
 */
import { watch } from "node:fs";
import { basename, dirname } from "node:path";

/** Quiet time (ms) after the last change before `onChange` runs: a save in several writes is one change. */
export const DEFAULT_SETTLE_MS = 100;

/**
 * Calls `onChange` once changes to `path` have settled for `settleMs`. The
 * directory is watched, not the file, so a file replaced by a rename is still
 * followed. Returns a function that stops watching.
 */
export function watchFile(path: string, onChange: () => void, settleMs = DEFAULT_SETTLE_MS): () => void {
  const name = basename(path);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, settleMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

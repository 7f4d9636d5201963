/**
 * The files a case serves: random bytes under random lowercase names, as the
 * runner generates them (`_generate_random_file`).
 *
 * @module
 */
import { randomBytes, randomInt } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { FileGroup } from "../cases.js";

/** Name length when a group does not set one. */
const DEFAULT_NAME_LENGTH = 10;
const CHUNK = 1 << 20;

/** `length` random lowercase letters. */
export function randomName(length: number): string {
  return Array.from({ length }, () => String.fromCharCode(97 + randomInt(26))).join("");
}

async function writeRandom(path: string, size: number): Promise<void> {
  const file = await open(path, "wx");
  try {
    for (let written = 0; written < size; written += CHUNK) await file.write(randomBytes(Math.min(CHUNK, size - written)));
  } finally {
    await file.close();
  }
}

/** Creates the files of `groups` in `directory`; resolves with their names in request order. */
export async function makeFiles(directory: string, groups: readonly FileGroup[]): Promise<string[]> {
  const names: string[] = [];
  const taken = new Set<string>();
  for (const group of groups) {
    for (let i = 0; i < group.count; i++) {
      let name: string;
      do name = randomName(group.nameLength ?? DEFAULT_NAME_LENGTH);
      while (taken.has(name));
      taken.add(name);
      await writeRandom(join(directory, name), group.size);
      names.push(name);
    }
  }
  return names;
}

/**
 * Choosing a provider at run time.
 *
 * @module
 */
import { nobleProvider } from "./noble/provider.js";
import type { CryptoProvider } from "./provider.js";

/** The native provider, probed once per process. */
let native: Promise<CryptoProvider> | undefined;

/**
 * The fastest provider this runtime offers: `"native"` (the default) loads
 * `node:crypto` lazily and keeps the pure implementation for whatever the
 * runtime lacks; where `node:crypto` cannot be loaded at all, or with
 * `"noble"`, the result is the pure provider. The probing happens once; later
 * calls share its result.
 */
export function loadProvider(preference: "native" | "noble" = "native"): Promise<CryptoProvider> {
  if (preference === "noble") return Promise.resolve(nobleProvider);
  native ??= import("./native/provider.js")
    .then(({ createNativeProvider }) => createNativeProvider())
    .catch(() => nobleProvider); // no node:crypto here (a browser, a bare engine)
  return native;
}

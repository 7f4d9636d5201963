/**
 * The endpoint's client role: downloads `REQUESTS` into `DOWNLOADS` over the
 * connections the case's plan asks for (one, one per file, or the first file
 * and then the rest resumed), each file under the last segment of its path.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { NamedGroup } from "@zquic/node";
import { connectionRuns } from "../cases.js";
import { openDownloader, type ConnectionSettings, type Downloader } from "./downloader.js";
import type { EndpointEnvironment } from "./environment.js";
import type { ClientPlan } from "./support.js";
import { TicketStore } from "./ticket-store.js";

/**
 * Classical key exchange only, so the ClientHello fits one Initial packet as
 * the runner's cases assume: the hybrid's 1.2 kB ML-KEM share splits it over
 * two, and when corruption drops the first, ngtcp2 0.12.1 answers the second
 * with a Retry whose token the next corruption may break, which it closes
 * with INVALID_TOKEN (RFC 9000 §8.1.3). zquic's default two-packet,
 * hybrid-first ClientHello is tested against ngtcp2 in packages/node/test.
 */
const GROUPS = [NamedGroup.x25519, NamedGroup.secp256r1];

/** How long the first of two connections waits for a session ticket after its downloads. */
const TICKET_WAIT_MS = 3000;

/** Downloads every URL of `urls` over `downloader`; true when all arrived whole. */
async function downloadAll(downloader: Downloader, urls: readonly URL[], directory: string, log: (line: string) => void): Promise<boolean> {
  const outcomes = await Promise.allSettled(
    urls.map(async (url) => writeFile(join(directory, basename(decodeURIComponent(url.pathname))), await downloader.fetch(url))),
  );
  outcomes.forEach((outcome, index) => {
    if (outcome.status === "rejected") log(`${urls[index]!.href}: ${(outcome.reason as Error).message}`);
  });
  return outcomes.every((outcome) => outcome.status === "fulfilled");
}

/** Runs the client; true when every file was downloaded. */
export async function runClient(env: EndpointEnvironment, plan: ClientPlan, log: (line: string) => void): Promise<boolean> {
  const urls = env.requests.map((request) => new URL(request));
  const origin = urls[0]!;
  if (urls.some((url) => url.origin !== origin.origin)) throw new Error("REQUESTS name more than one origin");
  const caFile = join(env.certs, "ca.pem");
  // Resumption needs the store to carry tickets across connections; other cases start afresh each time.
  const tickets = plan.connections === "first-then-rest" ? new TicketStore() : null;
  const runs = connectionRuns(plan.connections, env.requests);
  for (const [index, requests] of runs.entries()) {
    const settings: ConnectionSettings = {
      origin,
      trust: existsSync(caFile) ? { caFile } : { insecure: true },
      transport: plan.transport ?? {},
      sessionStore: tickets,
      earlyData: index > 0 && plan.earlyData === true,
      ...(plan.cipherSuites !== undefined ? { cipherSuites: plan.cipherSuites } : {}),
      groups: GROUPS,
      ...(plan.grease !== undefined ? { grease: plan.grease } : {}),
    };
    const downloader = openDownloader(env.alpn, settings);
    const done = await downloadAll(downloader, requests.map((request) => new URL(request)), env.downloads, log);
    if (done && index === 0 && tickets !== null && !(await tickets.ticketWithin(TICKET_WAIT_MS))) log("no session ticket arrived: the next connection cannot resume");
    await downloader.close();
    if (!done) return false;
  }
  return true;
}

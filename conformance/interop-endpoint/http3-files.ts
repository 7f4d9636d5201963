/**
 * The server's HTTP/3 side (ALPN `h3`, RFC 9114): GET answers with the file
 * and its `content-length`, anything else with 404 or 405.
 *
 * @module
 */
import type { Http3Handler } from "@zquic/node";
import { fileBody, servedFile } from "./served-files.js";

/** The handler serving the files under `www`. */
export function http3Files(www: string, log: (line: string) => void): Http3Handler {
  return async (request) => {
    if (request.method !== "GET") return new Response(null, { status: 405, headers: { allow: "GET" } });
    const path = new URL(request.url).pathname;
    const file = await servedFile(www, path);
    if (file === undefined) {
      log(`no file for ${JSON.stringify(path)}`);
      return new Response(null, { status: 404 });
    }
    return new Response(fileBody(file), { headers: { "content-length": String(file.size) } });
  };
}

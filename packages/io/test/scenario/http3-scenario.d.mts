/** What the HTTP/3 scenario needs of an adapter: `serve`, `createHttp3Client`, `withTrailers`, `trailersOf`. */
export interface Http3ScenarioAdapter {
  serve(options: object, handler: (request: Request) => Response | Promise<Response>): Promise<unknown>;
  createHttp3Client(options: object): unknown;
  withTrailers(response: Response, trailers: () => HeadersInit): Response;
  trailersOf(response: Response): Promise<Headers>;
}

/** Runs the shared HTTP/3 scenario against `zquic`; rejects on the first failed check. */
export function runHttp3Scenario(zquic: Http3ScenarioAdapter, options?: { log?: (line: string) => void }): Promise<void>;

import { Reader, ZquicError } from "@zquic/wire";
import {
  type DnsMessage,
  DEFAULT_UDP_PAYLOAD_SIZE,
  DnsError,
  type Edns,
  HEADER_LENGTH,
  Name,
  Opcode,
  type Question,
  RESPONSE_BLOCK_LENGTH,
  RRClass,
  RRType,
  Rcode,
  decodeMessage,
  encodeMessage,
  hasPadding,
  makeQuery,
  padToBlock,
  readHeader,
} from "../dns/index.js";
import { type Answer, type NameBackend, emptyAnswer } from "./answer.js";
import { followCnames } from "./cname-chain.js";
import { DnsCache } from "./dns-cache.js";
import { ResolverCounters, type ResolverMetrics } from "./metrics.js";

/** A reply from upstream and the time (ms, the caller's clock) it arrived. */
export interface UpstreamReply {
  response: DnsMessage;
  now: number;
}

/**
 * Sends `query` to an upstream server and resolves with its reply. The I/O
 * layer supplies it (UDP, TCP, DoQ …) and must give up by `deadline` (ms),
 * rejecting with {@link UpstreamTimeoutError}. It sets the message ID its
 * transport needs.
 */
export type Upstream = (query: DnsMessage, deadline: number) => Promise<UpstreamReply>;

/** What an {@link Upstream} rejects with when the deadline passes. */
export class UpstreamTimeoutError extends ZquicError {
  override name = "UpstreamTimeoutError";
  constructor(message = "upstream did not answer before the deadline") {
    super("DNS_UPSTREAM_TIMEOUT", message);
  }
}

/** How a {@link Resolver} is put together. */
export interface ResolverOptions {
  /** Authoritative sources, chosen by the longest zone suffix. */
  backends?: readonly NameBackend[];
  /** Where upstream answers are kept; a default {@link DnsCache} if not given. */
  cache?: DnsCache;
  /** Where names no backend serves are asked; without it they are REFUSED. */
  upstream?: Upstream;
  /** How long upstream has (ms); the deadline handed to it. */
  upstreamTimeoutMs?: number;
  /** The UDP payload size advertised in EDNS responses. */
  udpPayloadSize?: number;
  /** Pad every EDNS response to 468 octets (RFC 9250 §5.4 wants it over DoQ). */
  padResponses?: boolean;
}

/** The default time upstream gets. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5000;
/** CNAME hops the resolver follows across sources (RFC 1034 §3.6.2 asks for a bound). */
export const MAX_CHASED_CNAMES = 8;

// RFC 1035 §4.1.1 and later: the RCODE for each OPCODE not served. QUERY is served;
// IQUERY is obsolete (RFC 3425 §3: NOTIMP); NOTIFY and UPDATE are declined by policy.
const OPCODE_REFUSAL: ReadonlyMap<number, number> = new Map([
  [Opcode.IQUERY, Rcode.NOTIMP],
  [Opcode.STATUS, Rcode.NOTIMP],
  [Opcode.NOTIFY, Rcode.REFUSED],
  [Opcode.UPDATE, Rcode.REFUSED],
  [Opcode.DSO, Rcode.NOTIMP],
]);
// QTYPEs not answered: zone transfers by policy, obsolete mail QTYPEs, and OPT, which is no question.
const QTYPE_REFUSAL: ReadonlyMap<number, number> = new Map([
  [RRType.AXFR, Rcode.REFUSED],
  [RRType.IXFR, Rcode.REFUSED],
  [RRType.MAILA, Rcode.NOTIMP],
  [RRType.MAILB, Rcode.NOTIMP],
  [RRType.OPT, Rcode.FORMERR],
]);
// Upstream RCODEs passed on; any other means this resolver failed to resolve the name.
const PASSED_ON_RCODES: ReadonlySet<number> = new Set([Rcode.NOERROR, Rcode.NXDOMAIN]);

const hasSoa = (answer: Answer): boolean => answer.authority.some((rr) => rr.data.type === "SOA");

/**
 * The resolver core, with no I/O: given a query and `now` (ms), it answers
 * from the backend whose zone suffix matches longest, else from the cache,
 * else from the injected upstream (whose answers it caches). It copies ID and
 * RD, refuses what it does not serve, and counts what it does.
 */
export class Resolver {
  private readonly backends: readonly NameBackend[];
  private readonly cache: DnsCache;
  private readonly counters = new ResolverCounters();
  private readonly zoneNames = new Map<string, Name>();

  constructor(private readonly options: ResolverOptions = {}) {
    this.backends = options.backends ?? [];
    this.cache = options.cache ?? new DnsCache();
  }

  /** What the resolver has done so far. */
  get metrics(): ResolverMetrics {
    return this.counters.snapshot();
  }

  /**
   * Answers a query in wire form. Malformed queries get FORMERR when their
   * header can be read; `undefined` means drop (too short, or not a query).
   */
  async handleQuery(bytes: Uint8Array, now: number): Promise<Uint8Array | undefined> {
    let query: DnsMessage;
    try {
      query = decodeMessage(bytes);
    } catch (error) {
      if (!(error instanceof DnsError)) throw error;
      return this.formatError(bytes);
    }
    const response = await this.resolve(query, now);
    try {
      return encodeMessage(response);
    } catch (error) {
      if (!(error instanceof ZquicError)) throw error;
      // Records a backend returned that do not fit the wire: the server failed.
      return encodeMessage(this.respond(query, emptyAnswer(Rcode.SERVFAIL)));
    }
  }

  /** Answers a decoded query. Never rejects for anything the query holds. */
  async resolve(query: DnsMessage, now: number): Promise<DnsMessage> {
    this.counters.queries++;
    const refusal = this.refusal(query);
    const answer = refusal === undefined ? await this.answerWithChase(query, query.question[0]!, now) : emptyAnswer(refusal);
    const response = this.respond(query, answer);
    this.counters.response(response.rcode);
    return response;
  }

  /** The RCODE a query gets without being looked up, if any. */
  private refusal(query: DnsMessage): number | undefined {
    if (query.qr) return Rcode.FORMERR;
    if (query.opcode !== Opcode.QUERY) return OPCODE_REFUSAL.get(query.opcode) ?? Rcode.NOTIMP;
    // RFC 9619: a query has exactly one question.
    if (query.question.length !== 1) return Rcode.FORMERR;
    // RFC 6891 §6.1.3: only EDNS version 0 is understood.
    if (query.edns !== undefined && query.edns.version !== 0) return Rcode.BADVERS;
    const question = query.question[0]!;
    if (question.class !== RRClass.IN) return Rcode.REFUSED;
    return QTYPE_REFUSAL.get(question.type);
  }

  /** Answers `question`, then follows a CNAME chain that ends outside its source (RFC 1034 §5.3.3). */
  private async answerWithChase(query: DnsMessage, question: Question, now: number): Promise<Answer> {
    let result = await this.answerFrom(query, question, now);
    const asked = [question.name];
    for (let hop = 0; hop < MAX_CHASED_CNAMES && result.rcode === Rcode.NOERROR && !hasSoa(result); hop++) {
      const chain = followCnames(question.name, question.type, result.answer);
      if (chain.answered || asked.some((name) => name.equals(chain.name))) break;
      asked.push(chain.name);
      const next = await this.answerFrom(query, { ...question, name: chain.name }, now);
      // No source for the target: the chain so far is the answer, as an authority would give it.
      if (next.rcode === Rcode.REFUSED) break;
      result = {
        rcode: next.rcode,
        answer: [...result.answer, ...next.answer],
        authority: next.authority,
        additional: [...result.additional, ...next.additional],
        authoritative: result.authoritative,
      };
    }
    return result;
  }

  /** One question from one source: backend, cache or upstream. */
  private async answerFrom(query: DnsMessage, question: Question, now: number): Promise<Answer> {
    const backend = this.backendFor(question.name);
    if (backend !== undefined) {
      this.counters.backendAnswers++;
      try {
        return await backend.lookup(question, now);
      } catch {
        return emptyAnswer(Rcode.SERVFAIL);
      }
    }
    const cached = this.cache.get(question, now);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return { ...cached, authoritative: false };
    }
    this.counters.cacheMisses++;
    // RFC 1034 §4.3.1: without RD (or an upstream) there is no recursion to do.
    if (this.options.upstream === undefined || !query.rd) return emptyAnswer(Rcode.REFUSED);
    return this.askUpstream(this.options.upstream, query, question, now);
  }

  private async askUpstream(upstream: Upstream, query: DnsMessage, question: Question, now: number): Promise<Answer> {
    this.counters.upstreamQueries++;
    const deadline = now + (this.options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS);
    const edns: Edns = { udpPayloadSize: this.udpPayloadSize, version: 0, dnssecOk: query.edns?.dnssecOk ?? false, options: [] };
    let reply: UpstreamReply;
    try {
      reply = await upstream(makeQuery(question.name, question.type, { class: question.class, cd: query.cd, edns }), deadline);
    } catch (error) {
      this.counters.upstreamFailures++;
      if (error instanceof UpstreamTimeoutError) this.counters.upstreamTimeouts++;
      return emptyAnswer(Rcode.SERVFAIL);
    }
    this.counters.latency(reply.now - now);
    const response = reply.response;
    const late = reply.now > deadline;
    if (late || !answersQuestion(response, question) || !PASSED_ON_RCODES.has(response.rcode)) {
      this.counters.upstreamFailures++;
      if (late) this.counters.upstreamTimeouts++;
      return emptyAnswer(Rcode.SERVFAIL);
    }
    const answer: Answer = {
      rcode: response.rcode,
      answer: response.answer,
      authority: response.authority,
      additional: response.additional,
      authoritative: false,
    };
    this.cache.put(question, answer, reply.now);
    return answer;
  }

  /** The backend whose zone is the longest suffix of `name`. */
  private backendFor(name: Name): NameBackend | undefined {
    let best: NameBackend | undefined;
    let bestDepth = -1;
    for (const backend of this.backends) {
      for (const zone of backend.zones) {
        const origin = this.zoneName(zone);
        if (origin.labels.length > bestDepth && name.isSubdomainOf(origin)) {
          best = backend;
          bestDepth = origin.labels.length;
        }
      }
    }
    return best;
  }

  private zoneName(zone: string): Name {
    let name = this.zoneNames.get(zone);
    if (name === undefined) {
      try {
        name = Name.parse(zone);
      } catch {
        throw new ZquicError("DNS_BAD_BACKEND_ZONE", `a backend lists "${zone}", which is not a domain name: fix the backend's zones`);
      }
      this.zoneNames.set(zone, name);
    }
    return name;
  }

  private get udpPayloadSize(): number {
    return this.options.udpPayloadSize ?? DEFAULT_UDP_PAYLOAD_SIZE;
  }

  /** The response to `query` carrying `answer`. */
  private respond(query: DnsMessage, answer: Answer): DnsMessage {
    const response: DnsMessage = {
      id: query.id,
      qr: true,
      opcode: query.opcode,
      aa: answer.authoritative,
      tc: false,
      rd: query.rd,
      ra: this.options.upstream !== undefined,
      ad: false,
      cd: query.cd,
      rcode: answer.rcode,
      question: query.question.length === 1 ? query.question : [],
      answer: answer.answer,
      authority: answer.authority,
      additional: answer.additional,
    };
    // RFC 6891 §7: an OPT in the response only when the query had one.
    if (query.edns === undefined) return response;
    response.edns = { udpPayloadSize: this.udpPayloadSize, version: 0, dnssecOk: query.edns.dnssecOk, options: [] };
    // RFC 7830 §4: pad when the query was padded.
    if (!this.options.padResponses && !hasPadding(query)) return response;
    try {
      return padToBlock(response, RESPONSE_BLOCK_LENGTH);
    } catch {
      return response;
    }
  }

  /** FORMERR for bytes that do not decode, when there is a query header to answer. */
  private formatError(bytes: Uint8Array): Uint8Array | undefined {
    if (bytes.length < HEADER_LENGTH) return undefined;
    const header = readHeader(new Reader(bytes));
    if (header.qr) return undefined;
    this.counters.queries++;
    this.counters.response(Rcode.FORMERR);
    const query: DnsMessage = { ...header, question: [], answer: [], authority: [], additional: [] };
    return encodeMessage(this.respond(query, emptyAnswer(Rcode.FORMERR)));
  }
}

/** True when `response` is a complete answer to `question` (RFC 5452 §4.1 asks resolvers to check). */
function answersQuestion(response: DnsMessage, question: Question): boolean {
  const echoed = response.question[0];
  return (
    response.qr &&
    !response.tc &&
    response.question.length === 1 &&
    echoed !== undefined &&
    echoed.name.equals(question.name) &&
    echoed.type === question.type &&
    echoed.class === question.class
  );
}

/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1), one small type per stage, so each
 * secret can only be derived from the stage that owns it:
 *
 * ```text
 * PSK  → Early Secret     → binder_key, client_early_traffic_secret
 * DHE  → Handshake Secret → [client|server]_handshake_traffic_secret
 * 0    → Master Secret    → [client|server]_application_traffic_secret_0,
 *                           exporter_master_secret, resumption_master_secret
 * ```
 *
 * @module
 */
import { utf8 } from "@zquic/wire";
import type { Hkdf } from "./hkdf.js";

/** RFC 8446 §7.1, §4.4.4, §4.6.1: the labels of the key schedule, encoded once. */
const Label = {
  derived: utf8("derived"),
  resBinder: utf8("res binder"),
  cETraffic: utf8("c e traffic"),
  cHsTraffic: utf8("c hs traffic"),
  sHsTraffic: utf8("s hs traffic"),
  cApTraffic: utf8("c ap traffic"),
  sApTraffic: utf8("s ap traffic"),
  expMaster: utf8("exp master"),
  resMaster: utf8("res master"),
  finished: utf8("finished"),
  resumption: utf8("resumption"),
  exporter: utf8("exporter"),
} as const;

/** A client and a server traffic secret derived from one transcript hash. */
export interface TrafficSecrets {
  readonly client: Uint8Array;
  readonly server: Uint8Array;
}

/** The Early Secret: HKDF-Extract(0, PSK), with PSK = 0 when none is used. */
export class EarlySecret {
  readonly secret: Uint8Array;
  private readonly withPsk: boolean;

  constructor(
    readonly hkdf: Hkdf,
    psk?: Uint8Array,
  ) {
    this.withPsk = psk !== undefined;
    // Without a PSK the Early Secret is the same in every session.
    this.secret = psk === undefined ? hkdf.constant("early secret", () => hkdf.extract(hkdf.zeros, hkdf.zeros)) : hkdf.extract(hkdf.zeros, psk);
  }

  /** RFC 8446 §7.1: binder_key for a resumption PSK ("res binder"). */
  resumptionBinderKey(): Uint8Array {
    return this.hkdf.deriveSecret(this.secret, Label.resBinder, this.hkdf.emptyHash);
  }

  /** client_early_traffic_secret = Derive-Secret(., "c e traffic", ClientHello). */
  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.hkdf.deriveSecret(this.secret, Label.cETraffic, clientHelloHash);
  }

  /** Handshake Secret = HKDF-Extract(Derive-Secret(., "derived", ""), (EC)DHE). */
  handshakeSecret(sharedSecret: Uint8Array): HandshakeSecret {
    const { hkdf, secret } = this;
    const salt = this.withPsk ? derived(hkdf, secret) : hkdf.constant("early secret derived", () => derived(hkdf, secret));
    return new HandshakeSecret(hkdf, hkdf.extract(salt, sharedSecret));
  }
}

/** The Handshake Secret. */
export class HandshakeSecret {
  constructor(
    readonly hkdf: Hkdf,
    readonly secret: Uint8Array,
  ) {}

  /** [client|server]_handshake_traffic_secret over ClientHello…ServerHello. */
  trafficSecrets(helloHash: Uint8Array): TrafficSecrets {
    return {
      client: this.hkdf.deriveSecret(this.secret, Label.cHsTraffic, helloHash),
      server: this.hkdf.deriveSecret(this.secret, Label.sHsTraffic, helloHash),
    };
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(., "derived", ""), 0). */
  masterSecret(): MasterSecret {
    return new MasterSecret(this.hkdf, this.hkdf.extract(derived(this.hkdf, this.secret), this.hkdf.zeros));
  }
}

/** The Master Secret. */
export class MasterSecret {
  constructor(
    readonly hkdf: Hkdf,
    readonly secret: Uint8Array,
  ) {}

  /** [client|server]_application_traffic_secret_0 over ClientHello…server Finished. */
  trafficSecrets(serverFinishedHash: Uint8Array): TrafficSecrets {
    return {
      client: this.hkdf.deriveSecret(this.secret, Label.cApTraffic, serverFinishedHash),
      server: this.hkdf.deriveSecret(this.secret, Label.sApTraffic, serverFinishedHash),
    };
  }

  /** exporter_master_secret over ClientHello…server Finished. */
  exporterMasterSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.hkdf.deriveSecret(this.secret, Label.expMaster, serverFinishedHash);
  }

  /** resumption_master_secret over ClientHello…client Finished. */
  resumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return this.hkdf.deriveSecret(this.secret, Label.resMaster, clientFinishedHash);
  }
}

function derived(hkdf: Hkdf, secret: Uint8Array): Uint8Array {
  return hkdf.deriveSecret(secret, Label.derived, hkdf.emptyHash);
}

/**
 * RFC 8446 §4.4.4: verify_data = HMAC(finished_key, transcript hash), with
 * finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length).
 * PSK binders (§4.2.11.2) are the same computation with the binder_key.
 */
export function finishedVerifyData(hkdf: Hkdf, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const finishedKey = hkdf.expandLabel(baseKey, Label.finished, new Uint8Array(0), hkdf.length);
  return hkdf.hmac(finishedKey, transcriptHash);
}

/** RFC 8446 §4.6.1: the PSK of a ticket = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
export function resumptionPsk(hkdf: Hkdf, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdf.expandLabel(resumptionMasterSecret, Label.resumption, ticketNonce, hkdf.length);
}

/**
 * RFC 8446 §7.5: TLS-Exporter(label, context_value, key_length) =
 * HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length).
 */
export function exportKeyingMaterial(hkdf: Hkdf, exporterMasterSecret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const secret = hkdf.deriveSecret(exporterMasterSecret, label, hkdf.emptyHash);
  return hkdf.expandLabel(secret, Label.exporter, hkdf.digest(context), length);
}

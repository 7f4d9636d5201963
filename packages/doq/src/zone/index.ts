/**
 * Master files (RFC 1035 §5): zones and records in presentation form.
 *
 * @module
 */
export * from "./errors.js";
export * from "./ip-address.js";
export * from "./base64.js";
export { formatRData, rdataTypeName } from "./rdata-text.js";
export { formatSvcParams } from "./svcb-text.js";
export * from "./master-file.js";
export * from "./zone.js";

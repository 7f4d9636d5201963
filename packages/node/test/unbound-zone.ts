// The zone the tests' unbound serves: a few names, and a TXT set too large
// for a 1232-octet UDP response, so it arrives truncated over UDP.
import type { UnboundLocalZone } from "@zquic/testkit";

/** Records in `big.zquic.test` TXT. */
export const BIG_TXT_RECORDS = 12;

/** `zquic.test.` as unbound's `local-zone` (static: NXDOMAIN with the SOA for other names). */
export const UNBOUND_ZONE: UnboundLocalZone = {
  name: "zquic.test.",
  records: [
    "zquic.test. 300 IN SOA ns.zquic.test. admin.zquic.test. 1 3600 600 86400 60",
    "www.zquic.test. 120 IN A 192.0.2.1",
    "www.zquic.test. 120 IN AAAA 2001:db8::1",
    'txt.zquic.test. 120 IN TXT "forwarded by unbound"',
    ...Array.from({ length: BIG_TXT_RECORDS }, (_, i) => `big.zquic.test. 120 IN TXT "${String(i).padStart(2, "0")}-${"x".repeat(200)}"`),
  ],
};

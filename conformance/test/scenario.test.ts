import { describe, expect, it } from "vitest";
import { TEST_CASES } from "../cases.js";
import { parseRate, parseScenario, parseTime } from "../relay/scenario.js";

describe("simulator scenarios", () => {
  it("reads the runner's default link", () => {
    const link = { latency: 15, bandwidth: 10_000_000, queue: 25 };
    expect(parseScenario("simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25")).toEqual({ toServer: { link }, toClient: { link } });
  });

  it("reads drop-rate and corrupt-rate per direction, with the burst cap", () => {
    const loss = parseScenario("drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=30 --rate_to_client=2 --burst_to_server=3 --burst_to_client=4");
    expect(loss.toServer.dropRate).toEqual({ percent: 30, burst: 3 });
    expect(loss.toClient.dropRate).toEqual({ percent: 2, burst: 4 });
    const corrupt = parseScenario("corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=2 --rate_to_client=2");
    expect(corrupt.toServer.corruptRate).toEqual({ percent: 2, burst: Infinity });
    expect(corrupt.toServer.dropRate).toBeUndefined();
  });

  it("turns blackhole --on/--off/--repeat into dark periods of the link", () => {
    const once = parseScenario("blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s");
    expect(once.toServer.link?.blackholes).toEqual([{ from: 5000, until: 7000 }]);
    expect(once.toClient.link?.blackholes).toEqual([{ from: 5000, until: 7000 }]);
    const twice = parseScenario("blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=1s --off=500ms --repeat=2 --direction=toclient");
    expect(twice.toClient.link?.blackholes).toEqual([{ from: 1000, until: 1500 }, { from: 2500, until: 3000 }]);
    expect(twice.toServer.link?.blackholes).toBeUndefined();
  });

  it("reads droplist positions and the rebind schedule", () => {
    expect(parseScenario("droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_server=2,3,4,5,6,7").toServer.dropList).toEqual([2, 3, 4, 5, 6, 7]);
    expect(parseScenario("rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s").rebind).toEqual({ first: 1000, every: 5000, address: false });
    expect(parseScenario("rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s --rebind-addr").rebind?.address).toBe(true);
  });

  it("parses every scenario of the test-case table", () => {
    for (const testCase of TEST_CASES) expect(() => parseScenario(testCase.scenario), testCase.name).not.toThrow();
  });

  it("names the problem with a malformed scenario", () => {
    expect(() => parseScenario("netem --delay=15ms")).toThrow(/unknown scenario "netem"/);
    expect(() => parseScenario("simple-p2p --delay=15ms --bandwidth=10Mbps")).toThrow(/missing --queue/);
    expect(() => parseScenario("simple-p2p --delay=15 --bandwidth=10Mbps --queue=25")).toThrow(/needs one of the units/);
    expect(() => parseScenario("simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s")).toThrow(/no option --on/);
  });

  it("converts units", () => {
    expect(parseTime("750ms")).toBe(750);
    expect(parseTime("2s")).toBe(2000);
    expect(parseTime("100us")).toBeCloseTo(0.1);
    expect(parseRate("10Mbps")).toBe(10_000_000);
    expect(parseRate("500Kbps")).toBe(500_000);
  });
});

import { describe, expect, it } from "vitest";
import { MemorySessionStore } from "@zquic/io";

describe("MemorySessionStore", () => {
  it("hands each value out once, by server and kind", () => {
    const store = new MemorySessionStore();
    store.put("a:443 h3", "ticket", new Uint8Array([1]));
    store.put("a:443 h3", "token", new Uint8Array([2]));
    expect(store.take("b:443 h3", "ticket")).toBeUndefined();
    expect(store.take("a:443 h3", "ticket")).toEqual(new Uint8Array([1]));
    expect(store.take("a:443 h3", "ticket")).toBeUndefined();
    expect(store.take("a:443 h3", "token")).toEqual(new Uint8Array([2]));
  });

  it("keeps its own copy and replaces older values", () => {
    const store = new MemorySessionStore();
    const value = new Uint8Array([1, 2]);
    store.put("s", "ticket", value);
    value[0] = 9;
    store.put("s", "token", new Uint8Array([5]));
    store.put("s", "token", new Uint8Array([6]));
    expect(store.take("s", "ticket")).toEqual(new Uint8Array([1, 2]));
    expect(store.take("s", "token")).toEqual(new Uint8Array([6]));
  });

  it("forgets the oldest servers beyond its capacity", () => {
    const store = new MemorySessionStore(2);
    for (const server of ["a", "b", "c"]) {
      store.put(server, "ticket", new Uint8Array([1]));
      store.put(server, "token", new Uint8Array([2]));
    }
    expect(store.take("a", "ticket")).toBeUndefined();
    expect(store.take("a", "token")).toBeUndefined();
    expect(store.take("b", "ticket")).toBeDefined();
    expect(store.take("c", "token")).toBeDefined();
  });
});

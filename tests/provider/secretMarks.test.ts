import * as assert from "node:assert/strict";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import {
  holdsSecret,
  isSecretValue,
  keysHoldingSecrets,
  markKeys,
  reveal,
  SECRET_SIG,
  SECRET_SIG_KEY,
  secret,
} from "../../provider/secretMarks";

describe("provider/secretMarks: secret values as the engine hands them to the provider plugin", () => {
  it("uses the protocol's signature, as @pulumi/pulumi marks secrets", () => {
    assert.equal(SECRET_SIG_KEY, rpc.specialSigKey);
    assert.equal(SECRET_SIG, rpc.specialSecretSig);
  });

  it("tells a secret mark from every other value", () => {
    assert.ok(isSecretValue({ [SECRET_SIG_KEY]: SECRET_SIG, value: "sk-1" }));
    assert.ok(isSecretValue(secret(undefined)));
    for (const value of [null, undefined, "sk-1", 5, true, [], {}, { value: "sk-1" }, { [SECRET_SIG_KEY]: "other" }]) {
      assert.equal(isSecretValue(value), false, JSON.stringify(value));
    }
  });

  it("reveals the plain values at any depth, in objects and arrays, leaving other values as they are", () => {
    assert.deepEqual(
      reveal({
        apiKey: secret("sk-1"),
        nested: { list: [secret(1), "two", { deep: secret(secret(true)) }], none: null },
        plain: "text",
      }),
      { apiKey: "sk-1", nested: { list: [1, "two", { deep: true }], none: null }, plain: "text" },
    );
    assert.ok(Array.isArray(reveal([secret("a")])));
    for (const value of [null, undefined, 0, "", false]) assert.equal(reveal(value), value);
  });

  it("finds a secret mark anywhere in a value, and only there", () => {
    assert.equal(holdsSecret(secret("x")), true);
    assert.equal(holdsSecret({ a: { b: [1, secret(2)] } }), true);
    for (const value of [null, undefined, "x", 3, [], { a: { b: [1, 2] } }, { a: null }]) {
      assert.equal(holdsSecret(value), false, JSON.stringify(value));
    }
  });

  it("lists the top-level keys whose values hold a secret", () => {
    assert.deepEqual(keysHoldingSecrets({ a: secret(1), b: 2, c: { d: secret("e") }, f: null }), ["a", "c"]);
    assert.deepEqual(keysHoldingSecrets(undefined), []);
  });

  it("marks the values at the keys given, once, in a copy, and no key it does not hold", () => {
    const props = { a: 1, b: { c: secret("d") }, e: secret("f"), g: undefined, h: "i" };
    const marked = markKeys(props, ["a", "b", "e", "g", "toString", "missing"]);
    assert.deepEqual(marked, { a: secret(1), b: secret({ c: "d" }), e: secret("f"), g: undefined, h: "i" });
    assert.ok(!Object.hasOwn(marked, "toString") && !Object.hasOwn(marked, "missing"));
    assert.deepEqual(props.a, 1, "the given object is left as it was");
  });
});

import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { revealSecrets, runUnderMocks } from "../helpers/mocks";

const base = { user: "u", workflow: { id: "wf_1" } };

async function additionalSecretOutputs(expiresAfter: unknown): Promise<string[]> {
  const { registrations } = await runUnderMocks(
    () => new ChatKitSession("s", { ...base, expiresAfter: expiresAfter as number }),
  );
  return [...(registrations[0]?.additionalSecretOutputs ?? [])].sort();
}

describe("outputs derived from a secret lifetime", () => {
  it("are secret when expiresAfter is a secret, bare or nested, or resolves to one", async () => {
    const secretly = ["clientSecret", "expiresAt", "renewBefore"];
    assert.deepEqual(await additionalSecretOutputs(pulumi.secret(300)), secretly);
    assert.deepEqual(await additionalSecretOutputs({ seconds: pulumi.secret(300) }), secretly);
    assert.deepEqual(await additionalSecretOutputs(pulumi.secret({ anchor: "created_at", seconds: 300 })), secretly);
    assert.deepEqual(await additionalSecretOutputs(Promise.resolve(pulumi.secret(300))), secretly);
  });

  it("stay plain when expiresAfter is not a secret, and the value sent is the same", async () => {
    for (const plain of [undefined, 300, { seconds: 300 }, pulumi.output(300), Promise.resolve(300)]) {
      assert.deepEqual(await additionalSecretOutputs(plain), ["clientSecret"]);
    }
    const { registrations } = await runUnderMocks(
      () => new ChatKitSession("s", { ...base, expiresAfter: pulumi.secret({ seconds: 300 }) }),
    );
    assert.deepEqual(revealSecrets(registrations[0]?.inputs.expiresAfter), { seconds: 300 });
    assert.deepEqual(registrations[0]?.secretPaths, [["expiresAfter"]]);
  });
});

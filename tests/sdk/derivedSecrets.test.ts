import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { endpointFromSecretConfig } from "../../sdk/derivedSecrets";
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

describe("apiEndpoint when the stack config it records is a secret", () => {
  /** The resource's additional secret outputs with this stack config, the keys named secret. */
  async function secretOutputsWith(config: Record<string, string>, secretKeys: string[]): Promise<string[]> {
    try {
      const { registrations } = await runUnderMocks(() => {
        pulumi.runtime.setAllConfig(config, secretKeys);
        return new ChatKitSession("s", base);
      });
      return [...(registrations[0]?.additionalSecretOutputs ?? [])].sort();
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
  }

  it("is secret when chatkit:baseUrl, chatkit:organization or chatkit:project was set with --secret", async () => {
    for (const key of ["chatkit:baseUrl", "chatkit:organization", "chatkit:project"]) {
      const config = { "chatkit:baseUrl": "https://api.openai.com/v1", [key]: "value", "chatkit:apiKey": "sk-x" };
      assert.deepEqual(await secretOutputsWith(config, [key, "chatkit:apiKey"]), ["apiEndpoint", "clientSecret"], key);
    }
  });

  it("stays plain when only the API key is secret (it records the key's fingerprint alone) or nothing is", async () => {
    const config = { "chatkit:apiKey": "sk-x", "chatkit:organization": "org_1", "other:project": "p" };
    assert.deepEqual(await secretOutputsWith(config, ["chatkit:apiKey", "other:project"]), ["clientSecret"]);
    assert.deepEqual(await secretOutputsWith(config, []), ["clientSecret"]);
  });

  it("is kept secret when @pulumi/pulumi cannot say which config is secret", () => {
    assert.equal(endpointFromSecretConfig(null), true);
    assert.equal(
      endpointFromSecretConfig(() => {
        throw new SyntaxError("PULUMI_CONFIG_SECRET_KEYS is not JSON");
      }),
      true,
    );
    assert.equal(
      endpointFromSecretConfig(() => false),
      false,
    );
    assert.equal(
      endpointFromSecretConfig((key: string) => key === "chatkit:project"),
      true,
    );
  });
});

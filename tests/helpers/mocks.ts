import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { secretKeyPaths } from "./secretValues";

/** What the program sent to the engine for one resource. */
export interface Registration {
  type: string;
  name: string;
  inputs: Record<string, any>;
  additionalSecretOutputs: string[];
  /** Key paths of the inputs that were secret (the engine marks the outputs at these paths). */
  secretPaths: string[][];
}

type NewResource = (
  args: pulumi.runtime.MockResourceArgs,
  registration: Registration,
) => Promise<pulumi.runtime.MockResourceResult>;

/**
 * Runs a Pulumi program in-process under setMocks and records every registration, including the
 * options the engine would see (additionalSecretOutputs) that the mocks API does not expose.
 */
export async function runUnderMocks<T>(
  program: () => T | Promise<T>,
  newResource: NewResource = async (args) => ({ id: `${args.name}-id`, state: args.inputs }),
  preview = false,
  project = "chatkit-test",
): Promise<{ result: T; registrations: Registration[] }> {
  const registrations: Registration[] = [];
  const pending = new Map<string, { additionalSecretOutputs: string[]; secretPaths: string[][] }>();
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, callback: any) {
    pending.set(req.getName(), {
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      secretPaths: secretKeyPaths(req.getObject()?.toJavaScript()),
    });
    return original.call(this, req, callback);
  };
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const registration = {
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          additionalSecretOutputs: [],
          secretPaths: [],
          ...pending.get(args.name),
        };
        registrations.push(registration);
        return newResource(args, registration);
      },
      call: (args) => args.inputs,
    },
    project,
    "test",
    preview,
  );
  try {
    const result = await program();
    await settle(result);
    return { result, registrations };
  } finally {
    MockMonitor.prototype.registerResource = original;
  }
}

/** Waits for every Output reachable from the value. */
export async function settle(value: unknown): Promise<void> {
  if (pulumi.Output.isInstance(value)) {
    // promise() and not apply(): apply never runs for a value unknown during preview.
    await (value as any).promise();
  } else if (pulumi.CustomResource.isInstance(value)) {
    await settle((value as pulumi.CustomResource).urn);
    await settle((value as pulumi.CustomResource).id);
  } else if (value && typeof value === "object") {
    for (const item of Object.values(value)) await settle(item);
  }
}

/** The value and secrecy of an Output, without going through apply (which hides secrecy). */
export async function unwrap<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  const internal = output as any;
  return { value: await internal.promise(), secret: await internal.isSecret };
}

/** The `__provider` text exactly as the ChatKitSession class produces it. */
export async function serializedProvider(): Promise<string> {
  const { registrations } = await runUnderMocks(
    () => new ChatKitSession("probe", { user: "probe", workflow: { id: "wf_probe" } }),
  );
  return registrations[0]?.inputs.__provider as string;
}

export { markSecret, reveal as revealSecrets } from "./secretValues";

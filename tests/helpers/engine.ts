import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { Emulator } from "../../emulator/server";
import { UNKNOWN } from "../../provider/unknown";
import { type DiffResponse, type HostClient, type HostOptions, startHost } from "../../scripts/tooling/host";
import { TEST_API_KEY } from "./emulator";
import { serializedProvider } from "./mocks";
import { isSecretValue, reveal, secret, secretKeyPaths } from "./secretValues";
import { CLOCK_SHIFT_VARIABLE } from "./shiftClock";

/**
 * A stand-in for the Pulumi engine that drives the real dynamic-provider host over gRPC with the
 * engine's step rules, as pulumi/pulumi implements them (pkg/resource/deploy/step_generator.go,
 * step.go and pkg/resource/plugin/provider_plugin.go):
 *
 * - every command (preview, up, refresh, destroy, import) runs in a new host process, configured
 *   first, as each `pulumi` command starts its own provider plugin;
 * - up: ignoreChanges resets the ignored paths to the old inputs; Check(olds, news); a changed
 *   replacementTrigger or `--replace` replaces without asking Diff; otherwise Diff(old outputs,
 *   checked inputs), with replaceOnChanges matched against the changed keys the provider reports;
 *   a replace of a protected resource fails the update; a replace checks the new inputs again
 *   without olds and is create-before-delete unless deleteBeforeReplace (the option, else the
 *   provider's wish); replaced resources are deleted at the end, and a failed delete stays in the
 *   state as pending and is retried by the next up or destroy; resources gone from the program are
 *   deleted; retainOnDelete skips the provider's Delete; a same step keeps the old outputs;
 * - preview: the same Check and Diff, with unknown values allowed, and nothing created or deleted;
 * - refresh: Read(id, old outputs, old inputs); an empty id removes the resource; otherwise Diff
 *   is asked what an up would do with the refreshed outputs and the old inputs, and any change
 *   counts (`--expect-no-changes` fails on it);
 * - destroy: Delete in reverse order; protect fails it; retainOnDelete skips the call;
 * - import: Read(id) with no inputs and no state;
 * - secrets: the host accepts none, so they are stripped before every call, and outputs are
 *   marked secret where the input at the same key path was (annotateSecrets), plus
 *   additionalSecretOutputs.
 */

export interface ResourceOptions {
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  deleteBeforeReplace?: boolean;
  replacementTrigger?: unknown;
  additionalSecretOutputs?: string[];
}

/** One resource the program declares: its name, its inputs (without __provider) and options. */
export interface Declared {
  name: string;
  inputs: Record<string, unknown>;
  options?: ResourceOptions;
}

export interface StateEntry {
  name: string;
  id: string;
  /** The checked inputs, __provider included, secrets marked. */
  inputs: Record<string, any>;
  /** The outputs, __provider included, secrets marked. */
  outputs: Record<string, any>;
  options: ResourceOptions;
}

export type Op = "create" | "same" | "update" | "replace" | "delete" | "retain" | "refresh";

export interface Step {
  name: string;
  op: Op;
  /** For a replace: the keys that caused it. For a refresh: whether anything changed. */
  replaces?: string[];
  changed?: boolean;
}

export interface EngineOptions extends HostOptions {
  /** The `__provider` text the resource class serializes. */
  provider: string;
  /** Stack config, as `pulumi config` holds it. */
  config: Record<string, string>;
  /**
   * Keep one host for every command instead of one per command (faster, for tests where neither
   * the process nor the passing of time matters); close() ends it.
   */
  keepHost?: boolean;
}

export { reveal, secret } from "./secretValues";

const containsSecret = (value: unknown): boolean =>
  isSecretValue(value) ||
  (value !== null && typeof value === "object" && Object.values(value as object).some(containsSecret));
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !isSecretValue(value);

/** The engine's annotateSecrets: copies secretness from the inputs to the outputs by key path. */
export function annotateSecrets(outs: Record<string, any>, ins: Record<string, any>): Record<string, any> {
  const result: Record<string, any> = { ...outs };
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in result)) continue;
    const outValue = result[key];
    if (isPlainObject(outValue) && isPlainObject(inValue)) result[key] = annotateSecrets(outValue, inValue);
    else if (!isSecretValue(outValue) && containsSecret(inValue)) result[key] = secret(outValue);
  }
  return result;
}

/** Key paths (dotted) of the values marked secret. */
export function secretPaths(value: unknown): string[] {
  return secretKeyPaths(value).map((path) => path.join("."));
}

/** The engine's processIgnoreChanges for dotted paths: each ignored path takes its old value. */
function ignoreChanges(news: Record<string, any>, olds: Record<string, any>, paths: string[]): Record<string, any> {
  const result = structuredClone(news);
  for (const path of paths) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    let target: any = result;
    let source: any = olds;
    for (const key of keys) {
      target = target?.[key];
      source = source?.[key];
    }
    if (target === null || typeof target !== "object") continue;
    if (source !== null && typeof source === "object" && last in source) target[last] = structuredClone(source[last]);
    else delete target[last];
  }
  return result;
}

/** An error the engine reports, with its text. */
export class EngineError extends Error {}

export class Engine {
  readonly state = new Map<string, StateEntry>();
  /** Replaced or removed resources whose delete failed, retried by the next up or destroy. */
  readonly pendingDeletes: StateEntry[] = [];
  /** How many host processes were started (one per command). */
  hostsStarted = 0;

  /**
   * How far this machine's clock is off, in milliseconds (ahead when positive). Each host starts
   * with its Date.now shifted by this much, so a test moves time for the next command by moving
   * both this and the emulator's clock.
   */
  machineClockShiftMs = 0;

  constructor(private readonly options: EngineOptions) {}

  /** Lets `seconds` pass for this machine and for the API alike. */
  pass(seconds: number, api: { advanceClock(seconds: number): void }): void {
    this.machineClockShiftMs += seconds * 1000;
    api.advanceClock(seconds);
  }

  /** `pulumi preview`: Check and Diff only, unknown values allowed. */
  preview(program: Declared[]): Promise<Step[]> {
    return this.withHost((host) => this.deploy(host, program, { dryRun: true, replace: [] }));
  }

  /** `pulumi up`, with `--replace` given as resource names. */
  up(program: Declared[], flags: { replace?: string[] } = {}): Promise<Step[]> {
    return this.withHost((host) => this.deploy(host, program, { dryRun: false, replace: flags.replace ?? [] }));
  }

  /** `pulumi refresh`; with expectNoChanges it fails when anything changed, as the CLI does. */
  refresh(flags: { expectNoChanges?: boolean } = {}): Promise<Step[]> {
    return this.withHost(async (host) => {
      const steps: Step[] = [];
      for (const entry of [...this.state.values()]) {
        const read = await host.read(entry.id, reveal(entry.outputs), reveal(entry.inputs));
        if (read.id === "") {
          this.state.delete(entry.name);
          steps.push({ name: entry.name, op: "delete" });
          continue;
        }
        const outputs = this.markOutputs(annotateSecrets(read.properties, entry.outputs), entry);
        const diff = await host.diffResponse(read.id, reveal(outputs), reveal(entry.inputs));
        this.state.set(entry.name, { ...entry, id: read.id, outputs });
        steps.push({ name: entry.name, op: "refresh", changed: diff.changes !== "none", replaces: diff.replaces });
      }
      const changed = steps.filter((step) => step.op === "delete" || step.changed);
      if (flags.expectNoChanges && changed.length > 0) {
        throw new EngineError(
          `no changes were expected for refresh but changes were proposed: ${changed.map((s) => s.name).join(", ")}`,
        );
      }
      return steps;
    });
  }

  /** `pulumi destroy`. */
  destroy(): Promise<Step[]> {
    return this.withHost(async (host) => {
      const steps: Step[] = [];
      const failures: string[] = [];
      for (const entry of [...this.pendingDeletes.splice(0), ...[...this.state.values()].reverse()]) {
        if (entry.options.protect && this.state.get(entry.name) === entry) {
          failures.push(`resource ${entry.name} cannot be deleted because it is protected`);
          continue;
        }
        const step = await this.delete(host, entry, failures);
        if (step && this.state.get(entry.name) === entry) this.state.delete(entry.name);
        if (step) steps.push(step);
      }
      if (failures.length > 0) throw new EngineError(failures.join("\n"));
      return steps;
    });
  }

  /** `pulumi import`: Read with the id and nothing else. */
  import(id: string): Promise<{ id: string; properties: Record<string, any> }> {
    return this.withHost((host) => host.read(id, {}));
  }

  private kept: HostClient | undefined;

  /** Ends the kept host, if any. */
  async close(): Promise<void> {
    await this.kept?.close();
    this.kept = undefined;
  }

  private async withHost<T>(command: (host: HostClient) => Promise<T>): Promise<T> {
    if (this.options.keepHost && this.kept) return command(this.kept);
    const host = await startHost({
      ...this.options,
      env: {
        ...this.options.env,
        NODE_OPTIONS: `--require ${require.resolve("./shiftClock")}`,
        [CLOCK_SHIFT_VARIABLE]: String(this.machineClockShiftMs),
      },
    });
    this.hostsStarted++;
    if (this.options.keepHost) {
      this.kept = host;
      await host.configure(this.options.config);
      return command(host);
    }
    try {
      await host.configure(this.options.config);
      return await command(host);
    } finally {
      this.lastStderr = host.stderr();
      await host.close();
    }
  }

  /** What the last command's host wrote to stderr (where provider warnings go). */
  lastStderr = "";

  private markOutputs(outputs: Record<string, any>, entry: { options: ResourceOptions }): Record<string, any> {
    const marked = { ...outputs };
    for (const key of entry.options.additionalSecretOutputs ?? []) {
      if (key in marked && !isSecretValue(marked[key])) marked[key] = secret(marked[key]);
    }
    return marked;
  }

  private async check(host: HostClient, name: string, olds: Record<string, any>, news: Record<string, any>) {
    const checked = await host.check(reveal(olds), reveal(news));
    if (checked.failures.length > 0) {
      throw new EngineError(
        `resource ${name} has check errors: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    return annotateSecrets(checked.inputs, news);
  }

  private async create(host: HostClient, name: string, inputs: Record<string, any>, options: ResourceOptions) {
    const created = await host.create(reveal(inputs));
    const outputs = this.markOutputs(annotateSecrets(created.properties, inputs), { options });
    this.state.set(name, { name, id: created.id, inputs, outputs, options });
  }

  /** Deletes one resource, or skips the call for retainOnDelete; a failure is recorded, not thrown. */
  private async delete(host: HostClient, entry: StateEntry, failures: string[]): Promise<Step | undefined> {
    if (entry.options.retainOnDelete) return { name: entry.name, op: "retain" };
    try {
      await host.delete(entry.id, reveal(entry.outputs));
      return { name: entry.name, op: "delete" };
    } catch (error) {
      failures.push(`deleting ${entry.name} (${entry.id}): ${(error as Error).message}`);
      if (!this.pendingDeletes.includes(entry)) this.pendingDeletes.push(entry);
      return undefined;
    }
  }

  private async deploy(
    host: HostClient,
    program: Declared[],
    flags: { dryRun: boolean; replace: string[] },
  ): Promise<Step[]> {
    const steps: Step[] = [];
    const toDelete: StateEntry[] = [];
    const failures: string[] = [];
    for (const declared of program) {
      const options = declared.options ?? {};
      const news = { ...declared.inputs, __provider: this.options.provider };
      if (!flags.dryRun && JSON.stringify(news).includes(UNKNOWN)) {
        throw new EngineError(`resource ${declared.name} has unknown inputs outside a preview`);
      }
      const old = this.state.get(declared.name);
      const targeted = flags.replace.includes(declared.name);
      if (!old) {
        const inputs = await this.check(host, declared.name, {}, news);
        if (!flags.dryRun) await this.create(host, declared.name, inputs, options);
        steps.push({ name: declared.name, op: "create" });
        continue;
      }
      const ignored = ignoreChanges(news, old.inputs, options.ignoreChanges ?? []);
      let inputs = await this.check(host, declared.name, targeted ? {} : old.inputs, ignored);
      const triggered =
        options.replacementTrigger !== undefined &&
        old.options.replacementTrigger !== undefined &&
        !isDeepStrictEqual(reveal(options.replacementTrigger), reveal(old.options.replacementTrigger));
      let diff: DiffResponse;
      if (targeted)
        diff = { changes: "some", replaces: ["id"], diffs: [], hasDetailedDiff: false, deleteBeforeReplace: false };
      else if (triggered)
        diff = { changes: "some", replaces: [], diffs: [], hasDetailedDiff: false, deleteBeforeReplace: false };
      else diff = await host.diffResponse(old.id, reveal(old.outputs), reveal(inputs));
      const replaceOnChanges = options.replaceOnChanges ?? [];
      const replaces = [
        ...diff.replaces,
        ...diff.diffs.filter((key) =>
          replaceOnChanges.some((path) => path === "*" || path === key || key.startsWith(`${path}.`)),
        ),
      ];
      if (diff.changes === "none" && !triggered) {
        this.state.set(declared.name, { ...old, inputs, options });
        steps.push({ name: declared.name, op: "same" });
        continue;
      }
      if (replaces.length === 0 && !triggered) {
        if (!flags.dryRun) {
          const updated = await host.update(old.id, reveal(old.outputs), reveal(inputs));
          const outputs = this.markOutputs(annotateSecrets(updated.properties, inputs), { options });
          this.state.set(declared.name, { ...old, inputs, outputs, options });
        }
        steps.push({ name: declared.name, op: "update" });
        continue;
      }
      if (options.protect && old.options.protect) {
        const message = `unable to replace resource ${declared.name} as it is currently marked for protection`;
        if (!flags.dryRun) throw new EngineError(message);
        failures.push(message);
      }
      // The engine checks the program's inputs again, without olds and without ignoreChanges.
      inputs = await this.check(host, declared.name, {}, news);
      steps.push({ name: declared.name, op: "replace", replaces: triggered ? ["replacementTrigger"] : replaces });
      if (flags.dryRun) continue;
      const deleteBeforeReplace = options.deleteBeforeReplace ?? diff.deleteBeforeReplace;
      if (deleteBeforeReplace) {
        const deleted = await this.delete(host, old, failures);
        if (!deleted) throw new EngineError(failures.join("\n"));
        this.state.delete(declared.name);
        await this.create(host, declared.name, inputs, options);
      } else {
        await this.create(host, declared.name, inputs, options);
        toDelete.push(old);
      }
    }
    if (!flags.dryRun) {
      const declaredNames = new Set(program.map((declared) => declared.name));
      for (const entry of [...this.state.values()].reverse()) {
        if (declaredNames.has(entry.name)) continue;
        if (entry.options.protect)
          throw new EngineError(`resource ${entry.name} cannot be deleted because it is protected`);
        this.state.delete(entry.name);
        toDelete.push(entry);
      }
      for (const entry of [...this.pendingDeletes.splice(0), ...toDelete]) {
        const step = await this.delete(host, entry, failures);
        if (step) steps.push(step);
      }
    } else {
      for (const entry of this.state.values()) {
        if (!program.some((declared) => declared.name === entry.name)) steps.push({ name: entry.name, op: "delete" });
      }
    }
    if (failures.length > 0) throw new EngineError(failures.join("\n"));
    return steps;
  }
}

const REPO_ROOT = path.resolve(__dirname, "../../..");

/**
 * What every command of a test run needs: this repository as the project, the resource's
 * serialized provider, and stack config that points it at the emulator with the test key. The
 * hosts' environment has no key or endpoint, so both can only come from stack config.
 */
export function engineOptions(apiUrl: string, provider: string): EngineOptions {
  return {
    cwd: REPO_ROOT,
    env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" },
    provider,
    config: { "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": apiUrl },
  };
}

/**
 * For one suite (before and after hooks), after useEmulator: makes engines against the suite's
 * emulator, each with engineOptions plus its own, and ends every kept host after the suite.
 */
export function useEngines(ctx: { emulator: Emulator }): (extra?: Partial<EngineOptions>) => Engine {
  let options: EngineOptions;
  const made: Engine[] = [];
  before(async () => {
    options = engineOptions(ctx.emulator.url, await serializedProvider());
  });
  after(async () => {
    for (const engine of made) await engine.close();
  });
  return (extra = {}) => {
    const engine = new Engine({ ...options, ...extra });
    made.push(engine);
    return engine;
  };
}

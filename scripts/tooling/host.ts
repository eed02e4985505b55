import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";

/**
 * Drives the real `@pulumi/pulumi` dynamic-provider host over gRPC, exactly as the engine does:
 * the host rebuilds the provider from `__provider` text and answers Configure, Check, Diff,
 * Create, Read, Update and Delete.
 */
export interface HostOptions {
  /** The Pulumi project folder the host runs in (where `pulumi-chatkit` must resolve). */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Resolve @pulumi/pulumi from here (the consumer project's own copy, for the tarball test). */
  pulumiFrom?: string;
}

type Props = Record<string, any>;

export interface DiffResponse {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  /** The changed keys (DiffResponse.diffs), which replaceOnChanges matches against. */
  diffs: string[];
  hasDetailedDiff: boolean;
  deleteBeforeReplace: boolean;
}

export interface HostClient {
  configure(config: Record<string, string>): Promise<void>;
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[] }>;
  /** The whole DiffResponse the engine reads: also the changed keys and the delete-before-replace wish. */
  diffResponse(id: string, olds: Props, news: Props): Promise<DiffResponse>;
  create(properties: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, properties: Props, inputs?: Props): Promise<{ id: string; properties: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(id: string, properties: Props): Promise<void>;
  /** Everything the host wrote to stderr (where provider warnings go). */
  stderr(): string;
  /** Everything the host wrote to stdout, its port line included. */
  stdout(): string;
  /** Milliseconds from spawning the host to its port being printed. */
  readonly startupMs: number;
  /** The host process (for measurements). */
  readonly process: ChildProcess;
  close(): Promise<void>;
}

const URN = "urn:pulumi:test::chatkit-test::pulumi-nodejs:dynamic/chatkit:Session::session";

export async function startHost(options: HostOptions): Promise<HostClient> {
  const requireFrom = createRequire(path.join(options.pulumiFrom ?? __dirname, "noop.js"));
  const hostScript = requireFrom.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  const providerPb = requireFrom("@pulumi/pulumi/proto/provider_pb");
  const providerGrpc = requireFrom("@pulumi/pulumi/proto/provider_grpc_pb");
  const { Struct } = requireFrom("google-protobuf/google/protobuf/struct_pb");
  const grpcJs: typeof grpc = requireFrom("@grpc/grpc-js");

  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
    cwd: options.cwd,
    env: { ...process.env, PULUMI_NODEJS_PROJECT: "chatkit-test", PULUMI_NODEJS_STACK: "test", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", () => {
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) resolve(line.trim());
    });
    child.once("exit", (code) => reject(new Error(`provider host exited with ${code}: ${stderr}`)));
  });
  const startupMs = Date.now() - started;
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpcJs.credentials.createInsecure());

  const struct = (value: Props) => Struct.fromJavaScript(value);
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response)));
    });

  async function diffResponse(id: string, olds: Props, news: Props): Promise<DiffResponse> {
    const request = new providerPb.DiffRequest();
    request.setId(id);
    request.setUrn(URN);
    request.setOlds(struct(olds));
    request.setNews(struct(news));
    const response: any = await call("diff", request);
    const kinds = providerPb.DiffResponse.DiffChanges;
    const changes =
      response.getChanges() === kinds.DIFF_SOME
        ? "some"
        : response.getChanges() === kinds.DIFF_NONE
          ? "none"
          : "unknown";
    return {
      changes,
      replaces: response.getReplacesList(),
      diffs: response.getDiffsList(),
      hasDetailedDiff: response.getHasdetaileddiff(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  return {
    startupMs,
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    async configure(config) {
      const request = new providerPb.ConfigureRequest();
      request.setArgs(struct(config));
      const variables = request.getVariablesMap();
      for (const [key, value] of Object.entries(config)) variables.set(key, value);
      await call("configure", request);
    },
    async check(olds, news) {
      const request = new providerPb.CheckRequest();
      request.setUrn(URN);
      request.setOlds(struct(olds));
      request.setNews(struct(news));
      const response: any = await call("check", request);
      return {
        inputs: response.getInputs()?.toJavaScript() ?? {},
        failures: response.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, olds, news) {
      const { changes, replaces } = await diffResponse(id, olds, news);
      return { changes, replaces };
    },
    diffResponse,
    async create(properties) {
      const request = new providerPb.CreateRequest();
      request.setUrn(URN);
      request.setProperties(struct(properties));
      const response: any = await call("create", request);
      return { id: response.getId(), properties: response.getProperties().toJavaScript() };
    },
    async read(id, properties, inputs) {
      const request = new providerPb.ReadRequest();
      request.setId(id);
      request.setUrn(URN);
      request.setProperties(struct(properties));
      if (inputs) request.setInputs(struct(inputs));
      const response: any = await call("read", request);
      return { id: response.getId(), properties: response.getProperties()?.toJavaScript() ?? {} };
    },
    async update(id, olds, news) {
      const request = new providerPb.UpdateRequest();
      request.setId(id);
      request.setUrn(URN);
      request.setOlds(struct(olds));
      request.setNews(struct(news));
      const response: any = await call("update", request);
      return { properties: response.getProperties().toJavaScript() };
    },
    async delete(id, properties) {
      const request = new providerPb.DeleteRequest();
      request.setId(id);
      request.setUrn(URN);
      request.setProperties(struct(properties));
      await call("delete", request);
    },
    async close() {
      client.close();
      child.kill();
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    },
  };
}

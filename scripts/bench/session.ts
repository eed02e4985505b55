/** The session every phase creates: as a program declares it, and as the bare SDK sends it. */
export const API_KEY = "sk-bench-0000000000";

export const INPUTS = {
  user: "bench-user",
  workflow: { id: "wf_bench", version: "3", stateVariables: { plan: "pro", seats: 12, beta: true } },
  chatkitConfiguration: { fileUpload: { enabled: true, maxFiles: 5 }, history: { recentThreads: 10 } },
  expiresAfter: 600,
};

export const BODY = {
  user: "bench-user",
  workflow: { id: "wf_bench", version: "3", state_variables: { plan: "pro", seats: 12, beta: true } },
  chatkit_configuration: { file_upload: { enabled: true, max_files: 5 }, history: { recent_threads: 10 } },
  expires_after: { anchor: "created_at" as const, seconds: 600 },
};

/** The emulator's URL and the key, as the provider and a program read them from the environment. */
export const apiEnv = (url: string) => ({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: url });

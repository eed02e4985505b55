/** pulumi-chatkit: declare OpenAI ChatKit sessions in Pulumi programs. */
export { ChatKitSessionProvider, ForwardingProvider } from "../provider/chatkitSessionProvider";
export type { ApiEndpoint } from "../provider/endpoint";
export { ChatKitSession, type ChatKitSessionArgs } from "./chatkitSession";

/** pulumi-chatkit: declare OpenAI ChatKit sessions in Pulumi programs. */
export { ChatKitSessionProvider } from "../provider/chatkitSessionProvider";
export { ChatKitSession, type ChatKitSessionArgs } from "./chatkitSession";

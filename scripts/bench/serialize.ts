import { SERIALIZED_PROVIDER } from "../../provider/chatkitSessionProvider";
import { type Figure, figure } from "./figures";

/** The size of what every session records, as tests/sdk checks the resource class writes it. */
export function serialize(): Figure[] {
  return [
    figure("serialized __provider", "bytes", [Buffer.byteLength(SERIALIZED_PROVIDER)], ["≤ 1024", (m) => m <= 1024]),
  ];
}

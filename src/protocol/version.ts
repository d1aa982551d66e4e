/** Version of the host ↔ worker message protocol; bump on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/**
 * The version of upkit's backend protocol (docs/protocol.md) this client speaks; sent as
 * `protocol` in the body of every control call. A server answers a version it does not speak
 * with `400` and `protocol-too-old` or `protocol-too-new`, whose message says which side to
 * upgrade, instead of misreading the call.
 */
export const UPKIT_PROTOCOL = 1;

/**
 * The oldest protocol version `upkit/server` accepts. A call without `protocol` comes from a
 * client older than the field (upkit 0.1), which spoke version 1.
 */
export const UPKIT_MIN_PROTOCOL = 1;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// The <c>auth</c> member of a signed MQTT request: the operator key's configured name, the signing time (Unix
/// seconds) and the ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r‖s, 64 bytes), base64, over
/// <see cref="SignedCommandCanonical"/>. docs/telemetry.md ("Signed commands") is the contract.
/// </summary>
internal sealed record CommandSignature(string Operator, long Timestamp, string Signature);

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// An operator's ECDSA P-256 key pair, signing command requests the way docs/telemetry.md ("Signed commands") says a
/// dashboard would with WebCrypto: the canonical JSON array is written here by hand, independently of the gateway's
/// encoder, so that a drift between the documented format and the code fails a test.
/// </summary>
internal sealed class OperatorKey(string name) : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string Name { get; } = name;

    /// <summary>The public key as PEM SubjectPublicKeyInfo, as the gateway's configuration takes it.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key as PKCS#8 PEM, as an operator loads it into the dashboard.</summary>
    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem();

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>
    /// The request payload. <paramref name="canonicalArgs"/> is the args object as the canonical form has it (sorted
    /// keys, no spaces); <paramref name="sentArgs"/> is what is put on the wire (any order or spacing; default: the same).
    /// </summary>
    public string Payload(string command, string requestId, string canonicalArgs, long timestamp, string? sentArgs = null,
        string site = "site-t", string gateway = "gw-t", string? claimedName = null)
    {
        var canonical = string.Create(CultureInfo.InvariantCulture,
            $"""["imaging-edge-command-v1","{site}","{gateway}","{command}","{requestId}",{timestamp},"{claimedName ?? Name}",{canonicalArgs}]""");
        var signature = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(canonical), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        return string.Create(CultureInfo.InvariantCulture,
            $$$"""{"requestId": "{{{requestId}}}", "args": {{{sentArgs ?? canonicalArgs}}}, "auth": {"operator": "{{{claimedName ?? Name}}}", "timestamp": {{{timestamp}}}, "signature": "{{{signature}}}"}}""");
    }

    public void Dispose() => _key.Dispose();
}

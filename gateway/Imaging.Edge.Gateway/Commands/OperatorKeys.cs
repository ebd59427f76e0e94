using System.Security.Cryptography;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Commands;

/// <summary>
/// The operators' public keys from <c>Mqtt:Commands:Operators</c>, by name. Only ECDSA P-256 public keys in PEM
/// SubjectPublicKeyInfo form are taken: a private key put there by mistake is refused, not used.
/// </summary>
internal sealed class OperatorKeys
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private readonly Dictionary<string, byte[]> _keys;

    private OperatorKeys(Dictionary<string, byte[]> keys) => _keys = keys;

    /// <summary>Reads every key; <see cref="ConfigurationException"/> listing each one that cannot be used.</summary>
    public static OperatorKeys Load(IReadOnlyList<OperatorKeyOptions> operators)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < operators.Count; i++)
        {
            try
            {
                keys[operators[i].Name] = Read(operators[i]);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                problems.Add($"Mqtt:Commands:Operators:{i}: {e.Message}");
            }
        }
        return problems.Count > 0 ? throw new ConfigurationException(problems) : new OperatorKeys(keys);
    }

    /// <summary>The key's SubjectPublicKeyInfo bytes, or null for a name not configured.</summary>
    public byte[]? Find(string name) => _keys.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="signature"/> (P1363 r‖s) is the key's ECDSA/SHA-256 signature of <paramref name="data"/>. Does not throw.</summary>
    public static bool Verify(byte[] subjectPublicKeyInfo, byte[] data, byte[] signature)
    {
        // A new key object per call: verification is rare and ECDsa instances are not documented as thread-safe.
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return signature.Length == 64 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static byte[] Read(OperatorKeyOptions options)
    {
        var pem = !string.IsNullOrWhiteSpace(options.PublicKey) ? options.PublicKey : File.ReadAllText(options.PublicKeyFile!);
        if (!PemEncoding.TryFind(pem, out var fields))
            throw new InvalidDataException("no PEM block found; expected -----BEGIN PUBLIC KEY-----");
        var label = pem[fields.Label];
        if (label != "PUBLIC KEY")
            throw new InvalidDataException($"a '{label}' PEM block; expected a PUBLIC KEY (never give the gateway a private key)");
        var bytes = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(bytes, out var read);
            var curve = key.ExportParameters(includePrivateParameters: false).Curve;
            if (read == bytes.Length && key.KeySize == 256 && curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256"))
                return bytes;
        }
        catch (CryptographicException)
        {
            // An RSA or otherwise foreign key: said below.
        }
        throw new InvalidDataException("not an ECDSA P-256 (prime256v1) public key");
    }
}

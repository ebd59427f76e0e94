using System.Security.Cryptography;
using System.Text;

namespace Imaging.Edge.Gateway.Privacy;

/// <summary>
/// Names a study (or a patient) outside the box without revealing it: HMAC-SHA256 of the identifier under the
/// site secret, truncated to 128 bits and written as hex. Stable for a site, unlinkable across sites.
/// </summary>
internal sealed class Pseudonymizer(byte[] siteSecret)
{
    private const int KeyBytes = 16;

    public string Study(string studyInstanceUid) => Key("study\n" + studyInstanceUid);

    /// <summary>Null for an absent or empty patient ID.</summary>
    public string? Patient(string? patientId) => string.IsNullOrEmpty(patientId) ? null : Key("patient\n" + patientId);

    /// <summary>
    /// Keyed hash of an Issuer of Patient ID (0010,0021), in its own domain (so it never equals a patient's or a study's
    /// key). Null for an absent or empty issuer.
    /// </summary>
    public string? Issuer(string? issuerOfPatientId) => string.IsNullOrEmpty(issuerOfPatientId) ? null : Key("issuer\n" + issuerOfPatientId);

    private string Key(string value)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(siteSecret, Encoding.UTF8.GetBytes(value), mac);
        return Convert.ToHexStringLower(mac[..KeyBytes]);
    }
}

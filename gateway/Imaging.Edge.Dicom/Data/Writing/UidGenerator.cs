using System.Numerics;
using System.Security.Cryptography;

namespace Imaging.Edge.Dicom.Data.Writing;

/// <summary>
/// Fresh UIDs (PS3.5 §9): <c>{root}.{n}</c> with n the decimal form of a random 96-bit number when an
/// organisation root is configured, otherwise <c>2.25.{n}</c> with n a random (version 4) UUID as a 128-bit
/// integer (PS3.5 §B.2). Either way a UID is at most 64 characters, digits and dots, and no component has a
/// leading zero. Thread-safe.
/// </summary>
public sealed class UidGenerator
{
    /// <summary>The root of UUID-derived UIDs (PS3.5 §B.2).</summary>
    public const string UuidRoot = "2.25";

    /// <summary>Decimal digits of the largest 96-bit number (2⁹⁶ − 1 = 79228162514264337593543950335).</summary>
    private const int RandomDigits = 29;

    /// <summary>The longest organisation root that leaves room for the random component.</summary>
    public const int MaxRootLength = 64 - 1 - RandomDigits;

    private readonly string? _root;

    /// <param name="organisationRoot">The organisation's registered root (null or empty: UUID-derived UIDs).</param>
    /// <exception cref="ArgumentException">The root is not a valid UID or longer than <see cref="MaxRootLength"/>.</exception>
    public UidGenerator(string? organisationRoot)
    {
        if (string.IsNullOrEmpty(organisationRoot))
            return;
        if (!IsValid(organisationRoot) || organisationRoot.Length > MaxRootLength)
            throw new ArgumentException(
                $"The UID root must be a valid UID of at most {MaxRootLength} characters (digits and dots, no leading zeros)",
                nameof(organisationRoot));
        _root = organisationRoot;
    }

    /// <summary>The root the UIDs start with: the organisation's, or <see cref="UuidRoot"/>.</summary>
    public string Root => _root ?? UuidRoot;

    /// <summary>A UID never issued before (with overwhelming probability: 96 or 122 random bits).</summary>
    public string Next()
    {
        if (_root is null)
        {
            byte[] uuid = Guid.NewGuid().ToByteArray(bigEndian: true);
            return $"{UuidRoot}.{new BigInteger(uuid, isUnsigned: true, isBigEndian: true)}";
        }

        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        return $"{_root}.{new BigInteger(random, isUnsigned: true)}";
    }

    /// <summary>
    /// The same UID for the same name, every time: <c>2.25.{n}</c> with n a name-based (version 5, SHA-1) UUID of
    /// <paramref name="name"/> (PS3.5 §B.2 allows any RFC 4122 UUID). For things that must keep one identity across
    /// restarts without storing it, such as a serial device as an observer.
    /// </summary>
    public static string NameBased(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] hash = SHA1.HashData([.. NameSpace, .. System.Text.Encoding.UTF8.GetBytes(name)]);
        byte[] uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50); // version 5
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC 4122 variant
        return $"{UuidRoot}.{new BigInteger(uuid, isUnsigned: true, isBigEndian: true)}";
    }

    /// <summary>The name space of <see cref="NameBased"/>: a random UUID fixed for this product.</summary>
    private static readonly byte[] NameSpace = Guid.Parse("5b0f4d0e-8a54-4c52-9f0e-6a3f0c1d2e71").ToByteArray(bigEndian: true);

    /// <summary>True for a valid UID: 1–64 characters, components of digits separated by single dots, no leading zero.</summary>
    public static bool IsValid(string? uid)
    {
        if (string.IsNullOrEmpty(uid) || uid.Length > 64)
            return false;
        foreach (string component in uid.Split('.'))
        {
            if (component.Length == 0 || !component.All(char.IsAsciiDigit))
                return false;
            if (component.Length > 1 && component[0] == '0')
                return false;
        }

        return true;
    }
}

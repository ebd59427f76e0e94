using System.Text;
using System.Text.Json;
using Imaging.Edge.Gateway.Commands;
using Imaging.Edge.Gateway.Configuration;

namespace Imaging.Edge.Gateway.Tests.Commands;

/// <summary>
/// Known answers for signed commands: the worked example of docs/telemetry.md ("Signed commands"), with a fixed key
/// pair made for it, signed once with openssl (DER converted to r‖s) and once with WebCrypto (Node's
/// <c>crypto.subtle.sign</c>, P1363 as browsers produce it). ECDSA signatures are randomised: a known answer is a
/// fixed signature that verifies, and must stop verifying when any signed field changes.
/// </summary>
public sealed class SignedCommandCanonicalTests
{
    /// <summary>The example operator key "alice" of docs/telemetry.md. Its private key exists only in that example's history.</summary>
    internal const string AlicePublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqwsOJu0Md6CvazCc6RSALkeE25RO
        1XVpW7R6mRn1TIVK55EiC4OHIiKasYpQAJihNG6y40FlcMaqKvVWpLwIVg==
        -----END PUBLIC KEY-----
        """;

    internal const string ExampleCanonical =
        """["imaging-edge-command-v1","hk-central","ct-room-2","erase-patient","7f3c9a10e2b54d6f",1767225600,"alice",{"cloud":true,"patientId":"PAT-4711"}]""";

    internal const string OpensslSignature = "imO750jMC1RAKoRIK22Phc00U2HHnq60zKRNOgcOu5XHz42EuN53B0w4RZRd93fFGCgKyr5jHCGKZpFRM+k7iA==";
    internal const string WebCryptoSignature = "15DRClgzKcVH4eeG3RcYRMlHX/ncHPpIZGA3b3tQ4bdA5qw3um5S6e8e1pey2MTo7H8PKo7Ks60p3XJh6VI8wA==";

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static byte[] Example(string site = "hk-central", string gateway = "ct-room-2", string command = "erase-patient", string requestId = "7f3c9a10e2b54d6f",
        long timestamp = 1767225600, string operatorName = "alice", string args = """{ "patientId": "PAT-4711", "cloud": true }""") =>
        SignedCommandCanonical.Encode(site, gateway, command, requestId, timestamp, operatorName, Json(args));

    private static byte[] Alice => OperatorKeys.Load([new OperatorKeyOptions { Name = "alice", PublicKey = AlicePublicKey }]).Find("alice")!;

    [Fact]
    public void The_documented_example_encodes_to_the_documented_bytes_whatever_the_order_and_spacing_of_the_args()
    {
        Assert.Equal(ExampleCanonical, Encoding.UTF8.GetString(Example()));
        Assert.Equal(ExampleCanonical, Encoding.UTF8.GetString(Example(args: """{"cloud":true,"patientId":"PAT-4711"}""")));
    }

    [Theory]
    [InlineData(OpensslSignature)]
    [InlineData(WebCryptoSignature)]
    public void The_documented_signatures_verify_and_stop_verifying_when_any_signed_field_changes(string signature)
    {
        var bytes = Convert.FromBase64String(signature);

        Assert.True(OperatorKeys.Verify(Alice, Example(), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(site: "hk-east"), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(gateway: "ct-room-3"), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(command: "resend-study"), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(requestId: "7f3c9a10e2b54d6e"), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(timestamp: 1767225601), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(operatorName: "bob"), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(args: """{"cloud":false,"patientId":"PAT-4711"}"""), bytes));
        Assert.False(OperatorKeys.Verify(Alice, Example(args: """{"patientId":"PAT-4711"}"""), bytes));
        bytes[10] ^= 1;
        Assert.False(OperatorKeys.Verify(Alice, Example(), bytes));
    }

    /// <summary>The expected text is what Node's JSON.stringify wrote for the same array with sorted keys.</summary>
    [Fact]
    public void Strings_numbers_and_nested_values_are_written_as_JSON_stringify_writes_them_with_keys_in_UTF16_order()
    {
        var args = "{\"b\":\"a\\\"\\\\\\n\\u0001\\u00e9\\u2028\\ud83d\\ude00\\u007f\",\"a\":[1,-0,null,false],\"B\":{\"z\":1,\"y\":2},\"\\u00e9\":1,\"\\ud83d\\ude00\":2,\"\\uff5e\":3}";

        var text = Encoding.UTF8.GetString(SignedCommandCanonical.Encode("site-k", "gw-k", "x", "r", 5, "alice", Json(args)));

        Assert.Equal("[\"imaging-edge-command-v1\",\"site-k\",\"gw-k\",\"x\",\"r\",5,\"alice\","
            + "{\"B\":{\"y\":2,\"z\":1},\"a\":[1,0,null,false],\"b\":\"a\\\"\\\\\\n\\u0001\u00e9\u2028\ud83d\ude00\u007f\",\"\u00e9\":1,\"\ud83d\ude00\":2,\"\uff5e\":3}]", text);
    }

    [Theory]
    [InlineData("""{"n": 1.5}""")]
    [InlineData("""{"n": 1e3}""")]
    [InlineData("""{"n": 9007199254740992}""")]
    [InlineData("""{"a": 1, "a": 2}""")]
    [InlineData("""{"a": [[[[[[[[[[1]]]]]]]]]]}""")]
    public void Arguments_that_have_no_single_canonical_text_are_refused(string args) =>
        Assert.Throws<FormatException>(() => SignedCommandCanonical.Encode("s", "g", "c", "r", 1, "o", Json(args)));

    [Fact]
    public void Only_P256_public_keys_in_SubjectPublicKeyInfo_PEM_are_taken()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        using var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        OperatorKeyOptions Inline(string pem) => new() { Name = "k", PublicKey = pem };

        var problems = Assert.Throws<ConfigurationException>(() => OperatorKeys.Load(
            [Inline(rsa.ExportSubjectPublicKeyInfoPem()), Inline(p384.ExportSubjectPublicKeyInfoPem()), Inline(p256.ExportECPrivateKeyPem()), Inline("not a key")])).Problems;

        Assert.Equal(4, problems.Count);
        Assert.All(problems.Take(2), p => Assert.Contains("P-256", p, StringComparison.Ordinal));
        Assert.Contains("never give the gateway a private key", problems[2], StringComparison.Ordinal);
        Assert.Contains("no PEM block", problems[3], StringComparison.Ordinal);
        Assert.NotNull(OperatorKeys.Load([Inline(p256.ExportSubjectPublicKeyInfoPem())]).Find("k"));
    }
}

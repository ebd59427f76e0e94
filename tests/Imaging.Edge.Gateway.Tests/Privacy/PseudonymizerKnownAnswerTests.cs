using System.Text;
using Imaging.Edge.Gateway.Privacy;

namespace Imaging.Edge.Gateway.Tests.Privacy;

/// <summary>
/// Pseudonyms are an external contract: ops tools, the cloud side and an erasure request made elsewhere recompute
/// them. Known answers, computed independently (Python's hmac module, as the README shows), pin the construction:
/// lower-case hex of the first 16 bytes of HMAC-SHA256(key = the site secret's bytes, message = UTF-8 of
/// "{domain}\n{identifier}"), with the domains "study", "patient" and "issuer".
/// </summary>
public sealed class PseudonymizerKnownAnswerTests
{
    private static readonly Pseudonymizer Known = new(Encoding.ASCII.GetBytes("imaging-edge known-answer secret"));

    [Theory]
    [InlineData("1.2.826.0.1.3680043.99.1", "d831d6879e0bc99113ed5e68b29a7db4")]
    [InlineData("1.2.3", "033595c43cb6c51e2fddea1bc947c116")]
    public void Study_pseudonyms_match_the_published_construction(string studyUid, string expected) =>
        Assert.Equal(expected, Known.Study(studyUid));

    [Theory]
    [InlineData("PAT-0001", "0b278de55ccd50b2285f9b70e16c1fbc")]
    [InlineData("Müller", "253cc43f55a11ef87b2bc93fc4ebf656")] // UTF-8, not Latin-1
    public void Patient_keys_match_the_published_construction(string patientId, string expected) =>
        Assert.Equal(expected, Known.Patient(patientId));

    [Fact]
    public void Issuer_keys_match_the_published_construction() =>
        Assert.Equal("1c4d26290b3d808ca3a83cd14ef3d7d0", Known.Issuer("HOSPITAL-A"));

    [Fact]
    public void The_domains_keep_a_study_and_a_patient_with_the_same_text_apart() =>
        Assert.NotEqual(Known.Study("PAT-0001"), Known.Patient("PAT-0001"));
}

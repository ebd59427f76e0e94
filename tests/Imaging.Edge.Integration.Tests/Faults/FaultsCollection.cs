namespace Imaging.Edge.Integration.Tests.Faults;

/// <summary>The fault tests run one after the other: each runs a gateway, s3rver and a proxy, and the bandwidth test measures time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "Upload faults";
}

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// Tests that measure the whole process (allocated bytes) or time a timeout run alone, after the parallel ones,
/// so that other tests' work does not blur their measurements.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAloneCollection
{
    public const string Name = "Run alone";
}

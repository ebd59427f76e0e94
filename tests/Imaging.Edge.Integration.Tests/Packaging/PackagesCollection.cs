namespace Imaging.Edge.Integration.Tests.Packaging;

/// <summary>
/// The tests of the .deb packages share one build (<see cref="BuiltPackages"/>) and run one after the other: each
/// installs into its own throwaway root, and the build is the slow part.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagesCollection : ICollectionFixture<BuiltPackages>
{
    public const string Name = "Debian packages";
}

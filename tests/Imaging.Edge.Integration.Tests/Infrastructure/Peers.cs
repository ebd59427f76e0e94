namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>Paths of peers whose name alone is ambiguous on these machines.</summary>
internal static class Peers
{
    /// <summary>Debian's python3, which has python3-pydicom; a python3 earlier on PATH (pyenv) may not.</summary>
    public const string Python = "/usr/bin/python3";
}

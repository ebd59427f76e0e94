using System.Globalization;
using Imaging.Edge.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Imaging.Edge.Integration.Tests.Fuzz;

/// <summary>
/// The CI slice of the fuzzing (tests/fuzz/README.md): each target replays its committed corpus
/// (tests/fuzz/corpus/TARGET/) and then runs the built-in mutational runner for <see cref="Seconds"/> seconds, in its
/// own process (a stack overflow fails this test instead of the test host). A crash fails the test with the
/// exception, the seed and the saved input; replay it with <c>Imaging.Edge.Fuzz replay TARGET FILE</c> and turn it
/// into a regression test. Hours-long coverage-guided runs: tests/fuzz/run.sh.
/// </summary>
[Collection(RunAloneCollection.Name)]
public sealed class FuzzSliceTests(ITestOutputHelper output)
{
    private const int Seconds = 3;

    public static TheoryData<string> Targets() =>
        ["pdu", "negotiator", "dimse", "dataset", "part10", "config", "command", "devicelink", "deviceparser"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Corpus_and_a_bounded_mutation_pass_raise_nothing_unexpected(string target)
    {
        var root = RepositoryRoot();
        var fuzzer = Path.Combine(root, "tests", "Imaging.Edge.Fuzz", "bin", "Release", "net10.0", "Imaging.Edge.Fuzz.dll");
        Assert.True(File.Exists(fuzzer), $"{fuzzer} is missing: build the solution in Release first");
        using var crashes = new TemporaryDirectory();
        var seed = Random.Shared.Next().ToString(CultureInfo.InvariantCulture);

        var result = await ProcessRunner.RunAsync("dotnet",
            [fuzzer, "mutate", "--seconds", Seconds.ToString(CultureInfo.InvariantCulture), "--seed", seed,
             "--corpus", Path.Combine(root, "tests", "fuzz", "corpus"), "--crashes", crashes.Path, target],
            TimeSpan.FromSeconds(Seconds + 60));

        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, $"fuzz target {target} (seed {seed}) found a crash or failed:\n{result.Output}");
        Assert.Contains($"{target}: executions", result.Output, StringComparison.Ordinal);
        Assert.Contains("unique crashes 0", result.Output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Imaging.Edge.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("no Imaging.Edge.sln above the test binaries");
    }
}

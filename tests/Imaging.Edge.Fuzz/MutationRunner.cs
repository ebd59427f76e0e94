using System.Diagnostics;
using System.Security.Cryptography;

namespace Imaging.Edge.Fuzz;

/// <summary>
/// The built-in, coverage-free runner: replays every corpus entry, then mutates corpus entries for a bounded time.
/// A crash is any exception escaping the target; crashes are de-duplicated by exception type and top frames and
/// each unique one is saved (its input) under the crash folder. Used for the CI slice and where AFL++ is missing.
/// </summary>
internal sealed class MutationRunner(FuzzTarget target, IReadOnlyList<byte[]> corpus, string? crashFolder, TextWriter log)
{
    private const int MaxInputLength = 256 * 1024;

    public sealed record Result(string Target, long Executions, int Replayed, int UniqueCrashes, TimeSpan Elapsed);

    private readonly Dictionary<string, byte[]> _crashes = new(StringComparer.Ordinal);

    public Result Run(TimeSpan budget, int seed)
    {
        var clock = Stopwatch.StartNew();
        long executions = 0;
        foreach (var input in corpus)
        {
            Execute(input);
            executions++;
        }
        var pool = corpus.Count > 0 ? corpus : [[]];
        var mutator = new Mutator(new Random(seed), MaxInputLength);
        var random = new Random(seed ^ 0x5EED);
        while (clock.Elapsed < budget)
        {
            for (int i = 0; i < 64; i++)
            {
                Execute(mutator.Mutate(pool[random.Next(pool.Count)], pool));
                executions++;
            }
        }
        return new Result(target.Name, executions, corpus.Count, _crashes.Count, clock.Elapsed);
    }

    private void Execute(byte[] input)
    {
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            string signature = SignatureOf(e);
            if (_crashes.TryAdd(signature, input))
            {
                log.WriteLine($"{target.Name}: CRASH {signature}");
                log.WriteLine(e.ToString());
                if (crashFolder is not null)
                {
                    Directory.CreateDirectory(crashFolder);
                    string name = Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant();
                    File.WriteAllBytes(Path.Combine(crashFolder, $"crash-{name}"), input);
                    log.WriteLine($"{target.Name}: input saved as {Path.Combine(crashFolder, $"crash-{name}")}");
                }
            }
        }
    }

    /// <summary>Exception type and the first three frames: the same bug reached by different inputs counts once.</summary>
    private static string SignatureOf(Exception e)
    {
        var frames = new StackTrace(e, fNeedFileInfo: false).GetFrames()
            .Select(f => f.GetMethod())
            .Where(m => m is not null)
            .Take(3)
            .Select(m => $"{m!.DeclaringType?.Name}.{m.Name}");
        return $"{e.GetType().Name} at {string.Join(" < ", frames)}";
    }
}

using System.Globalization;
using Imaging.Edge.Fuzz;
using Imaging.Edge.Fuzz.Targets;

// Usage (tests/fuzz/README.md):
//   Imaging.Edge.Fuzz list
//   Imaging.Edge.Fuzz seeds CORPUS_ROOT                      write the built-in seeds under CORPUS_ROOT/<target>/
//   Imaging.Edge.Fuzz import ROOT FILE...                    Part 10 files as seeds of part10 and dataset (under 64 KiB)
//   Imaging.Edge.Fuzz afl TARGET                             one AFL++ persistent-mode target (SharpFuzz)
//   Imaging.Edge.Fuzz libfuzzer TARGET                       one libFuzzer target (SharpFuzz)
//   Imaging.Edge.Fuzz replay TARGET FILE...                  run inputs once, print what escapes
//   Imaging.Edge.Fuzz mutate [--seconds N] [--corpus ROOT] [--crashes DIR] [--seed N] [TARGET...]
//                                                            built-in runner; exit 1 on any crash
FuzzTarget[] targets =
[
    new PduTarget(), new NegotiatorTarget(), new DimseCommandTarget(), new DataSetTarget(), new Part10Target(),
    new ConfigurationTarget(), new CommandTarget(), new DeviceLinkTarget(), new DeviceParserTarget(),
];

FuzzTarget Find(string name) =>
    targets.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no target '{name}' (known: {string.Join(", ", targets.Select(t => t.Name))})");

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Imaging.Edge.Fuzz list | seeds ROOT | afl TARGET | libfuzzer TARGET | replay TARGET FILE... | mutate [--seconds N] [--corpus ROOT] [--crashes DIR] [--seed N] [TARGET...]");
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var t in targets) Console.WriteLine(t.Name);
        return 0;

    case "seeds":
        foreach (var t in targets)
        {
            foreach (var seed in t.Seeds())
                Seeds.Write(args[1], t.Name, seed);
        }
        return 0;

    case "import":
        foreach (var file in args.Skip(2))
            Seeds.Import(args[1], file);
        return 0;

    case "afl":
    {
        var target = Find(args[1]);
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        });
        return 0;
    }

    case "libfuzzer":
    {
        var target = Find(args[1]);
        SharpFuzz.Fuzzer.LibFuzzer.Run(span => target.Run(span));
        return 0;
    }

    case "replay":
    {
        var target = Find(args[1]);
        int failed = 0;
        foreach (var file in args.Skip(2))
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"{file}: ok");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{file}: {e}");
            }
        }
        return failed == 0 ? 0 : 1;
    }

    case "mutate":
    {
        double seconds = 5;
        string? corpusRoot = null, crashes = null;
        int seed = Environment.TickCount;
        var names = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--corpus": corpusRoot = args[++i]; break;
                case "--crashes": crashes = args[++i]; break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: names.Add(args[i]); break;
            }
        }
        var chosen = names.Count == 0 ? targets : [.. names.Select(Find)];
        int crashed = 0;
        Console.WriteLine($"seed {seed}");
        foreach (var target in chosen)
        {
            var corpus = Corpus(target, corpusRoot);
            var result = new MutationRunner(target, corpus, crashes is null ? null : Path.Combine(crashes, target.Name), Console.Out)
                .Run(TimeSpan.FromSeconds(seconds), seed);
            crashed += result.UniqueCrashes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Target}: executions {result.Executions}, corpus {result.Replayed}, unique crashes {result.UniqueCrashes}, {result.Elapsed.TotalSeconds:F0} s"));
        }
        return crashed == 0 ? 0 : 1;
    }

    default:
        Console.Error.WriteLine($"unknown mode '{args[0]}'");
        return 2;
}

static List<byte[]> Corpus(FuzzTarget target, string? root)
{
    var corpus = target.Seeds().ToList();
    var folder = root is null ? null : Path.Combine(root, target.Name);
    if (folder is not null && Directory.Exists(folder))
        corpus.AddRange(Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
    // The committed corpus holds the built-in seeds too (make-corpus.sh): each input once.
    var seen = new HashSet<string>(StringComparer.Ordinal);
    return [.. corpus.Where(input => seen.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(input))))];
}

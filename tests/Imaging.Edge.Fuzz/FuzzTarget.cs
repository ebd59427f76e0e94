namespace Imaging.Edge.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input and catches exactly the exceptions its contract
/// names for bad input (the typed refusals the caller turns into an A-ABORT, a NAK, a "bad-arguments" answer ...).
/// Anything else escaping <see cref="Run"/> is a finding: AFL++ and libFuzzer see it as a crash, the built-in runner
/// files it under its exception type and top frame.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The name on the command line and the folder of its corpus under tests/fuzz/corpus/.</summary>
    public abstract string Name { get; }

    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>Built-in seeds (valid messages encoded by our own writers), added to the corpus files.</summary>
    public virtual IEnumerable<byte[]> Seeds() => [];
}

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>
/// dcmtk's storescp in bit-preserving mode (<c>+B</c>), accepting every transfer syntax (<c>+xa</c>), as the oracle of
/// what a peer really put on the wire. storescp cannot bind to 127.0.0.1 only, so it runs with its client in a private
/// network namespace (<c>unshare --net</c>, loopback only) and is stopped when the client is done.
/// </summary>
internal static class StorescpOracle
{
    private const int Port = 11112;

    // $1 = output folder, $2 = port, the rest = the client command line (with the port where the client needs it).
    private const string Script = """
        set -u
        out="$1"; port="$2"; shift 2
        ip link set lo up || exit 90
        storescp +B +xa +uf -od "$out" "$port" >"$out.storescp.log" 2>&1 &
        scp=$!
        up=0
        for i in $(seq 1 200); do
          if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
          sleep 0.02
        done
        if [ "$up" != 1 ]; then kill "$scp" 2>/dev/null; echo "storescp did not start" >&2; cat "$out.storescp.log" >&2; exit 91; fi
        "$@"
        rc=$?
        kill "$scp" 2>/dev/null
        wait "$scp" 2>/dev/null
        exit $rc
        """;

    /// <summary>
    /// Runs <paramref name="client"/> (a program and its arguments; the literal <c>{port}</c> is replaced by storescp's port)
    /// against storescp, which stores what it receives into <paramref name="outputDirectory"/>. Returns the client's result.
    /// </summary>
    public static Task<ProcessResult> RunClientAsync(string outputDirectory, IReadOnlyList<string> client, TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(outputDirectory);
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ProcessRunner.RunAsync("unshare",
            ["--net", "bash", "-c", Script, "storescp-oracle", outputDirectory, port, .. client.Select(a => a.Replace("{port}", port, StringComparison.Ordinal))],
            timeout ?? TimeSpan.FromSeconds(120));
    }

    /// <summary>The files storescp stored (not its log).</summary>
    public static IReadOnlyList<string> StoredFiles(string outputDirectory) =>
        Directory.EnumerateFiles(outputDirectory).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// What storescu -v said of each file: the store response ("Success", "Error: …"), or null when it never sent the file
    /// (it could not read it, or no presentation context fits).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> StorescuOutcomes(IEnumerable<string> files, string storescuVerboseOutput)
    {
        var outcomes = files.Distinct().ToDictionary(f => f, _ => (string?)null, StringComparer.Ordinal);
        string? current = null;
        foreach (var raw in storescuVerboseOutput.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("I: Sending file: ", StringComparison.Ordinal))
                current = line["I: Sending file: ".Length..];
            else if (current is not null && line.StartsWith("I: Received Store Response (", StringComparison.Ordinal))
            {
                outcomes[current] = line["I: Received Store Response (".Length..].TrimEnd(')');
                current = null;
            }
        }
        return outcomes;
    }
}

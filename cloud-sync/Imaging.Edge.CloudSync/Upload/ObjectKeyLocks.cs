namespace Imaging.Edge.CloudSync.Upload;

/// <summary>
/// Serialises, within this process, the writes of one key on one endpoint (a PUT, a multipart completion) with the
/// removal of a damaged object under that key (HEAD, then DELETE): without it a removal could see the damaged object,
/// a retry could put the verified bytes there, and the DELETE would remove them. Striped (keys that share a stripe
/// only wait for each other), held for one store call at a time, never nested, so it cannot deadlock.
/// </summary>
public sealed class ObjectKeyLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the key's stripe; dispose the result to release it.</summary>
    public async Task<IDisposable> EnterAsync(string endpoint, string key, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(endpoint + "\n" + key) % (uint)_stripes.Length];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(stripe);
    }

    private sealed class Held(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) stripe.Release();
        }
    }
}

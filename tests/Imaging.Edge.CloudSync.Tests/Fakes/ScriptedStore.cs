using System.Runtime.CompilerServices;
using Imaging.Edge.CloudSync.Stores;

namespace Imaging.Edge.CloudSync.Tests.Fakes;

/// <summary>
/// Passes every call to an inner store, counting them; hooks can make a numbered call fail (before it reaches the
/// inner store) or alter what the inner store answers.
/// </summary>
internal sealed class ScriptedStore(IObjectStore inner) : IObjectStore
{
    private int _puts, _heads, _starts, _parts, _lists, _completes;

    public string Name => inner.Name;
    public string Location => inner.Location;

    public int PutCalls => Volatile.Read(ref _puts);
    public int HeadCalls => Volatile.Read(ref _heads);
    public int StartCalls => Volatile.Read(ref _starts);
    public int UploadPartCalls => Volatile.Read(ref _parts);
    public int ListPartsCalls => Volatile.Read(ref _lists);
    public int CompleteCalls => Volatile.Read(ref _completes);

    /// <summary>Given the 1-based number of the call, an exception to throw instead of calling the inner store.</summary>
    public Func<int, Exception?> FailPut { get; init; } = _ => null;
    public Func<int, Exception?> FailUploadPart { get; init; } = _ => null;
    public Func<int, Exception?> FailHead { get; init; } = _ => null;
    public Func<PutResult, PutResult> AlterPut { get; init; } = r => r;
    public Func<ObjectInfo?, ObjectInfo?> AlterHead { get; init; } = i => i;

    /// <summary>Part numbers the inner store was asked to upload, in call order.</summary>
    public List<int> PartNumbersSent { get; } = [];

    public async Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (FailPut(Interlocked.Increment(ref _puts)) is { } failure) throw failure;
        return AlterPut(await inner.PutAsync(key, content, metadata, cancellationToken));
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        if (FailHead(Interlocked.Increment(ref _heads)) is { } failure) throw failure;
        return AlterHead(await inner.HeadAsync(key, cancellationToken));
    }

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _starts);
        return inner.StartMultipartAsync(key, metadata, cancellationToken);
    }

    public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken)
    {
        if (FailUploadPart(Interlocked.Increment(ref _parts)) is { } failure) throw failure;
        lock (PartNumbersSent) PartNumbersSent.Add(partNumber);
        return inner.UploadPartAsync(key, uploadId, partNumber, content, cancellationToken);
    }

    public Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lists);
        return inner.ListPartsAsync(key, uploadId, cancellationToken);
    }

    public Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _completes);
        return inner.CompleteMultipartAsync(key, uploadId, parts, cancellationToken);
    }

    public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken) => inner.AbortMultipartAsync(key, uploadId, cancellationToken);

    public IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        inner.ListMultipartUploadsAsync(prefix, cancellationToken);
}

/// <summary>Always fails the same way, for circuit tests; counts the calls that reached it.</summary>
internal sealed class FailingStore(Func<int, Exception?> failure) : IObjectStore
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);
    public string Name => "failing";
    public string Location => "nowhere";

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) =>
        failure(Interlocked.Increment(ref _calls)) is { } e ? Task.FromException<ObjectInfo?>(e) : Task.FromResult<ObjectInfo?>(null);

    public Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) => throw new NotSupportedException();
    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
}

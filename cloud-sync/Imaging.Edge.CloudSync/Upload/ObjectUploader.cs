using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Resilience;
using Imaging.Edge.CloudSync.Stores;
using Microsoft.Extensions.Logging;

namespace Imaging.Edge.CloudSync.Upload;

/// <summary>
/// Puts one file into an endpoint and verifies it, never over other bytes: a HEAD first finds what the key already
/// holds — the same SHA-256 (our metadata) is already uploaded and only verified; other bytes (another gateway's, an
/// earlier installation's) stay, and the file goes under the key with a content suffix instead (nothing is lost,
/// nothing needs a person, and the caller records the key used). Small files: one PUT with Content-MD5, then HEAD. Large files:
/// multipart with Content-MD5 per part and parts in parallel; progress is checkpointed after each part, and an
/// interrupted upload resumes from the store's own list of parts (an upload that vanished starts again). Every
/// store call goes through the endpoint's resilience pipeline. Safe to retry; at worst a part is sent twice. An object
/// it wrote that then fails verification, or a damaged copy of its file that it finds under the key, is reported to
/// <paramref name="damaged"/> (when given), which removes it unless a later write replaced it; every write of an object
/// holds the key's lock against such a removal.
/// </summary>
public sealed class ObjectUploader(UploadSettings settings, ILogger logger, IDamagedObjects? damaged = null)
{
    private const int HashBuffer = 256 * 1024;

    /// <summary>
    /// Uploads and verifies. Throws <see cref="ObjectStoreException"/> (permanent, or transient after the pipeline's
    /// retries), <see cref="Polly.CircuitBreaker.BrokenCircuitException"/> while the endpoint is unavailable, or
    /// <see cref="UploadVerificationException"/> when the store's copy does not match.
    /// </summary>
    public async Task<UploadResult> UploadAsync(EndpointResilience endpoint, UploadRequest request, IUploadCheckpoints checkpoints, Func<Stream, Stream>? wrap, CancellationToken cancellationToken)
    {
        var (key, existing) = await ChooseKeyAsync(endpoint, request, cancellationToken).ConfigureAwait(false);
        request = request with { Key = key };
        UploadResult result;
        if (existing is not null)
        {
            UploadLog.AlreadyStored(logger, endpoint.Store.Name);
            result = new UploadResult(key, endpoint.Store.Name, existing.ETag, request.Size, 0, 0);
        }
        else
        {
            result = request.Size > settings.MultipartThreshold
                ? await MultipartAsync(endpoint, request, checkpoints, wrap, cancellationToken).ConfigureAwait(false)
                : await SinglePutAsync(endpoint, request, wrap, cancellationToken).ConfigureAwait(false);
        }
        await VerifyAsync(endpoint, request, result, wrote: existing is null, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The key to write and, when it already holds this file, what is there. The request's key if it is free, empty,
    /// holds this file, holds a damaged copy of it, or holds an object <see cref="UploadRequest.MayReplace"/> allows; else the
    /// content-suffixed key under the same rules (the same bytes always get the same one, so a retry finds its copy).
    /// Both holding other bytes is a permanent failure ("KeyTaken"): nothing is overwritten, the local copy stays, a
    /// person looks. Between this HEAD and the write another writer could still take the key: keys that name the
    /// gateway (the default) are written by one gateway only, and its queue gives each key to one worker at a time.
    /// </summary>
    private async Task<(string Key, ObjectInfo? Existing)> ChooseKeyAsync(EndpointResilience endpoint, UploadRequest request, CancellationToken cancellationToken)
    {
        var alternative = Keys.ObjectKeyTemplate.WithContentSuffix(request.Key, request.Sha256);
        foreach (var key in new[] { request.Key, alternative })
        {
            var head = await endpoint.Pipeline.ExecuteAsync(
                async token => await endpoint.Store.HeadAsync(key, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (head is null) return (key, null);
            var found = await CompareAsync(head, request, cancellationToken).ConfigureAwait(false);
            switch (found)
            {
                case Existing.ThisFile:
                    return (key, head);
                case Existing.Empty:
                    UploadLog.ReplacingEmptyObject(logger, endpoint.Store.Name);
                    return (key, null);
                case Existing.DamagedCopy or Existing.Unverifiable:
                    // It claims this file's SHA-256 but holds (or may hold) other bytes: an attempt of ours damaged on
                    // the way (a store that does not check Content-MD5). Replacing it with the bytes it was meant to hold
                    // loses nothing. One certainly damaged is reported first: if the replacement does not happen here
                    // (this endpoint fails and the file is verified on the backup, or the process is killed), the
                    // cleaner still removes it. The long soak found one left in a primary that way.
                    UploadLog.ReplacingDamagedCopy(logger, endpoint.Store.Name);
                    if (found == Existing.DamagedCopy && head.ETag is { } damagedETag)
                        Damaged(endpoint, key, damagedETag, DamagedObjectRemoval.ShaClaim(head));
                    return (key, null);
                case Existing.Other when request.MayReplace?.Invoke(head) == true:
                    UploadLog.Replacing(logger, endpoint.Store.Name);
                    return (key, null);
                default:
                    UploadLog.KeyTaken(logger, endpoint.Store.Name);
                    break;
            }
        }
        throw new ObjectStoreException(ObjectStoreErrorKind.Permanent,
            "the object key and its content-suffixed alternative both hold other bytes; nothing was overwritten", "KeyTaken");
    }

    private enum Existing
    {
        ThisFile,
        Empty,

        /// <summary>Our SHA-256 claim over bytes that certainly are not ours: another size, or a plain ETag (their MD5) not ours.</summary>
        DamagedCopy,

        /// <summary>Our SHA-256 claim, but an ETag we cannot check: a multipart one that may only reflect another part size, or one of no known form.</summary>
        Unverifiable,
        Other,
    }

    /// <summary>
    /// What an object already under the key is. Empty: no bytes and no metadata. This file: our SHA-256 in its metadata, our size, and an ETag that is
    /// the MD5 of our bytes (plain, or of the part MD5s for a multipart ETag "…-N"); metadata alone is only a claim,
    /// sent in headers, that a damaged body does not change. A store without ETags (the file store, which checks
    /// Content-MD5 itself) is taken at its metadata. An object without our SHA-256 is not known to be ours.
    /// </summary>
    private async Task<Existing> CompareAsync(ObjectInfo head, UploadRequest request, CancellationToken cancellationToken)
    {
        // Zero bytes and no metadata at all holds nothing that replacing it could lose. A store whose PUT is not
        // atomic (s3rver writes the body before the metadata) leaves one where a PUT of ours was cut before its body.
        if (head.Size == 0 && head.Metadata.Count == 0) return Existing.Empty;
        if (!head.Metadata.TryGetValue(ObjectMetadata.Sha256, out var sha) || !sha.Equals(Convert.ToHexStringLower(request.Sha256), StringComparison.OrdinalIgnoreCase))
            return Existing.Other;
        if (head.Size != request.Size) return Existing.DamagedCopy;
        if (head.ETag is not { } etag) return Existing.ThisFile;
        string expected;
        if (IsMd5Hex(etag))
        {
            expected = Convert.ToHexStringLower((await HashAsync(request, 0, request.Size, cancellationToken, sha256: false).ConfigureAwait(false)).Md5);
        }
        else if (etag.Length > 33 && etag[32] == '-' && IsMd5Hex(etag[..32]))
        {
            expected = await MultipartETagAsync(request, settings.PartSizeFor(request.Size), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return Existing.Unverifiable; // an ETag of no known form: cannot tell, so send the bytes again
        }
        if (etag.Equals(expected, StringComparison.OrdinalIgnoreCase)) return Existing.ThisFile;
        return IsMd5Hex(etag) ? Existing.DamagedCopy : Existing.Unverifiable;
    }

    /// <summary>S3's ETag of a multipart object: the MD5 of the parts' MD5s, a dash, the number of parts.</summary>
    private static async Task<string> MultipartETagAsync(UploadRequest request, long partSize, CancellationToken cancellationToken)
    {
        using var digests = new MemoryStream();
        var parts = 0;
        for (long offset = 0; offset < request.Size; offset += partSize, parts++)
            digests.Write((await HashAsync(request, offset, Math.Min(partSize, request.Size - offset), cancellationToken, sha256: false).ConfigureAwait(false)).Md5);
        return Convert.ToHexStringLower(MD5.HashData(digests.ToArray())) + "-" + parts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<UploadResult> SinglePutAsync(EndpointResilience endpoint, UploadRequest request, Func<Stream, Stream>? wrap, CancellationToken cancellationToken)
    {
        // The file's SHA-256 is known (the request's, from intake): only Content-MD5 needs a pass over the bytes.
        var (md5, _) = await HashAsync(request, 0, request.Size, cancellationToken, sha256: false).ConfigureAwait(false);
        var content = request.Range(0, request.Size, md5, wrap, request.Sha256);
        var put = await endpoint.Pipeline.ExecuteAsync(async token =>
        {
            PutResult result;
            using (await WritingAsync(endpoint, request.Key, token).ConfigureAwait(false))
                result = await endpoint.Store.PutAsync(request.Key, content, request.Metadata, token).ConfigureAwait(false);
            // The store keeps what arrived under the key: if the pipeline's next attempts cannot replace it (the store
            // goes away) and the instance is verified elsewhere, it must not stay there.
            EnsureStoredAsSent(result.ETag, md5, etag => Damaged(endpoint, request.Key, etag, sha256: null));
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return new UploadResult(request.Key, endpoint.Store.Name, put.ETag, request.Size, 1, 0);
    }

    /// <summary>
    /// A plain PUT's or a part's ETag is its MD5 on S3 and COS. One that is an MD5 of other bytes means the bytes were
    /// damaged on the way (and the store did not check Content-MD5): a transient failure, so the pipeline sends again.
    /// <paramref name="stored"/> hears of the damaged object first (a part is not one: it is sent again or aborted).
    /// </summary>
    private static void EnsureStoredAsSent(string? etag, byte[] md5, Action<string>? stored = null)
    {
        if (etag is not null && IsMd5Hex(etag) && !etag.Equals(Convert.ToHexStringLower(md5), StringComparison.OrdinalIgnoreCase))
        {
            stored?.Invoke(etag);
            throw new ObjectStoreException(ObjectStoreErrorKind.Transient, $"the store's ETag {etag} is not the MD5 of what was sent", "BadDigest");
        }
    }

    /// <summary>The key's write lock (<see cref="ObjectKeyLocks"/>), or null without a <see cref="IDamagedObjects"/>.</summary>
    private async Task<IDisposable?> WritingAsync(EndpointResilience endpoint, string key, CancellationToken cancellationToken) =>
        damaged is null ? null : await damaged.Locks.EnterAsync(endpoint.Store.Name, key, cancellationToken).ConfigureAwait(false);

    private void Damaged(EndpointResilience endpoint, string key, string etag, string? sha256) =>
        damaged?.Record(new DamagedObject(endpoint.Store.Name, key, etag, sha256));

    private async Task<UploadResult> MultipartAsync(EndpointResilience endpoint, UploadRequest request, IUploadCheckpoints checkpoints, Func<Stream, Stream>? wrap, CancellationToken cancellationToken)
    {
        var store = endpoint.Store;
        var partSize = settings.PartSizeFor(request.Size);
        var partCount = (int)((request.Size + partSize - 1) / partSize);
        var checkpoint = MultipartCheckpoint.TryParse(request.Checkpoint);
        var done = new Dictionary<int, UploadedPart>();
        if (checkpoint is not null && checkpoint.Endpoint == store.Name && checkpoint.Key == request.Key && checkpoint.PartSize == partSize)
        {
            try
            {
                // The store's list is the truth: a part the checkpoint missed (killed after sending) is reused too.
                var listed = await endpoint.Pipeline.ExecuteAsync(
                    async token => await store.ListPartsAsync(request.Key, checkpoint.UploadId, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                foreach (var part in listed.Where(p => p.PartNumber >= 1 && p.PartNumber <= partCount && p.Size == PartLength(p.PartNumber, partSize, request.Size)))
                    done[part.PartNumber] = part;
                UploadLog.Resumed(logger, store.Name, done.Count, partCount);
            }
            catch (ObjectStoreException e) when (e.Kind == ObjectStoreErrorKind.NoSuchUpload)
            {
                UploadLog.RestartingMultipart(logger, store.Name);
                checkpoint = null;
                done.Clear();
            }
            catch (ObjectStoreException e)
            {
                // A store that cannot list parts (s3rver answers 405) or is flaky right now: trust our own record of
                // the parts. Completion and the verification after it catch a part the store does not really hold.
                foreach (var part in checkpoint.Parts.Where(p => p.Number >= 1 && p.Number <= partCount && p.Size == PartLength(p.Number, partSize, request.Size)))
                    done[part.Number] = new UploadedPart(part.Number, part.ETag, part.Size);
                UploadLog.ResumedFromCheckpoint(logger, store.Name, done.Count, partCount, e.Code ?? e.Kind.ToString());
            }
        }
        else
        {
            checkpoint = null;
        }

        if (checkpoint is null)
        {
            var uploadId = await endpoint.Pipeline.ExecuteAsync(
                async token => await store.StartMultipartAsync(request.Key, request.Metadata, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            checkpoint = new MultipartCheckpoint(store.Name, request.Key, uploadId, partSize, []);
        }
        checkpoint = checkpoint with { Parts = done.Values.Select(p => new CheckpointPart(p.PartNumber, p.ETag, p.Size)).ToList() };
        await checkpoints.SaveAsync(checkpoint.Serialize(), cancellationToken).ConfigureAwait(false);

        var reused = done.Count;
        var gate = new SemaphoreSlim(settings.PartConcurrency);
        var saveLock = new SemaphoreSlim(1);
        var missing = Enumerable.Range(1, partCount).Where(n => !done.ContainsKey(n)).ToList();
        var uploads = missing.Select(async number =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var offset = (number - 1) * partSize;
                var length = PartLength(number, partSize, request.Size);
                var (md5, sha256) = await HashAsync(request, offset, length, cancellationToken).ConfigureAwait(false);
                var content = request.Range(offset, length, md5, wrap, sha256);
                var part = await endpoint.Pipeline.ExecuteAsync(async token =>
                {
                    var uploaded = await store.UploadPartAsync(request.Key, checkpoint.UploadId, number, content, token).ConfigureAwait(false);
                    EnsureStoredAsSent(uploaded.ETag, md5);
                    return uploaded;
                }, cancellationToken).ConfigureAwait(false);
                await saveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    done[number] = part;
                    checkpoint.Parts.Add(new CheckpointPart(number, part.ETag, part.Size));
                    await checkpoints.SaveAsync(checkpoint.Serialize(), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    saveLock.Release();
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(uploads).ConfigureAwait(false);

        var parts = done.Values.OrderBy(p => p.PartNumber).ToList();
        PutResult completed;
        try
        {
            completed = await endpoint.Pipeline.ExecuteAsync(async token =>
            {
                using (await WritingAsync(endpoint, request.Key, token).ConfigureAwait(false))
                    return await store.CompleteMultipartAsync(request.Key, checkpoint.UploadId, parts, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.Kind == ObjectStoreErrorKind.NoSuchUpload)
        {
            // A retried completion whose first answer was lost: the upload is gone because it completed. The
            // verification below decides whether the object is really ours.
            completed = new PutResult(null);
        }
        await checkpoints.SaveAsync(null, cancellationToken).ConfigureAwait(false);
        return new UploadResult(request.Key, store.Name, completed.ETag, request.Size, missing.Count, reused);
    }

    /// <summary>
    /// Only a verified copy counts: HEAD must show the object with our size (and our SHA-256 where the store keeps
    /// metadata). When it does not, and what the HEAD shows is the object this call <paramref name="wrote"/> (the ETag
    /// its write answered), that object is reported damaged; anything else under the key is not ours to remove.
    /// </summary>
    private async Task VerifyAsync(EndpointResilience endpoint, UploadRequest request, UploadResult result, bool wrote, CancellationToken cancellationToken)
    {
        var head = await endpoint.Pipeline.ExecuteAsync(
            async token => await endpoint.Store.HeadAsync(request.Key, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
            ?? throw new UploadVerificationException("the object is not in the store after upload");
        string? failure = null;
        if (head.Size != request.Size)
            failure = $"the store holds {head.Size} bytes, {request.Size} were sent";
        else if (head.Metadata.TryGetValue(ObjectMetadata.Sha256, out var sha) && !sha.Equals(Convert.ToHexStringLower(request.Sha256), StringComparison.OrdinalIgnoreCase))
            failure = "the store's SHA-256 metadata is not the file's";
        if (failure is null) return;
        if (wrote && head.ETag is { } etag && result.ETag is { } written && etag.Equals(written, StringComparison.OrdinalIgnoreCase))
            Damaged(endpoint, request.Key, etag, DamagedObjectRemoval.ShaClaim(head));
        throw new UploadVerificationException(failure);
    }

    private static long PartLength(int number, long partSize, long size) => Math.Min(partSize, size - (number - 1) * partSize);

    private static bool IsMd5Hex(string etag) => etag.Length == 32 && etag.All(char.IsAsciiHexDigit);

    /// <summary>
    /// MD5 (for Content-MD5) and SHA-256 (for the signer) of a byte range, in one read; without <paramref name="sha256"/>
    /// the MD5 only (the SHA-256 it returns is then empty).
    /// </summary>
    private static async Task<(byte[] Md5, byte[] Sha256)> HashAsync(UploadRequest request, long offset, long length, CancellationToken cancellationToken, bool sha256 = true)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha = sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        await using var content = request.Range(offset, length, []).Open();
        var buffer = new byte[Math.Min(HashBuffer, Math.Max(1, length))];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha?.AppendData(buffer, 0, read);
        }
        return (md5.GetHashAndReset(), sha?.GetHashAndReset() ?? []);
    }
}

/// <summary>The store's copy does not match what was sent: transient (the upload is simply done again).</summary>
public sealed class UploadVerificationException(string message) : Exception(message);

/// <summary>Metadata names the gateway puts on every object. Never a patient attribute.</summary>
public static class ObjectMetadata
{
    public const string Sha256 = "sha256";
    public const string SopClass = "sop-class";
    public const string TransferSyntax = "transfer-syntax";
    public const string Gateway = "gateway";
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Imaging.Edge.CloudSync.Stores;

/// <summary>
/// The embedded default: objects are files under a root folder, with the semantics of a bucket. A put is as durable
/// as the gateway's intake, because the gateway deletes its local copy once this copy is verified: the content goes
/// to a temporary file, its MD5 is checked, it is fsynced, renamed into place (so a reader sees all or nothing) and
/// the folder is fsynced (and every folder the put created, in its parent) before the put returns. Metadata sits
/// beside the object in <c>{key}.meta.json</c>, written the same way and only after the object: a crash in between
/// leaves an object with no or stale metadata, whose SHA-256 then fails verification — never new metadata beside
/// old bytes, which would look verified. Multipart parts are files under <c>.multipart/{uploadId}/</c>, each as
/// durable as an object, so that a part the uploader's checkpoint counts is still there after a power cut.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const string MetadataSuffix = ".meta.json";
    private const string MultipartFolder = ".multipart";
    private const string TemporaryFolder = ".tmp";
    private readonly string _root;

    public FileSystemObjectStore(string root, string name = "file")
    {
        _root = System.IO.Path.GetFullPath(root);
        Name = name;
        Directory.CreateDirectory(_root);
    }

    public string Name { get; }
    public string Location => _root;

    public async Task<PutResult> PutAsync(string key, ObjectContent content, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var destination = PathOf(key);
        var temporary = await CopyVerifiedAsync(content, cancellationToken).ConfigureAwait(false);
        await PublishAsync(temporary, destination, metadata, cancellationToken).ConfigureAwait(false);
        return new PutResult(Convert.ToHexStringLower(content.Md5));
    }

    /// <summary>
    /// Puts a fsynced temporary file in place as the object at <paramref name="destination"/>, then its metadata; each
    /// rename is followed by an fsync of the folder. Two folder syncs, not one: with one, a power cut could keep the
    /// metadata's rename and lose the object's, and new metadata beside a replaced object's old bytes looks verified.
    /// </summary>
    private async Task PublishAsync(string temporary, string destination, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        string? temporaryMetadata = null;
        try
        {
            temporaryMetadata = await WriteTemporaryAsync(JsonSerializer.SerializeToUtf8Bytes(metadata), cancellationToken).ConfigureAwait(false);
            var folder = System.IO.Path.GetDirectoryName(destination)!;
            CreateFolderDurably(folder);
            File.Move(temporary, destination, overwrite: true);
            DirectorySync.Sync(folder);
            File.Move(temporaryMetadata, destination + MetadataSuffix, overwrite: true);
            DirectorySync.Sync(folder);
        }
        catch
        {
            File.Delete(temporary);
            if (temporaryMetadata is not null) File.Delete(temporaryMetadata);
            throw;
        }
    }

    /// <summary>
    /// Creates the folder and the missing ones above it, each made durable in its parent. A folder that another put is
    /// creating at the same moment is synced by that put before it returns.
    /// </summary>
    private static void CreateFolderDurably(string folder)
    {
        var missing = new Stack<string>();
        for (var current = folder; !Directory.Exists(current); current = System.IO.Path.GetDirectoryName(current)!)
            missing.Push(current);
        while (missing.TryPop(out var created))
        {
            Directory.CreateDirectory(created);
            DirectorySync.Sync(System.IO.Path.GetDirectoryName(created)!);
        }
    }

    /// <summary>Writes the bytes to a new temporary file and fsyncs it. Returns its path.</summary>
    private async Task<string> WriteTemporaryAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = NewTemporaryPath();
        try
        {
            await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
            return temporary;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult<ObjectInfo?>(null);
        return Task.FromResult<ObjectInfo?>(Describe(key, path));
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var path in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = System.IO.Path.GetRelativePath(_root, path).Replace('\\', '/');
            if (key.StartsWith(MultipartFolder + "/", StringComparison.Ordinal) || key.StartsWith(TemporaryFolder + "/", StringComparison.Ordinal)
                || key.EndsWith(MetadataSuffix, StringComparison.Ordinal) || !key.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            yield return Describe(key, path);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(path))) return Task.CompletedTask;
        File.Delete(path);
        File.Delete(path + MetadataSuffix);
        RemoveEmptyFolders(System.IO.Path.GetDirectoryName(path)!);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A bucket has no folders: once its last object is gone, a folder (named after a study or series UID) goes too,
    /// up to the root. Best effort: a folder that a put is filling at the same moment stays.
    /// </summary>
    private void RemoveEmptyFolders(string folder)
    {
        while (folder.Length > _root.Length && folder.StartsWith(_root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            folder = System.IO.Path.GetDirectoryName(folder)!;
        }
    }

    public async Task<string> StartMultipartAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        PathOf(key); // refuse a bad key now, not at completion
        var uploadId = Guid.NewGuid().ToString("N");
        var folder = UploadFolder(uploadId);
        CreateFolderDurably(folder);
        // Written whole then renamed: a kill in between leaves no half manifest for the listing to choke on.
        var manifest = await WriteTemporaryAsync(JsonSerializer.SerializeToUtf8Bytes(new UploadManifest(key, metadata, DateTimeOffset.UtcNow)), cancellationToken).ConfigureAwait(false);
        File.Move(manifest, System.IO.Path.Combine(folder, "upload.json"));
        DirectorySync.Sync(folder);
        return uploadId;
    }

    public async Task<UploadedPart> UploadPartAsync(string key, string uploadId, int partNumber, ObjectContent content, CancellationToken cancellationToken)
    {
        var folder = ExistingUpload(key, uploadId);
        var temporary = await CopyVerifiedAsync(content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, System.IO.Path.Combine(folder, PartFileName(partNumber)), overwrite: true);
        DirectorySync.Sync(folder);
        return new UploadedPart(partNumber, Convert.ToHexStringLower(content.Md5), content.Length);
    }

    public Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var folder = ExistingUpload(key, uploadId);
        var parts = Directory.EnumerateFiles(folder, "part-*")
            .Select(path => (Path: path, Number: int.Parse(System.IO.Path.GetFileName(path)["part-".Length..], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(p => p.Number)
            .Select(p => new UploadedPart(p.Number, Convert.ToHexStringLower(Md5Of(p.Path)), new FileInfo(p.Path).Length))
            .ToList();
        return Task.FromResult<IReadOnlyList<UploadedPart>>(parts);
    }

    public async Task<PutResult> CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        var folder = ExistingUpload(key, uploadId);
        var manifest = ReadManifest(folder);
        foreach (var part in parts)
        {
            if (!File.Exists(System.IO.Path.Combine(folder, PartFileName(part.PartNumber))))
                throw new ObjectStoreException(ObjectStoreErrorKind.Permanent, $"part {part.PartNumber} was never uploaded", "InvalidPart");
        }
        var temporary = NewTemporaryPath();
        try
        {
            await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            foreach (var part in parts.OrderBy(p => p.PartNumber))
            {
                await using var input = File.OpenRead(System.IO.Path.Combine(folder, PartFileName(part.PartNumber)));
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
            output.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        await PublishAsync(temporary, PathOf(key), manifest.Metadata, cancellationToken).ConfigureAwait(false);
        Directory.Delete(folder, recursive: true);
        return new PutResult($"{parts.Count}-parts");
    }

    public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var folder = UploadFolder(uploadId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<PendingMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var root = System.IO.Path.Combine(_root, MultipartFolder);
        if (!Directory.Exists(root)) yield break;
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            UploadManifest manifest;
            try
            {
                manifest = ReadManifest(folder);
            }
            catch (Exception e) when (e is IOException or JsonException or ObjectStoreException)
            {
                continue; // a folder from a start that was cut short: no upload to list
            }
            if (manifest.Key.StartsWith(prefix, StringComparison.Ordinal))
                yield return new PendingMultipartUpload(manifest.Key, System.IO.Path.GetFileName(folder), manifest.Initiated);
        }
    }

    private sealed record UploadManifest(string Key, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset Initiated);

    /// <summary>Copies the content to a new temporary file, fsynced, and checks its MD5 as a bucket would check Content-MD5.</summary>
    private async Task<string> CopyVerifiedAsync(ObjectContent content, CancellationToken cancellationToken)
    {
        var temporary = NewTemporaryPath();
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            await using (var input = content.Open())
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                // No larger than the content: 256 KiB for every small instance was a large-object-heap allocation each.
                var buffer = new byte[(int)Math.Min(256 * 1024, Math.Max(1, content.Length))];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    md5.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                output.Flush(flushToDisk: true);
            }
            if (!md5.GetHashAndReset().AsSpan().SequenceEqual(content.Md5))
                throw new ObjectStoreException(ObjectStoreErrorKind.Transient, "the content's MD5 does not match (BadDigest)", "BadDigest");
            return temporary;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private string NewTemporaryPath()
    {
        var folder = System.IO.Path.Combine(_root, TemporaryFolder);
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N"));
    }

    private string UploadFolder(string uploadId) =>
        System.IO.Path.Combine(_root, MultipartFolder, uploadId.All(char.IsAsciiHexDigit) ? uploadId : throw new ObjectStoreException(ObjectStoreErrorKind.NoSuchUpload, "not an upload id", "NoSuchUpload"));

    private string ExistingUpload(string key, string uploadId)
    {
        var folder = UploadFolder(uploadId);
        if (!Directory.Exists(folder) || ReadManifest(folder).Key != key)
            throw new ObjectStoreException(ObjectStoreErrorKind.NoSuchUpload, "the multipart upload does not exist", "NoSuchUpload");
        return folder;
    }

    private static UploadManifest ReadManifest(string folder) =>
        JsonSerializer.Deserialize<UploadManifest>(File.ReadAllText(System.IO.Path.Combine(folder, "upload.json")))
        ?? throw new ObjectStoreException(ObjectStoreErrorKind.NoSuchUpload, "the multipart upload is unreadable", "NoSuchUpload");

    private static string PartFileName(int partNumber) => $"part-{partNumber:D5}";

    private static byte[] Md5Of(string path)
    {
        using var stream = File.OpenRead(path);
        return MD5.HashData(stream);
    }

    private ObjectInfo Describe(string key, string path)
    {
        var metadataPath = path + MetadataSuffix;
        var metadata = File.Exists(metadataPath)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(metadataPath)) ?? []
            : [];
        return new ObjectInfo(key, new FileInfo(path).Length, null, metadata);
    }

    /// <summary>
    /// Keys are slash-separated relative paths of plain segments: no empty, '.' or '..' segment (which would alias
    /// another key or leave the root), nothing under the store's own folders, no name that would collide with a
    /// metadata file.
    /// </summary>
    private string PathOf(string key)
    {
        var segments = key.Split('/');
        if (key.Length == 0 || key.Contains('\\') || segments.Any(s => s is "" or "." or "..")
            || segments[0] is MultipartFolder or TemporaryFolder || key.EndsWith(MetadataSuffix, StringComparison.Ordinal))
            throw new ObjectStoreException(ObjectStoreErrorKind.Permanent, "object key not allowed in this store", "InvalidArgument");
        return System.IO.Path.Combine(_root, System.IO.Path.Combine(segments));
    }
}

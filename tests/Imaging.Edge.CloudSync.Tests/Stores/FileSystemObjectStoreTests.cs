using System.Security.Cryptography;
using Imaging.Edge.CloudSync.Stores;
using Imaging.Edge.CloudSync.Tests.Fakes;
using Imaging.Edge.CloudSync.Tests.Tracing;

namespace Imaging.Edge.CloudSync.Tests.Stores;

public sealed class FileSystemObjectStoreTests : IDisposable
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private readonly TempFolder _temp = new();
    private readonly FileSystemObjectStore _store;
    private readonly CancellationToken _ct = CancellationToken.None;

    public FileSystemObjectStoreTests() => _store = new FileSystemObjectStore(_temp.Combine("bucket"));

    public void Dispose() => _temp.Dispose();

    private ObjectContent ContentOf(string path, long offset = 0, long? length = null)
    {
        var size = length ?? new FileInfo(path).Length - offset;
        var bytes = File.ReadAllBytes(path).AsSpan((int)offset, (int)size).ToArray();
        return new ObjectContent(path, offset, size, MD5.HashData(bytes));
    }

    private string Source(int size, int seed = 1) => _temp.WriteRandomFile($"source-{seed}-{size}.bin", size, seed);

    private string TemporaryFolder => Path.Combine(_store.Location, ".tmp");

    private bool NoTemporaryFiles => !Directory.Exists(TemporaryFolder) || Directory.GetFiles(TemporaryFolder).Length == 0;

    private async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(_ct)) list.Add(item);
        return list;
    }

    [Fact]
    public async Task Put_then_head_gives_size_and_metadata()
    {
        var source = Source(10_000);
        var metadata = new Dictionary<string, string> { ["sha256"] = "abc", ["gateway"] = "gw01" };

        var put = await _store.PutAsync("site/study/series/a.dcm", ContentOf(source), metadata, _ct);
        var head = await _store.HeadAsync("site/study/series/a.dcm", _ct);

        Assert.NotNull(head);
        Assert.Equal(10_000, head.Size);
        Assert.Equal(metadata, head.Metadata);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(source))), put.ETag);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(Path.Combine(_store.Location, "site/study/series/a.dcm")));
    }

    [Fact]
    public async Task Put_of_a_range_stores_only_that_range()
    {
        var source = Source(10_000);

        await _store.PutAsync("part.bin", ContentOf(source, 1_000, 2_500), NoMetadata, _ct);

        Assert.Equal(File.ReadAllBytes(source)[1_000..3_500], File.ReadAllBytes(Path.Combine(_store.Location, "part.bin")));
    }

    [Fact]
    public async Task Put_again_replaces_the_object_and_its_metadata()
    {
        await _store.PutAsync("k", ContentOf(Source(100, 1)), new Dictionary<string, string> { ["v"] = "1" }, _ct);
        await _store.PutAsync("k", ContentOf(Source(200, 2)), new Dictionary<string, string> { ["v"] = "2" }, _ct);

        var head = await _store.HeadAsync("k", _ct);

        Assert.Equal(200, head!.Size);
        Assert.Equal("2", head.Metadata["v"]);
    }

    [Fact]
    public async Task Head_of_a_missing_object_is_null()
    {
        Assert.Null(await _store.HeadAsync("no/such/object", _ct));
    }

    [Fact]
    public async Task List_returns_the_objects_under_a_prefix_only()
    {
        var source = Source(10);
        foreach (var key in new[] { "a/1/x.dcm", "a/1/y.dcm", "a/2/z.dcm", "b/1/x.dcm" })
            await _store.PutAsync(key, ContentOf(source), NoMetadata, _ct);

        var underA1 = await ToListAsync(_store.ListAsync("a/1/", _ct));
        var all = await ToListAsync(_store.ListAsync("", _ct));

        Assert.Equal(["a/1/x.dcm", "a/1/y.dcm"], underA1.Select(o => o.Key));
        Assert.Equal(["a/1/x.dcm", "a/1/y.dcm", "a/2/z.dcm", "b/1/x.dcm"], all.Select(o => o.Key));
        Assert.All(all, o => Assert.Equal(10, o.Size));
    }

    [Fact]
    public async Task List_does_not_show_pending_multipart_uploads_or_metadata_files()
    {
        await _store.PutAsync("a/x.dcm", ContentOf(Source(10)), new Dictionary<string, string> { ["m"] = "1" }, _ct);
        var uploadId = await _store.StartMultipartAsync("a/y.dcm", NoMetadata, _ct);
        await _store.UploadPartAsync("a/y.dcm", uploadId, 1, ContentOf(Source(10)), _ct);

        var all = await ToListAsync(_store.ListAsync("", _ct));

        Assert.Equal(["a/x.dcm"], all.Select(o => o.Key));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_is_idempotent()
    {
        await _store.PutAsync("a/x.dcm", ContentOf(Source(10)), NoMetadata, _ct);

        await _store.DeleteAsync("a/x.dcm", _ct);

        Assert.Null(await _store.HeadAsync("a/x.dcm", _ct));
        Assert.Empty(await ToListAsync(_store.ListAsync("", _ct)));
    }

    [Fact]
    public async Task Delete_of_a_missing_key_in_an_existing_folder_is_not_an_error()
    {
        await _store.PutAsync("a/x.dcm", ContentOf(Source(10)), NoMetadata, _ct);

        await _store.DeleteAsync("a/never.dcm", _ct);

        Assert.NotNull(await _store.HeadAsync("a/x.dcm", _ct));
    }

    /// <summary>
    /// IObjectStore.DeleteAsync: deleting one that is not there is not an error, even when its folder does not exist
    /// (a study never uploaded, or a retry after the folder was cleaned): File.Delete would throw DirectoryNotFoundException.
    /// </summary>
    [Fact]
    public async Task Delete_of_a_key_whose_folder_does_not_exist_is_not_an_error()
    {
        await _store.DeleteAsync("never/was/here.dcm", _ct);

        Assert.Null(await _store.HeadAsync("never/was/here.dcm", _ct));
    }

    [Fact]
    public async Task Put_whose_md5_does_not_match_is_transient_BadDigest_and_leaves_no_object_and_no_temporary_file()
    {
        var source = Source(5_000);
        var wrong = ContentOf(source) with { Md5 = MD5.HashData(new byte[] { 1, 2, 3 }) };

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => _store.PutAsync("a/bad.dcm", wrong, NoMetadata, _ct));

        Assert.Equal(ObjectStoreErrorKind.Transient, error.Kind);
        Assert.Equal("BadDigest", error.Code);
        Assert.Null(await _store.HeadAsync("a/bad.dcm", _ct));
        Assert.False(File.Exists(Path.Combine(_store.Location, "a/bad.dcm.meta.json")));
        Assert.True(NoTemporaryFiles);
    }

    [Fact]
    public async Task Put_whose_md5_does_not_match_keeps_the_previous_object()
    {
        var first = Source(100, 1);
        await _store.PutAsync("k", ContentOf(first), new Dictionary<string, string> { ["v"] = "1" }, _ct);

        await Assert.ThrowsAsync<ObjectStoreException>(() =>
            _store.PutAsync("k", ContentOf(Source(200, 2)) with { Md5 = new byte[16] }, new Dictionary<string, string> { ["v"] = "2" }, _ct));

        var head = await _store.HeadAsync("k", _ct);
        Assert.Equal(100, head!.Size);
        Assert.Equal("1", head.Metadata["v"]);
    }

    [Fact]
    public async Task Part_whose_md5_does_not_match_is_BadDigest_and_leaves_no_part_and_no_temporary_file()
    {
        var uploadId = await _store.StartMultipartAsync("big", NoMetadata, _ct);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            _store.UploadPartAsync("big", uploadId, 1, ContentOf(Source(100)) with { Md5 = new byte[16] }, _ct));

        Assert.Equal("BadDigest", error.Code);
        Assert.Empty(await _store.ListPartsAsync("big", uploadId, _ct));
        Assert.True(NoTemporaryFiles);
    }

    [Theory]
    [InlineData("../escape.dcm")]
    [InlineData("a/../../escape.dcm")]
    [InlineData("..")]
    [InlineData(".multipart/x")]
    [InlineData(".multipart")]
    [InlineData(".tmp/x")]
    [InlineData("a\\b")]
    [InlineData("/etc/passwd")]
    public async Task Keys_outside_the_store_or_in_its_own_folders_are_refused_as_permanent(string key)
    {
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => _store.PutAsync(key, ContentOf(Source(10)), NoMetadata, _ct));

        Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
        Assert.True(NoTemporaryFiles);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "escape.dcm")));
    }

    /// <summary>
    /// A key with a "." or ".." segment would alias another key (S3 keeps "a/../b" and "b" apart) or reach the store's
    /// own folders ("x/../.multipart/{id}/part-00001" would overwrite a part of a pending upload): refused.
    /// </summary>
    [Theory]
    [InlineData("x/../.multipart/upload")]
    [InlineData("x/../.tmp/file")]
    [InlineData("a/../b.dcm")]
    [InlineData("a/./b.dcm")]
    public async Task Keys_with_dot_segments_are_refused_as_permanent(string key)
    {
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => _store.PutAsync(key, ContentOf(Source(10)), NoMetadata, _ct));

        Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
    }

    /// <summary>
    /// Metadata sits in "{key}.meta.json" beside the object: a key ending in ".meta.json" would overwrite the metadata
    /// (the SHA-256) of another object and hide it from List, so it is refused.
    /// </summary>
    [Fact]
    public async Task A_key_ending_in_meta_json_cannot_overwrite_another_objects_metadata()
    {
        await _store.PutAsync("a.dcm", ContentOf(Source(10)), new Dictionary<string, string> { ["sha256"] = "original" }, _ct);

        try
        {
            await _store.PutAsync("a.dcm.meta.json", ContentOf(Source(20, 2)), NoMetadata, _ct);
        }
        catch (ObjectStoreException e) when (e.Kind == ObjectStoreErrorKind.Permanent)
        {
            // Refusing the key is a fine answer.
        }

        var head = await _store.HeadAsync("a.dcm", _ct);
        Assert.Equal("original", head!.Metadata["sha256"]);
    }

    [Fact]
    public async Task Multipart_start_upload_list_complete_yields_the_concatenation()
    {
        var one = Source(5_000, 1);
        var two = Source(5_000, 2);
        var three = Source(1_234, 3);
        var metadata = new Dictionary<string, string> { ["sha256"] = "whole" };

        var uploadId = await _store.StartMultipartAsync("a/big.dcm", metadata, _ct);
        var p3 = await _store.UploadPartAsync("a/big.dcm", uploadId, 3, ContentOf(three), _ct);
        var p1 = await _store.UploadPartAsync("a/big.dcm", uploadId, 1, ContentOf(one), _ct);
        var p2 = await _store.UploadPartAsync("a/big.dcm", uploadId, 2, ContentOf(two), _ct);
        var listed = await _store.ListPartsAsync("a/big.dcm", uploadId, _ct);
        var completed = await _store.CompleteMultipartAsync("a/big.dcm", uploadId, [p3, p1, p2], _ct);

        Assert.Equal([p1, p2, p3], listed);
        Assert.Equal([1, 2, 3], listed.Select(p => p.PartNumber));
        Assert.Equal([5_000L, 5_000L, 1_234L], listed.Select(p => p.Size));
        Assert.NotNull(completed.ETag);
        var expected = File.ReadAllBytes(one).Concat(File.ReadAllBytes(two)).Concat(File.ReadAllBytes(three)).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(_store.Location, "a/big.dcm")));
        var head = await _store.HeadAsync("a/big.dcm", _ct);
        Assert.Equal(expected.Length, head!.Size);
        Assert.Equal("whole", head.Metadata["sha256"]);
        Assert.Empty(await ToListAsync(_store.ListMultipartUploadsAsync("", _ct)));
        Assert.True(NoTemporaryFiles);
    }

    [Fact]
    public async Task A_part_uploaded_again_replaces_the_earlier_one()
    {
        var uploadId = await _store.StartMultipartAsync("k", NoMetadata, _ct);
        await _store.UploadPartAsync("k", uploadId, 1, ContentOf(Source(100, 1)), _ct);
        var again = await _store.UploadPartAsync("k", uploadId, 1, ContentOf(Source(50, 2)), _ct);

        var listed = await _store.ListPartsAsync("k", uploadId, _ct);

        Assert.Equal([again], listed);
    }

    [Fact]
    public async Task ListParts_after_abort_is_NoSuchUpload()
    {
        var uploadId = await _store.StartMultipartAsync("a/big.dcm", NoMetadata, _ct);
        await _store.UploadPartAsync("a/big.dcm", uploadId, 1, ContentOf(Source(100)), _ct);

        await _store.AbortMultipartAsync("a/big.dcm", uploadId, _ct);
        await _store.AbortMultipartAsync("a/big.dcm", uploadId, _ct);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => _store.ListPartsAsync("a/big.dcm", uploadId, _ct));
        Assert.Equal(ObjectStoreErrorKind.NoSuchUpload, error.Kind);
        Assert.Empty(await ToListAsync(_store.ListMultipartUploadsAsync("", _ct)));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("../../etc")]
    [InlineData("")]
    public async Task Unknown_or_malformed_upload_ids_are_NoSuchUpload(string uploadId)
    {
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => _store.ListPartsAsync("k", uploadId, _ct));

        Assert.Equal(ObjectStoreErrorKind.NoSuchUpload, error.Kind);
    }

    [Fact]
    public async Task An_upload_id_of_another_key_is_NoSuchUpload()
    {
        var uploadId = await _store.StartMultipartAsync("a", NoMetadata, _ct);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => _store.UploadPartAsync("b", uploadId, 1, ContentOf(Source(10)), _ct));

        Assert.Equal(ObjectStoreErrorKind.NoSuchUpload, error.Kind);
    }

    [Fact]
    public async Task ListMultipartUploads_shows_the_pending_ones_under_the_prefix()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var pending = await _store.StartMultipartAsync("site/s1/big.dcm", NoMetadata, _ct);
        var other = await _store.StartMultipartAsync("other/big.dcm", NoMetadata, _ct);
        var done = await _store.StartMultipartAsync("site/s2/done.dcm", NoMetadata, _ct);
        var part = await _store.UploadPartAsync("site/s2/done.dcm", done, 1, ContentOf(Source(10)), _ct);
        await _store.CompleteMultipartAsync("site/s2/done.dcm", done, [part], _ct);

        var listed = await ToListAsync(_store.ListMultipartUploadsAsync("site/", _ct));

        var upload = Assert.Single(listed);
        Assert.Equal("site/s1/big.dcm", upload.Key);
        Assert.Equal(pending, upload.UploadId);
        Assert.InRange(upload.Initiated, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Contains(other, (await ToListAsync(_store.ListMultipartUploadsAsync("", _ct))).Select(u => u.UploadId));
    }

    [Fact]
    public async Task Complete_with_a_part_never_uploaded_is_a_permanent_InvalidPart()
    {
        var uploadId = await _store.StartMultipartAsync("k", NoMetadata, _ct);
        var p1 = await _store.UploadPartAsync("k", uploadId, 1, ContentOf(Source(10)), _ct);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() =>
            _store.CompleteMultipartAsync("k", uploadId, [p1, p1 with { PartNumber = 2 }], _ct));

        Assert.Equal(ObjectStoreErrorKind.Permanent, error.Kind);
        Assert.Equal("InvalidPart", error.Code);
        Assert.Null(await _store.HeadAsync("k", _ct));
    }

    /// <summary>A completion that fails (a part never uploaded) leaves no file in .tmp/ that nothing would remove.</summary>
    [Fact]
    public async Task Complete_with_a_part_never_uploaded_leaves_no_temporary_file()
    {
        var uploadId = await _store.StartMultipartAsync("k", NoMetadata, _ct);
        var p1 = await _store.UploadPartAsync("k", uploadId, 1, ContentOf(Source(10)), _ct);

        await Assert.ThrowsAsync<ObjectStoreException>(() => _store.CompleteMultipartAsync("k", uploadId, [p1, p1 with { PartNumber = 2 }], _ct));

        Assert.True(NoTemporaryFiles);
    }

    /// <summary>
    /// A process killed while starting an upload can leave a folder without (or with a truncated) upload.json: the
    /// listing skips it, so the orphan sweep keeps working.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{\"Key\":\"a/b")]
    public async Task An_upload_folder_left_without_a_whole_manifest_does_not_break_the_listing(string? manifest)
    {
        var good = await _store.StartMultipartAsync("a/good.dcm", NoMetadata, _ct);
        var broken = Path.Combine(_store.Location, ".multipart", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(broken);
        if (manifest is not null) File.WriteAllText(Path.Combine(broken, "upload.json"), manifest);

        var listed = await ToListAsync(_store.ListMultipartUploadsAsync("", _ct));

        Assert.Contains(good, listed.Select(u => u.UploadId));
    }
    /// <summary>
    /// The one rule: a verified copy in the file store must survive a power cut, so a put is as durable as intake —
    /// the object's temporary file fsynced, renamed into place, its folder fsynced (and every folder the put created,
    /// in its parent), the metadata file the same way and only after the object (a crash in between leaves an object
    /// whose stale or missing SHA-256 fails verification, never new metadata beside old bytes) — all before the put
    /// returns. Seen on the real system calls, with strace attached to this process.
    /// </summary>
    [Fact]
    public async Task Put_fsyncs_file_then_renames_then_fsyncs_folder_before_it_returns()
    {
        var root = _store.Location;
        var content = ContentOf(Source(5_000));
        var metadata = new Dictionary<string, string> { ["sha256"] = "abc" };
        var afterPut = Path.Combine(root, "after-put-marker");

        // Only the calls on this store's files: the trace covers the whole test process.
        List<string> lines;
        await using (var trace = await SyscallTrace.StartAsync(_temp.Path))
        {
            await _store.PutAsync("site/study/a.dcm", content, metadata, _ct);
            SyscallTrace.TryOpen(afterPut);
            lines = [.. (await trace.StopAsync()).Where(l => l.Contains(root, StringComparison.Ordinal))];
        }

        var returned = Index(lines, l => l.Contains($"\"{afterPut}\"", StringComparison.Ordinal), "the marker opened after the put returned");
        var dest = Path.Combine(root, "site", "study", "a.dcm");
        var folder = Path.GetDirectoryName(dest)!;
        // "fsync(7</path>) = 0", or "fsync(7</path> <unfinished ...>" when another thread's call comes in between.
        int FsyncOf(string path, int after) => Index(lines, l => l.Contains("fsync(", StringComparison.Ordinal) && l.Contains($"<{path}>", StringComparison.Ordinal), $"fsync of {path}", after);

        foreach (var (created, parent) in new[] { (Path.Combine(root, "site"), root), (folder, Path.Combine(root, "site")) })
        {
            // "= 0", or "<unfinished ...>" when another thread's call comes in between (its "resumed" line names no path);
            // a folder that already existed ends "= -1 EEXIST" and made nothing.
            var mkdir = Index(lines, l => l.Contains("mkdir", StringComparison.Ordinal) && l.Contains($"\"{created}\"", StringComparison.Ordinal)
                && (l.EndsWith("= 0", StringComparison.Ordinal) || l.EndsWith("<unfinished ...>", StringComparison.Ordinal)), $"mkdir {created}");
            Assert.True(FsyncOf(parent, mkdir) < returned, $"the new folder {created} must be made durable in {parent} before the put returns\n{string.Join('\n', lines)}");
        }

        var objectRename = Index(lines, l => l.Contains("rename", StringComparison.Ordinal) && l.Contains($"\"{dest}\"", StringComparison.Ordinal), "rename into place");
        var metaRename = Index(lines, l => l.Contains("rename", StringComparison.Ordinal) && l.Contains($"\"{dest}.meta.json\"", StringComparison.Ordinal), "rename of the metadata into place");
        Assert.True(objectRename < metaRename, "the object goes into place before its metadata");
        foreach (var rename in new[] { objectRename, metaRename })
        {
            var temporary = lines[rename].Split('"')[1];
            Assert.True(FsyncOf(temporary, -1) < rename, $"{temporary} must be fsynced before it is renamed\n{string.Join('\n', lines)}");
            Assert.True(FsyncOf(folder, rename) < returned, $"the folder must be fsynced after the rename and before the put returns\n{string.Join('\n', lines)}");
        }
    }

    private static int Index(List<string> lines, Func<string, bool> match, string what, int after = -1)
    {
        for (var i = after + 1; i < lines.Count; i++)
            if (match(lines[i])) return i;
        Assert.Fail($"no {what} after line {after} in the trace:\n{string.Join('\n', lines)}");
        return -1;
    }
}

using Imaging.Edge.Dicom.Dimse;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Integration.Tests.Infrastructure;

/// <summary>What became of one file sent by <see cref="CorpusSender"/>.</summary>
public sealed record CorpusSendResult(CorpusFile File, ushort? Status, string? Error, string? ReceivedPath)
{
    public bool Succeeded => Status == DimseStatus.Success && ReceivedPath is not null;
    public string Describe() => Error ?? (Status is { } s ? $"0x{s:X4}" : "no status");
}

/// <summary>
/// Sends corpus files raw (their own data set bytes, in their own transfer syntax) with our <see cref="ClientAssociation"/>:
/// one presentation context per distinct (SOP class, transfer syntax) pair, ids 1, 3, 5…, at most 128 per association.
/// Files are sent one at a time so that each success can be matched to the file the receiver created for it.
/// </summary>
internal static class CorpusSender
{
    private const int MaxContextsPerAssociation = 128;

    public static async Task<IReadOnlyList<CorpusSendResult>> SendAllAsync(ReceiverUnderTest receiver, IReadOnlyList<CorpusFile> files, CancellationToken cancellationToken)
    {
        var pairs = files.Select(f => (f.Meta.MediaStorageSopClassUid, f.Meta.TransferSyntaxUid)).Distinct().ToList();
        var results = new List<CorpusSendResult>();
        var known = new HashSet<string>(receiver.ReceivedFiles(), StringComparer.Ordinal);
        foreach (var chunk in pairs.Chunk(MaxContextsPerAssociation))
        {
            var proposals = chunk.Select((p, i) => new PresentationContextProposal((byte)(2 * i + 1), p.MediaStorageSopClassUid, [p.TransferSyntaxUid])).ToList();
            var inChunk = chunk.ToHashSet();
            var options = new DicomClientOptions
            {
                Host = "127.0.0.1",
                Port = receiver.Port,
                CallingAeTitle = "CORPUS_SCU",
                CalledAeTitle = ReceiverUnderTest.AeTitle,
                ResponseTimeout = TimeSpan.FromSeconds(20),
            };
            ClientAssociation? association = null;
            try
            {
                foreach (var file in files.Where(f => inChunk.Contains((f.Meta.MediaStorageSopClassUid, f.Meta.TransferSyntaxUid))))
                {
                    association ??= await ClientAssociation.ConnectAsync(options, proposals, cancellationToken);
                    ushort? status = null;
                    string? error = null;
                    try
                    {
                        status = await association.StoreFileAsync(file.Path, null, cancellationToken);
                    }
                    catch (Exception e) when (e is AssociationAbortedException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
                    {
                        // the association is unusable after an abort; the next file gets a fresh one
                        error = $"{e.GetType().Name}: {e.Message}";
                        await association.DisposeAsync();
                        association = null;
                    }
                    var created = receiver.ReceivedFiles().Where(known.Add).ToList();
                    Assert.True(created.Count <= 1, $"{file.Name}: {created.Count} files appeared for one C-STORE");
                    var receivedPath = created.SingleOrDefault();
                    if (receivedPath is null && status == DimseStatus.Success)
                        receivedPath = IdenticalCopy(receiver, file); // a re-send with identical bytes is acknowledged, not stored twice
                    results.Add(new CorpusSendResult(file, status, error, receivedPath));
                }
                if (association is not null) await association.ReleaseAsync(cancellationToken);
            }
            finally
            {
                if (association is not null) await association.DisposeAsync();
            }
        }
        return results;
    }

    private static string? IdenticalCopy(ReceiverUnderTest receiver, CorpusFile file)
    {
        var sent = CorpusFiles.DataSet(file.Path);
        return receiver.ReceivedFiles().FirstOrDefault(f => CorpusFiles.Read(f).DataSet.AsSpan().SequenceEqual(sent));
    }
}

using System.Text.Json;

namespace Imaging.Edge.CloudSync.Upload;

/// <summary>Progress of a multipart upload, saved after every part so that a restart sends only the missing ones.</summary>
internal sealed record MultipartCheckpoint(string Endpoint, string Key, string UploadId, long PartSize, List<CheckpointPart> Parts)
{
    public string Serialize() => JsonSerializer.Serialize(this);

    /// <summary>Null for no checkpoint, or one that is unreadable (it is only an optimisation: start again).</summary>
    public static MultipartCheckpoint? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            return JsonSerializer.Deserialize<MultipartCheckpoint>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record CheckpointPart(int Number, string ETag, long Size);
